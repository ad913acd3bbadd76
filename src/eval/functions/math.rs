//! Math functions: rounding, absolute value, logarithms and powers, sign, the largest and
//! smallest of several values, and tests for NaN and infinity.
//!
//! Functions documented on `real` convert int and long arguments to real and return real;
//! a null argument gives null.

use super::logic::common_type;
use super::{expect_arg, integer_arg, number_arg, EvalContext, Function, INTEGER, NUMBER};
use crate::eval::expr::order;
use crate::value::{Type, Value};

fn numbers_to_real(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, NUMBER, "a numeric argument")?;
    Ok(Type::Real)
}

fn numbers_to_bool(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, NUMBER, "a numeric argument")?;
    Ok(Type::Bool)
}

fn real_function(args: &[Value], apply: fn(f64) -> f64) -> Value {
    number_arg(&args[0])
        .map(|x| Value::Real(apply(x)))
        .unwrap_or(Value::Null)
}

fn round_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, NUMBER, "the number of round()")?;
    expect_arg(args, 1, INTEGER, "the precision of round()")?;
    Ok(match args[0] {
        Type::Int | Type::Long => Type::Long,
        _ => Type::Real,
    })
}

/// Rounds half away from zero at `precision` decimal digits (negative: tens, hundreds).
fn round_real(x: f64, precision: i64) -> f64 {
    let precision = precision.clamp(-308, 308) as i32;
    if precision >= 0 {
        let scale = 10f64.powi(precision);
        (x * scale).round() / scale
    } else {
        let scale = 10f64.powi(-precision);
        (x / scale).round() * scale
    }
}

/// `round(number [, precision])`: half away from zero, which gives the reference's
/// `round(2.15, 1)` = 2.2, `round(-50.55, -2)` = -100 and `round(21.5, -1)` = 20
/// (learn.microsoft.com/kusto/query/round-function).
fn round(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let precision = match args.get(1) {
        None => Some(0),
        Some(value) => integer_arg(value),
    };
    let Some(precision) = precision else {
        return Ok(Value::Null);
    };
    let result = match &args[0] {
        Value::Int(_) | Value::Long(_) => {
            let n = args[0].as_i64().unwrap_or(0);
            if precision >= 0 {
                Value::Long(n)
            } else {
                let rounded = round_real(n as f64, precision);
                if rounded.abs() < 9.2e18 {
                    Value::Long(rounded as i64)
                } else {
                    Value::Null
                }
            }
        }
        other => match number_arg(other) {
            Some(x) => Value::Real(round_real(x, precision)),
            None => Value::Null,
        },
    };
    Ok(result)
}

fn abs_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(
        args,
        0,
        &[
            Type::Int,
            Type::Long,
            Type::Real,
            Type::Decimal,
            Type::Timespan,
            Type::Dynamic,
        ],
        "the argument of abs()",
    )?;
    Ok(match args[0] {
        Type::Dynamic => Type::Real,
        other => other,
    })
}

/// `abs(x)` for numbers and timespans (learn.microsoft.com/kusto/query/abs-function).
fn abs(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let result = match &args[0] {
        Value::Int(n) => n.checked_abs().map(Value::Int),
        Value::Long(n) => n.checked_abs().map(Value::Long),
        Value::Timespan(t) => t.checked_abs().map(Value::Timespan),
        other => number_arg(other).map(|x| Value::Real(x.abs())),
    };
    Ok(result.unwrap_or(Value::Null))
}

fn ceiling_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, NUMBER, "the argument of ceiling()")?;
    Ok(match args[0] {
        Type::Int | Type::Long => args[0],
        _ => Type::Real,
    })
}

/// `ceiling(number)`: the smallest integer not below the number
/// (learn.microsoft.com/kusto/query/ceiling-function).
fn ceiling(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(match &args[0] {
        Value::Int(_) | Value::Long(_) => args[0].clone(),
        other => number_arg(other)
            .map(|x| Value::Real(x.ceil()))
            .unwrap_or(Value::Null),
    })
}

