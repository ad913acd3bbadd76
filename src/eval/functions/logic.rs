//! Null and emptiness tests, `not`, the conditionals `iff`/`iif` and `case`,
//! `coalesce`, and `gettype`.

use std::sync::Arc;

use super::{Argument, EvalContext, Function, Prepared};
use crate::value::{Type, Value};

fn to_bool(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Bool)
}

fn bool_to_bool(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Bool, Type::Dynamic], "the argument of not()")?;
    Ok(Type::Bool)
}

/// `isnull(value)`: strings are never null in Kusto, so a string is never null here
/// either (learn.microsoft.com/kusto/query/scalar-data-types/null-values).
fn isnull(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(args[0].is_null()))
}

fn isnotnull(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(!args[0].is_null()))
}

/// `isempty(value)`: true for null and for the empty string, including a dynamic empty
/// string (learn.microsoft.com/kusto/query/isempty-function).
fn isempty(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(args[0].is_empty()))
}

fn isnotempty(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(!args[0].is_empty()))
}

/// `not(value)`: null stays null.
fn not(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let result = match crate::value::convert(&args[0], Type::Bool) {
        Some(Value::Bool(flag)) => Value::Bool(!flag),
        _ => Value::Null,
    };
    Ok(result)
}

/// The common type of two branches or alternatives: equal types, or the wider numeric
/// type (`int` < `long` < `real`).
pub(crate) fn common_type(a: Type, b: Type) -> Option<Type> {
    if a == b {
        return Some(a);
    }
    let rank = |ty: Type| match ty {
        Type::Int => Some(0),
        Type::Long => Some(1),
        Type::Real | Type::Decimal => Some(2),
        _ => None,
    };
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => Some(if x >= y { a } else { b }),
        _ => None,
    }
}

// NOTE: branches of different types, such as `dynamic` and `string`, stay rejected.
// The current iff() page (learn.microsoft.com/kusto/query/iff-function) gives no result
// type for them, its 2020 version required the same type, and the case() page still does.
fn iff_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(
        &args[..1],
        &[Type::Bool, Type::Dynamic],
        "the condition of iff()",
    )?;
    common_type(args[1], args[2]).ok_or_else(|| {
        format!(
            "the two branches of iff() must have the same type, not {} and {}; {CONVERT_HINT}",
            args[1], args[2]
        )
    })
}

/// The fix that the type errors of `iff()` and `case()` suggest.
const CONVERT_HINT: &str = "convert one of them, for example with tostring() or todynamic()";

/// `iff(condition, then, else)`: a null condition takes the else branch
/// (learn.microsoft.com/kusto/query/iff-function).
fn iff(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let take_then = matches!(
        crate::value::convert(&args[0], Type::Bool),
        Some(Value::Bool(true))
    );
    Ok(if take_then {
        args[1].clone()
    } else {
        args[2].clone()
    })
}

fn case_type(args: &[Type]) -> Result<Type, String> {
    if args.len() % 2 == 0 {
        return Err("case() takes pairs of condition and value, then an else value".to_string());
    }
    let mut result = args[args.len() - 1];
    for pair in args[..args.len() - 1].chunks(2) {
        if let [condition, value] = pair {
            super::expect_types(
                std::slice::from_ref(condition),
                &[Type::Bool, Type::Dynamic],
                "a condition of case()",
            )?;
            result = common_type(result, *value).ok_or_else(|| {
                format!(
                    "all values of case() must have the same type, not {result} and {value}; {CONVERT_HINT}"
                )
            })?;
        }
    }
    Ok(result)
}

/// `case(condition1, value1, …, else)`: the value of the first true condition; a null
/// condition counts as false (learn.microsoft.com/kusto/query/case-function).
///
/// NOTE: every argument is evaluated before the call, so an error in a branch that is
/// not taken still fails the query; scalar functions fail only on invalid arguments.
fn case(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (fallback, pairs) = match args.split_last() {
        Some(split) => split,
        None => return Ok(Value::Null),
    };
    for pair in pairs.chunks(2) {
        if let [condition, value] = pair {
            if matches!(
                crate::value::convert(condition, Type::Bool),
                Some(Value::Bool(true))
            ) {
                return Ok(value.clone());
            }
        }
    }
    Ok(fallback.clone())
}

fn coalesce_type(args: &[Type]) -> Result<Type, String> {
    let mut result = args[0];
    for ty in &args[1..] {
        result = common_type(result, *ty).ok_or_else(|| {
            format!("all arguments of coalesce() must have the same type, not {result} and {ty}")
        })?;
    }
    Ok(result)
}

