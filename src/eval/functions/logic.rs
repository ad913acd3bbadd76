//! Null and emptiness tests, `not`, and the conditional `iff`/`iif`.

use super::{EvalContext, Function};
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
    Ok(Value::Bool(is_empty(&args[0])))
}

fn isnotempty(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::Bool(!is_empty(&args[0])))
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Dynamic(json) => json.as_str() == Some(""),
        _ => false,
    }
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

fn iff_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(
        &args[..1],
        &[Type::Bool, Type::Dynamic],
        "the condition of iff()",
    )?;
    common_type(args[1], args[2]).ok_or_else(|| {
        format!(
            "the two branches of iff() must have the same type, not {} and {}",
            args[1], args[2]
        )
    })
}

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

macro_rules! predicate {
    ($name:literal, $signature:literal, $eval:ident) => {
        Function {
            name: $name,
            signature: $signature,
            min_args: 1,
            max_args: 1,
            result_type: to_bool,
            eval: $eval,
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
    },
    Function {
        name: "iff",
        signature: "iff(condition: bool, then, else) -> type of then",
        min_args: 3,
        max_args: 3,
        result_type: iff_type,
        eval: iff,
    },
    Function {
        name: "iif",
        signature: "iif(condition: bool, then, else) -> type of then",
        min_args: 3,
        max_args: 3,
        result_type: iff_type,
        eval: iff,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
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
