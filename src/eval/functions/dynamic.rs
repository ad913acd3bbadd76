//! Dynamic functions: building bags and arrays, reading and changing them, set
//! operations over arrays, sorting, and JSON text (`dynamic_to_json`, `extract_json`).
//!
//! A value that is not an array where an array is expected gives null, as the KQL
//! reference documents for `array_length`. Element equality compares JSON values, with
//! numbers equal when their `f64` values are equal.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::{Map, Value as Json};

use super::{expect_arg, integer_arg, Argument, EvalContext, Function, Prepared, INTEGER, TEXT};
use crate::value::json_path::{follow_path, parse_json_path};
use crate::value::{convert, json_to_kusto_string, Type, Value};

fn dynamic_args(args: &[Type]) -> Result<(), String> {
    super::expect_types(args, &[Type::Dynamic], "the argument")
}

fn to_dynamic(_: &[Type]) -> Result<Type, String> {
    Ok(Type::Dynamic)
}

fn dynamics_to_dynamic(args: &[Type]) -> Result<Type, String> {
    dynamic_args(args)?;
    Ok(Type::Dynamic)
}

fn array_of(value: &Value) -> Option<&Vec<Json>> {
    match value {
        Value::Dynamic(json) => json.as_array(),
        _ => None,
    }
}

fn bag_of(value: &Value) -> Option<&Map<String, Json>> {
    match value {
        Value::Dynamic(json) => json.as_object(),
        _ => None,
    }
}

/// True when two JSON values are equal, numbers compared by value (`1` equals `1.0`).
fn json_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// Builds a hash key that is the same for values that `json_equal` finds equal.
pub(super) fn json_key(json: &Json) -> String {
    match json {
        Json::Number(number) => format!("n:{}", number.as_f64().unwrap_or(f64::NAN)),
        other => format!("j:{other}"),
    }
}

fn pack_type(args: &[Type]) -> Result<Type, String> {
    if args.len() % 2 != 0 {
        return Err("the arguments must be key and value pairs".to_string());
    }
    for key in args.iter().step_by(2) {
        super::expect_types(std::slice::from_ref(key), TEXT, "a key")?;
    }
    Ok(Type::Dynamic)
}

/// `bag_pack(key1, value1, …)` and its alias `pack`: a property bag; a later duplicate
/// key replaces an earlier one (learn.microsoft.com/kusto/query/bag-pack-function).
fn bag_pack(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut bag = Map::new();
    for pair in args.chunks(2) {
        if let [key, value] = pair {
            bag.insert(key.to_kusto_string(), value.to_json());
        }
    }
    Ok(Value::dynamic(Json::Object(bag)))
}

/// `pack_all([ignore_null_empty])`: the columns of the row as a bag. The binder passes
/// the flag, then each column's name and value as `bag_pack` pairs
/// (learn.microsoft.com/kusto/query/pack-all-function).
pub static PACK_ALL: Function = Function::new(
    "pack_all",
    "pack_all([ignore_null_empty: bool]) -> dynamic",
    (1, usize::MAX),
    to_dynamic,
    pack_all,
);

fn pack_all(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some((flag, pairs)) = args.split_first() else {
        return Ok(Value::dynamic(Json::Object(Map::new())));
    };
    let ignore_null_empty = matches!(flag, Value::Bool(true));
    let mut bag = Map::new();
    for pair in pairs.chunks(2) {
        if let [key, value] = pair {
            let empty = value.is_null() || matches!(value, Value::String(text) if text.is_empty());
            if !(ignore_null_empty && empty) {
                bag.insert(key.to_kusto_string(), value.to_json());
            }
        }
    }
    Ok(Value::dynamic(Json::Object(bag)))
}

/// `pack_array(value1, …)`: the values as one array, nulls included
/// (learn.microsoft.com/kusto/query/pack-array-function).
fn pack_array(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(Value::dynamic(Json::Array(
        args.iter().map(Value::to_json).collect(),
    )))
}

/// `bag_keys(bag)`: the keys as an array; not a bag gives null
/// (learn.microsoft.com/kusto/query/bag-keys-function).
fn bag_keys(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(bag) = bag_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let keys = bag.keys().map(|key| Json::String(key.clone())).collect();
    Ok(Value::dynamic(Json::Array(keys)))
}