/// Applies a function defined for non-negative input; negative input gives null, as
/// the reference documents for `log`.
fn non_negative(args: &[Value], apply: fn(f64) -> f64) -> Value {
    match number_arg(&args[0]) {
        Some(x) if x >= 0.0 => Value::Real(apply(x)),
        _ => Value::Null,
    }
}

/// `log(x)`: the natural logarithm; negative input gives null
/// (learn.microsoft.com/kusto/query/log-function).
fn log(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(non_negative(args, f64::ln))
}

/// `log10(x)` (learn.microsoft.com/kusto/query/log10-function).
fn log10(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(non_negative(args, f64::log10))
}

/// `log2(x)` (learn.microsoft.com/kusto/query/log2-function).
fn log2(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(non_negative(args, f64::log2))
}

/// `exp(x)` (learn.microsoft.com/kusto/query/exp-function).
fn exp(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(real_function(args, f64::exp))
}

/// `exp2(x)` (learn.microsoft.com/kusto/query/exp2-function).
fn exp2(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(real_function(args, f64::exp2))
}

/// `exp10(x)` (learn.microsoft.com/kusto/query/exp10-function).
fn exp10(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(real_function(args, |x| 10f64.powf(x)))
}

/// `sqrt(x)`: negative input gives null (learn.microsoft.com/kusto/query/sqrt-function).
fn sqrt(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(non_negative(args, f64::sqrt))
}

/// `pow(base, exponent)` as a real (learn.microsoft.com/kusto/query/pow-function).
fn pow(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    match (number_arg(&args[0]), number_arg(&args[1])) {
        (Some(base), Some(exponent)) => Ok(Value::Real(base.powf(exponent))),
        _ => Ok(Value::Null),
    }
}

/// `sign(x)`: -1, 0 or 1 as a real (learn.microsoft.com/kusto/query/sign-function).
fn sign(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(real_function(
        args,
        |x| if x == 0.0 { 0.0 } else { x.signum() },
    ))
}

/// `isnan(x)` (learn.microsoft.com/kusto/query/isnan-function).
fn isnan(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(number_arg(&args[0])
        .map(|x| Value::Bool(x.is_nan()))
        .unwrap_or(Value::Null))
}

/// `isinf(x)` (learn.microsoft.com/kusto/query/isinf-function).
fn isinf(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(number_arg(&args[0])
        .map(|x| Value::Bool(x.is_infinite()))
        .unwrap_or(Value::Null))
}

/// `isfinite(x)` (learn.microsoft.com/kusto/query/isfinite-function).
fn isfinite(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(number_arg(&args[0])
        .map(|x| Value::Bool(x.is_finite()))
        .unwrap_or(Value::Null))
}

fn extreme_type(args: &[Type]) -> Result<Type, String> {
    let mut result = args[0];
    for ty in &args[1..] {
        result = common_type(result, *ty).ok_or_else(|| {
            format!("all arguments must have the same type, not {result} and {ty}")
        })?;
    }
    Ok(result)
}

/// Returns the largest (or smallest) non-null argument; null when all are null. Arguments are
/// widened to the result type first, so `max_of(1, 2.5)` compares as reals.
fn extreme(args: &[Value], want: std::cmp::Ordering) -> Value {
    let mut best: Option<&Value> = None;
    for value in args.iter().filter(|value| !value.is_null()) {
        best = match best {
            Some(current) if order(value, current) != Some(want) => Some(current),
            _ => Some(value),
        };
    }
    best.cloned().unwrap_or(Value::Null)
}

fn widened(args: &[Value]) -> Vec<Value> {
    let any_real = args.iter().any(|value| matches!(value, Value::Real(_)));
    args.iter()
        .map(|value| match value {
            Value::Int(n) if !any_real => Value::Long(i64::from(*n)),
            Value::Int(_) | Value::Long(_) if any_real => {
                Value::Real(value.as_f64().unwrap_or(0.0))
            }
            other => other.clone(),
        })
        .collect()
}

