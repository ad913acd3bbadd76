//! Bitwise functions on 64-bit integers: `binary_and`, `binary_or`, `binary_xor`,
//! `binary_not`, `binary_shift_left` and `binary_shift_right`.
//!
//! Every function returns long, and a null or non-integer argument gives null.

use super::{integer_arg, EvalContext, Function, INTEGER};
use crate::value::{Type, Value};

fn integers_to_long(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, INTEGER, "an integer argument")?;
    Ok(Type::Long)
}

/// Applies `operation` to the two integer arguments, or returns null when one is missing.
fn with_two(args: &[Value], operation: fn(i64, i64) -> Option<i64>) -> Value {
    let (Some(left), Some(right)) = (
        args.first().and_then(integer_arg),
        args.get(1).and_then(integer_arg),
    ) else {
        return Value::Null;
    };
    operation(left, right).map_or(Value::Null, Value::Long)
}

/// `binary_and(value1, value2)` (learn.microsoft.com/kusto/query/binary-and-function).
fn binary_and(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(with_two(args, |left, right| Some(left & right)))
}

/// `binary_or(value1, value2)` (learn.microsoft.com/kusto/query/binary-or-function).
fn binary_or(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(with_two(args, |left, right| Some(left | right)))
}

/// `binary_xor(value1, value2)` (learn.microsoft.com/kusto/query/binary-xor-function).
fn binary_xor(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(with_two(args, |left, right| Some(left ^ right)))
}

/// `binary_not(value)`: the bitwise complement
/// (learn.microsoft.com/kusto/query/binary-not-function).
fn binary_not(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(args
        .first()
        .and_then(integer_arg)
        .map_or(Value::Null, |value| Value::Long(!value)))
}

/// Reduces a shift count modulo 64 as the reference's `value << (shift % 64)` does; a
/// negative count gives `None`, which the callers return as null.
fn shift_count(shift: i64) -> Option<u32> {
    if shift < 0 {
        return None;
    }
    u32::try_from(shift % 64).ok()
}

/// `binary_shift_left(value, shift)`: `value << (shift % 64)`, with the bits shifted out
/// of the 64-bit value dropped; a negative shift gives null
/// (learn.microsoft.com/kusto/query/binary-shift-left-function).
fn binary_shift_left(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(with_two(args, |value, shift| {
        shift_count(shift).map(|count| value.wrapping_shl(count))
    }))
}

/// `binary_shift_right(value, shift)`: `value >> (shift % 64)`; a negative shift gives
/// null (learn.microsoft.com/kusto/query/binary-shift-right-function).
///
/// NOTE: the reference does not say whether the shift keeps the sign of a negative
/// value. This is the arithmetic shift that a signed 64-bit `>>` performs in C#, the
/// language the reference's formula is written in.
fn binary_shift_right(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(with_two(args, |value, shift| {
        shift_count(shift).map(|count| value >> count)
    }))
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "binary_and",
        "binary_and(value1: long, value2: long) -> long",
        (2, 2),
        integers_to_long,
        binary_and,
    ),
    Function::new(
        "binary_or",
        "binary_or(value1: long, value2: long) -> long",
        (2, 2),
        integers_to_long,
        binary_or,
    ),
    Function::new(
        "binary_xor",
        "binary_xor(value1: long, value2: long) -> long",
        (2, 2),
        integers_to_long,
        binary_xor,
    ),
    Function::new(
        "binary_not",
        "binary_not(value: long) -> long",
        (1, 1),
        integers_to_long,
        binary_not,
    ),
    Function::new(
        "binary_shift_left",
        "binary_shift_left(value: long, shift: int) -> long",
        (2, 2),
        integers_to_long,
        binary_shift_left,
    ),
    Function::new(
        "binary_shift_right",
        "binary_shift_right(value: long, shift: int) -> long",
        (2, 2),
        integers_to_long,
        binary_shift_right,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn long(n: i64) -> Value {
        Value::Long(n)
    }

    // learn.microsoft.com/kusto/query/binary-shift-left-function
    #[test]
    fn shift_left_reference_example() {
        assert_eq!(call(binary_shift_left, &[long(1), long(2)]), long(4));
    }

    // learn.microsoft.com/kusto/query/binary-shift-right-function
    #[test]
    fn shift_right_reference_example() {
        assert_eq!(call(binary_shift_right, &[long(1), long(2)]), long(0));
    }

    // learn.microsoft.com/kusto/query/binary-shift-left-function: shift % 64, and a
    // negative shift gives null.
    #[test]
    fn shift_count_wraps_and_rejects_negative() {
        assert_eq!(call(binary_shift_left, &[long(1), long(65)]), long(2));
        assert_eq!(call(binary_shift_right, &[long(8), long(67)]), long(1));
        assert_eq!(call(binary_shift_left, &[long(1), long(-1)]), Value::Null);
        assert_eq!(call(binary_shift_right, &[long(1), long(-1)]), Value::Null);
        assert_eq!(
            call(binary_shift_left, &[long(1), long(63)]),
            long(i64::MIN)
        );
    }

    #[test]
    fn logical_operations() {
        assert_eq!(
            call(binary_and, &[long(0b1100), long(0b1010)]),
            long(0b1000)
        );
        assert_eq!(call(binary_or, &[long(0b1100), long(0b1010)]), long(0b1110));
        assert_eq!(
            call(binary_xor, &[long(0b1100), long(0b1010)]),
            long(0b0110)
        );
        assert_eq!(call(binary_not, &[long(0)]), long(-1));
        assert_eq!(call(binary_and, &[Value::Int(6), long(3)]), long(2));
    }

    #[test]
    fn null_argument_gives_null() {
        assert_eq!(call(binary_and, &[Value::Null, long(1)]), Value::Null);
        assert_eq!(call(binary_not, &[Value::Null]), Value::Null);
        assert_eq!(
            call(binary_shift_left, &[long(1), Value::Null]),
            Value::Null
        );
    }
}
