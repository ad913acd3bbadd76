//! Unicode code points: `unicode_codepoints_from_string` and
//! `unicode_codepoints_to_string`, with their deprecated aliases `to_utf8` and
//! `make_string`.

use serde_json::Value as Json;

use super::{expect_arg, EvalContext, Function, INTEGER, TEXT};
use crate::value::{Type, Value};

fn from_string_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        TEXT,
        "the source of unicode_codepoints_from_string()",
    )?;
    Ok(Type::Dynamic)
}

/// `unicode_codepoints_from_string(value)`: the code point of each character, as a
/// dynamic array of numbers
/// (learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function).
fn unicode_codepoints_from_string(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = args.first().map(Value::to_kusto_string).unwrap_or_default();
    let codepoints = text.chars().map(|c| Json::from(u32::from(c))).collect();
    Ok(Value::dynamic(Json::Array(codepoints)))
}

fn to_string_type(args: &[Type]) -> Result<Type, String> {
    for index in 0..args.len() {
        expect_arg(
            args,
            index,
            INTEGER,
            "an argument of unicode_codepoints_to_string()",
        )?;
    }
    Ok(Type::String)
}

/// `unicode_codepoints_to_string(arg1, …)`: the string of the code points given as
/// integers or as dynamic arrays of integers, in argument order. Any value that is not a
/// valid Unicode code point gives null
/// (learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function).
fn unicode_codepoints_to_string(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut text = String::new();
    for arg in args {
        let pushed = match arg {
            Value::Dynamic(json) => match &**json {
                Json::Array(items) => items
                    .iter()
                    .all(|item| push_codepoint(&mut text, item.as_i64())),
                other => push_codepoint(&mut text, other.as_i64()),
            },
            other => push_codepoint(&mut text, other.as_i64()),
        };
        if !pushed {
            return Ok(Value::Null);
        }
    }
    Ok(Value::from(text))
}

/// Appends the character with code point `codepoint`; false when there is none.
fn push_codepoint(text: &mut String, codepoint: Option<i64>) -> bool {
    let character = codepoint
        .and_then(|n| u32::try_from(n).ok())
        .and_then(char::from_u32);
    match character {
        Some(c) => {
            text.push(c);
            true
        }
        None => false,
    }
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "unicode_codepoints_from_string",
        "unicode_codepoints_from_string(value: string) -> dynamic",
        (1, 1),
        from_string_type,
        unicode_codepoints_from_string,
    ),
    Function::new(
        "to_utf8",
        "to_utf8(value: string) -> dynamic",
        (1, 1),
        from_string_type,
        unicode_codepoints_from_string,
    ),
    Function::new(
        "unicode_codepoints_to_string",
        "unicode_codepoints_to_string(codepoints, …) -> string",
        (1, super::MAX_VARIADIC_ARGS),
        to_string_type,
        unicode_codepoints_to_string,
    ),
    Function::new(
        "make_string",
        "make_string(codepoints, …) -> string",
        (1, super::MAX_VARIADIC_ARGS),
        to_string_type,
        unicode_codepoints_to_string,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    // learn.microsoft.com/kusto/query/unicode-codepoints-from-string-function
    #[test]
    fn from_string_reference_examples() {
        assert_eq!(
            call(unicode_codepoints_from_string, &[Value::from("⒦⒰⒮⒯⒪")]),
            Value::dynamic(json!([9382, 9392, 9390, 9391, 9386]))
        );
        assert_eq!(
            call(
                unicode_codepoints_from_string,
                &[Value::from("קוסטו - Kusto")]
            ),
            Value::dynamic(json!([
                1511, 1493, 1505, 1496, 1493, 32, 45, 32, 75, 117, 115, 116, 111
            ]))
        );
    }

    // learn.microsoft.com/kusto/query/unicode-codepoints-to-string-function
    #[test]
    fn to_string_reference_examples() {
        let kusto = Value::from("Kusto");
        let longs: Vec<Value> = [75, 117, 115, 116, 111].map(Value::Long).to_vec();
        assert_eq!(call(unicode_codepoints_to_string, &longs), kusto);
        let array = Value::dynamic(json!([75, 117, 115, 116, 111]));
        assert_eq!(call(unicode_codepoints_to_string, &[array]), kusto);
        let mixed = [
            Value::dynamic(json!([75, 117, 115])),
            Value::Long(116),
            Value::Int(111),
        ];
        assert_eq!(call(unicode_codepoints_to_string, &mixed), kusto);
        let lines: Vec<Value> = [75, 10, 117, 10, 115, 10, 116, 10, 111]
            .map(Value::Long)
            .to_vec();
        assert_eq!(
            call(unicode_codepoints_to_string, &lines),
            Value::from("K\nu\ns\nt\no")
        );
    }

    #[test]
    fn invalid_codepoint_gives_null() {
        let surrogate = [Value::Long(0xD800)];
        assert_eq!(call(unicode_codepoints_to_string, &surrogate), Value::Null);
        let negative = [Value::dynamic(json!([65, -1]))];
        assert_eq!(call(unicode_codepoints_to_string, &negative), Value::Null);
        assert_eq!(
            call(unicode_codepoints_to_string, &[Value::Null]),
            Value::Null
        );
    }
}
