//! URL functions: `parse_url`, which splits an absolute URL into a bag of its parts, and
//! `parse_urlquery`, which splits the query part of a URL into a bag of parameters.
//!
//! Both return the parameters under the key `Query Parameters`, and the reference of
//! `parse_url` describes its argument as "an absolute URL, including its scheme, or the
//! query part of the URL". So one decoder, [`query_parameters`], serves both.

use serde_json::{Map, Value as Json};

use super::paths::is_scheme;
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
/// NOTE: the reference does not say what an empty query or a parameter without `=`
/// gives, so both are errors here. The other limits are those of [`query_parameters`].
fn parse_urlquery(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let query = args.first().map(Value::to_kusto_string).unwrap_or_default();
    let unsupported =
        |reason: &str| format!("the query `{query}` is not supported yet, because {reason}");
    if query.is_empty() {
        return Err(unsupported(
            "the reference does not say what an empty query gives",
        ));
    }
    if query.split('&').any(|pair| !pair.contains('=')) {
        return Err(unsupported(
            "the reference does not say what a parameter without `=` gives",
        ));
    }

    let parameters = query_parameters(&query).map_err(|reason| unsupported(&reason))?;
    let mut result = Map::new();
    result.insert("Query Parameters".to_string(), Json::Object(parameters));
    Ok(Value::dynamic(Json::Object(result)))
}

/// Decodes a URL query into a bag of parameters, or returns why Kusto's result for it
/// is unknown.
///
/// Known results: a query without any `=` gives an empty bag, because Kusto returns `{}`
/// for the query `objectClass?one`. The names come out sorted, because Kusto returns
/// `order` before `tag` for `tag=networking&order=newest`. Both outputs are quoted in
/// https://github.com/microsoft/Kusto-Query-Language/issues/112.
///
/// NOTE: no source shows how Kusto reads `%` escapes, `+`, `?` or `#`, what an empty name or
/// value, a second `=` or a repeated name gives, or which string comparison sorts the
/// names. Such queries are errors. Names are accepted only when an ordinal comparison
/// and a comparison that ignores case and punctuation put them in the same order.
/// Other characters are kept as they are, because URL decoders change only `%` and `+`.
fn query_parameters(query: &str) -> Result<Map<String, Json>, String> {
    if !query.contains('=') {
        return Ok(Map::new());
    }

    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for pair in query.split('&') {
        let Some((name, value)) = pair.split_once('=') else {
            return Err(format!(
                "the parameter `{pair}` has no `=`, and no source shows what Kusto returns for it"
            ));
        };
        if name.is_empty() || value.is_empty() || value.contains('=') {
            return Err(format!(
                "the parameter `{pair}` has an empty name or value or a second `=`, and no source shows what Kusto returns for it"
            ));
        }
        if let Some(special) = pair.chars().find(|c| matches!(c, '%' | '+' | '?' | '#')) {
            return Err(format!(
                "no source shows how Kusto reads `{special}` in a query parameter"
            ));
        }
        if pairs.iter().any(|(seen, _)| *seen == name) {
            return Err(format!(
                "the parameter `{name}` appears twice, and no source shows what Kusto returns for it"
            ));
        }
        pairs.push((name, value));
    }

    pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for adjacent in pairs.windows(2) {
        if let [(first, _), (second, _)] = adjacent {
            if folded_name(first) >= folded_name(second) {
                return Err(format!(
                    "the parameter names `{first}` and `{second}` sort differently under an ordinal and a case-insensitive comparison, and no source shows which one Kusto uses"
                ));
            }
        }
    }

    let mut parameters = Map::new();
    for (name, value) in pairs {
        parameters.insert(name.to_string(), Json::String(value.to_string()));
    }
    Ok(parameters)
}

/// Returns `name` in lower case without its punctuation, the sort key of a case-insensitive
/// comparison that ignores symbols.
fn folded_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn parse_url_type(args: &[Type]) -> Result<Type, String> {
    expect_arg(args, 0, TEXT, "the URL of parse_url()")?;
    Ok(Type::Dynamic)
}

/// `parse_url(url)`: a bag of the parts of an absolute URL, each a string except
/// `Query Parameters`. The rules are those of [`split_url`].
fn parse_url(args: &[Value], _: &EvalContext) -> Result<Value, String> {
    let url = args.first().map(Value::to_kusto_string).unwrap_or_default();
    let parts = split_url(&url)?;
    Ok(Value::dynamic(parts.to_json()))
}

/// The parts of a URL, as `parse_url` names them.
#[derive(Debug, Default, PartialEq)]
struct UrlParts<'a> {
    scheme: &'a str,
    host: &'a str,
    port: &'a str,
    path: &'a str,
    username: &'a str,
    password: &'a str,
    query_parameters: Map<String, Json>,
    fragment: &'a str,
}