/// Rejects JSONPath keys, which select nested values: only top-level keys are supported.
fn plain_key(key: &str) -> Result<&str, String> {
    if key.starts_with('$') {
        return Err(format!(
            "JSONPath keys such as `{key}` are not supported yet"
        ));
    }
    Ok(key)
}

/// `bag_remove_keys(bag, keys)`: the bag without the listed top-level keys
/// (learn.microsoft.com/kusto/query/bag-remove-keys-function).
fn bag_remove_keys(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let (Some(bag), Some(keys)) = (bag_of(&args[0]), array_of(&args[1])) else {
        return Ok(Value::Null);
    };
    let mut remaining = bag.clone();
    for key in keys {
        let key = json_to_kusto_string(key);
        remaining.shift_remove(plain_key(&key)?);
    }
    Ok(Value::dynamic(Json::Object(remaining)))
}

/// `bag_merge(bag1, bag2, …)`: one bag; for a key in several bags the leftmost value
/// wins. Arguments that are not bags are skipped
/// (learn.microsoft.com/kusto/query/bag-merge-function).
fn bag_merge(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut merged = Map::new();
    for bag in args.iter().filter_map(bag_of) {
        for (key, value) in bag {
            if !merged.contains_key(key) {
                merged.insert(key.clone(), value.clone());
            }
        }
    }
    Ok(Value::dynamic(Json::Object(merged)))
}

fn bag_has_key_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the bag of bag_has_key()")?;
    expect_arg(args, 1, TEXT, "the key of bag_has_key()")?;
    Ok(Type::Bool)
}

/// `bag_has_key(bag, key)`: true when the bag has the top-level key
/// (learn.microsoft.com/kusto/query/bag-has-key-function).
fn bag_has_key(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let key = args[1].to_kusto_string();
    let key = plain_key(&key)?;
    let Some(bag) = bag_of(&args[0]) else {
        return Ok(Value::Null);
    };
    Ok(Value::Bool(bag.contains_key(key)))
}

fn array_length_type(args: &[Type]) -> Result<Type, String> {
    dynamic_args(args)?;
    Ok(Type::Long)
}

/// `array_length(array)`: the element count; not an array gives null
/// (learn.microsoft.com/kusto/query/array-length-function).
fn array_length(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(array_of(&args[0])
        .map(|items| Value::Long(items.len() as i64))
        .unwrap_or(Value::Null))
}

fn array_slice_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array of array_slice()")?;
    super::expect_types(&args[1..], INTEGER, "the indexes of array_slice()")?;
    Ok(Type::Dynamic)
}

/// `array_slice(array, start, end)`: elements `start` to `end` inclusive; negative indexes
/// count from the end and out-of-range indexes are clamped
/// (learn.microsoft.com/kusto/query/array-slice-function).
fn array_slice(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let (Some(start), Some(end)) = (integer_arg(&args[1]), integer_arg(&args[2])) else {
        return Ok(Value::Null);
    };
    let length = items.len() as i64;
    let resolve = |index: i64| if index < 0 { length + index } else { index };
    let start = resolve(start).max(0);
    let end = resolve(end).min(length - 1);
    let slice = if start > end {
        Vec::new()
    } else {
        items[start as usize..=end as usize].to_vec()
    };
    Ok(Value::dynamic(Json::Array(slice)))
}

/// `array_concat(array1, …)`: one array; any argument that is not an array gives null
/// (learn.microsoft.com/kusto/query/array-concat-function).
fn array_concat(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let mut joined = Vec::new();
    for value in args {
        let Some(items) = array_of(value) else {
            return Ok(Value::Null);
        };
        joined.extend(items.iter().cloned());
    }
    Ok(Value::dynamic(Json::Array(joined)))
}

fn array_sort_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array")?;
    match args.get(1) {
        None | Some(Type::Bool) => Ok(Type::Dynamic),
        Some(Type::Dynamic) => {
            Err("sorting several arrays together is not supported yet".to_string())
        }
        Some(other) => Err(format!("nulls_last must be bool, not {other}")),
    }
}

