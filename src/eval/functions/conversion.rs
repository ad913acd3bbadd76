//! Conversion functions: `tostring`, `tolong`, `toint`, `toreal`, `tobool`, `todatetime`,
//! `totimespan`, `parse_json` and their documented aliases.

use super::{EvalContext, Function};
use crate::value::{convert, Type, Value};

fn scalar_to(ty: Type) -> Result<Type, String> {
    Ok(ty)
}

fn any_to_string(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::String)
}

fn any_to_long(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::Long)
}

fn any_to_int(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::Int)
}

fn any_to_real(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::Real)
}

fn any_to_bool(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::Bool)
}

fn any_to_datetime(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::DateTime)
}

/// Rejects a number. learn.microsoft.com/kusto/query/totimespan-function documents only
/// text such as `"0.00:01:00"`, and a bare number means days in a `time(2)` literal but
/// could as well be ticks here, so the engine does not guess.
fn any_to_timespan(args: &[Type]) -> Result<Type, String> {
    if args.first().is_some_and(|ty| ty.is_numeric()) {
        return Err(format!(
            "converting a number ({}) to a timespan is not supported, because the unit is \
             not documented; multiply by a unit instead, as in value * 1d or value * 1s",
            args[0]
        ));
    }
    scalar_to(Type::Timespan)
}

fn text_to_dynamic(args: &[Type]) -> Result<Type, String> {
    super::expect_types(
        args,
        &[Type::String, Type::Dynamic],
        "the argument of parse_json",
    )?;
    Ok(Type::Dynamic)
}

/// `tostring(value)`: null gives `""` (learn.microsoft.com/kusto/query/tostring-function).
fn tostring(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::from(args[0].to_kusto_string()))
}

/// Converts to a type, giving null when the value does not convert (`tolong("abc")`).
fn convert_or_null(value: &Value, ty: Type) -> Value {
    convert(value, ty).unwrap_or(Value::Null)
}

fn tolong(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Long))
}

fn toint(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Int))
}

fn toreal(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Real))
}

fn tobool(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Bool))
}

fn todatetime(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::DateTime))
}

fn totimespan(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Timespan))
}

/// `parse_json(text)`: JSON text becomes its value; text that is not JSON becomes a
/// dynamic string holding the text; a dynamic value is returned as is; `""` gives null
/// (learn.microsoft.com/kusto/query/parse-json-function).
pub(super) fn parse_json(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let parsed = match &args[0] {
        Value::Null => Value::Null,
        Value::Dynamic(_) => args[0].clone(),
        Value::String(text) if text.is_empty() => Value::Null,
        Value::String(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => Value::dynamic(json),
            Err(_) => Value::dynamic(serde_json::Value::String(text.to_string())),
        },
        other => Value::dynamic(other.to_json()),
    };
    Ok(parsed)
}

fn tohex_type(args: &[Type]) -> Result<Type, String> {
    super::expect_arg(
        args,
        0,
        &[Type::Int, Type::Long, Type::Dynamic],
        "the value of tohex()",
    )?;
    super::expect_arg(args, 1, super::INTEGER, "the minimum length of tohex()")?;
    Ok(Type::String)
}

/// `tohex(value [, min_length])`: lowercase hex; a negative int is its 32-bit two's
/// complement and a negative long its 64-bit one; shorter results are padded with zeros
/// (learn.microsoft.com/kusto/query/tohex-function).
fn tohex(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let hex = match &args[0] {
        Value::Int(n) => format!("{:x}", *n as u32),
        Value::Long(n) => format!("{:x}", *n as u64),
        Value::Dynamic(json) => match json.as_i64() {
            Some(n) => format!("{:x}", n as u64),
            None => return Ok(Value::Null),
        },
        _ => return Ok(Value::Null),
    };
    let width = match args.get(1) {
        None => 0,
        Some(value) => super::integer_arg(value).unwrap_or(0).clamp(0, 64) as usize,
    };
    Ok(Value::from(format!("{hex:0>width$}")))
}

fn toguid(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(convert_or_null(&args[0], Type::Guid))
}

fn any_to_guid(_: &[Type]) -> Result<Type, String> {
    scalar_to(Type::Guid)
}

