//! The scalar function catalog: every function the engine runs, with its signature, its
//! result type rule and its implementation, one family per file.
//!
//! The binder looks names up here ([`lookup`]) to type-check calls and suggest names;
//! the evaluator calls [`Function::eval`] per row. Names that KQL has but this engine
//! lacks are listed in [`KNOWN_UNSUPPORTED`] so that a query using one fails with
//! "not supported yet" rather than "unknown function".

mod arrays;
mod bitwise;
mod command_line;
mod conversion;
pub(crate) mod datetime;
mod datetime_format;
pub(crate) mod dynamic;
mod hashing;
pub(crate) mod ip;
pub(crate) mod logic;
mod math;
pub(crate) mod parse_json_keys;
mod paths;
pub(crate) mod pattern;
mod sequence;
mod sizes;
mod string_search;
mod strings;
pub mod support_doc;
mod timezone;
mod unicode;
mod url;
mod xml;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::value::{Type, Value};

use super::EvalContext;

/// Computes a call's result type from its argument types, or explains why they are wrong.
pub type TypeRule = fn(&[Type]) -> Result<Type, String>;

/// Computes one call's result from its argument values.
pub type Implementation = fn(&[Value], &EvalContext) -> Result<Value, String>;

/// A call's implementation specialised for one call site, built once at bind time from
/// the constant arguments (a compiled regular expression, a parsed format string).
pub type PreparedEval = Arc<dyn Fn(&[Value], &EvalContext) -> Result<Value, String> + Send + Sync>;

/// One argument at bind time: its type, and its value when it is a constant.
#[derive(Debug, Clone, Copy)]
pub struct Argument<'a> {
    pub ty: Type,
    pub constant: Option<&'a Value>,
}

/// The per-call-site state that [`Function::prepare`] builds.
#[derive(Default)]
pub struct Prepared {
    /// Replaces the type rule's result when the type depends on a constant argument, as
    /// in `extract(…, typeof(long))`.
    pub result_type: Option<Type>,
    /// Replaces [`Function::eval`] for this call site.
    pub eval: Option<PreparedEval>,
}

/// Checks constant arguments and builds per-call-site state; an error rejects the query
/// at bind time, so `kql check` reports it.
pub type Prepare = fn(&[Argument<'_>]) -> Result<Prepared, String>;

/// A prepared implementation stored in the bound call.
#[derive(Clone)]
pub struct PreparedCall(pub PreparedEval);

impl std::fmt::Debug for PreparedCall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<prepared>")
    }
}

/// One scalar function.
pub struct Function {
    pub name: &'static str,
    /// The signature as the KQL reference writes it, for help and "did you mean" hints.
    pub signature: &'static str,
    pub min_args: usize,
    /// `usize::MAX` for variadic functions.
    pub max_args: usize,
    pub result_type: TypeRule,
    pub eval: Implementation,
    /// Runs once per call site after the type rule, with the constant arguments.
    pub prepare: Option<Prepare>,
    /// The argument position where a type literal `typeof(T)` is accepted; the binder
    /// passes it as the constant string `T`.
    pub type_literal_arg: Option<usize>,
}

impl Function {
    /// A function with a fixed implementation and no constant-argument preparation.
    pub const fn new(
        name: &'static str,
        signature: &'static str,
        (min_args, max_args): (usize, usize),
        result_type: TypeRule,
        eval: Implementation,
    ) -> Function {
        Function {
            name,
            signature,
            min_args,
            max_args,
            result_type,
            eval,
            prepare: None,
            type_literal_arg: None,
        }
    }

    /// Adds a preparation step that runs once per call site.
    pub const fn prepared(mut self, prepare: Prepare) -> Function {
        self.prepare = Some(prepare);
        self
    }

    /// Accepts `typeof(T)` at argument `position`.
    pub const fn with_type_literal(mut self, position: usize) -> Function {
        self.type_literal_arg = Some(position);
        self
    }
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.signature)
    }
}

/// Variadic functions accept at most this many arguments, as Kusto's `strcat` does.
pub const MAX_VARIADIC_ARGS: usize = 64;

