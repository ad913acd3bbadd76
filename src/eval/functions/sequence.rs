//! `range(start, stop [, step])`: a dynamic array of equally spaced integers, datetimes or
//! timespans (learn.microsoft.com/kusto/query/range-function).

use serde_json::Value as Json;

use super::{integer_arg, EvalContext, Function};
use crate::value::{Type, Value, TICKS_PER_SECOND};

/// The reference truncates the array at 2^20 values.
const MAX_RANGE_VALUES: usize = 1 << 20;

const TICKS_PER_HOUR: i64 = 3600 * TICKS_PER_SECOND;

fn range_type(args: &[Type]) -> Result<Type, String> {
    for ty in args {
        match ty {
            Type::Int | Type::Long | Type::DateTime | Type::Timespan | Type::Dynamic => {}
            Type::Real | Type::Decimal => {
                return Err("range() with real arguments is not supported yet".to_string())
            }
            other => {
                return Err(format!(
                    "the arguments must be numbers, datetimes or timespans, not {other}"
                ))
            }
        }
    }
    let kinds = (args.first(), args.get(1), args.get(2));
    match kinds {
        (Some(Type::DateTime), Some(Type::DateTime), None | Some(Type::Timespan)) => {}
        (Some(Type::Timespan), Some(Type::Timespan), None | Some(Type::Timespan)) => {}
        (Some(Type::DateTime | Type::Timespan), _, _) => {
            return Err(
                "a datetime or timespan start needs a stop of the same type and a timespan step"
                    .to_string(),
            )
        }
        (_, Some(Type::DateTime | Type::Timespan), _)
        | (_, _, Some(Type::DateTime | Type::Timespan)) => {
            return Err("a numeric start needs a numeric stop and step".to_string())
        }
        _ => {}
    }
    Ok(Type::Dynamic)
}

/// One bound of a range in a common unit: an integer, or ticks of a datetime or timespan.
#[derive(Clone, Copy)]
enum Point {
    Integer(i64),
    DateTime(i64),
    Timespan(i64),
}

fn point(value: &Value) -> Option<Point> {
    match value {
        Value::DateTime(ticks) => Some(Point::DateTime(*ticks)),
        Value::Timespan(ticks) => Some(Point::Timespan(*ticks)),
        other => integer_arg(other).map(Point::Integer),
    }
}

/// `range(start, stop [, step])`: `start`, `start + step`, … up to and including `stop`,
/// truncated at 1,048,576 values. The default step is 1 for numbers and `1h` for
/// datetimes and timespans. A null argument gives null, and a start after the stop gives
/// an empty array.
///
/// NOTE: the reference shows no step of zero or below, and no real arguments; those fail
/// with an error instead of guessing.
fn range(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (Some(start), Some(stop)) = (args.first(), args.get(1)) else {
        return Ok(Value::Null);
    };
    if start.is_null() || stop.is_null() || args.get(2).is_some_and(Value::is_null) {
        return Ok(Value::Null);
    }
    let (Some(start), Some(stop)) = (point(start), point(stop)) else {
        return Err("start and stop must be integers, datetimes or timespans".to_string());
    };
    let step = match args.get(2) {
        Some(step) => point(step),
        None => Some(match start {
            Point::Integer(_) => Point::Integer(1),
            Point::DateTime(_) | Point::Timespan(_) => Point::Timespan(TICKS_PER_HOUR),
        }),
    };
    let (first, last, step, make): (i64, i64, i64, fn(i64) -> Json) = match (start, stop, step) {
        (Point::Integer(first), Point::Integer(last), Some(Point::Integer(step))) => {
            (first, last, step, Json::from)
        }
        (Point::DateTime(first), Point::DateTime(last), Some(Point::Timespan(step))) => {
            (first, last, step, |ticks| Value::DateTime(ticks).to_json())
        }
        (Point::Timespan(first), Point::Timespan(last), Some(Point::Timespan(step))) => {
            (first, last, step, |ticks| Value::Timespan(ticks).to_json())
        }
        _ => return Err(
            "start, stop and step must be integers, or datetimes or timespans with a timespan step"
                .to_string(),
        ),
    };
    if step <= 0 {
        return Err(format!(
            "a step of {step} is not supported yet; use a positive step"
        ));
    }

    let mut values = Vec::new();
    let mut current = first;
    while current <= last && values.len() < MAX_RANGE_VALUES {
        values.push(make(current));
        match current.checked_add(step) {
            Some(next) => current = next,
            None => break,
        }
    }
    Ok(Value::dynamic(Json::Array(values)))
}