impl UrlParts<'_> {
    /// Builds the bag with the keys in the order that Kusto prints them.
    fn to_json(&self) -> Json {
        let mut bag = Map::new();
        let before_query = [
            ("Scheme", self.scheme),
            ("Host", self.host),
            ("Port", self.port),
            ("Path", self.path),
            ("Username", self.username),
            ("Password", self.password),
        ];
        for (key, value) in before_query {
            bag.insert(key.to_string(), Json::String(value.to_string()));
        }
        bag.insert(
            "Query Parameters".to_string(),
            Json::Object(self.query_parameters.clone()),
        );
        bag.insert(
            "Fragment".to_string(),
            Json::String(self.fragment.to_string()),
        );
        Json::Object(bag)
    }
}

/// Splits `url` into its parts. The rules reproduce the engine outputs quoted in
/// https://github.com/microsoft/Kusto-Query-Language/issues/112 and the reference
/// example (learn.microsoft.com/kusto/query/parse-url-function), except that example's
/// `Path`, as explained below.
///
/// - A URL without `://` (`mailto:x@example.com`, `urn:a:b`, `bing.com`) gives a bag
///   whose parts are all empty. The issue reports this for `mailto:`, `news:`, `tel:`
///   and `urn:` URLs, and the reference recommends `https://bing.com`
///   over `bing.com`.
/// - `Scheme` is the text before `://`. The authority runs from there to the first `/`,
///   `?` or `#`. `Path` is the text from that `/` up to `?` or `#`, with its leading `/`:
///   the issue quotes `/forum/questions/` and `/c=GB`. The reference example prints
///   `this/is/a/path` without it, but its whole output is typed by hand (its
///   `Query Parameters` value is not valid JSON), so the engine outputs win.
/// - `username:password@` at the start of the authority gives `Username` and `Password`.
///   A user name without `:password` stays in `Host`: Kusto returns the host
///   `john.doe@www.example.com` for `https://john.doe@www.example.com:123/…`.
/// - `Port` is the text after the last `:` of the rest of the authority, and `Host` the
///   text before it: Kusto splits `[2001:db8::7]` into the host `[2001:db8:` and the
///   port `7]`. Without a `:`, `Port` is empty.
/// - `Query Parameters` decodes the text between `?` and `#` by [`query_parameters`],
///   and `Fragment` is the text after the first `#`.
///
/// The outputs above show that Kusto splits the text without normalizing it, so case
/// and `%` escapes outside the query are kept as they are, and a missing part is empty.
/// NOTE: an empty host or port, a second `@`, an empty user name or password, or a `:`
/// in the password has no known result and is an error.
fn split_url(url: &str) -> Result<UrlParts<'_>, String> {
    let unsupported = |reason: &str| {
        format!(
            "the URL `{url}` is not supported yet, because {reason}. Take the part you need with `extract()` or `parse` instead"
        )
    };
    let Some(scheme_end) = url.find("://") else {
        return Ok(UrlParts::default());
    };
    let scheme = &url[..scheme_end];
    if !is_scheme(scheme) {
        return Err(unsupported(&format!(
            "the text before `://` (`{scheme}`) is not a URL scheme"
        )));
    }

    // The fragment, the query and the path, from the end of the URL backwards.
    let rest = &url[scheme_end + 3..];
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(slash) => rest.split_at(slash),
        None => (rest, ""),
    };

    // The user name and password, when the text before `@` has a `:`.
    let (username, password, host_and_port) = match authority.split_once('@') {
        Some(_) if authority.matches('@').count() > 1 => {
            return Err(unsupported("the authority has more than one `@`"));
        }
        Some((userinfo, host_and_port)) => match userinfo.split_once(':') {
            Some((user, password))
                if user.is_empty() || password.is_empty() || password.contains(':') =>
            {
                return Err(unsupported(
                    "the user name or password is empty or the password has a `:`",
                ));
            }
            Some((user, password)) => (user, password, host_and_port),
            None => ("", "", authority),
        },
        None => ("", "", authority),
    };

    let (host, port) = match host_and_port.rfind(':') {
        Some(colon) => (&host_and_port[..colon], &host_and_port[colon + 1..]),
        None => (host_and_port, ""),
    };
    if host.is_empty() {
        return Err(unsupported("the URL has no host"));
    }
    if port.is_empty() && host_and_port.ends_with(':') {
        return Err(unsupported("the port after `:` is empty"));
    }

    let query_parameters = query_parameters(query).map_err(|reason| unsupported(&reason))?;
    Ok(UrlParts {
        scheme,
        host,
        port,
        path,
        username,
        password,
        query_parameters,
        fragment,
    })
}