/// Ranks an element for sorting mixed-type arrays: numbers, then strings, then the rest.
///
/// NOTE: the reference also puts GUIDs between strings and other values, but a GUID in a
/// dynamic array is stored as its text here, so it sorts as a string.
fn sort_group(json: &Json) -> u8 {
    match json {
        Json::Number(_) => 0,
        Json::String(_) => 1,
        _ => 2,
    }
}

fn compare_elements(a: &Json, b: &Json) -> Ordering {
    let by_group = sort_group(a).cmp(&sort_group(b));
    if by_group != Ordering::Equal {
        return by_group;
    }
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x.total_cmp(&y)
        }
        (Json::String(x), Json::String(y)) => x.cmp(y),
        _ => a.to_string().cmp(&b.to_string()),
    }
}

fn sort_array(args: &[Value], descending: bool) -> Value {
    let Some(items) = array_of(&args[0]) else {
        return Value::Null;
    };
    let nulls_last = !matches!(args.get(1), Some(Value::Bool(false)));
    let (mut nulls, mut values): (Vec<Json>, Vec<Json>) =
        items.iter().cloned().partition(Json::is_null);
    values.sort_by(|a, b| {
        let ordering = compare_elements(a, b);
        if descending {
            ordering.reverse()
        } else {
            ordering
        }
    });
    let sorted = if nulls_last {
        values.append(&mut nulls);
        values
    } else {
        nulls.append(&mut values);
        nulls
    };
    Value::dynamic(Json::Array(sorted))
}

/// `array_sort_asc(array [, nulls_last])`: numbers before strings before other values;
/// nulls last unless `nulls_last` is false
/// (learn.microsoft.com/kusto/query/array-sort-asc-function).
fn array_sort_asc(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(sort_array(args, false))
}

/// `array_sort_desc(array [, nulls_last])` (learn.microsoft.com/kusto/query/array-sort-desc-function).
fn array_sort_desc(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    Ok(sort_array(args, true))
}

fn array_index_of_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the array of array_index_of()")?;
    for index in 2..args.len() {
        expect_arg(args, index, INTEGER, "the start, length and occurrence")?;
    }
    Ok(Type::Long)
}

/// `array_index_of(array, value [, start [, length [, occurrence]]])`: the position of
/// the `occurrence`-th equal element, or -1; the optional arguments work as in
/// `indexof` (learn.microsoft.com/kusto/query/array-index-of-function).
fn array_index_of(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let wanted = args[1].to_json();
    let found = super::strings::search_occurrence(args, items.len(), |start, end| {
        items[start..end]
            .iter()
            .position(|item| json_equal(item, &wanted))
    });
    Ok(found)
}

fn set_has_element_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, &[Type::Dynamic], "the set of set_has_element()")?;
    Ok(Type::Bool)
}

/// `set_has_element(array, value)` (learn.microsoft.com/kusto/query/set-has-element-function).
fn set_has_element(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(items) = array_of(&args[0]) else {
        return Ok(Value::Null);
    };
    let wanted = args[1].to_json();
    Ok(Value::Bool(
        items.iter().any(|item| json_equal(item, &wanted)),
    ))
}

/// Keeps the distinct elements of `items`, in first-seen order.
fn distinct(items: impl Iterator<Item = Json>) -> Vec<Json> {
    let mut seen = HashSet::new();
    items.filter(|item| seen.insert(json_key(item))).collect()
}

fn arrays(args: &[Value]) -> Option<Vec<&Vec<Json>>> {
    args.iter().map(array_of).collect()
}

/// `set_union(array1, array2, …)`: the distinct elements of all arrays, in first-seen
/// order (learn.microsoft.com/kusto/query/set-union-function).
fn set_union(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(arrays) = arrays(args) else {
        return Ok(Value::Null);
    };
    let all = arrays.into_iter().flat_map(|items| items.iter().cloned());
    Ok(Value::dynamic(Json::Array(distinct(all))))
}

