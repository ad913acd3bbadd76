//! The scalar function catalog: every function the engine runs, with its signature, its
//! result type rule and its implementation, one family per file.
//!
//! The binder looks names up here ([`lookup`]) to type-check calls and suggest names;
//! the evaluator calls [`Function::eval`] per row. Names that KQL has but this engine
//! lacks are listed in [`KNOWN_UNSUPPORTED`] so that a query using one fails with
//! "not supported yet" rather than "unknown function".

mod conversion;
mod datetime;
mod ip;
mod logic;
mod strings;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::value::{Type, Value};

use super::EvalContext;

/// Computes a call's result type from its argument types, or explains why they are wrong.
pub type TypeRule = fn(&[Type]) -> Result<Type, String>;

/// Computes one call's result from its argument values.
pub type Implementation = fn(&[Value], &EvalContext) -> Result<Value, String>;

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
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.signature)
    }
}

fn catalog() -> &'static HashMap<&'static str, &'static Function> {
    static CATALOG: OnceLock<HashMap<&'static str, &'static Function>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        let families: [&'static [Function]; 5] = [
            conversion::FUNCTIONS,
            datetime::FUNCTIONS,
            ip::FUNCTIONS,
            logic::FUNCTIONS,
            strings::FUNCTIONS,
        ];
        families
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

/// KQL functions that exist but that this engine does not run yet.
pub const KNOWN_UNSUPPORTED: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "min",
    "max",
    "arg_max",
    "arg_min",
    "make_set",
    "make_set_if",
    "make_list",
    "make_list_if",
    "make_bag",
    "take_any",
    "take_anyif",
    "any",
    "percentile",
    "percentiles",
    "stdev",
    "variance",
    "makeset",
    "makelist",
    "split",
    "extract",
    "extract_all",
    "replace_string",
    "replace_regex",
    "replace",
    "substring",
    "trim",
    "trim_start",
    "trim_end",
    "indexof",
    "translate",
    "base64_decode_tostring",
    "base64_encode_tostring",
    "url_decode",
    "url_encode",
    "parse_url",
    "parse_path",
    "parse_command_line",
    "parse_user_agent",
    "bin",
    "bin_at",
    "floor",
    "startofday",
    "startofweek",
    "startofmonth",
    "startofyear",
    "endofday",
    "endofweek",
    "endofmonth",
    "endofyear",
    "datetime_diff",
    "datetime_part",
    "datetime_add",
    "format_datetime",
    "format_timespan",
    "dayofweek",
    "dayofmonth",
    "dayofyear",
    "hourofday",
    "getmonth",
    "getyear",
    "unixtime_seconds_todatetime",
    "unixtime_milliseconds_todatetime",
    "pack",
    "bag_pack",
    "pack_array",
    "pack_all",
    "bag_keys",
    "bag_remove_keys",
    "bag_merge",
    "array_length",
    "arraylength",
    "array_slice",
    "array_concat",
    "array_sort_asc",
    "array_sort_desc",
    "array_index_of",
    "array_strcat",
    "strcat_array",
    "set_difference",
    "set_intersect",
    "set_union",
    "set_has_element",
    "dynamic_to_json",
    "extractjson",
    "extract_json",
    "parse_xml",
    "parse_ipv4",
    "parse_ipv6",
    "parse_ipv4_mask",
    "ipv4_is_in_range",
    "ipv4_is_in_any_range",
    "ipv4_is_match",
    "ipv4_compare",
    "ipv6_compare",
    "ipv6_is_match",
    "has_ipv4",
    "has_any_ipv4",
    "has_ipv4_prefix",
    "has_any_ipv4_prefix",
    "format_ipv4",
    "format_ipv4_mask",
    "round",
    "abs",
    "log",
    "log10",
    "log2",
    "pow",
    "sqrt",
    "exp",
    "max_of",
    "min_of",
    "hash",
    "hash_sha256",
    "hash_md5",
    "hash_sha1",
    "prev",
    "next",
    "row_number",
    "row_cumsum",
    "toscalar",
    "materialize",
    "column_ifexists",
    "case",
    "coalesce",
    "tohex",
    "zip",
    "repeat",
    "reverse",
    "countof",
    "series_decompose_anomalies",
    "series_stats",
    "series_fir",
    "make_datetime",
    "make_timespan",
    "format_bytes",
    "geo_point_to_s2cell",
    "geo_distance_2points",
    "externaldata",
    "isascii",
    "isutf8",
    "new_guid",
    "rand",
    "sign",
    "todecimal",
    "toguid",
    "strcmp",
    "strrep",
    "string_size",
    "welch_test",
    "bitset_count_ones",
    "binary_and",
    "binary_or",
    "binary_xor",
    "binary_not",
    "binary_shift_left",
    "binary_shift_right",
    "ipv4_netmask_suffix",
    "ipv6_is_in_range",
    "ipv6_is_in_any_range",
    "ipv4_range_to_cidr_list",
    "bag_has_key",
    "array_iff",
    "array_rotate_left",
    "array_rotate_right",
    "array_shift_left",
    "array_shift_right",
    "array_split",
    "array_sum",
    "jaccard_index",
    "punycode_to_string",
    "gzip_compress_to_base64_string",
    "gzip_decompress_from_base64_string",
    "base64_encode_fromguid",
    "base64_decode_toguid",
    "base64_decode_toarray",
    "base64_encode_fromarray",
    "percentile_tdigest",
    "tdigest",
    "hll",
    "hll_merge",
    "dcount_hll",
    "buildschema",
    "make_bag_if",
    "make_list_with_nulls",
    "ago_if",
    "FileProfile",
    "DeviceFromIP",
    "SeenBy",
    "AssignedIPAddresses",
    "_GetWatchlist",
];

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
        let families: [&[Function]; 5] = [
            conversion::FUNCTIONS,
            datetime::FUNCTIONS,
            ip::FUNCTIONS,
            logic::FUNCTIONS,
            strings::FUNCTIONS,
        ];
        for function in families.into_iter().flatten() {
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