macro_rules! conversion {
    ($name:literal, $signature:literal, $rule:ident, $eval:ident) => {
        Function {
            name: $name,
            signature: $signature,
            min_args: 1,
            max_args: 1,
            result_type: $rule,
            eval: $eval,
            prepare: None,
            type_literal_arg: None,
        }
    };
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "tohex",
        "tohex(value: long [, min_length: int]) -> string",
        (1, 2),
        tohex_type,
        tohex,
    ),
    conversion!("toguid", "toguid(value) -> guid", any_to_guid, toguid),
    conversion!(
        "tostring",
        "tostring(value) -> string",
        any_to_string,
        tostring
    ),
    conversion!("tolong", "tolong(value) -> long", any_to_long, tolong),
    conversion!("toint", "toint(value) -> int", any_to_int, toint),
    conversion!("toreal", "toreal(value) -> real", any_to_real, toreal),
    conversion!("todouble", "todouble(value) -> real", any_to_real, toreal),
    conversion!("tobool", "tobool(value) -> bool", any_to_bool, tobool),
    conversion!("toboolean", "toboolean(value) -> bool", any_to_bool, tobool),
    conversion!(
        "todatetime",
        "todatetime(value) -> datetime",
        any_to_datetime,
        todatetime
    ),
    conversion!(
        "totimespan",
        "totimespan(value) -> timespan",
        any_to_timespan,
        totimespan
    ),
    conversion!(
        "totime",
        "totime(value) -> timespan",
        any_to_timespan,
        totimespan
    ),
    conversion!(
        "parse_json",
        "parse_json(json: string) -> dynamic",
        text_to_dynamic,
        parse_json
    ),
    conversion!(
        "todynamic",
        "todynamic(json: string) -> dynamic",
        text_to_dynamic,
        parse_json
    ),
    conversion!(
        "toobject",
        "toobject(json: string) -> dynamic",
        text_to_dynamic,
        parse_json
    ),
    conversion!(
        "parsejson",
        "parsejson(json: string) -> dynamic",
        text_to_dynamic,
        parse_json
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: Implementation, value: Value) -> Value {
        function(&[value], &EvalContext::for_tests()).expect("call succeeds")
    }

    use super::super::Implementation;

    // Expected values from learn.microsoft.com/kusto/query/parse-json-function.
    #[test]
    fn parse_json_object_and_scalars() {
        assert_eq!(
            call(parse_json, Value::from(r#"{"a":1}"#)),
            Value::dynamic(json!({"a": 1}))
        );
        assert_eq!(
            call(parse_json, Value::from("21")),
            Value::dynamic(json!(21))
        );
        assert_eq!(
            call(parse_json, Value::from(r#""21""#)),
            Value::dynamic(json!("21"))
        );
    }

    #[test]
    fn parse_json_invalid_text_is_dynamic_string() {
        assert_eq!(
            call(parse_json, Value::from("abc")),
            Value::dynamic(json!("abc"))
        );
        assert_eq!(
            call(parse_json, Value::from("n/a")),
            Value::dynamic(json!("n/a"))
        );
    }

    #[test]
    fn parse_json_dynamic_passes_through() {
        let bag = Value::dynamic(json!({"Tcp Flags": 6}));
        assert_eq!(call(parse_json, bag.clone()), bag);
    }

    #[test]
    fn parse_json_empty_is_null() {
        assert_eq!(call(parse_json, Value::from("")), Value::Null);
        assert_eq!(call(parse_json, Value::Null), Value::Null);
    }

    // learn.microsoft.com/kusto/query/tostring-function: null gives an empty string.
    #[test]
    fn tostring_null_and_dynamic() {
        assert_eq!(call(tostring, Value::Null), Value::from(""));
        assert_eq!(
            call(tostring, Value::dynamic(json!("In"))),
            Value::from("In")
        );
        assert_eq!(call(tostring, Value::dynamic(json!(6))), Value::from("6"));
        assert_eq!(
            call(tostring, Value::dynamic(json!([1, "a"]))),
            Value::from(r#"[1,"a"]"#)
        );
    }

    // learn.microsoft.com/kusto/query/tohex-function
    #[test]
    fn tohex_reference_examples() {
        let hex = |args: &[Value]| tohex(args, &EvalContext::for_tests()).expect("call succeeds");
        assert_eq!(hex(&[Value::Long(256)]), Value::from("100"));
        assert_eq!(hex(&[Value::Long(-256)]), Value::from("ffffffffffffff00"));
        assert_eq!(
            hex(&[Value::Int(-256), Value::Long(8)]),
            Value::from("ffffff00")
        );
        assert_eq!(
            hex(&[Value::Long(256), Value::Long(8)]),
            Value::from("00000100")
        );
        assert_eq!(hex(&[Value::Long(256), Value::Long(2)]), Value::from("100"));
        assert_eq!(hex(&[Value::Null]), Value::Null);
    }

    #[test]
    fn toguid_parses_or_gives_null() {
        let text = "12e8b78d-55b4-46ae-b068-26d7a0080254";
        assert_eq!(call(toguid, Value::from(text)).to_kusto_string(), text);
        assert_eq!(call(toguid, Value::from("junk")), Value::Null);
    }

    #[test]
    fn numeric_conversions_give_null_on_failure() {
        assert_eq!(call(tolong, Value::from("123")), Value::Long(123));
        assert_eq!(call(tolong, Value::from("abc")), Value::Null);
        assert_eq!(call(toint, Value::from("2147483648")), Value::Null);
        assert_eq!(call(toreal, Value::from("1.5")), Value::Real(1.5));
        assert_eq!(call(tobool, Value::from("TRUE")), Value::Bool(true));
        assert_eq!(call(tobool, Value::from("yes")), Value::Null);
    }

    #[test]
    fn todatetime_parses_text() {
        let converted = call(todatetime, Value::from("2025-08-29T10:15:00.0000000Z"));
        assert_eq!(converted.to_kusto_string(), "2025-08-29T10:15:00.0000000Z");
        assert_eq!(call(todatetime, Value::from("soon")), Value::Null);
    }
}