/// Every family's functions.
const FAMILIES: [&[Function]; 19] = [
    arrays::FUNCTIONS,
    bitwise::FUNCTIONS,
    command_line::FUNCTIONS,
    conversion::FUNCTIONS,
    datetime::FUNCTIONS,
    dynamic::FUNCTIONS,
    hashing::FUNCTIONS,
    ip::FUNCTIONS,
    logic::FUNCTIONS,
    math::FUNCTIONS,
    paths::FUNCTIONS,
    sequence::FUNCTIONS,
    sizes::FUNCTIONS,
    string_search::FUNCTIONS,
    strings::FUNCTIONS,
    timezone::FUNCTIONS,
    unicode::FUNCTIONS,
    url::FUNCTIONS,
    xml::FUNCTIONS,
];

fn catalog() -> &'static HashMap<&'static str, &'static Function> {
    static CATALOG: OnceLock<HashMap<&'static str, &'static Function>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        FAMILIES
            .into_iter()
            .flatten()
            .map(|function| (function.name, function))
            .collect()
    })
}

/// Returns the function with this exact (case-sensitive) name.
pub fn lookup(name: &str) -> Option<&'static Function> {
    catalog().get(name).copied()
}

/// Every supported function, sorted by name.
pub fn all() -> Vec<&'static Function> {
    let mut functions: Vec<&'static Function> = catalog().values().copied().collect();
    functions.sort_by_key(|function| function.name);
    functions
}

/// Returns the warning that a query calling function `name` gets when it runs, for a
/// function whose local result may surprise the author of a query written for a cluster.
pub fn run_warning(name: &str) -> Option<&'static str> {
    match name {
        "ingestion_time" => Some(datetime::INGESTION_TIME_WARNING),
        _ => None,
    }
}

/// KQL functions that exist but that this engine does not run yet.
pub const KNOWN_UNSUPPORTED: &[&str] = &[
    "cursor_after",
    "current_principal",
    "current_cluster_endpoint",
    "estimate_data_size",
    "parse_user_agent",
    "array_strcat",
    "row_cumsum",
    "repeat",
    "series_decompose_anomalies",
    "series_add",
    "series_subtract",
    "series_multiply",
    "series_divide",
    "series_greater",
    "series_less",
    "series_equals",
    "series_not_equals",
    "series_greater_equals",
    "series_less_equals",
    "series_abs",
    "series_acos",
    "series_asin",
    "series_atan",
    "series_ceiling",
    "series_cos",
    "series_exp",
    "series_floor",
    "series_log",
    "series_pow",
    "series_sign",
    "series_sin",
    "series_tan",
    "series_cosine_similarity",
    "series_dot_product",
    "series_magnitude",
    "series_sum",
    "series_pearson_correlation",
    "series_decompose",
    "series_decompose_forecast",
    "series_fill_backward",
    "series_fill_const",
    "series_fill_forward",
    "series_fill_linear",
    "series_fft",
    "series_ifft",
    "series_iir",
    "series_fit_line",
    "series_fit_line_dynamic",
    "series_fit_2lines",
    "series_fit_2lines_dynamic",
    "series_fit_poly",
    "series_outliers",
    "series_periods_detect",
    "series_periods_validate",
    "series_seasonal",
    "series_stats_dynamic",
    "series_stats",
    "series_fir",
    "geo_point_to_s2cell",
    "geo_distance_2points",
    "isutf8",
    "new_guid",
    "todecimal",
    "welch_test",
    "bitset_count_ones",
    "ipv4_range_to_cidr_list",
    "punycode_to_string",
    "gzip_compress_to_base64_string",
    "gzip_decompress_from_base64_string",
    "base64_encode_fromguid",
    "base64_decode_toguid",
    "base64_encode_fromarray",
    "ago_if",
    "SeenBy",
    "AssignedIPAddresses",
    "regex_quote",
];

/// Argument types a text parameter accepts: Kusto converts a dynamic string implicitly.
pub(crate) const TEXT: &[Type] = &[Type::String, Type::Dynamic];
/// Argument types an integer parameter accepts.
pub(crate) const INTEGER: &[Type] = &[Type::Int, Type::Long, Type::Dynamic];
/// Argument types a numeric parameter accepts.
pub(crate) const NUMBER: &[Type] = &[
    Type::Int,
    Type::Long,
    Type::Real,
    Type::Decimal,
    Type::Dynamic,
];

