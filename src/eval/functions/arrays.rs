//! Array functions that move or combine elements: `array_shift_left`,
//! `array_shift_right`, `array_rotate_left`, `array_rotate_right`, `array_sum`,
//! `jaccard_index`, `array_iff`, `array_split`, and the string comparison `strcmp`.
//!
//! A first argument that is not a dynamic array gives null, as in the other dynamic
//! functions.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::Value as Json;

use super::dynamic::json_key;
use super::{expect_arg, integer_arg, EvalContext, Function, INTEGER, TEXT};
use crate::value::{Type, Value};

fn array_of(value: &Value) -> Option<&Vec<Json>> {
    match value {
        Value::Dynamic(json) => json.as_array(),
        _ => None,
    }
}

fn move_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array")?;
    expect_arg(args, 1, INTEGER, "the count")?;
    Ok(Type::Dynamic)
}

/// Shifts `items` left by `count` positions (right when negative), filling the vacated
/// positions with `fill`.
fn shift(items: &[Json], count: i64, fill: &Json) -> Vec<Json> {
    let length = items.len();
    let offset = usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX);
    (0..length)
        .map(|index| {
            let source = if count >= 0 {
                index.checked_add(offset).filter(|&source| source < length)
            } else {
                index.checked_sub(offset)
            };
            source
                .and_then(|source| items.get(source))
                .unwrap_or(fill)
                .clone()
        })
        .collect()
}

/// Returns the fill value of a shift without `default_value`: "null or an empty string
/// depending on the type of elements in the array", which this reads as "" for an array
/// of strings and null for an array without strings. A mix of both is an error.
fn default_fill(items: &[Json]) -> Result<Json, String> {
    let strings = items.iter().filter(|item| item.is_string()).count();
    if strings == 0 {
        Ok(Json::Null)
    } else if strings == items.len() {
        Ok(Json::String(String::new()))
    } else {
        Err("array_shift without default_value on an array that mixes strings and other values is not supported yet; pass default_value".to_string())
    }
}

fn shifted(args: &[Value], direction: i64) -> Result<Value, String> {
    let (Some(items), Some(count)) = (array_of(&args[0]), args.get(1).and_then(integer_arg)) else {
        return Ok(Value::Null);
    };
    let fill = match args.get(2) {
        Some(value) => value.to_json(),
        None => default_fill(items)?,
    };
    let count = count.checked_mul(direction).unwrap_or(i64::MAX);
    Ok(Value::dynamic(Json::Array(shift(items, count, &fill))))
}

/// `array_shift_left(array, shift_count [, default_value])`
/// (learn.microsoft.com/kusto/query/array-shift-left-function).
fn array_shift_left(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    shifted(args, 1)
}

/// `array_shift_right(array, shift_count [, default_value])`: `array_shift_left` with
/// the count negated.
fn array_shift_right(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    shifted(args, -1)
}

fn rotated(args: &[Value], direction: i64) -> Value {
    let (Some(items), Some(count)) = (array_of(&args[0]), args.get(1).and_then(integer_arg)) else {
        return Value::Null;
    };
    let mut items = items.clone();
    let Ok(length) = i64::try_from(items.len()) else {
        return Value::Null;
    };
    if length > 0 {
        let left = (i128::from(count) * i128::from(direction)).rem_euclid(i128::from(length));
        items.rotate_left(usize::try_from(left).unwrap_or(0));
    }
    Value::dynamic(Json::Array(items))
}

/// `array_rotate_left(array, rotate_count)`: a negative count rotates right
/// (learn.microsoft.com/kusto/query/array-rotate-left-function).
fn array_rotate_left(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(rotated(args, 1))
}

/// `array_rotate_right(array, rotate_count)`: a negative count rotates left
/// (learn.microsoft.com/kusto/query/array-rotate-right-function).
fn array_rotate_right(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(rotated(args, -1))
}

fn array_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array")?;
    Ok(Type::Dynamic)
}

/// `array_reverse(array)`: the elements in reverse order; a value that is not an array
/// gives null, as the other array functions here do
/// (learn.microsoft.com/kusto/query/array-reverse-function).
fn array_reverse(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    Ok(Value::dynamic(Json::Array(
        items.iter().rev().cloned().collect(),
    )))
}

fn array_to_real(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array")?;
    Ok(Type::Real)
}

/// `array_sum(array)`: the sum as a real, or null when an element is not a number
/// (learn.microsoft.com/kusto/query/array-sum-function).
///
/// NOTE: the reference does not give the sum of an empty array; this returns 0.
fn array_sum(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let mut total = 0.0;
    for item in items {
        let Some(number) = item.as_f64() else {
            return Ok(Value::Null);
        };
        total += number;
    }
    Ok(Value::Real(total))
}

