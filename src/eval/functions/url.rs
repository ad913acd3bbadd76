//! URL functions: `parse_urlquery`, which splits the query part of a URL into a bag.
//!
//! `parse_url` is not here: the reference's only example shows `Path` without its
//! leading `/` and does not say what a relative or invalid URL gives, so it stays
//! unsupported (see `unsupported_reason` in the parent module).

use serde_json::{Map, Value as Json};

use super::{expect_arg, EvalContext, Function, TEXT};
use crate::value::{Type, Value};

fn parse_urlquery_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the query of parse_urlquery()")?;
    Ok(Type::Dynamic)
}

/// `parse_urlquery(query)`: a bag with one key, `Query Parameters`, whose value is a bag
/// of the `key=value` pairs that `&` separates, each value a string. The reference shows
/// `k1=v1&k2=v2&k3=v3` giving the three pairs, and reads `view` and `preserve-view` from
/// the result of `view=vs-2019&preserve-view=true` as `vs-2019` and `true`
/// (learn.microsoft.com/kusto/query/parse-url-query-function).
///
/// NOTE: the reference does not say how Kusto decodes `%` escapes or `+`, nor what an
/// empty query, an empty key or value, a pair without `=` or a repeated key gives. Such
/// a query is an error here rather than a guess, and so is any character outside the
/// URL's unreserved set (letters, digits, `-`, `.`, `_`, `~`).
fn parse_urlquery(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let query = args.first().map(Value::to_kusto_string).unwrap_or_default();
    let undocumented = |what: &str| {
        format!(
            "a query with {what} (`{query}`) is not supported yet, because the reference does not say what Kusto returns for it"
        )
    };
    if query.is_empty() {
        return Err(undocumented("no parameters"));
    }

    let mut parameters = Map::new();
    for pair in query.split('&') {
        let Some((key, value)) = pair.split_once('=') else {
            return Err(undocumented("a parameter without `=`"));
        };
        if key.is_empty() || value.is_empty() {
            return Err(undocumented("an empty name or value"));
        }
        if let Some(other) = format!("{key}{value}").chars().find(|c| !is_unreserved(*c)) {
            return Err(undocumented(&format!("the character `{other}`")));
        }
        if parameters.contains_key(key) {
            return Err(undocumented(&format!("the parameter `{key}` twice")));
        }
        parameters.insert(key.to_string(), Json::String(value.to_string()));
    }

    let mut result = Map::new();
    result.insert("Query Parameters".to_string(), Json::Object(parameters));
    Ok(Value::dynamic(Json::Object(result)))
}

/// True for the unreserved URL characters: letters, digits, `-`, `.`, `_` and `~`.
fn is_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~')
}

pub const FUNCTIONS: &[Function] = &[Function::new(
    "parse_urlquery",
    "parse_urlquery(query: string) -> dynamic",
    (1, 1),
    parse_urlquery_type,
    parse_urlquery,
)];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(query: &str) -> Result<Value, String> {
        parse_urlquery(&[Value::from(query)], &EvalContext::for_tests())
    }

    // learn.microsoft.com/kusto/query/parse-url-query-function, first example.
    #[test]
    fn parse_urlquery_reference_example() {
        let expected = json!({"Query Parameters": {"k1": "v1", "k2": "v2", "k3": "v3"}});
        assert_eq!(call("k1=v1&k2=v2&k3=v3"), Ok(Value::dynamic(expected)));
    }

    #[test]
    fn parse_urlquery_undocumented_inputs_rejected() {
        let undocumented = [
            "", "a", "a=", "=b", "a=1&", "a=1&&b=2", "a=%41", "a=b+c", "a=b=c", "?a=1", "a=1#f",
            "a=1&a=2", "a=x y",
        ];
        for query in undocumented {
            let result = call(query);
            assert!(
                result
                    .as_ref()
                    .is_err_and(|message| message.contains("not supported yet")),
                "{query}: {result:?}"
            );
        }
    }
}