/// `max_of(a, b, …)`: nulls are ignored (learn.microsoft.com/kusto/query/max-of-function).
fn max_of(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(extreme(&widened(args), std::cmp::Ordering::Greater))
}

/// `min_of(a, b, …)`: nulls are ignored (learn.microsoft.com/kusto/query/min-of-function).
fn min_of(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(extreme(&widened(args), std::cmp::Ordering::Less))
}

fn rand_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, INTEGER, "the range of rand()")?;
    Ok(Type::Real)
}

/// `rand()`: a real drawn uniformly from [0.0, 1.0); `rand(N)`: a real drawn uniformly
/// from {0.0, 1.0, …, N - 1} (learn.microsoft.com/kusto/query/rand-function). The
/// reference does not say what a range below 1 gives, so it is an error.
fn rand(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(range) = args.first() else {
        return Ok(Value::Real(fastrand::f64()));
    };
    match integer_arg(range) {
        Some(range) if range >= 1 => Ok(Value::Real(fastrand::i64(0..range) as f64)),
        None if range.is_null() => Ok(Value::Null),
        _ => Err(format!(
            "rand({}): the range must be a whole number of at least 1",
            range.to_kusto_string()
        )),
    }
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "round",
        "round(number [, precision: int]) -> type of number",
        (1, 2),
        round_type,
        round,
    ),
    Function::new("abs", "abs(x) -> type of x", (1, 1), abs_type, abs),
    Function::new(
        "rand",
        "rand([range: long]) -> real",
        (0, 1),
        rand_type,
        rand,
    ),
    Function::new(
        "ceiling",
        "ceiling(number) -> type of number",
        (1, 1),
        ceiling_type,
        ceiling,
    ),
    Function::new(
        "log",
        "log(number: real) -> real",
        (1, 1),
        numbers_to_real,
        log,
    ),
    Function::new(
        "log10",
        "log10(number: real) -> real",
        (1, 1),
        numbers_to_real,
        log10,
    ),
    Function::new(
        "log2",
        "log2(number: real) -> real",
        (1, 1),
        numbers_to_real,
        log2,
    ),
    Function::new("exp", "exp(x: real) -> real", (1, 1), numbers_to_real, exp),
    Function::new(
        "exp2",
        "exp2(x: real) -> real",
        (1, 1),
        numbers_to_real,
        exp2,
    ),
    Function::new(
        "exp10",
        "exp10(x: real) -> real",
        (1, 1),
        numbers_to_real,
        exp10,
    ),
    Function::new(
        "sqrt",
        "sqrt(x: real) -> real",
        (1, 1),
        numbers_to_real,
        sqrt,
    ),
    Function::new(
        "pow",
        "pow(base: real, exponent: real) -> real",
        (2, 2),
        numbers_to_real,
        pow,
    ),
    Function::new(
        "sign",
        "sign(x: real) -> real",
        (1, 1),
        numbers_to_real,
        sign,
    ),
    Function::new(
        "isnan",
        "isnan(x: real) -> bool",
        (1, 1),
        numbers_to_bool,
        isnan,
    ),
    Function::new(
        "isinf",
        "isinf(x: real) -> bool",
        (1, 1),
        numbers_to_bool,
        isinf,
    ),
    Function::new(
        "isfinite",
        "isfinite(x: real) -> bool",
        (1, 1),
        numbers_to_bool,
        isfinite,
    ),
    Function::new(
        "max_of",
        "max_of(value1, value2, …) -> common type",
        (1, super::MAX_VARIADIC_ARGS),
        extreme_type,
        max_of,
    ),
    Function::new(
        "min_of",
        "min_of(value1, value2, …) -> common type",
        (1, super::MAX_VARIADIC_ARGS),
        extreme_type,
        min_of,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    // learn.microsoft.com/kusto/query/rand-function: [0.0, 1.0) without an argument, a
    // whole real below N with one.
    #[test]
    fn rand_ranges() {
        for _ in 0..200 {
            let Value::Real(x) = call(rand, &[]) else {
                panic!("rand() is not a real");
            };
            assert!((0.0..1.0).contains(&x), "{x}");
            let Value::Real(n) = call(rand, &[Value::Long(3)]) else {
                panic!("rand(3) is not a real");
            };
            assert!([0.0, 1.0, 2.0].contains(&n), "{n}");
        }
        assert_eq!(call(rand, &[Value::Long(1)]), Value::Real(0.0));
        assert!(rand(&[Value::Long(0)], &EvalContext::for_tests()).is_err());
    }

    // learn.microsoft.com/kusto/query/round-function
    #[test]
    fn round_reference_examples() {
        assert_eq!(
            call(round, &[Value::Real(2.98765), Value::Long(3)]),
            Value::Real(2.988)
        );
        assert_eq!(
            call(round, &[Value::Real(2.15), Value::Long(1)]),
            Value::Real(2.2)
        );
        assert_eq!(call(round, &[Value::Real(2.15)]), Value::Real(2.0));
        assert_eq!(
            call(round, &[Value::Real(-50.55), Value::Long(-2)]),
            Value::Real(-100.0)
        );
        assert_eq!(
            call(round, &[Value::Real(21.5), Value::Long(-1)]),
            Value::Real(20.0)
        );
        assert_eq!(
            call(round, &[Value::Long(1250), Value::Long(-2)]),
            Value::Long(1300)
        );
        assert_eq!(call(round, &[Value::Null]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/abs-function, log-function, pow-function and
    // sign-function
    #[test]
    fn basic_functions_reference_examples() {
        assert_eq!(call(abs, &[Value::Long(-5)]), Value::Long(5));
        assert_eq!(
            call(log, &[Value::Long(5)]),
            Value::Real(1.6094379124341003)
        );
        assert_eq!(call(log, &[Value::Long(-5)]), Value::Null);
        assert_eq!(
            call(pow, &[Value::Long(2), Value::Long(3)]),
            Value::Real(8.0)
        );
        assert_eq!(call(sign, &[Value::Long(-42)]), Value::Real(-1.0));
        assert_eq!(call(sign, &[Value::Long(0)]), Value::Real(0.0));
        assert_eq!(call(sign, &[Value::Real(11.2)]), Value::Real(1.0));
        assert_eq!(call(sqrt, &[Value::Long(16)]), Value::Real(4.0));
        assert_eq!(call(log10, &[Value::Long(100)]), Value::Real(2.0));
        assert_eq!(call(log2, &[Value::Long(8)]), Value::Real(3.0));
        assert_eq!(call(exp, &[Value::Null]), Value::Null);
        assert_eq!(call(ceiling, &[Value::Real(1.2)]), Value::Real(2.0));
    }

    // learn.microsoft.com/kusto/query/max-of-function and min-of-function
    #[test]
    fn max_of_and_min_of_reference_examples() {
        let longs = [
            Value::Long(10),
            Value::Long(1),
            Value::Long(-3),
            Value::Long(17),
        ];
        assert_eq!(call(max_of, &longs), Value::Long(17));
        assert_eq!(call(min_of, &longs), Value::Long(-3));
        assert_eq!(call(max_of, &[Value::Null, Value::Int(2)]), Value::Long(2));
        assert_eq!(call(max_of, &[Value::Null, Value::Null]), Value::Null);
        assert_eq!(
            call(max_of, &[Value::Long(1), Value::Real(2.5)]),
            Value::Real(2.5)
        );
        assert!(extreme_type(&[Type::Long, Type::String]).is_err());
    }

    #[test]
    fn nan_and_infinity_tests() {
        assert_eq!(call(isnan, &[Value::Real(f64::NAN)]), Value::Bool(true));
        assert_eq!(
            call(isfinite, &[Value::Real(f64::INFINITY)]),
            Value::Bool(false)
        );
        assert_eq!(
            call(isinf, &[Value::Real(f64::NEG_INFINITY)]),
            Value::Bool(true)
        );
        assert_eq!(call(isnan, &[Value::Null]), Value::Null);
    }
}