fn two_arrays_to_real(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Dynamic], "a set")?;
    Ok(Type::Real)
}

/// `jaccard_index(set1, set2)`: |set1 ∩ set2| / |set1 ∪ set2|, duplicates ignored
/// (learn.microsoft.com/kusto/query/jaccard-index-function). Two empty sets are an
/// error, because the reference does not define 0 / 0.
fn jaccard_index(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (Some(first), Some(second)) = (array_of(&args[0]), array_of(&args[1])) else {
        return Ok(Value::Null);
    };
    let first: HashSet<String> = first.iter().map(json_key).collect();
    let second: HashSet<String> = second.iter().map(json_key).collect();
    let union = first.union(&second).count();
    if union == 0 {
        return Err("jaccard_index of two empty sets is not supported yet".to_string());
    }
    let intersection = first.intersection(&second).count();
    Ok(Value::Real(intersection as f64 / union as f64))
}

fn strings_to_int(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, TEXT, "a string")?;
    Ok(Type::Int)
}

/// `strcmp(string1, string2)`: -1, 0 or 1 by the first differing character
/// (learn.microsoft.com/kusto/query/strcmp-function). Characters compare by their
/// UTF-16 code units, the ordinal order in which "abc" sorts after "ABC".
fn strcmp(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let first = args[0].to_kusto_string();
    let second = args[1].to_kusto_string();
    let ordering = first.encode_utf16().cmp(second.encode_utf16());
    Ok(Value::Int(match ordering {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    }))
}

fn array_iff_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the condition array")?;
    Ok(Type::Dynamic)
}

/// Returns element `index` of an array argument, or the argument itself when it is a
/// scalar. A shorter array gives JSON null.
fn element_or_scalar(value: &Value, index: usize) -> Json {
    match value {
        Value::Dynamic(json) => match json.as_array() {
            Some(items) => items.get(index).cloned().unwrap_or(Json::Null),
            None => (**json).clone(),
        },
        other => other.to_json(),
    }
}

/// `array_iff(condition_array, when_true, when_false)` and its alias `array_iif`: per
/// element, `when_true` where the condition is true or a non-zero number, `when_false`
/// where it is false or zero, and null for any other condition value
/// (learn.microsoft.com/kusto/query/array-iff-function).
fn array_iff(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(conditions) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let result = conditions
        .iter()
        .enumerate()
        .map(|(index, condition)| {
            let chosen = match condition {
                Json::Bool(flag) => Some(*flag),
                Json::Number(number) => number.as_f64().map(|number| number != 0.0),
                _ => None,
            };
            match chosen {
                Some(true) => element_or_scalar(&args[1], index),
                Some(false) => element_or_scalar(&args[2], index),
                None => Json::Null,
            }
        })
        .collect();
    Ok(Value::dynamic(Json::Array(result)))
}

fn array_split_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array")?;
    expect_arg(args, 1, INTEGER, "the split index")?;
    Ok(Type::Dynamic)
}