/// `set_intersect(array1, array2, …)`: the distinct elements present in every array
/// (learn.microsoft.com/kusto/query/set-intersect-function).
fn set_intersect(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(arrays) = arrays(args) else {
        return Ok(Value::Null);
    };
    let Some((first, rest)) = arrays.split_first() else {
        return Ok(Value::Null);
    };
    let others: Vec<HashSet<String>> = rest
        .iter()
        .map(|items| items.iter().map(json_key).collect())
        .collect();
    let common = first
        .iter()
        .filter(|item| others.iter().all(|set| set.contains(&json_key(item))))
        .cloned();
    Ok(Value::dynamic(Json::Array(distinct(common))))
}

/// `set_difference(array1, array2, …)`: the distinct elements of the first array that
/// are in none of the others (learn.microsoft.com/kusto/query/set-difference-function).
fn set_difference(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(arrays) = arrays(args) else {
        return Ok(Value::Null);
    };
    let Some((first, rest)) = arrays.split_first() else {
        return Ok(Value::Null);
    };
    let excluded: HashSet<String> = rest
        .iter()
        .flat_map(|items| items.iter().map(json_key))
        .collect();
    let remaining = first
        .iter()
        .filter(|item| !excluded.contains(&json_key(item)))
        .cloned();
    Ok(Value::dynamic(Json::Array(distinct(remaining))))
}

fn zip_type(args: &[Type]) -> Result<Type, String> {
    dynamic_args(args)?;
    Ok(Type::Dynamic)
}

/// `zip(array1, array2, …)`: an array of tuples, as long as the longest array, padded
/// with nulls; an argument that is not an array gives null
/// (learn.microsoft.com/kusto/query/zip-function).
fn zip(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let Some(arrays) = arrays(args) else {
        return Ok(Value::Null);
    };
    let longest = arrays.iter().map(|items| items.len()).max().unwrap_or(0);
    let tuples = (0..longest)
        .map(|index| {
            let tuple = arrays
                .iter()
                .map(|items| items.get(index).cloned().unwrap_or(Json::Null))
                .collect();
            Json::Array(tuple)
        })
        .collect();
    Ok(Value::dynamic(Json::Array(tuples)))
}

/// Writes a JSON value with object keys sorted at every level.
fn canonical_json(json: &Json) -> String {
    match json {
        Json::Object(bag) => {
            let mut keys: Vec<&String> = bag.keys().collect();
            keys.sort();
            let pairs: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    let value = bag.get(key).map(canonical_json).unwrap_or_default();
                    format!("{}:{value}", Json::String(key.clone()))
                })
                .collect();
            format!("{{{}}}", pairs.join(","))
        }
        Json::Array(items) => {
            let parts: Vec<String> = items.iter().map(canonical_json).collect();
            format!("[{}]", parts.join(","))
        }
        other => other.to_string(),
    }
}

/// `dynamic_to_json(value)`: compact JSON with bag keys sorted; a value that is not
/// dynamic is converted with `tostring`
/// (learn.microsoft.com/kusto/query/dynamic-to-json-function).
fn dynamic_to_json(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let text = match &args[0] {
        Value::Dynamic(json) => canonical_json(json),
        other => other.to_kusto_string(),
    };
    Ok(Value::from(text))
}

fn extract_json_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the JSONPath")?;
    expect_arg(args, 1, TEXT, "the JSON text")?;
    expect_arg(args, 2, &[Type::String], "the type")?;
    Ok(Type::String)
}

