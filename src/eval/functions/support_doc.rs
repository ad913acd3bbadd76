//! Generates `docs/support.md`, the list of supported and known-but-unsupported
//! operators and functions, from the parser's operator lists and the function catalog.
//!
//! A unit test compares the generated text with the committed file and fails when they
//! differ, so the document cannot drift from the code. Run
//! `UPDATE_DOCS=1 cargo test support_doc` to rewrite the file after a change.

use std::fmt::Write;

use super::{all, KNOWN_UNSUPPORTED};
use crate::binder::defender::DEFENDER_FUNCTIONS;
use crate::binder::{BINDER_FUNCTIONS, KNOWN_UNSUPPORTED_PLUGINS, SUPPORTED_PLUGINS};
use crate::parser::{KNOWN_UNSUPPORTED_OPERATORS, SUPPORTED_OPERATORS};

/// Renders the support document as Markdown.
pub fn render() -> String {
    let mut out = String::new();
    out.push_str("# What `kql` supports\n\n");
    out.push_str(
        "Generated from the operator lists in `src/parser/operators.rs` and the function \
         catalog in `src/eval/functions/`; do not edit by hand. After changing either, run \
         `UPDATE_DOCS=1 cargo test support_doc` to regenerate it.\n\n",
    );
    out.push_str(
        "A query that uses a known but unsupported operator or function fails with a \
         \"not supported yet\" error naming it.\n\n",
    );

    let mut operators: Vec<&str> = SUPPORTED_OPERATORS.to_vec();
    operators.sort_unstable();
    out.push_str("## Tabular operators\n\n");
    out.push_str(&format!("Supported ({}): ", operators.len()));
    out.push_str(&code_list(&operators));
    out.push_str("\n\n");
    let mut unsupported_operators: Vec<&str> = KNOWN_UNSUPPORTED_OPERATORS.to_vec();
    unsupported_operators.sort_unstable();
    out.push_str(&format!(
        "Known but not supported yet ({}): ",
        unsupported_operators.len()
    ));
    out.push_str(&code_list(&unsupported_operators));
    out.push_str("\n\n");
    out.push_str(
        "`partition` runs a subquery of operators in parentheses with each strategy. The \
         legacy form whose subquery has its own source, `by Column { … }`, and `as` or \
         `evaluate` inside the subquery are rejected as not supported yet.\n\n",
    );

    out.push_str(
        "Query sources, which start a query instead of following `|`: `datatable`, `print`, \
         `externaldata` (local files, and URLs mapped to local files), `range`, `union`, \
         `search`, `table()`, `materialize()`, user-defined functions and `invoke`, and \
         Microsoft Sentinel's `_GetWatchlist('alias')` over a CSV file given with \
         `--watchlist`. `externaldata` takes the properties `format`, `ignoreFirstRecord` \
         and `ingestionMapping`. A mapping works for JSON files only, without \
         transformations.\n\n",
    );

    out.push_str("## Plugins of `evaluate`\n\n");
    out.push_str(&format!("Supported ({}): ", SUPPORTED_PLUGINS.len()));
    out.push_str(&code_list(&SUPPORTED_PLUGINS));
    out.push_str(
        ". `bag_unpack` without an output schema and `pivot` have columns that depend on \
         the data: `kql run`, `kql test` and the REPL run their input while binding to \
         find them. `kql check` has no rows, so after these plugins it accepts any \
         column name that the plugin could create from the data. It checks such a \
         column's type only as far as the data could give it: any type a bag slot can \
         have, or the aggregate's type for `pivot`. `pivot` supports `count()` and `sum()` \
         only, no output schema, and no empty or null pivot value. `ipv4_lookup` rejects \
         lookup tables whose ranges overlap. `activity_counts_metrics` takes a datetime \
         timeline and a timespan Step. It rejects what its reference page leaves open: \
         a `week`, `month` or `year` Step, a Start that is not on a `bin(_, Step)` \
         boundary, rows outside Start..End, null or empty IDs, null dimension values, \
         and time windows without rows. Its `dcount` counts exactly.\n\n",
    );
    let mut unsupported_plugins: Vec<&str> = KNOWN_UNSUPPORTED_PLUGINS.to_vec();
    unsupported_plugins.sort_unstable();
    out.push_str(&format!(
        "Known but not supported yet ({}): ",
        unsupported_plugins.len()
    ));
    out.push_str(&code_list(&unsupported_plugins));
    out.push_str("\n\n");

    out.push_str("## Defender XDR functions\n\n");
    out.push_str(&format!("Supported ({}): ", DEFENDER_FUNCTIONS.len()));
    let defender_signatures: Vec<&str> = DEFENDER_FUNCTIONS
        .iter()
        .map(|(_, signature)| *signature)
        .collect();
    out.push_str(&code_list(&defender_signatures));
    out.push_str(
        ". They read their results from a loaded table of the same name with the \
         documented output columns (`FileProfile.csv`, `DeviceFromIP.csv`); `kql check` \
         needs no such table. `FileProfile` rejects more input rows than its record limit. \
         The limit is 100 by default, and a limit above the documented maximum of 1000 \
         counts as 1000. It also rejects upper-case hashes in its input. An input column \
         named like a profile column other than the key, and the profile's column of that \
         name, are undetermined, because the reference page does not say how the two \
         combine. A query may drop them with a projection that lists its columns, but \
         reading one by name or showing every column (the result, `pack_all()`, \
         `getschema`, `distinct *`) is rejected. In the `FileProfile` table, a \
         value of the looked-up hash column that is not a lower-case hash is an error. A \
         found row with an empty `ProfileAvailability` gets `Available`. `DeviceFromIP` rejects a time argument and an address in \
         more than one input row. `SeenBy` and `AssignedIPAddresses` are not supported \
         yet, because their reference pages leave the output undefined.\n\n",
    );

    let mut functions: Vec<(&str, &str)> = all()
        .iter()
        .map(|function| (function.name, function.signature))
        .chain(BINDER_FUNCTIONS.iter().copied())
        .collect();
    functions.sort_unstable();
    out.push_str("## Scalar functions\n\n");
    out.push_str(
        "Scalar types: `bool`, `int`, `long`, `real`, `string`, `datetime`, `timespan`, \
         `guid` and `dynamic`. `decimal` is known but not supported yet: a `decimal(…)` \
         literal, or a query that reads or returns a `decimal` column, stops with an error, \
         because kql has no exact 128-bit decimal number.\n\n",
    );
    out.push_str(&format!("Supported ({}):\n\n", functions.len()));
    out.push_str("| function | signature |\n|---|---|\n");
    for (name, signature) in &functions {
        let _ = writeln!(out, "| `{name}` | `{}` |", signature.replace('|', "\\|"));
    }
    out.push('\n');
    out.push_str(
        "`parse_path`, `parse_url` and `parse_urlquery` return a result only for the shapes \
         of value whose result the KQL reference or a quoted engine output shows. Any other \
         value fails the query with a \"not supported yet\" error that names it. \
         `parse_path` rejects an empty path, a file name without a directory, a path that \
         ends in a separator, a file in a root directory and long paths (`\\\\?\\`), and \
         its error gives a `where` condition that removes such rows. `parse_url` and \
         `parse_urlquery` reject query parameters with `%` escapes, `+`, an empty name or \
         value, or a repeated name. A `parse_url` value without `://` gives a bag whose \
         parts are all empty, as Kusto returns for `mailto:` URLs.\n\n",
    );

    let mut unsupported: Vec<&str> = KNOWN_UNSUPPORTED.to_vec();
    unsupported.sort_unstable_by_key(|name| name.to_lowercase());
    out.push_str(&format!(
        "Known but not supported yet ({}), including the aggregation functions: ",
        unsupported.len()
    ));
    out.push_str(&code_list(&unsupported));
    out.push('\n');
    out
}

fn code_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    quoted.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_doc_matches_catalog() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/support.md");
        let expected = render();
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, &expected).expect("docs/support.md is writable");
            return;
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "docs/support.md is out of date; run `UPDATE_DOCS=1 cargo test support_doc` to regenerate it"
        );
    }

    #[test]
    fn support_doc_lists_every_function() {
        let text = render();
        for function in all() {
            assert!(
                text.contains(&format!("| `{}` |", function.name)),
                "{}",
                function.name
            );
        }
    }
}