/// `coalesce(value1, value2, …)`: the first value that is not null (for strings: not
/// empty), else the last argument's empty value
/// (learn.microsoft.com/kusto/query/coalesce-function).
fn coalesce(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let found = args
        .iter()
        .find(|value| !value.is_empty() || matches!(value, Value::Dynamic(_)));
    Ok(match found {
        Some(value) => value.clone(),
        None => args.last().cloned().unwrap_or(Value::Null),
    })
}

/// The name `gettype` gives a value; `static_type` names a null of a non-dynamic type.
fn type_name(value: &Value, static_type: Type) -> &'static str {
    match value {
        Value::Null if static_type == Type::Dynamic => "null",
        Value::Null => static_type.name(),
        Value::Dynamic(json) => match &**json {
            serde_json::Value::Null => "null",
            serde_json::Value::Bool(_) => "bool",
            serde_json::Value::Number(number) => match number.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => "int",
                Some(_) => "long",
                None => "real",
            },
            serde_json::Value::String(_) => "string",
            serde_json::Value::Array(_) => "array",
            serde_json::Value::Object(_) => "dictionary",
        },
        other => other.type_of().map_or("null", Type::name),
    }
}

fn prepare_gettype(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    let static_type = arguments
        .first()
        .map_or(Type::Dynamic, |argument| argument.ty);
    Ok(Prepared {
        result_type: None,
        eval: Some(Arc::new(move |args: &[Value], _: &_| {
            Ok(Value::from(type_name(&args[0], static_type)))
        })),
    })
}

/// `gettype(value)`: the runtime type name; dynamic values give the type of what they
/// hold, with `array` and `dictionary` for collections
/// (learn.microsoft.com/kusto/query/gettype-function).
fn gettype(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(type_name(&args[0], Type::Dynamic)))
}

fn to_string_type(_: &[Type]) -> Result<Type, String> {
    Ok(Type::String)
}

macro_rules! predicate {
    ($name:literal, $signature:literal, $eval:ident) => {
        Function {
            name: $name,
            signature: $signature,
            min_args: 1,
            max_args: 1,
            result_type: to_bool,
            eval: $eval,
            prepare: None,
            type_literal_arg: None,
        }
    };
}

