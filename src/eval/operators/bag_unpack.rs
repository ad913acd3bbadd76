//! `evaluate bag_unpack(…) [: (…)]`: fills each output column from a bag slot or an input
//! column (learn.microsoft.com/kusto/query/bag-unpack-plugin).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ast::Span;
use crate::binder::plan::{BagUnpackPlan, ColumnsConflict, UnpackColumn};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Schema, Table};
use crate::value::{convert, fits_column, Type, Value};

pub fn run(input: &Table, plan: &BagUnpackPlan, schema: &Schema, span: &Span) -> Result<Table> {
    let bags = input
        .columns
        .get(plan.bag)
        .ok_or_else(|| missing_column(span))?;
    if let Some(discovered) = &plan.discovered {
        if slot_types(bags, &discovered.ignored) != discovered.slots {
            return Err(Error::at(
                ErrorKind::Evaluation,
                span.clone(),
                "the bags to unpack have other slots than when the query was bound, so the \
                 output columns would be wrong; the input must give the same rows each time it runs",
            ));
        }
    }
    let mut columns = Vec::with_capacity(plan.columns.len());
    for (column, field) in plan.columns.iter().zip(&schema.fields) {
        let from_slot = match (&column.slot, column.input) {
            (Some(slot), Some(_)) => {
                let present = bags.iter().any(|bag| slot_value(bag, slot).is_some());
                match (present, plan.conflict) {
                    (false, _) | (true, ColumnsConflict::KeepSource) => false,
                    (true, ColumnsConflict::ReplaceSource) => true,
                    (true, ColumnsConflict::Error) => return Err(Error::at(
                        ErrorKind::Evaluation,
                        span.clone(),
                        format!(
                            "bag slot `{slot}` has the name of input column `{}`",
                            field.name
                        ),
                    )
                    .with_hint(
                        "pass columnsConflict='replace_source' or columnsConflict='keep_source'",
                    )),
                }
            }
            (Some(_), None) => true,
            (None, _) => false,
        };
        let values = if from_slot {
            slot_values(bags, column, &field.name, span)?
        } else {
            input_values(input, column, &field.name, span)?
        };
        columns.push(Arc::new(values));
    }
    Ok(Table::new(schema.clone(), columns, input.row_count))
}

/// Returns the distinct top-level slots of the property bags with their column types,
/// sorted by name, leaving out the `ignored` slots.
///
/// A slot's type is the type of its values when they all have one, else `dynamic`
/// (learn.microsoft.com/kusto/query/bag-unpack-plugin, "Returns"). The page ignores null
/// values, so a slot that is null in every row makes no column.
///
/// NOTE: JSON integers count as `long` even where `gettype()` says `int`, so one slot of
/// small and large integers is one `long` column; the page does not say which Kusto uses.
/// Slots are sorted by byte order, which the page's examples (`Age, Height, Name`) agree
/// with; they have no two names that differ only in letter case.
/// NOTE: a datetime, timespan or guid packed into a bag (`bag_pack("T", Timestamp)`) is
/// JSON text in this engine, so its column is `string`, where Kusto keeps the value's
/// own type.
pub(crate) fn slot_types(bags: &[Value], ignored: &[String]) -> Vec<(String, Type)> {
    let mut slots: BTreeMap<String, Type> = BTreeMap::new();
    for bag in bags {
        let Value::Dynamic(json) = bag else {
            continue;
        };
        let Some(object) = json.as_object() else {
            continue;
        };
        for (slot, value) in object {
            let Some(ty) = json_type(value) else {
                continue;
            };
            if ignored.iter().any(|name| name == slot) {
                continue;
            }
            slots
                .entry(slot.clone())
                .and_modify(|known| {
                    if *known != ty {
                        *known = Type::Dynamic;
                    }
                })
                .or_insert(ty);
        }
    }
    slots.into_iter().collect()
}

/// Returns the column type of one JSON value in a bag slot, or `None` for null.
fn json_type(value: &serde_json::Value) -> Option<Type> {
    let ty = match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(_) => Type::Bool,
        serde_json::Value::Number(number) if number.as_i64().is_some() => Type::Long,
        serde_json::Value::Number(_) => Type::Real,
        serde_json::Value::String(_) => Type::String,
        serde_json::Value::Array(_) | serde_json::Value::Object(_) => Type::Dynamic,
    };
    Some(ty)
}

/// Returns the value of `slot` in a property bag, or `None` when the value is not a bag
/// or lacks the slot.
///
/// NOTE: a row whose value is not a property bag (null, an array, a scalar) is treated
/// as a bag without slots. The reference page does not say what Kusto does with it.
fn slot_value<'a>(bag: &'a Value, slot: &str) -> Option<&'a serde_json::Value> {
    match bag {
        Value::Dynamic(json) => json.as_object()?.get(slot),
        _ => None,
    }
}

fn slot_values(
    bags: &[Value],
    column: &UnpackColumn,
    name: &str,
    span: &Span,
) -> Result<Vec<Value>> {
    let slot = column.slot.as_deref().unwrap_or_default();
    bags.iter()
        .map(|bag| {
            let value = match slot_value(bag, slot) {
                Some(json) => Value::dynamic(json.clone()),
                None => Value::Null,
            };
            typed(&value, column, name, span)
        })
        .collect()
}

/// Returns the input column's values. A declared column with neither slot nor input
/// column is empty (null, or `""` for strings).
fn input_values(
    input: &Table,
    column: &UnpackColumn,
    name: &str,
    span: &Span,
) -> Result<Vec<Value>> {
    let Some(position) = column.input else {
        return Ok(vec![column.ty.empty_value(); input.row_count]);
    };
    let values = input
        .columns
        .get(position)
        .ok_or_else(|| missing_column(span))?;
    values
        .iter()
        .map(|value| typed(value, column, name, span))
        .collect()
}

/// Converts a value to the declared column type. A value that does not fit fails the
/// query instead of becoming null, because the output schema declares the type.
fn typed(value: &Value, column: &UnpackColumn, name: &str, span: &Span) -> Result<Value> {
    convert(value, column.ty)
        .filter(|_| fits_column(value, column.ty))
        .ok_or_else(|| {
            Error::at(
                ErrorKind::Evaluation,
                span.clone(),
                format!(
                    "value `{}` of column `{name}` does not convert to the declared type {}",
                    value.to_kusto_string(),
                    column.ty
                ),
            )
        })
}

fn missing_column(span: &Span) -> Error {
    Error::at(
        ErrorKind::Evaluation,
        span.clone(),
        "bag_unpack input lacks a column the binder resolved",
    )
}
