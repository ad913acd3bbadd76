//! Row-by-row evaluation of bound scalar expressions, with Kusto's null rules:
//! arithmetic and ordering with a null operand give null; `==` gives false and `!=` true
//! when exactly one side is null, and null when both are
//! (learn.microsoft.com/kusto/query/scalar-data-types/null-values).

use std::cmp::Ordering;

use super::text::Needle;
use super::{evaluation_error, EvalContext};
use crate::ast::StringTest;
use crate::binder::plan::{Arithmetic, BoundExpr, BoundKind, Comparison, Needles, RegexPattern};
use crate::error::Result;
use crate::table::Table;
use crate::value::{convert, Type, Value};

/// Evaluates `expr` for one row of `table`.
pub fn evaluate(
    expr: &BoundExpr,
    table: &Table,
    row: usize,
    context: &EvalContext,
) -> Result<Value> {
    let value = match &expr.kind {
        BoundKind::Literal(value) => value.clone(),
        BoundKind::Column(index) => table.columns[*index][row].clone(),
        BoundKind::Negate(operand) => negate(evaluate(operand, table, row, context)?),
        BoundKind::Arithmetic { op, left, right } => {
            let left = evaluate(left, table, row, context)?;
            let right = evaluate(right, table, row, context)?;
            let result = arithmetic(*op, &left, &right);
            if result == Value::Null && overflows_long(*op, &left, &right) {
                return Err(evaluation_error(
                    &expr.span,
                    format!(
                        "integer overflow: the result of {} and {} does not fit in a long; \
                         convert an operand with toreal() to compute in real numbers",
                        left.to_kusto_string(),
                        right.to_kusto_string()
                    ),
                ));
            }
            result
        }
        BoundKind::Compare { op, left, right } => {
            let left = evaluate(left, table, row, context)?;
            let right = evaluate(right, table, row, context)?;
            compare(*op, &left, &right)
        }
        BoundKind::And(left, right) => {
            let left = as_bool(&evaluate(left, table, row, context)?);
            if left == Some(false) {
                return Ok(Value::Bool(false));
            }
            let right = as_bool(&evaluate(right, table, row, context)?);
            match (left, right) {
                (_, Some(false)) => Value::Bool(false),
                (Some(true), Some(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        BoundKind::Or(left, right) => {
            let left = as_bool(&evaluate(left, table, row, context)?);
            if left == Some(true) {
                return Ok(Value::Bool(true));
            }
            let right = as_bool(&evaluate(right, table, row, context)?);
            match (left, right) {
                (_, Some(true)) => Value::Bool(true),
                (Some(false), Some(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        BoundKind::StringTest {
            op,
            text,
            needle,
            prepared,
        } => {
            let text = evaluate(text, table, row, context)?.to_kusto_string();
            let per_row;
            let needle = match prepared {
                Some(constant) => constant,
                None => {
                    let needle_text = evaluate(needle, table, row, context)?.to_kusto_string();
                    per_row = Needle::new(&needle_text, op.case_sensitive);
                    &per_row
                }
            };
            let found = match op.test {
                StringTest::Has => needle.is_term_in(&text),
                StringTest::HasPrefix => needle.is_term_prefix_in(&text),
                StringTest::HasSuffix => needle.is_term_suffix_in(&text),
                StringTest::Contains => needle.is_substring_of(&text),
                StringTest::StartsWith => needle.is_prefix_of(&text),
                StringTest::EndsWith => needle.is_suffix_of(&text),
            };
            Value::Bool(found != op.negated)
        }
        BoundKind::HasAny { text, needles, all } => {
            let text = evaluate(text, table, row, context)?.to_kusto_string();
            let prepared;
            let from_subquery;
            let needles = match needles {
                Needles::Constant(prepared_needles) => prepared_needles,
                Needles::Subquery(subquery) => {
                    from_subquery = context.subquery_needles(subquery)?;
                    from_subquery.as_ref()
                }
                Needles::PerRow(exprs) => {
                    let mut values = Vec::new();
                    for item in exprs {
                        flatten_into(evaluate(item, table, row, context)?, &mut values);
                    }
                    prepared = values
                        .iter()
                        .map(|value| Needle::new(&value.to_kusto_string(), false))
                        .collect::<Vec<_>>();
                    &prepared
                }
            };
            Value::Bool(if *all {
                needles.iter().all(|needle| needle.is_term_in(&text))
            } else {
                super::text::any_term_in(needles, &text)
            })
        }
        BoundKind::In {
            value,
            list,
            negated,
            case_insensitive,
        } => {
            let value = evaluate(value, table, row, context)?;
            let mut candidates = Vec::new();
            for item in list {
                // NOTE: a table's column is searched row by row, so `in` costs its length
                // per row.
                if let BoundKind::SubqueryColumn(subquery) = &item.kind {
                    candidates.extend(context.subquery_column(subquery)?.iter().cloned());
                    continue;
                }
                flatten_into(evaluate(item, table, row, context)?, &mut candidates);
            }
            let found = candidates.iter().any(|candidate| {
                if *case_insensitive {
                    value.to_kusto_string().to_lowercase()
                        == candidate.to_kusto_string().to_lowercase()
                } else {
                    compare(Comparison::Equal, &value, candidate) == Value::Bool(true)
                }
            });
            // NOTE: a null left side gives false for `in` and true for `!in` here, as for
            // `==` against a non-null value; Kusto's documentation does not state it.
            Value::Bool(found != *negated)
        }
        BoundKind::Between {
            value,
            low,
            high,
            negated,
        } => {
            let value = evaluate(value, table, row, context)?;
            let low = evaluate(low, table, row, context)?;
            let high = evaluate(high, table, row, context)?;
            let above = as_bool(&compare(Comparison::GreaterOrEqual, &value, &low));
            let below = as_bool(&compare(Comparison::LessOrEqual, &value, &high));
            match (above, below) {
                (Some(above), Some(below)) => Value::Bool((above && below) != *negated),
                _ => Value::Null,
            }
        }
        BoundKind::MatchesRegex { text, regex } => {
            let text = evaluate(text, table, row, context)?.to_kusto_string();
            match regex {
                RegexPattern::Constant(regex) => Value::Bool(regex.is_match(&text)),
                RegexPattern::PerRow { pattern, cache } => {
                    let pattern = evaluate(pattern, table, row, context)?.to_kusto_string();
                    let regex = cache.get(&pattern).map_err(|message| {
                        evaluation_error(&expr.span, format!("matches regex: {message}"))
                    })?;
                    Value::Bool(regex.is_match(&text))
                }
            }
        }
        BoundKind::Element { value, key } => {
            let value = evaluate(value, table, row, context)?;
            let key = evaluate(key, table, row, context)?;
            element(&value, &key)
        }
        BoundKind::Call {
            function,
            args,
            prepared,
        } => {
            let mut values = Vec::with_capacity(args.len());
            for arg in args {
                values.push(evaluate(arg, table, row, context)?);
            }
            let result = match prepared {
                Some(call) => (call.0)(&values, context),
                None => (function.eval)(&values, context),
            };
            let value = result.map_err(|message| {
                evaluation_error(&expr.span, format!("{}: {message}", function.name))
            })?;
            fit_number(value, expr.ty)
        }
        BoundKind::ToScalar(subquery) => context
            .subquery_column(subquery)?
            .first()
            .cloned()
            .unwrap_or(Value::Null),
        BoundKind::Window {
            value,
            offset,
            default,
        } => {
            let target = i64::try_from(row)
                .ok()
                .and_then(|row| row.checked_add(*offset))
                .and_then(|target| usize::try_from(target).ok())
                .filter(|&target| target < table.row_count);
            match (target, default) {
                (Some(target), _) => evaluate(value, table, target, context)?,
                (None, Some(default)) => evaluate(default, table, row, context)?,
                (None, None) => Value::Null,
            }
        }
        BoundKind::RowNumber {
            start,
            restart: None,
        } => Value::Long(
            i64::try_from(row)
                .ok()
                .and_then(|row| row.checked_add(*start))
                .ok_or_else(|| evaluation_error(&expr.span, "row_number() overflowed a long"))?,
        ),
        BoundKind::RowNumber {
            start,
            restart: Some(restart),
        } => Value::Long(context.restarted_row_number(restart, *start, table, row, &expr.span)?),
        BoundKind::SubqueryColumn(_) => {
            return Err(evaluation_error(
                &expr.span,
                "a table is used as a scalar here; wrap it in toscalar()",
            ))
        }
    };
    Ok(value)
}

/// Reads a value as a condition: bools as they are, a dynamic bool too, anything else
/// (including null) as unknown.
pub fn as_bool(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Dynamic(json) => json.as_bool(),
        _ => None,
    }
}

/// Appends a value to a list of candidates, flattening dynamic arrays one level deep as
/// `in` and `has_any` do with a `dynamic([…])` right side.
fn flatten_into(value: Value, out: &mut Vec<Value>) {
    if let Value::Dynamic(json) = &value {
        if let serde_json::Value::Array(items) = &**json {
            out.extend(items.iter().cloned().map(Value::dynamic));
            return;
        }
    }
    out.push(value);
}

fn negate(value: Value) -> Value {
    match value {
        Value::Int(n) => n.checked_neg().map(Value::Int).unwrap_or(Value::Null),
        Value::Long(n) => n.checked_neg().map(Value::Long).unwrap_or(Value::Null),
        Value::Real(x) => Value::Real(-x),
        Value::Timespan(t) => t.checked_neg().map(Value::Timespan).unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Indexes a dynamic value by a key (bag) or position (array, negative from the end).
/// Anything else, a missing key included, gives null.
pub fn element(value: &Value, key: &Value) -> Value {
    let Value::Dynamic(json) = value else {
        return Value::Null;
    };
    let found = match (&**json, key) {
        (serde_json::Value::Object(bag), Value::String(name)) => bag.get(&**name),
        (serde_json::Value::Array(items), Value::Int(_) | Value::Long(_)) => {
            let index = key.as_i64().unwrap_or(0);
            let position = if index < 0 {
                items.len() as i64 + index
            } else {
                index
            };
            usize::try_from(position).ok().and_then(|at| items.get(at))
        }
        (serde_json::Value::Object(bag), Value::Dynamic(name)) => {
            name.as_str().and_then(|name| bag.get(name))
        }
        _ => None,
    };
    found.cloned().map(Value::dynamic).unwrap_or(Value::Null)
}

/// Converts an integer result to the bound numeric type of its call. `iff(c, 1, 2.5)` is
/// typed real, so it must return 1.0 rather than the long 1, which later arithmetic would
/// divide as an integer. `max_of()` of two ints computes in longs but is typed int.
fn fit_number(value: Value, ty: Type) -> Value {
    match (ty, &value) {
        (Type::Long, Value::Int(n)) => Value::Long(i64::from(*n)),
        (Type::Int, Value::Long(n)) => i32::try_from(*n).map_or(value, Value::Int),
        (Type::Real | Type::Decimal, Value::Int(_) | Value::Long(_)) => {
            value.as_f64().map_or(Value::Null, Value::Real)
        }
        _ => value,
    }
}

/// Integer arithmetic on two `long`-widened operands, or real arithmetic when either is
/// real, plus the datetime and timespan combinations Kusto defines. Integer division
/// truncates; modulo is never negative (learn.microsoft.com/kusto/query/numerical-operators).
pub fn arithmetic(op: Arithmetic, left: &Value, right: &Value) -> Value {
    use Value::*;
    let result = match (left, right) {
        (Null, _) | (_, Null) => None,
        (Int(_) | Long(_), Int(_) | Long(_)) => {
            let (a, b) = (left.as_i64().unwrap_or(0), right.as_i64().unwrap_or(0));
            integer_arithmetic(op, a, b).map(Long)
        }
        (Int(_) | Long(_) | Real(_), Int(_) | Long(_) | Real(_)) => {
            let (a, b) = (left.as_f64().unwrap_or(0.0), right.as_f64().unwrap_or(0.0));
            Some(Real(real_arithmetic(op, a, b)))
        }
        (DateTime(a), Timespan(b)) => match op {
            Arithmetic::Add => a.checked_add(*b).map(Value::datetime),
            Arithmetic::Subtract => a.checked_sub(*b).map(Value::datetime),
            _ => None,
        },
        (Timespan(a), DateTime(b)) if op == Arithmetic::Add => {
            a.checked_add(*b).map(Value::datetime)
        }
        (DateTime(a), DateTime(b)) if op == Arithmetic::Subtract => a.checked_sub(*b).map(Timespan),
        (Timespan(a), Timespan(b)) => match op {
            Arithmetic::Add => a.checked_add(*b).map(Timespan),
            Arithmetic::Subtract => a.checked_sub(*b).map(Timespan),
            Arithmetic::Divide if *b != 0 => Some(Real(*a as f64 / *b as f64)),
            Arithmetic::Modulo if *b != 0 => Some(Timespan(a.rem_euclid(*b))),
            _ => None,
        },
        (Timespan(t), Int(_) | Long(_) | Real(_)) => {
            let factor = right.as_f64().unwrap_or(0.0);
            match op {
                Arithmetic::Multiply => ticks_from_f64(*t as f64 * factor),
                Arithmetic::Divide if factor != 0.0 => ticks_from_f64(*t as f64 / factor),
                _ => None,
            }
        }
        (Int(_) | Long(_) | Real(_), Timespan(t)) if op == Arithmetic::Multiply => {
            ticks_from_f64(left.as_f64().unwrap_or(0.0) * *t as f64)
        }
        _ => None,
    };
    result.unwrap_or(Null)
}

/// True when `op` on two integers has a result outside the range of a long. Kusto fails a
/// query on overflow rather than returning a value
/// (learn.microsoft.com/kusto/concepts/overflow).
fn overflows_long(op: Arithmetic, left: &Value, right: &Value) -> bool {
    let (Some(a), Some(b)) = (integer(left), integer(right)) else {
        return false;
    };
    match op {
        Arithmetic::Add => a.checked_add(b).is_none(),
        Arithmetic::Subtract => a.checked_sub(b).is_none(),
        Arithmetic::Multiply => a.checked_mul(b).is_none(),
        // `long.min / -1` is the only integer division that overflows.
        Arithmetic::Divide | Arithmetic::Modulo => a == i64::MIN && b == -1,
    }
}

fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Int(n) => Some(i64::from(*n)),
        Value::Long(n) => Some(*n),
        _ => None,
    }
}

fn ticks_from_f64(ticks: f64) -> Option<Value> {
    (ticks.is_finite() && ticks.abs() < i64::MAX as f64)
        .then(|| Value::Timespan(ticks.round() as i64))
}

/// NOTE: integer division or modulo by zero gives null here; Kusto's documentation does
/// not say what it returns.
fn integer_arithmetic(op: Arithmetic, a: i64, b: i64) -> Option<i64> {
    match op {
        Arithmetic::Add => a.checked_add(b),
        Arithmetic::Subtract => a.checked_sub(b),
        Arithmetic::Multiply => a.checked_mul(b),
        Arithmetic::Divide => a.checked_div(b),
        Arithmetic::Modulo => a.checked_rem_euclid(b),
    }
}

fn real_arithmetic(op: Arithmetic, a: f64, b: f64) -> f64 {
    match op {
        Arithmetic::Add => a + b,
        Arithmetic::Subtract => a - b,
        Arithmetic::Multiply => a * b,
        Arithmetic::Divide => a / b,
        Arithmetic::Modulo => a.rem_euclid(b),
    }
}

/// Applies a comparison with Kusto's null rules.
pub fn compare(op: Comparison, left: &Value, right: &Value) -> Value {
    let equality = matches!(
        op,
        Comparison::Equal
            | Comparison::NotEqual
            | Comparison::EqualIgnoreCase
            | Comparison::NotEqualIgnoreCase
    );
    match (left.is_null(), right.is_null()) {
        (true, true) => return Value::Null,
        (true, false) | (false, true) if equality => {
            let differs = matches!(op, Comparison::NotEqual | Comparison::NotEqualIgnoreCase);
            return Value::Bool(differs);
        }
        (true, false) | (false, true) => return Value::Null,
        (false, false) => {}
    }
    if matches!(
        op,
        Comparison::EqualIgnoreCase | Comparison::NotEqualIgnoreCase
    ) {
        let same = left.to_kusto_string().to_lowercase() == right.to_kusto_string().to_lowercase();
        return Value::Bool(same == (op == Comparison::EqualIgnoreCase));
    }
    if let Some(same) = integer_text_equal(left, right) {
        match op {
            Comparison::Equal => return Value::Bool(same),
            Comparison::NotEqual => return Value::Bool(!same),
            _ => {}
        }
    }
    let Some(ordering) = order(left, right) else {
        return match op {
            Comparison::Equal => Value::Bool(false),
            Comparison::NotEqual => Value::Bool(true),
            _ => Value::Null,
        };
    };
    let result = match op {
        Comparison::Equal => ordering == Ordering::Equal,
        Comparison::NotEqual => ordering != Ordering::Equal,
        Comparison::Less => ordering == Ordering::Less,
        Comparison::LessOrEqual => ordering != Ordering::Greater,
        Comparison::Greater => ordering == Ordering::Greater,
        Comparison::GreaterOrEqual => ordering != Ordering::Less,
        Comparison::EqualIgnoreCase | Comparison::NotEqualIgnoreCase => false,
    };
    Value::Bool(result)
}

/// Compares a string with an `int` or `long` as text, for `==`, `!=` and `in`, so that
/// `ResultType == 0` on the string column of SigninLogs matches "0". Returns `None` for
/// other pairs of types. Both values are non-null here, and a null number takes the
/// usual null rules before this is reached.
// NOTE: Microsoft's own Sentinel analytic rules compare string columns with integer
// literals this way (Azure-Sentinel, "Azure Portal sign in from another Azure Tenant"),
// but the reference does not document the conversion. Comparing the number's text
// gives the same result as parsing the string for every canonical integer text. Only a
// string such as "00" or "+1" could differ. Ordering comparisons stay binding errors.
fn integer_text_equal(left: &Value, right: &Value) -> Option<bool> {
    let (text, number) = match (left, right) {
        (Value::String(text), number) | (number, Value::String(text)) => (text, number.as_i64()?),
        _ => return None,
    };
    Some(canonical_integer(text) == Some(number))
}

/// Reads text that is exactly how an integer prints (`0`, `-12`, not `00`, `+1` or
/// `-0`), without building the number's text for every row.
fn canonical_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let all_digits = !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit());
    let leading_zero = digits.len() > 1 && digits.starts_with('0');
    if !all_digits || leading_zero || text == "-0" {
        return None;
    }
    text.parse().ok()
}

/// Orders two non-null values of comparable types; numbers compare across int, long and
/// real. A dynamic value is converted to the other side's type first, except that against a
/// number it keeps its own numeric value, so `dynamic(1.5) > 1` is true.
// NOTE: the reference does not say how Kusto compares a dynamic number with a number of
// another type. Comparing by value avoids truncating 1.5 to 1 as `tolong()` would.
pub fn order(left: &Value, right: &Value) -> Option<Ordering> {
    use Value::*;
    match (left, right) {
        (Dynamic(json), Int(_) | Long(_) | Real(_)) if json.is_number() || json.is_string() => {
            order(&dynamic_number(json)?, right)
        }
        (Int(_) | Long(_) | Real(_), Dynamic(json)) if json.is_number() || json.is_string() => {
            order(left, &dynamic_number(json)?)
        }
        (Int(_) | Long(_), Int(_) | Long(_)) => Some(left.as_i64()?.cmp(&right.as_i64()?)),
        (Int(_) | Long(_) | Real(_), Int(_) | Long(_) | Real(_)) => {
            left.as_f64()?.partial_cmp(&right.as_f64()?)
        }
        (String(a), String(b)) => Some(a.cmp(b)),
        (Bool(a), Bool(b)) => Some(a.cmp(b)),
        (Bool(flag), Int(_) | Long(_) | Real(_)) => order(&Long(i64::from(*flag)), right),
        (Int(_) | Long(_) | Real(_), Bool(flag)) => order(left, &Long(i64::from(*flag))),
        (DateTime(a), DateTime(b)) | (Timespan(a), Timespan(b)) => Some(a.cmp(b)),
        (Guid(a), Guid(b)) => Some(a.cmp(b)),
        (Guid(a), String(text)) | (String(text), Guid(a)) => {
            let parsed = crate::value::parse_guid(text)?;
            let ordering = a.cmp(&parsed);
            Some(if matches!(left, Guid(_)) {
                ordering
            } else {
                ordering.reverse()
            })
        }
        (Dynamic(a), Dynamic(b)) => {
            if a == b {
                return Some(Ordering::Equal);
            }
            let scalar = |json: &serde_json::Value| json.is_number() || json.is_string();
            match (a.as_str(), b.as_str()) {
                (Some(x), Some(y)) => Some(x.cmp(y)),
                // Numbers, and a number against a numeric string, compare by value as they
                // do against a typed number, so `in (2)` and `in (dynamic([2]))` agree.
                _ if scalar(a) && scalar(b) => order(&dynamic_number(a)?, &dynamic_number(b)?),
                _ => None,
            }
        }
        (Dynamic(_), other) => {
            let converted = convert(left, other.type_of()?)?;
            if converted.is_null() {
                return None;
            }
            order(&converted, other)
        }
        (other, Dynamic(_)) => {
            let converted = convert(right, other.type_of()?)?;
            if converted.is_null() {
                return None;
            }
            order(other, &converted)
        }
        _ => None,
    }
}

/// Returns the number a dynamic value holds: a long for a JSON integer, or a string of
/// one, that fits, else a real, parsing a string such as "1.5" as a real. `None` for other
/// values.
fn dynamic_number(json: &serde_json::Value) -> Option<Value> {
    if let Some(integer) = json.as_i64() {
        return Some(Value::Long(integer));
    }
    if let Some(real) = json.as_f64() {
        return Some(Value::Real(real));
    }
    let text = json.as_str()?;
    // An integer string keeps every digit: as a real, 9007199254740993 would equal ...992.
    if let Ok(integer) = text.trim().parse::<i64>() {
        return Some(Value::Long(integer));
    }
    crate::value::parse_real_text(text).map(Value::Real)
}

/// The result type of an arithmetic operator, or `None` when the operand types do not
/// combine.
pub fn arithmetic_type(op: Arithmetic, left: Type, right: Type) -> Option<Type> {
    use Type::*;
    let integer = |ty: Type| matches!(ty, Int | Long);
    let number = |ty: Type| matches!(ty, Int | Long | Real | Decimal);
    match (left, right) {
        (l, r) if integer(l) && integer(r) => Some(Long),
        (l, r) if number(l) && number(r) => Some(Real),
        (DateTime, Timespan) if matches!(op, Arithmetic::Add | Arithmetic::Subtract) => {
            Some(DateTime)
        }
        (Timespan, DateTime) if op == Arithmetic::Add => Some(DateTime),
        (DateTime, DateTime) if op == Arithmetic::Subtract => Some(Timespan),
        (Timespan, Timespan) => match op {
            Arithmetic::Add | Arithmetic::Subtract | Arithmetic::Modulo => Some(Timespan),
            Arithmetic::Divide => Some(Real),
            Arithmetic::Multiply => None,
        },
        (Timespan, r) if number(r) && matches!(op, Arithmetic::Multiply | Arithmetic::Divide) => {
            Some(Timespan)
        }
        (l, Timespan) if number(l) && op == Arithmetic::Multiply => Some(Timespan),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{MAX_DATETIME_TICKS, MIN_DATETIME_TICKS};
    use serde_json::json;

    // learn.microsoft.com/kusto/query/scalar-data-types/null-values, "Equality and
    // inequality of null values".
    #[test]
    fn null_equality_rules() {
        assert_eq!(
            compare(Comparison::Equal, &Value::Null, &Value::Null),
            Value::Null
        );
        assert_eq!(
            compare(Comparison::Equal, &Value::Null, &Value::Int(5)),
            Value::Bool(false)
        );
        assert_eq!(
            compare(Comparison::NotEqual, &Value::Null, &Value::Int(5)),
            Value::Bool(true)
        );
        assert_eq!(
            compare(Comparison::NotEqual, &Value::Null, &Value::Null),
            Value::Null
        );
        assert_eq!(
            compare(Comparison::Greater, &Value::Null, &Value::Long(3)),
            Value::Null
        );
    }

    #[test]
    fn numbers_compare_across_types() {
        assert_eq!(
            compare(Comparison::Equal, &Value::Int(6), &Value::Long(6)),
            Value::Bool(true)
        );
        assert_eq!(
            compare(Comparison::Less, &Value::Long(6), &Value::Real(6.5)),
            Value::Bool(true)
        );
    }

    #[test]
    fn strings_compare_with_and_without_case() {
        let a = Value::from("In");
        let b = Value::from("in");
        assert_eq!(compare(Comparison::Equal, &a, &b), Value::Bool(false));
        assert_eq!(
            compare(Comparison::EqualIgnoreCase, &a, &b),
            Value::Bool(true)
        );
        assert_eq!(
            compare(Comparison::NotEqualIgnoreCase, &a, &b),
            Value::Bool(false)
        );
    }

    #[test]
    fn dynamic_compares_with_scalar() {
        let direction = Value::dynamic(json!("In"));
        assert_eq!(
            compare(Comparison::Equal, &direction, &Value::from("In")),
            Value::Bool(true)
        );
        let port = Value::dynamic(json!(445));
        assert_eq!(
            compare(Comparison::Equal, &port, &Value::Long(445)),
            Value::Bool(true)
        );
    }

    // learn.microsoft.com/kusto/query/numerical-operators: integer division truncates,
    // int with int gives long, and modulo is never negative.
    #[test]
    fn arithmetic_rules() {
        assert_eq!(
            arithmetic(Arithmetic::Divide, &Value::Long(1), &Value::Long(2)),
            Value::Long(0)
        );
        assert_eq!(
            arithmetic(Arithmetic::Divide, &Value::Real(1.0), &Value::Long(2)),
            Value::Real(0.5)
        );
        assert_eq!(
            arithmetic(Arithmetic::Add, &Value::Int(1), &Value::Int(2)),
            Value::Long(3)
        );
        assert_eq!(
            arithmetic(Arithmetic::Modulo, &Value::Long(-14), &Value::Long(12)),
            Value::Long(10)
        );
        assert_eq!(
            arithmetic(Arithmetic::Modulo, &Value::Long(14), &Value::Long(-12)),
            Value::Long(2)
        );
        assert_eq!(
            arithmetic(Arithmetic::Add, &Value::Null, &Value::Long(2)),
            Value::Null
        );
        assert_eq!(
            arithmetic_type(Arithmetic::Add, Type::Int, Type::Int),
            Some(Type::Long)
        );
    }

    #[test]
    fn datetime_arithmetic() {
        let day = Value::Timespan(crate::value::TICKS_PER_DAY);
        let start = Value::DateTime(0);
        assert_eq!(
            arithmetic(Arithmetic::Add, &start, &day).to_kusto_string(),
            "1970-01-02T00:00:00.0000000Z"
        );
        let later = arithmetic(Arithmetic::Add, &start, &day);
        assert_eq!(arithmetic(Arithmetic::Subtract, &later, &start), day);
        assert_eq!(
            arithmetic(
                Arithmetic::Divide,
                &day,
                &Value::Timespan(crate::value::TICKS_PER_DAY / 24)
            ),
            Value::Real(24.0)
        );
    }

    #[test]
    fn datetime_arithmetic_outside_range_is_null() {
        let day = Value::Timespan(crate::value::TICKS_PER_DAY);
        let last = Value::DateTime(MAX_DATETIME_TICKS - crate::value::TICKS_PER_DAY + 1);
        assert_eq!(arithmetic(Arithmetic::Add, &last, &day), Value::Null);
        let first = Value::DateTime(MIN_DATETIME_TICKS);
        assert_eq!(arithmetic(Arithmetic::Subtract, &first, &day), Value::Null);
        assert_eq!(
            arithmetic(Arithmetic::Add, &first, &day).to_kusto_string(),
            "0001-01-02T00:00:00.0000000Z"
        );
    }

    #[test]
    fn element_access_rules() {
        let bag = Value::dynamic(json!({"Tcp Flags": 6, "list": [1, 2, 3]}));
        assert_eq!(
            element(&bag, &Value::from("Tcp Flags")),
            Value::dynamic(json!(6))
        );
        assert_eq!(element(&bag, &Value::from("missing")), Value::Null);
        let list = element(&bag, &Value::from("list"));
        assert_eq!(element(&list, &Value::Long(-1)), Value::dynamic(json!(3)));
        assert_eq!(element(&list, &Value::Long(7)), Value::Null);
        let text = Value::dynamic(json!("n/a"));
        assert_eq!(element(&text, &Value::from("direction")), Value::Null);
        assert_eq!(element(&Value::Null, &Value::from("x")), Value::Null);
    }
}