pub const FUNCTIONS: &[Function] = &[
    Function::new(
        "parse_url",
        "parse_url(url: string) -> dynamic",
        (1, 1),
        parse_url_type,
        parse_url,
    ),
    // The reference lists `parseurl()` as a deprecated alias.
    Function::new(
        "parseurl",
        "parseurl(url: string) -> dynamic",
        (1, 1),
        parse_url_type,
        parse_url,
    ),
    Function::new(
        "parse_urlquery",
        "parse_urlquery(query: string) -> dynamic",
        (1, 1),
        parse_urlquery_type,
        parse_urlquery,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(query: &str) -> Result<Value, String> {
        parse_urlquery(&[Value::from(query)], &EvalContext::for_tests())
    }

    fn parse(url: &str) -> String {
        match parse_url(&[Value::from(url)], &EvalContext::for_tests()) {
            Ok(value) => value.to_kusto_string(),
            Err(error) => panic!("{url}: {error}"),
        }
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
            "",
            "a",
            "a=",
            "=b",
            "a=1&",
            "a=1&&b=2",
            "a=%41",
            "a=b+c",
            "a=b=c",
            "a=1&a=2",
            "B=1&a=2",
            "a-c=1&ab=2",
            "?a=1",
            "a=1#f",
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

    #[test]
    fn parse_urlquery_keeps_literal_characters() {
        let expected = json!({"Query Parameters": {"$select": "id,displayName", "$top": "5"}});
        assert_eq!(
            call("$top=5&$select=id,displayName"),
            Ok(Value::dynamic(expected))
        );
    }

    // learn.microsoft.com/kusto/query/parse-url-function, the example. The reference
    // prints `Path` as `this/is/a/path`; engine output keeps the leading `/` (see
    // `split_url`).
    #[test]
    fn parse_url_reference_example() {
        assert_eq!(
            parse("scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment"),
            r#"{"Scheme":"scheme","Host":"host","Port":"1234","Path":"/this/is/a/path","Username":"username","Password":"password","Query Parameters":{"k1":"v1","k2":"v2"},"Fragment":"fragment"}"#
        );
    }

    // Engine outputs quoted in https://github.com/microsoft/Kusto-Query-Language/issues/112.
    #[test]
    fn parse_url_engine_outputs() {
        let cases = [
            (
                "https://john.doe@www.example.com:123/forum/questions/?tag=networking&order=newest#top",
                r#"{"Scheme":"https","Host":"john.doe@www.example.com","Port":"123","Path":"/forum/questions/","Username":"","Password":"","Query Parameters":{"order":"newest","tag":"networking"},"Fragment":"top"}"#,
            ),
            (
                "ldap://[2001:db8::7]/c=GB?objectClass?one",
                r#"{"Scheme":"ldap","Host":"[2001:db8:","Port":"7]","Path":"/c=GB","Username":"","Password":"","Query Parameters":{},"Fragment":""}"#,
            ),
        ];
        for (url, expected) in cases {
            assert_eq!(parse(url), expected, "{url}");
        }
    }

    // The same issue: these URLs come back with every part empty.
    #[test]
    fn parse_url_without_authority_is_empty() {
        let empty = r#"{"Scheme":"","Host":"","Port":"","Path":"","Username":"","Password":"","Query Parameters":{},"Fragment":""}"#;
        let urls = [
            "mailto:John.Doe@example.com",
            "news:comp.infosystems.www.servers.unix",
            "tel:+1-816-555-1212",
            "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
        ];
        for url in urls {
            assert_eq!(parse(url), empty, "{url}");
        }
    }

    #[test]
    fn parse_url_missing_parts_are_empty() {
        let Ok(parts) = split_url("https://graph.microsoft.com") else {
            panic!("the URL should parse");
        };
        assert_eq!(parts.host, "graph.microsoft.com");
        assert_eq!(parts.port, "");
        assert_eq!(parts.path, "");
        assert_eq!(parts.fragment, "");
        assert!(parts.query_parameters.is_empty());
    }

    #[test]
    fn parse_url_graph_request() {
        let Ok(parts) = split_url(
            "https://graph.microsoft.com/v1.0/users/a@contoso.com/messages?$select=id,subject&$top=10",
        ) else {
            panic!("the URL should parse");
        };
        assert_eq!(parts.host, "graph.microsoft.com");
        assert_eq!(parts.path, "/v1.0/users/a@contoso.com/messages");
        assert_eq!(parts.username, "");
        let names: Vec<&String> = parts.query_parameters.keys().collect();
        assert_eq!(names, ["$select", "$top"]);
    }

    #[test]
    fn parse_url_undocumented_inputs_rejected() {
        let undocumented = [
            "https:///path",
            "file:///C:/temp/file.txt",
            "https://host:/path",
            "https://a@b@host/path",
            "https://user:@host/path",
            "https://:password@host/path",
            "https://user:pass:word@host/path",
            "https://host/path?q=a%20b",
            "https://host/path?q=a+b",
            "https://host/path?a=1&a=2",
            "https://host/path?a=1&b",
            "blob:https://host/path",
        ];
        for url in undocumented {
            let result = parse_url(&[Value::from(url)], &EvalContext::for_tests());
            let Err(message) = result else {
                panic!("{url}: {result:?}");
            };
            assert!(message.contains("not supported yet"), "{url}: {message}");
            assert!(message.contains(url), "{url}: {message}");
        }
    }
}
