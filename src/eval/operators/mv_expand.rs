//! `mv-expand`: one output row per element of the expanded arrays or bags
//! (learn.microsoft.com/kusto/query/mv-expand-operator). Several expressions expand in
//! parallel, and the shorter ones are padded with null. A null value gives one row with
//! null, an empty array or bag gives no row, and any other value gives one row with itself. A
//! bag expands to one-key bags, or to `[key, value]` arrays with `bagexpansion=array`.

use std::sync::Arc;

use crate::binder::plan::{MvExpandPlan, Plan};
use crate::error::{Error, Result};
use crate::eval::expr::evaluate;
use crate::eval::EvalContext;
use crate::table::Table;
use crate::value::{convert, Type, Value};

/// Runs `expand`, the operator of `plan`, over `input`.
pub fn run(
    input: &Table,
    expand: &MvExpandPlan,
    plan: &Plan,
    context: &EvalContext,
) -> Result<Table> {
    let schema = &plan.schema;
    let input_width = input.schema.len();
    let mut source_rows = Vec::new();
    let mut expanded: Vec<Vec<Value>> = vec![Vec::new(); expand.items.len()];
    let mut indexes = Vec::new();
    let mut rows_since_check = 0;
    for row in 0..input.row_count {
        let mut elements = Vec::with_capacity(expand.items.len());
        for item in &expand.items {
            let value = evaluate(&item.expr, input, row, context)?;
            let is_bag = matches!(&value, Value::Dynamic(json) if json.is_object());
            if expand.arrays_only && is_bag {
                return Err(Error::unsupported(
                    item.expr.span.clone(),
                    "mv-apply expands arrays only; expanding a property bag is not supported yet",
                ));
            }
            elements.push(elements_of(&value, expand.bag_as_array));
        }
        let count = elements
            .iter()
            .map(Vec::len)
            .max()
            .unwrap_or(0)
            .min(expand.limit);
        // Stop as soon as the output passes --max-rows, before it takes the memory of
        // every expanded row: one value of each column per row.
        if let Some(max_rows) = context.max_rows {
            if source_rows.len() + count > max_rows {
                return Err(super::too_many_rows(&plan.span, None, max_rows));
            }
        }
        // Count input and output rows since the last check, because one input row can
        // expand to a million.
        rows_since_check += count + 1;
        if rows_since_check >= super::CANCEL_CHECK_ROWS {
            context.check_cancelled(&plan.span)?;
            rows_since_check = 0;
        }
        for position in 0..count {
            source_rows.push(row);
            indexes.push(Value::Long(position as i64));
            for ((values, item), item_elements) in
                expanded.iter_mut().zip(&expand.items).zip(&elements)
            {
                let element = item_elements.get(position).cloned().unwrap_or(Value::Null);
                values.push(match item.to_type {
                    Some(ty) => cast_element(&element, ty),
                    None => element,
                });
            }
        }
    }

    let mut columns: Vec<Arc<Vec<Value>>> = Vec::with_capacity(schema.len());
    for index in 0..input_width {
        let data = &input.columns[index];
        columns.push(Arc::new(
            source_rows.iter().map(|&row| data[row].clone()).collect(),
        ));
    }
    while columns.len() < schema.len() {
        columns.push(Arc::new(Vec::new()));
    }
    for (item, values) in expand.items.iter().zip(expanded) {
        if let Some(slot) = columns.get_mut(item.output) {
            *slot = Arc::new(values);
        }
    }
    if expand.item_index {
        if let Some(last) = columns.last_mut() {
            *last = Arc::new(indexes);
        }
    }
    Ok(Table::new(schema.clone(), columns, source_rows.len()))
}

fn elements_of(value: &Value, bag_as_array: bool) -> Vec<Value> {
    let Value::Dynamic(json) = value else {
        return vec![value.clone()];
    };
    match &**json {
        serde_json::Value::Array(items) => items.iter().cloned().map(Value::dynamic).collect(),
        serde_json::Value::Object(entries) => entries
            .iter()
            .map(|(key, item)| {
                let expanded = if bag_as_array {
                    serde_json::Value::Array(vec![
                        serde_json::Value::String(key.clone()),
                        item.clone(),
                    ])
                } else {
                    let mut single = serde_json::Map::new();
                    single.insert(key.clone(), item.clone());
                    serde_json::Value::Object(single)
                };
                Value::dynamic(expanded)
            })
            .collect(),
        _ => vec![value.clone()],
    }
}

/// `to typeof(T)` casts without parsing: an element whose JSON kind does not fit the type
/// becomes null, which is `""` for a string. Datetimes, timespans and GUIDs are JSON
/// strings inside a dynamic value, so those convert from strings.
fn cast_element(element: &Value, ty: Type) -> Value {
    let Value::Dynamic(json) = element else {
        return ty.empty_value();
    };
    match (ty, &**json) {
        (Type::Dynamic, _) => element.clone(),
        (Type::String, serde_json::Value::String(text)) => Value::from(text.as_str()),
        (Type::Bool, serde_json::Value::Bool(flag)) => Value::Bool(*flag),
        (Type::Long, serde_json::Value::Number(n)) => {
            n.as_i64().map(Value::Long).unwrap_or(Value::Null)
        }
        (Type::Int, serde_json::Value::Number(n)) => n
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .map(Value::Int)
            .unwrap_or(Value::Null),
        (Type::Real | Type::Decimal, serde_json::Value::Number(n)) => {
            n.as_f64().map(Value::Real).unwrap_or(Value::Null)
        }
        (Type::DateTime | Type::Timespan | Type::Guid, serde_json::Value::String(_)) => {
            convert(element, ty).unwrap_or(Value::Null)
        }
        _ => ty.empty_value(),
    }
}
