//! Byte sizes: `string_size` (the UTF-8 size of a string) and `format_bytes` (a number of
//! bytes as text such as `19.08 MB`).

use super::{expect_arg, integer_arg, number_arg, EvalContext, Function, INTEGER, NUMBER, TEXT};
use crate::value::{format_real, Type, Value};

fn string_size_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the source of string_size()")?;
    Ok(Type::Long)
}

/// `string_size(source)`: the number of bytes of the UTF-8 encoding
/// (learn.microsoft.com/kusto/query/string-size-function).
fn string_size(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let size = args
        .first()
        .map_or(0, |value| value.to_kusto_string().len());
    Ok(Value::Long(size as i64))
}

fn format_bytes_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, NUMBER, "the size of format_bytes()")?;
    expect_arg(args, 1, INTEGER, "the precision of format_bytes()")?;
    expect_arg(args, 2, TEXT, "the units of format_bytes()")?;
    Ok(Type::String)
}

/// The units `format_bytes` accepts, each 1024 times the one before it.
const BYTE_UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/// `format_bytes(size [, precision [, units]])`: `size` divided by the power of 1024 of
/// `units`, rounded to `precision` decimal digits, followed by a space and the unit name.
/// Without `units` (or with `""`) the unit is the largest one that keeps the number at
/// least 1, which gives the reference's `format_bytes(20010332)` = `19 MB`
/// (learn.microsoft.com/kusto/query/format-bytes-function).
///
/// NOTE: the reference's examples show neither a rounding midpoint nor a result with
/// trailing zeros. This rounds half away from zero, as `round()` does, and prints the
/// number without trailing zeros (`1 KB`, not `1.00 KB`).
fn format_bytes(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(size) = args.first().and_then(number_arg) else {
        return Ok(Value::from(""));
    };
    let precision = match args.get(1) {
        None => 0,
        Some(value) => match integer_arg(value) {
            Some(precision) => precision,
            None => return Ok(Value::from("")),
        },
    };
    if !(0..=15).contains(&precision) {
        return Err(format!(
            "format_bytes: a precision of {precision} is not supported; use 0 to 15 digits"
        ));
    }
    let requested = args.get(2).map(Value::to_kusto_string).unwrap_or_default();
    let exponent = if requested.is_empty() {
        automatic_exponent(size)
    } else {
        match BYTE_UNITS.iter().position(|unit| *unit == requested) {
            Some(exponent) => exponent,
            None => {
                return Err(format!(
                    "format_bytes: unknown unit `{requested}`; expected one of {}",
                    BYTE_UNITS.join(", ")
                ))
            }
        }
    };
    let scaled = size / 1024f64.powi(exponent as i32);
    let factor = 10f64.powi(precision as i32);
    let rounded = (scaled * factor).round() / factor;
    let unit = BYTE_UNITS.get(exponent).copied().unwrap_or("EB");
    Ok(Value::from(format!("{} {unit}", format_real(rounded))))
}

/// Returns the power of 1024 of the largest unit that keeps `size` at least 1.
fn automatic_exponent(size: f64) -> usize {
    let mut exponent = 0;
    let mut magnitude = size.abs();
    while magnitude >= 1024.0 && exponent + 1 < BYTE_UNITS.len() {
        magnitude /= 1024.0;
        exponent += 1;
    }
    exponent
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "string_size",
        "string_size(source: string) -> long",
        (1, 1),
        string_size_type,
        string_size,
    ),
    Function::new(
        "format_bytes",
        "format_bytes(size: real [, precision: int [, units: string]]) -> string",
        (1, 3),
        format_bytes_type,
        format_bytes,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    // learn.microsoft.com/kusto/query/string-size-function
    #[test]
    fn string_size_reference_examples() {
        assert_eq!(call(string_size, &[Value::from("hello")]), Value::Long(5));
        assert_eq!(call(string_size, &[Value::from("⒦⒰⒮⒯⒪")]), Value::Long(15));
    }

    #[test]
    fn string_size_of_null_is_zero() {
        assert_eq!(call(string_size, &[Value::Null]), Value::Long(0));
    }

    // learn.microsoft.com/kusto/query/format-bytes-function
    #[test]
    fn format_bytes_reference_examples() {
        let cases: [(&[Value], &str); 5] = [
            (&[Value::Long(564)], "564 Bytes"),
            (&[Value::Long(10332), Value::Long(1)], "10.1 KB"),
            (&[Value::Long(20010332)], "19 MB"),
            (&[Value::Long(20010332), Value::Long(2)], "19.08 MB"),
            (
                &[Value::Long(20010332), Value::Long(0), Value::from("KB")],
                "19541 KB",
            ),
        ];
        for (args, expected) in cases {
            assert_eq!(call(format_bytes, args), Value::from(expected), "{args:?}");
        }
    }

    #[test]
    fn format_bytes_unit_boundaries() {
        assert_eq!(
            call(format_bytes, &[Value::Long(1023)]),
            Value::from("1023 Bytes")
        );
        assert_eq!(
            call(format_bytes, &[Value::Long(1024)]),
            Value::from("1 KB")
        );
        assert_eq!(
            call(
                format_bytes,
                &[Value::Real(1.5), Value::Long(0), Value::from("")]
            ),
            Value::from("2 Bytes")
        );
    }

    #[test]
    fn format_bytes_rejects_unknown_unit() {
        let args = [Value::Long(1), Value::Long(0), Value::from("KiB")];
        assert!(format_bytes(&args, &EvalContext::for_tests()).is_err());
    }

    #[test]
    fn format_bytes_of_null_is_empty() {
        assert_eq!(call(format_bytes, &[Value::Null]), Value::from(""));
    }
}