pub(super) const FUNCTIONS: &[Function] = &[
    predicate!("isnull", "isnull(value) -> bool", isnull),
    predicate!("isnotnull", "isnotnull(value) -> bool", isnotnull),
    predicate!("isempty", "isempty(value) -> bool", isempty),
    predicate!("isnotempty", "isnotempty(value) -> bool", isnotempty),
    Function {
        name: "not",
        signature: "not(condition: bool) -> bool",
        min_args: 1,
        max_args: 1,
        result_type: bool_to_bool,
        eval: not,
        prepare: None,
        type_literal_arg: None,
    },
    Function {
        name: "iff",
        signature: "iff(condition: bool, then, else) -> type of then",
        min_args: 3,
        max_args: 3,
        result_type: iff_type,
        eval: iff,
        prepare: None,
        type_literal_arg: None,
    },
    Function {
        name: "iif",
        signature: "iif(condition: bool, then, else) -> type of then",
        min_args: 3,
        max_args: 3,
        result_type: iff_type,
        eval: iff,
        prepare: None,
        type_literal_arg: None,
    },
    Function::new(
        "case",
        "case(condition1: bool, value1, …, else) -> common type",
        (3, usize::MAX),
        case_type,
        case,
    ),
    Function::new(
        "coalesce",
        "coalesce(value1, value2, …) -> common type",
        (2, super::MAX_VARIADIC_ARGS),
        coalesce_type,
        coalesce,
    ),
    Function::new(
        "gettype",
        "gettype(value) -> string",
        (1, 1),
        to_string_type,
        gettype,
    )
    .prepared(prepare_gettype),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    // learn.microsoft.com/kusto/query/case-function
    #[test]
    fn case_reference_example() {
        let bucket = |size: i64| {
            let args = [
                Value::Bool(size <= 3),
                Value::from("Small"),
                Value::Bool(size <= 10),
                Value::from("Medium"),
                Value::from("Large"),
            ];
            call(case, &args).to_kusto_string()
        };
        let buckets: Vec<String> = (1..=15).step_by(2).map(bucket).collect();
        assert_eq!(
            buckets,
            ["Small", "Small", "Medium", "Medium", "Medium", "Large", "Large", "Large"]
        );
    }

    #[test]
    fn case_null_condition_and_types() {
        let args = [Value::Null, Value::Long(1), Value::Long(2)];
        assert_eq!(call(case, &args), Value::Long(2));
        assert!(case_type(&[Type::Bool, Type::Long]).is_err());
        assert!(case_type(&[Type::Long, Type::Long, Type::Long]).is_err());
        assert_eq!(
            case_type(&[Type::Bool, Type::Int, Type::Long]),
            Ok(Type::Long)
        );
    }

    // learn.microsoft.com/kusto/query/case-function: "All then arguments and the else
    // argument must be of the same type." The iff() page gives no rule for mixed types.
    #[test]
    fn mixed_branch_types_rejected() {
        let iff_error = iff_type(&[Type::Bool, Type::Dynamic, Type::String]);
        assert!(iff_error.is_err_and(|message| message.contains("tostring()")));
        assert!(iff_type(&[Type::Bool, Type::String, Type::Dynamic]).is_err());
        assert!(case_type(&[Type::Bool, Type::String, Type::Dynamic]).is_err());
        assert_eq!(
            iff_type(&[Type::Bool, Type::Dynamic, Type::Dynamic]),
            Ok(Type::Dynamic)
        );
    }

    // learn.microsoft.com/kusto/query/coalesce-function
    #[test]
    fn coalesce_reference_example() {
        assert_eq!(
            call(coalesce, &[Value::Null, Value::Long(42), Value::Long(33)]),
            Value::Long(42)
        );
        assert_eq!(
            call(
                coalesce,
                &[Value::from(""), Value::from("2"), Value::from("3")]
            ),
            Value::from("2")
        );
        assert_eq!(call(coalesce, &[Value::Null, Value::Null]), Value::Null);
        assert!(coalesce_type(&[Type::Long, Type::String]).is_err());
    }

    // learn.microsoft.com/kusto/query/gettype-function
    #[test]
    fn gettype_reference_examples() {
        let name = |value: Value| call(gettype, &[value]).to_kusto_string();
        assert_eq!(name(Value::from("a")), "string");
        assert_eq!(name(Value::Long(111)), "long");
        assert_eq!(name(Value::Bool(true)), "bool");
        assert_eq!(name(Value::DateTime(0)), "datetime");
        assert_eq!(name(Value::Timespan(1)), "timespan");
        assert_eq!(name(Value::dynamic(json!(1))), "int");
        assert_eq!(name(Value::dynamic(json!("abc"))), "string");
        assert_eq!(name(Value::dynamic(json!({"abc": 1}))), "dictionary");
        assert_eq!(name(Value::dynamic(json!([1, 2, 3]))), "array");
        assert_eq!(name(Value::Real(123.45)), "real");
        assert_eq!(name(Value::Guid(1)), "guid");
        assert_eq!(name(Value::Null), "null");
    }

    #[test]
    fn isempty_cases() {
        assert_eq!(call(isempty, &[Value::from("")]), Value::Bool(true));
        assert_eq!(call(isempty, &[Value::Null]), Value::Bool(true));
        assert_eq!(
            call(isempty, &[Value::dynamic(json!(""))]),
            Value::Bool(true)
        );
        assert_eq!(
            call(isempty, &[Value::dynamic(json!([]))]),
            Value::Bool(false)
        );
        assert_eq!(call(isempty, &[Value::Long(0)]), Value::Bool(false));
        assert_eq!(call(isnotempty, &[Value::from("x")]), Value::Bool(true));
    }

    #[test]
    fn isnull_cases() {
        assert_eq!(call(isnull, &[Value::Null]), Value::Bool(true));
        assert_eq!(call(isnull, &[Value::from("")]), Value::Bool(false));
        assert_eq!(call(isnotnull, &[Value::Long(1)]), Value::Bool(true));
    }

    #[test]
    fn not_keeps_null() {
        assert_eq!(call(not, &[Value::Bool(true)]), Value::Bool(false));
        assert_eq!(call(not, &[Value::Null]), Value::Null);
    }

    #[test]
    fn iff_null_condition_takes_else() {
        let args = [Value::Null, Value::Long(1), Value::Long(2)];
        assert_eq!(call(iff, &args), Value::Long(2));
        let args = [Value::Bool(true), Value::Long(1), Value::Long(2)];
        assert_eq!(call(iff, &args), Value::Long(1));
    }

    #[test]
    fn iff_branch_types_must_agree() {
        assert_eq!(
            iff_type(&[Type::Bool, Type::Int, Type::Long]),
            Ok(Type::Long)
        );
        assert!(iff_type(&[Type::Bool, Type::String, Type::Long]).is_err());
    }
}