/// Checks that argument `index`, when present, has one of the `allowed` types.
pub(crate) fn expect_arg(
    args: &[Type],
    index: usize,
    allowed: &[Type],
    what: &str,
) -> Result<(), String> {
    match args.get(index) {
        Some(ty) => expect_types(std::slice::from_ref(ty), allowed, what),
        None => Ok(()),
    }
}

/// Reads an integer argument: int, long, or a dynamic integer. Anything else is `None`.
pub(crate) fn integer_arg(value: &Value) -> Option<i64> {
    match value {
        Value::Dynamic(json) => json.as_i64(),
        other => other.as_i64(),
    }
}

/// Reads a numeric argument as `f64`: int, long, real, or a dynamic number.
pub(crate) fn number_arg(value: &Value) -> Option<f64> {
    match value {
        Value::Dynamic(json) => json.as_f64(),
        other => other.as_f64(),
    }
}

/// Checks that every argument type is one of `allowed`.
pub(crate) fn expect_types(args: &[Type], allowed: &[Type], what: &str) -> Result<(), String> {
    for ty in args {
        if !allowed.contains(ty) {
            let names: Vec<&str> = allowed.iter().map(|t| t.name()).collect();
            return Err(format!("{what} must be {}, not {ty}", names.join(" or ")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_names_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for function in FAMILIES.into_iter().flatten() {
            assert!(
                seen.insert(function.name),
                "{} is listed twice",
                function.name
            );
        }
    }

    #[test]
    fn supported_functions_are_not_listed_as_unsupported() {
        for function in all() {
            assert!(
                !KNOWN_UNSUPPORTED.contains(&function.name),
                "{} is both supported and listed as unsupported",
                function.name
            );
        }
    }

    fn run(query: &str) -> crate::table::Table {
        crate::engine::Session::new()
            .run(query)
            .unwrap_or_else(|error| panic!("query failed:\n{}", error.render(query, "test")))
    }

    fn run_error(query: &str) -> crate::error::Error {
        match crate::engine::Session::new().run(query) {
            Ok(_) => panic!("query should fail: {query}"),
            Err(error) => error,
        }
    }

    #[test]
    fn type_literal_sets_result_type() {
        let table = run(r#"print port = extract(@"port (\d+)", 1, "port 445", typeof(long))"#);
        assert_eq!(table.schema.fields[0].ty, Type::Long);
        assert_eq!(table.columns[0][0], Value::Long(445));
    }

    #[test]
    fn prepared_regex_runs_per_row() {
        let query = r#"datatable(Text:string)["a1", "b22", "c"] | extend Digits = extract(@"\d+", 0, Text)"#;
        let table = run(query);
        let digits: Vec<String> = table.columns[1]
            .iter()
            .map(Value::to_kusto_string)
            .collect();
        assert_eq!(digits, ["1", "22", ""]);
    }

    #[test]
    fn constant_argument_errors_are_bind_errors() {
        let error = run_error(r#"print extract("(", 1, "x")"#);
        assert_eq!(error.kind, crate::error::ErrorKind::TypeMismatch);
        let error = run_error(r#"print datetime_diff("fortnight", now(), now())"#);
        assert_eq!(error.kind, crate::error::ErrorKind::TypeMismatch);
        let error = run_error(r#"print format_datetime(now(), "MMM")"#);
        assert_eq!(error.kind, crate::error::ErrorKind::TypeMismatch);
    }

    #[test]
    fn wrong_argument_types_are_rejected() {
        let error = run_error(r#"print array_length("abc")"#);
        assert_eq!(error.kind, crate::error::ErrorKind::TypeMismatch);
        let error = run_error(r#"print substring("abc", "1")"#);
        assert_eq!(error.kind, crate::error::ErrorKind::TypeMismatch);
    }

    #[test]
    fn signatures_start_with_the_name() {
        for function in all() {
            assert!(
                function
                    .signature
                    .starts_with(&format!("{}(", function.name)),
                "{}",
                function.signature
            );
        }
    }
}