/// `array_split(array, index)`: the parts of `array` before each split index and after
/// the last; a negative index counts from the end
/// (learn.microsoft.com/kusto/query/array-split-function).
///
/// NOTE: the reference does not say what an index outside the array or indices out of
/// order give, so both are rejected as not supported yet.
fn array_split(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let indices: Vec<Option<i64>> = match &args[1] {
        Value::Dynamic(json) if json.is_array() => json
            .as_array()
            .into_iter()
            .flatten()
            .map(Json::as_i64)
            .collect(),
        other => vec![integer_arg(other)],
    };
    let length = items.len();
    let mut parts = Vec::new();
    let mut start = 0;
    for index in indices {
        let Some(index) = index else {
            return Ok(Value::Null);
        };
        let resolved = if index < 0 {
            i64::try_from(length)
                .ok()
                .and_then(|length| length.checked_add(index))
        } else {
            Some(index)
        };
        let Some(end) = resolved
            .and_then(|end| usize::try_from(end).ok())
            .filter(|end| (start..=length).contains(end))
        else {
            return Err(format!(
                "array_split() with the index {index}, outside the array of {length} elements or before an earlier index, is not supported yet"
            ));
        };
        parts.push(Json::Array(
            items.get(start..end).unwrap_or_default().to_vec(),
        ));
        start = end;
    }
    parts.push(Json::Array(items.get(start..).unwrap_or_default().to_vec()));
    Ok(Value::dynamic(Json::Array(parts)))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "array_iff",
        "array_iff(condition_array: dynamic, when_true, when_false) -> dynamic",
        (3, 3),
        array_iff_type,
        array_iff,
    ),
    Function::new(
        "array_iif",
        "array_iif(condition_array: dynamic, when_true, when_false) -> dynamic",
        (3, 3),
        array_iff_type,
        array_iff,
    ),
    Function::new(
        "array_split",
        "array_split(array: dynamic, index: int or dynamic) -> dynamic",
        (2, 2),
        array_split_type,
        array_split,
    ),
    Function::new(
        "array_shift_left",
        "array_shift_left(array: dynamic, shift_count: int [, default_value]) -> dynamic",
        (2, 3),
        move_type,
        array_shift_left,
    ),
    Function::new(
        "array_shift_right",
        "array_shift_right(array: dynamic, shift_count: int [, default_value]) -> dynamic",
        (2, 3),
        move_type,
        array_shift_right,
    ),
    Function::new(
        "array_reverse",
        "array_reverse(array: dynamic) -> dynamic",
        (1, 1),
        array_type,
        array_reverse,
    ),
    Function::new(
        "array_rotate_left",
        "array_rotate_left(array: dynamic, rotate_count: int) -> dynamic",
        (2, 2),
        move_type,
        array_rotate_left,
    ),
    Function::new(
        "array_rotate_right",
        "array_rotate_right(array: dynamic, rotate_count: int) -> dynamic",
        (2, 2),
        move_type,
        array_rotate_right,
    ),
    Function::new(
        "array_sum",
        "array_sum(array: dynamic) -> real",
        (1, 1),
        array_to_real,
        array_sum,
    ),
    Function::new(
        "jaccard_index",
        "jaccard_index(set1: dynamic, set2: dynamic) -> real",
        (2, 2),
        two_arrays_to_real,
        jaccard_index,
    ),
    Function::new(
        "strcmp",
        "strcmp(string1: string, string2: string) -> int",
        (2, 2),
        strings_to_int,
        strcmp,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(function: super::super::Implementation, args: &[Value]) -> String {
        function(args, &EvalContext::for_tests())
            .unwrap_or_else(|error| panic!("{error}"))
            .to_kusto_string()
    }

    fn array(text: &str) -> Value {
        Value::dynamic(serde_json::from_str(text).unwrap_or_else(|error| panic!("{error}")))
    }

    // learn.microsoft.com/kusto/query/array-shift-left-function
    #[test]
    fn shift_left_reference_examples() {
        let numbers = array("[1,2,3,4,5]");
        let shift_left = |args: &[Value]| call(array_shift_left, args);
        assert_eq!(
            shift_left(&[numbers.clone(), Value::Long(2)]),
            "[3,4,5,null,null]"
        );
        assert_eq!(
            shift_left(&[numbers.clone(), Value::Long(2), Value::Long(-1)]),
            "[3,4,5,-1,-1]"
        );
        assert_eq!(
            shift_left(&[numbers, Value::Long(-2), Value::Long(-1)]),
            "[-1,-1,1,2,3]"
        );
    }

    #[test]
    fn shift_right_and_edges() {
        let numbers = array("[1,2,3]");
        assert_eq!(
            call(array_shift_right, &[numbers.clone(), Value::Long(1)]),
            "[null,1,2]"
        );
        assert_eq!(
            call(array_shift_left, &[numbers.clone(), Value::Long(7)]),
            "[null,null,null]"
        );
        assert_eq!(
            call(array_shift_left, &[numbers, Value::Long(i64::MIN)]),
            "[null,null,null]"
        );
        assert_eq!(
            call(array_shift_left, &[array(r#"["a","b"]"#), Value::Long(1)]),
            r#"["b",""]"#
        );
        let mixed = array_shift_left(
            &[array(r#"["a",1]"#), Value::Long(1)],
            &EvalContext::for_tests(),
        );
        assert!(mixed.is_err());
    }

    // learn.microsoft.com/kusto/query/array-rotate-left-function and
    // array-rotate-right-function
    #[test]
    fn reverse_reference_example() {
        // learn.microsoft.com/kusto/query/array-reverse-function
        assert_eq!(
            call(
                array_reverse,
                &[array(r#"["this", "is", "an", "example"]"#)]
            ),
            r#"["example","an","is","this"]"#
        );
        assert_eq!(call(array_reverse, &[array("[]")]), "[]");
        assert_eq!(call(array_reverse, &[Value::from("text")]), "");
    }

    #[test]
    fn rotate_reference_examples() {
        let numbers = array("[1,2,3,4,5]");
        assert_eq!(
            call(array_rotate_left, &[numbers.clone(), Value::Long(2)]),
            "[3,4,5,1,2]"
        );
        assert_eq!(
            call(array_rotate_left, &[numbers.clone(), Value::Long(-2)]),
            "[4,5,1,2,3]"
        );
        assert_eq!(
            call(array_rotate_right, &[numbers.clone(), Value::Long(2)]),
            "[4,5,1,2,3]"
        );
        assert_eq!(
            call(array_rotate_right, &[numbers.clone(), Value::Long(-2)]),
            "[3,4,5,1,2]"
        );
        assert_eq!(
            call(array_rotate_left, &[numbers, Value::Long(12)]),
            "[3,4,5,1,2]"
        );
        assert_eq!(
            call(array_rotate_left, &[array("[]"), Value::Long(3)]),
            "[]"
        );
    }

    // learn.microsoft.com/kusto/query/array-sum-function
    #[test]
    fn array_sum_reference_example() {
        assert_eq!(
            array_sum(&[array("[1,2,3,4]")], &EvalContext::for_tests()),
            Ok(Value::Real(10.0))
        );
        assert_eq!(
            array_sum(&[array(r#"[1,"a"]"#)], &EvalContext::for_tests()),
            Ok(Value::Null)
        );
        assert_eq!(
            array_sum(&[Value::from("x")], &EvalContext::for_tests()),
            Ok(Value::Null)
        );
    }

    // learn.microsoft.com/kusto/query/jaccard-index-function
    #[test]
    fn jaccard_reference_example() {
        let context = EvalContext::for_tests();
        assert_eq!(
            jaccard_index(&[array("[1,2,3]"), array("[1,2,3,4]")], &context),
            Ok(Value::Real(0.75))
        );
        assert_eq!(
            jaccard_index(&[array("[1,1,2]"), array("[2,2,3]")], &context),
            Ok(Value::Real(1.0 / 3.0))
        );
        assert!(jaccard_index(&[array("[]"), array("[]")], &context).is_err());
    }

    // learn.microsoft.com/kusto/query/strcmp-function
    #[test]
    fn strcmp_reference_example() {
        let compare =
            |first: &str, second: &str| call(strcmp, &[Value::from(first), Value::from(second)]);
        assert_eq!(compare("ABC", "ABC"), "0");
        assert_eq!(compare("abc", "ABC"), "1");
        assert_eq!(compare("ABC", "abc"), "-1");
        assert_eq!(compare("abcde", "abc"), "1");
    }

    // learn.microsoft.com/kusto/query/array-iff-function
    #[test]
    fn array_iff_reference_examples() {
        let picked = call(
            array_iff,
            &[
                array("[true,false,true]"),
                array("[1,2,3]"),
                array("[4,5,6]"),
            ],
        );
        assert_eq!(picked, "[1,5,3]");

        let numeric = call(
            array_iff,
            &[array("[1,0,50]"), Value::from("yes"), Value::from("no")],
        );
        assert_eq!(numeric, r#"["yes","no","yes"]"#);

        let neither = call(
            array_iff,
            &[
                array(r#"["some string value","2022-01-01T00:00:00.0000000Z",null]"#),
                Value::Long(1),
                Value::Long(0),
            ],
        );
        assert_eq!(neither, "[null,null,null]");

        let short = call(
            array_iff,
            &[array("[true,true,true]"), array("[1,2]"), array("[3,4]")],
        );
        assert_eq!(short, "[1,2,null]");
    }

    // learn.microsoft.com/kusto/query/array-split-function
    #[test]
    fn array_split_reference_examples() {
        let numbers = array("[1,2,3,4,5]");
        assert_eq!(
            call(array_split, &[numbers.clone(), Value::Long(2)]),
            "[[1,2],[3,4,5]]"
        );
        assert_eq!(
            call(array_split, &[numbers.clone(), array("[1,3]")]),
            "[[1],[2,3],[4,5]]"
        );
        assert_eq!(
            call(array_split, &[numbers, Value::Long(-2)]),
            "[[1,2,3],[4,5]]"
        );
    }

    #[test]
    fn array_split_rejects_unclear_indices() {
        let numbers = array("[1,2,3]");
        let context = EvalContext::for_tests();
        assert!(array_split(&[numbers.clone(), Value::Long(4)], &context).is_err());
        assert!(array_split(&[numbers, array("[2,1]")], &context).is_err());
    }
}