fn prepare_extract_json(arguments: &[Argument<'_>]) -> Result<Prepared, String> {
    if let Some(Argument {
        constant: Some(path),
        ..
    }) = arguments.first()
    {
        parse_json_path(&path.to_kusto_string())?;
    }
    let result_type = match arguments.get(2) {
        None => None,
        Some(Argument {
            constant: Some(Value::String(name)),
            ..
        }) => Some(Type::from_name(name).ok_or_else(|| format!("unknown type `{name}`"))?),
        Some(_) => return Err("the type must be a type literal such as typeof(long)".to_string()),
    };
    Ok(Prepared {
        result_type,
        eval: None,
    })
}

/// `extract_json(path, json [, typeof(T)])` and its alias `extractjson`: the element at
/// the JSONPath as text (or converted to `T`); a missing element or text that is not
/// JSON gives `""`, or null when a type is given
/// (learn.microsoft.com/kusto/query/extract-json-function).
fn extract_json(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let steps = parse_json_path(&args[0].to_kusto_string())?;
    let target = args
        .get(2)
        .and_then(|name| Type::from_name(&name.to_kusto_string()))
        .unwrap_or(Type::String);
    let document = match &args[1] {
        Value::Dynamic(json) => Some((**json).clone()),
        other => serde_json::from_str::<Json>(&other.to_kusto_string()).ok(),
    };
    let found = document
        .as_ref()
        .and_then(|json| follow_path(json, &steps))
        .filter(|json| !json.is_null())
        .map(json_to_kusto_string);
    let result = match (found, target) {
        (Some(text), Type::String) => Value::from(text),
        (None, Type::String) => Value::from(""),
        (Some(text), Type::Dynamic) => {
            Value::dynamic(serde_json::from_str(&text).unwrap_or(Json::String(text)))
        }
        (Some(text), ty) => convert(&Value::from(text), ty).unwrap_or(Value::Null),
        (None, _) => Value::Null,
    };
    Ok(result)
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function::new(
        "bag_pack",
        "bag_pack(key1: string, value1, …) -> dynamic",
        (0, super::MAX_VARIADIC_ARGS),
        pack_type,
        bag_pack,
    ),
    Function::new(
        "pack",
        "pack(key1: string, value1, …) -> dynamic",
        (0, super::MAX_VARIADIC_ARGS),
        pack_type,
        bag_pack,
    ),
    Function::new(
        "pack_dictionary",
        "pack_dictionary(key1: string, value1, …) -> dynamic",
        (0, super::MAX_VARIADIC_ARGS),
        pack_type,
        bag_pack,
    ),
    Function::new(
        "pack_array",
        "pack_array(value1, …) -> dynamic",
        (1, super::MAX_VARIADIC_ARGS),
        to_dynamic,
        pack_array,
    ),
    Function::new("bag_keys", "bag_keys(bag: dynamic) -> dynamic", (1, 1), dynamics_to_dynamic, bag_keys),
    Function::new(
        "bag_remove_keys",
        "bag_remove_keys(bag: dynamic, keys: dynamic) -> dynamic",
        (2, 2),
        dynamics_to_dynamic,
        bag_remove_keys,
    ),
    Function::new(
        "bag_merge",
        "bag_merge(bag1: dynamic, bag2: dynamic, …) -> dynamic",
        (2, super::MAX_VARIADIC_ARGS),
        dynamics_to_dynamic,
        bag_merge,
    ),
    Function::new(
        "bag_has_key",
        "bag_has_key(bag: dynamic, key: string) -> bool",
        (2, 2),
        bag_has_key_type,
        bag_has_key,
    ),
    Function::new(
        "array_length",
        "array_length(array: dynamic) -> long",
        (1, 1),
        array_length_type,
        array_length,
    ),
    Function::new(
        "arraylength",
        "arraylength(array: dynamic) -> long",
        (1, 1),
        array_length_type,
        array_length,
    ),
    Function::new(
        "array_slice",
        "array_slice(array: dynamic, start: int, end: int) -> dynamic",
        (3, 3),
        array_slice_type,
        array_slice,
    ),
    Function::new(
        "array_concat",
        "array_concat(array1: dynamic, …) -> dynamic",
        (1, super::MAX_VARIADIC_ARGS),
        dynamics_to_dynamic,
        array_concat,
    ),
    Function::new(
        "array_sort_asc",
        "array_sort_asc(array: dynamic [, nulls_last: bool]) -> dynamic",
        (1, 2),
        array_sort_type,
        array_sort_asc,
    ),
    Function::new(
        "array_sort_desc",
        "array_sort_desc(array: dynamic [, nulls_last: bool]) -> dynamic",
        (1, 2),
        array_sort_type,
        array_sort_desc,
    ),
    Function::new(
        "array_index_of",
        "array_index_of(array: dynamic, value [, start: int [, length: int [, occurrence: int]]]) -> long",
        (2, 5),
        array_index_of_type,
        array_index_of,
    ),
    Function::new(
        "set_has_element",
        "set_has_element(array: dynamic, value) -> bool",
        (2, 2),
        set_has_element_type,
        set_has_element,
    ),
    Function::new(
        "set_union",
        "set_union(array1: dynamic, array2: dynamic, …) -> dynamic",
        (2, super::MAX_VARIADIC_ARGS),
        dynamics_to_dynamic,
        set_union,
    ),
    Function::new(
        "set_intersect",
        "set_intersect(array1: dynamic, array2: dynamic, …) -> dynamic",
        (2, super::MAX_VARIADIC_ARGS),
        dynamics_to_dynamic,
        set_intersect,
    ),
    Function::new(
        "set_difference",
        "set_difference(array1: dynamic, array2: dynamic, …) -> dynamic",
        (2, super::MAX_VARIADIC_ARGS),
        dynamics_to_dynamic,
        set_difference,
    ),
    Function::new("zip", "zip(array1: dynamic, array2: dynamic, …) -> dynamic", (2, 16), zip_type, zip),
    Function::new(
        "dynamic_to_json",
        "dynamic_to_json(value: dynamic) -> string",
        (1, 1),
        |_| Ok(Type::String),
        dynamic_to_json,
    ),
    Function::new(
        "extract_json",
        "extract_json(path: string, json: string [, typeof(T)]) -> string or T",
        (2, 3),
        extract_json_type,
        extract_json,
    )
    .prepared(prepare_extract_json)
    .with_type_literal(2),
    Function::new(
        "extractjson",
        "extractjson(path: string, json: string [, typeof(T)]) -> string or T",
        (2, 3),
        extract_json_type,
        extract_json,
    )
    .prepared(prepare_extract_json)
    .with_type_literal(2),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(function: super::super::Implementation, args: &[Value]) -> Value {
        function(args, &EvalContext::for_tests()).expect("call succeeds")
    }

    fn d(json: Json) -> Value {
        Value::dynamic(json)
    }

    // learn.microsoft.com/kusto/query/pack-function (bag_pack), first example.
    #[test]
    fn bag_pack_builds_bag() {
        let args = [
            Value::from("Level"),
            Value::from("Information"),
            Value::from("ProcessID"),
            Value::Long(1234),
        ];
        assert_eq!(
            call(bag_pack, &args),
            d(json!({"Level": "Information", "ProcessID": 1234}))
        );
        assert_eq!(
            call(bag_pack, &[Value::from("a"), Value::Null]),
            d(json!({"a": null}))
        );
        assert!(pack_type(&[Type::String]).is_err());
        assert!(pack_type(&[Type::Long, Type::Long]).is_err());
    }

    // learn.microsoft.com/kusto/query/pack-array-function
    #[test]
    fn pack_array_keeps_nulls() {
        let args = [Value::Long(1), Value::from("a"), Value::Null];
        assert_eq!(call(pack_array, &args), d(json!([1, "a", null])));
    }

    #[test]
    fn bag_keys_and_remove_keys() {
        let bag = d(json!({"a": 1, "b": 2, "c": 3}));
        assert_eq!(
            call(bag_keys, std::slice::from_ref(&bag)),
            d(json!(["a", "b", "c"]))
        );
        assert_eq!(call(bag_keys, &[d(json!([1]))]), Value::Null);
        assert_eq!(
            call(bag_remove_keys, &[bag.clone(), d(json!(["a", "c"]))]),
            d(json!({"b": 2}))
        );
        assert!(bag_remove_keys(&[bag, d(json!(["$.a.b"]))], &EvalContext::for_tests()).is_err());
    }

    // learn.microsoft.com/kusto/query/bag-merge-function
    #[test]
    fn bag_merge_reference_example() {
        let first = d(json!({"A1": 12, "B1": 2, "C1": 3}));
        let second = d(json!({"A2": 81, "B2": 82, "A1": 1}));
        assert_eq!(
            call(bag_merge, &[first, second]),
            d(json!({"A1": 12, "B1": 2, "C1": 3, "A2": 81, "B2": 82}))
        );
    }

    #[test]
    fn bag_has_key_cases() {
        let bag = d(json!({"a": 1}));
        assert_eq!(
            call(bag_has_key, &[bag.clone(), Value::from("a")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(bag_has_key, &[bag, Value::from("b")]),
            Value::Bool(false)
        );
        assert_eq!(
            call(bag_has_key, &[Value::Null, Value::from("b")]),
            Value::Null
        );
    }

    #[test]
    fn array_length_cases() {
        assert_eq!(call(array_length, &[d(json!([1, 2, 3]))]), Value::Long(3));
        assert_eq!(call(array_length, &[d(json!("abc"))]), Value::Null);
        assert_eq!(call(array_length, &[Value::Null]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/array-slice-function
    #[test]
    fn array_slice_reference_examples() {
        let long = Value::Long;
        assert_eq!(
            call(array_slice, &[d(json!([1, 2, 3])), long(1), long(2)]),
            d(json!([2, 3]))
        );
        let five = d(json!([1, 2, 3, 4, 5]));
        assert_eq!(
            call(array_slice, &[five.clone(), long(2), long(-1)]),
            d(json!([3, 4, 5]))
        );
        assert_eq!(
            call(array_slice, &[five.clone(), long(-3), long(-2)]),
            d(json!([3, 4]))
        );
        assert_eq!(
            call(array_slice, &[five, long(3), long(10)]),
            d(json!([4, 5]))
        );
    }

    // learn.microsoft.com/kusto/query/array-concat-function
    #[test]
    fn array_concat_reference_example() {
        assert_eq!(
            call(array_concat, &[d(json!([1, 2, 4])), d(json!([1, 2]))]),
            d(json!([1, 2, 4, 1, 2]))
        );
        assert_eq!(
            call(array_concat, &[d(json!([1])), Value::Null]),
            Value::Null
        );
    }

    // learn.microsoft.com/kusto/query/array-sort-asc-function and array-sort-desc-function
    #[test]
    fn array_sort_reference_examples() {
        assert_eq!(
            call(array_sort_asc, &[d(json!([1, 3, 4, 5, 2]))]),
            d(json!([1, 2, 3, 4, 5]))
        );
        assert_eq!(
            call(array_sort_asc, &[d(json!(["John", "Paul", "Jane", "Kao"]))]),
            d(json!(["Jane", "John", "Kao", "Paul"]))
        );
        let colors = d(json!([null, "blue", "yellow", "green", null]));
        assert_eq!(
            call(array_sort_desc, std::slice::from_ref(&colors)),
            d(json!(["yellow", "green", "blue", null, null]))
        );
        assert_eq!(
            call(array_sort_desc, &[colors, Value::Bool(false)]),
            d(json!([null, null, "yellow", "green", "blue"]))
        );
        assert!(array_sort_type(&[Type::Dynamic, Type::Dynamic]).is_err());
    }

    // learn.microsoft.com/kusto/query/array-index-of-function
    #[test]
    fn array_index_of_reference_examples() {
        let arr = d(json!(["this", "is", "an", "example", "an", "example"]));
        let s = Value::from;
        let long = Value::Long;
        let index = |args: &[Value]| {
            let mut all = vec![arr.clone()];
            all.extend_from_slice(args);
            call(array_index_of, &all)
        };
        assert_eq!(index(&[s("an")]), long(2));
        assert_eq!(index(&[s("example"), long(1), long(3)]), long(3));
        assert_eq!(index(&[s("example"), long(1), long(2)]), long(-1));
        assert_eq!(index(&[s("is"), long(2), long(4)]), long(-1));
        assert_eq!(index(&[s("example"), long(2), long(-1)]), long(3));
        assert_eq!(index(&[s("an"), long(1), long(-1), long(2)]), long(4));
        assert_eq!(index(&[s("an"), long(1), long(-1), long(3)]), long(-1));
        assert_eq!(index(&[s("an"), long(-3)]), long(4));
        assert_eq!(index(&[s("is"), long(-4)]), long(-1));
    }

    // learn.microsoft.com/kusto/query/set-has-element-function
    #[test]
    fn set_has_element_reference_example() {
        let arr = d(json!(["this", "is", "an", "example"]));
        assert_eq!(
            call(set_has_element, &[arr.clone(), Value::from("example")]),
            Value::Bool(true)
        );
        assert_eq!(
            call(set_has_element, &[arr, Value::from("other")]),
            Value::Bool(false)
        );
        assert_eq!(
            call(set_has_element, &[d(json!([1, 2])), Value::Long(2)]),
            Value::Bool(true)
        );
    }

    // learn.microsoft.com/kusto/query/set-union-function, set-difference-function and
    // set-intersect-function
    #[test]
    fn set_reference_examples() {
        let a1 = d(json!([1, 2, 1, 4]));
        let a2 = d(json!([1, 2]));
        assert_eq!(
            call(set_union, &[a1.clone(), a2.clone(), d(json!([8]))]),
            d(json!([1, 2, 4, 8]))
        );
        assert_eq!(
            call(
                set_union,
                &[
                    d(json!(["A4", "A2", "A7", "A2"])),
                    d(json!(["A4", "A2", "A7", "A2"]))
                ]
            ),
            d(json!(["A4", "A2", "A7"]))
        );
        assert_eq!(
            call(
                set_difference,
                &[a1.clone(), a2.clone(), d(json!([1, 2, 8]))]
            ),
            d(json!([4]))
        );
        assert_eq!(
            call(set_difference, &[d(json!([1, 2, 3])), d(json!([1, 2, 3]))]),
            d(json!([]))
        );
        assert_eq!(call(set_intersect, &[a1, a2]), d(json!([1, 2])));
        assert_eq!(call(set_union, &[Value::Null, d(json!([1]))]), Value::Null);
    }

    // learn.microsoft.com/kusto/query/zip-function
    #[test]
    fn zip_reference_examples() {
        assert_eq!(
            call(zip, &[d(json!([1, 3, 5])), d(json!([2, 4, 6]))]),
            d(json!([[1, 2], [3, 4], [5, 6]]))
        );
        assert_eq!(
            call(zip, &[d(json!(["A", 1, 1.5])), d(json!([{}, "B"]))]),
            d(json!([["A", {}], [1, "B"], [1.5, null]]))
        );
    }

    // learn.microsoft.com/kusto/query/dynamic-to-json-function
    #[test]
    fn dynamic_to_json_reference_example() {
        let bag = d(json!({
            "Y10": {}, "X8": {"c3": 1, "d8": 5, "a4": 6},
            "D1": 114, "A1": 12, "B1": 2, "C1": 3, "A14": [15, 13, 18]
        }));
        assert_eq!(
            call(dynamic_to_json, &[bag]),
            Value::from(
                r#"{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}"#
            )
        );
        assert_eq!(call(dynamic_to_json, &[Value::Long(5)]), Value::from("5"));
    }

    // learn.microsoft.com/kusto/query/extract-json-function
    #[test]
    fn extract_json_reference_example() {
        let document = Value::from(r#"{"name": "John", "age": 30, "city": "New York"}"#);
        let args = [Value::from("$.name"), document, Value::from("string")];
        assert_eq!(call(extract_json, &args), Value::from("John"));
    }

    #[test]
    fn extract_json_paths_types_and_misses() {
        let document = Value::from(r#"{"duration":{"value":118.0,"valueEx":[1,2]},"name":"x"}"#);
        let path = |text: &str| Value::from(text);
        assert_eq!(
            call(extract_json, &[path("$.duration.value"), document.clone()]),
            Value::from("118")
        );
        assert_eq!(
            call(
                extract_json,
                &[
                    path("$.duration.value"),
                    document.clone(),
                    Value::from("long")
                ]
            ),
            Value::Long(118)
        );
        assert_eq!(
            call(extract_json, &[path("$['name']"), document.clone()]),
            Value::from("x")
        );
        assert_eq!(
            call(
                extract_json,
                &[path("$.duration.valueEx[1]"), document.clone()]
            ),
            Value::from("2")
        );
        assert_eq!(
            call(extract_json, &[path("$.missing"), document.clone()]),
            Value::from("")
        );
        assert_eq!(
            call(extract_json, &[path("$.name"), Value::from("not json")]),
            Value::from("")
        );
        assert!(extract_json(&[path("$..name"), document], &EvalContext::for_tests()).is_err());
    }
}
