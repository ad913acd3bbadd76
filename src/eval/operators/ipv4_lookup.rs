//! `evaluate ipv4_lookup(…)`: extends each input row with the lookup row whose IPv4
//! address or CIDR range contains the row's address, and whose extra keys are equal
//! (learn.microsoft.com/kusto/query/ipv4-lookup-plugin). Without `return_unmatched=true`
//! rows without a match are dropped; with it they keep empty lookup columns.
//!
//! Lookup values that are not IPv4 addresses or ranges contain no address, so they never
//! match. Neither does a source value that is not an IPv4 address, nor a null extra key.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use super::keys::{row_join_key, KeyPart};
use crate::ast::Span;
use crate::binder::plan::Ipv4LookupPlan;
use crate::error::{Error, Result};
use crate::eval::functions::ip::parse_ipv4_with_prefix;
use crate::table::{Schema, Table};
use crate::value::Value;

/// Lookup rows by extra keys, prefix length and network address under that prefix.
type RangeIndex = HashMap<(Vec<KeyPart>, u8, u32), Vec<usize>>;

pub fn run(
    input: &Table,
    lookup: &Table,
    plan: &Ipv4LookupPlan,
    schema: &Schema,
    span: &Span,
) -> Result<Table> {
    let mut index = RangeIndex::new();
    let mut prefixes = BTreeSet::new();
    for row in 0..lookup.row_count {
        let Some((network, prefix)) = ipv4_cell(lookup, plan.lookup_key, row) else {
            continue;
        };
        let Some(extra) = row_join_key(lookup, row, &plan.lookup_extra_keys) else {
            continue;
        };
        prefixes.insert(prefix);
        index
            .entry((extra, prefix, network & mask(prefix)))
            .or_default()
            .push(row);
    }

    let mut input_picks = Vec::new();
    let mut lookup_picks: Vec<Option<usize>> = Vec::new();
    for row in 0..input.row_count {
        let matched = match_row(input, row, plan, &index, &prefixes, lookup, span)?;
        if matched.is_some() || plan.return_unmatched {
            input_picks.push(row);
            lookup_picks.push(matched);
        }
    }

    let mut columns = Vec::with_capacity(schema.len());
    for column in &input.columns {
        columns.push(Arc::new(
            input_picks.iter().map(|&row| column[row].clone()).collect(),
        ));
    }
    for &position in &plan.lookup_output {
        let empty = lookup.schema.fields[position].ty.empty_value();
        let column = &lookup.columns[position];
        let values = lookup_picks
            .iter()
            .map(|pick| pick.map_or_else(|| empty.clone(), |row| column[row].clone()))
            .collect();
        columns.push(Arc::new(values));
    }
    Ok(Table::new(schema.clone(), columns, input_picks.len()))
}

/// Returns the lookup row that matches one input row, if any.
fn match_row(
    input: &Table,
    row: usize,
    plan: &Ipv4LookupPlan,
    index: &RangeIndex,
    prefixes: &BTreeSet<u8>,
    lookup: &Table,
    span: &Span,
) -> Result<Option<usize>> {
    let Some((address, source_prefix)) = ipv4_cell(input, plan.source_key, row) else {
        return Ok(None);
    };
    if source_prefix < 32 {
        // NOTE: the plugin page allows a prefix on source values but does not say how a
        // source range matches a lookup range.
        return Err(Error::unsupported(
            span.clone(),
            format!(
                "ipv4_lookup of a source value with a prefix, `{}`, is not supported yet",
                input.columns[plan.source_key][row].to_kusto_string()
            ),
        ));
    }
    let Some(extra) = row_join_key(input, row, &plan.input_extra_keys) else {
        return Ok(None);
    };
    let mut matches: Vec<usize> = Vec::new();
    for &prefix in prefixes {
        let key = (extra.clone(), prefix, address & mask(prefix));
        if let Some(rows) = index.get(&key) {
            matches.extend(rows);
        }
    }
    match matches.as_slice() {
        [] => Ok(None),
        [only] => Ok(Some(*only)),
        [first, second, ..] => {
            // NOTE: the plugin page does not say which row, or how many rows, an address
            // in several lookup ranges gives, so that case is rejected instead of guessed.
            let range = |row: usize| lookup.columns[plan.lookup_key][row].to_kusto_string();
            Err(Error::unsupported(
                span.clone(),
                format!(
                    "ipv4_lookup found {} lookup rows for `{}`, among them `{}` and `{}`; overlapping ranges are not supported yet, because Kusto does not document which match it returns",
                    matches.len(),
                    input.columns[plan.source_key][row].to_kusto_string(),
                    range(*first),
                    range(*second),
                ),
            )
            .with_hint("remove the overlapping or repeated ranges from the lookup table"))
        }
    }
}

/// Reads an IPv4 address or range from a string cell.
fn ipv4_cell(table: &Table, column: usize, row: usize) -> Option<(u32, u8)> {
    let Value::String(text) = table.columns.get(column)?.get(row)? else {
        return None;
    };
    parse_ipv4_with_prefix(text).map(|(address, prefix)| (u32::from(address), prefix))
}

fn mask(prefix: u8) -> u32 {
    match prefix {
        0 => 0,
        _ => u32::MAX << (32 - u32::from(prefix.min(32))),
    }
}