pub const FUNCTIONS: &[Function] = &[Function::new(
    "range",
    "range(start, stop [, step]) -> dynamic",
    (2, 3),
    range_type,
    range,
)];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_datetime;
    use serde_json::json;

    fn call(args: &[Value]) -> Value {
        range(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn hours(n: i64) -> Value {
        Value::Timespan(n * TICKS_PER_HOUR)
    }

    // learn.microsoft.com/kusto/query/range-function
    #[test]
    fn range_reference_examples() {
        assert_eq!(
            call(&[Value::Long(1), Value::Long(8), Value::Long(3)]),
            Value::dynamic(json!([1, 4, 7]))
        );
        assert_eq!(
            call(&[Value::Int(1), Value::Int(3)]),
            Value::dynamic(json!([1, 2, 3]))
        );
        assert_eq!(
            call(&[hours(1), hours(5)]),
            Value::dynamic(json!([
                "01:00:00", "02:00:00", "03:00:00", "04:00:00", "05:00:00"
            ]))
        );
    }

    // learn.microsoft.com/kusto/query/range-function: every day of 2015.
    #[test]
    fn range_of_datetimes() {
        let start = parse_datetime("2015-01-01").expect("valid datetime");
        let stop = parse_datetime("2015-12-31").expect("valid datetime");
        let days = call(&[Value::DateTime(start), Value::DateTime(stop), hours(24)]);
        let Value::Dynamic(json) = days else {
            panic!("not dynamic: {days:?}");
        };
        let items = json.as_array().expect("an array");
        assert_eq!(items.len(), 365);
        assert_eq!(items.first(), Some(&json!("2015-01-01T00:00:00.0000000Z")));
        assert_eq!(items.last(), Some(&json!("2015-12-31T00:00:00.0000000Z")));
    }

    // learn.microsoft.com/kusto/query/range-function: range(1, 1000000000) has 1048576 values.
    #[test]
    fn range_is_truncated() {
        let values = call(&[Value::Long(1), Value::Long(1_000_000_000)]);
        let Value::Dynamic(json) = values else {
            panic!("not dynamic: {values:?}");
        };
        assert_eq!(json.as_array().map(Vec::len), Some(1_048_576));
    }

    #[test]
    fn range_edge_cases() {
        assert_eq!(
            call(&[Value::Long(5), Value::Long(1)]),
            Value::dynamic(json!([]))
        );
        assert_eq!(call(&[Value::Null, Value::Long(1)]), Value::Null);
        let zero_step = [Value::Long(1), Value::Long(3), Value::Long(0)];
        assert!(range(&zero_step, &EvalContext::for_tests()).is_err());
        let end = [
            Value::Long(i64::MAX - 1),
            Value::Long(i64::MAX),
            Value::Long(5),
        ];
        assert_eq!(call(&end), Value::dynamic(json!([i64::MAX - 1])));
    }

    #[test]
    fn range_type_rejects_mixed_kinds() {
        assert!(range_type(&[Type::DateTime, Type::Long]).is_err());
        assert!(range_type(&[Type::Long, Type::Long, Type::Timespan]).is_err());
        assert!(range_type(&[Type::Real, Type::Long]).is_err());
        assert_eq!(
            range_type(&[Type::DateTime, Type::DateTime, Type::Timespan]),
            Ok(Type::Dynamic)
        );
    }
}
