//! `externaldata`: reads local files with the schema the query declares. A URL is never
//! downloaded; it is read from the local file that `--externaldata URL=PATH` maps it to.

use std::path::{Path, PathBuf};

use crate::binder::plan::{ExternalDataPlan, Plan};
use crate::data::external::{load_external, ExternalFormat};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::EvalContext;
use crate::table::Table;

pub fn run(plan: &Plan, external: &ExternalDataPlan, context: &EvalContext) -> Result<Table> {
    let mut paths: Vec<PathBuf> = Vec::with_capacity(external.uris.len());
    for uri in &external.uris {
        paths.push(local_path(plan, uri, context)?);
    }
    let format = match (external.format, external.uris.first()) {
        (Some(format), _) => format,
        (None, Some(uri)) => ExternalFormat::from_path(without_query(uri)),
        (None, None) => ExternalFormat::Csv,
    };
    let path_refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let loaded = load_external(
        &path_refs,
        format,
        &plan.schema,
        external.ignore_first_record,
        external.mapping.as_ref(),
    )
    .map_err(|error| error.or_span(plan.span.clone()))?;
    for warning in &loaded.warnings {
        log::warn!("externaldata: {warning}");
    }
    Ok(loaded.table)
}

/// Returns the file to read for `uri`: its `--externaldata` mapping, or the text itself
/// when it is a local path.
fn local_path(plan: &Plan, uri: &str, context: &EvalContext) -> Result<PathBuf> {
    if let Some(path) = context.externaldata.get(uri) {
        return Ok(path.clone());
    }
    if uri.contains("://") {
        return Err(Error::at(
            ErrorKind::Unsupported,
            plan.span.clone(),
            format!("externaldata cannot read `{uri}`: kql never downloads from the network"),
        )
        .with_hint(format!(
            "save a copy of the file and map the URL to it with --externaldata '{uri}=PATH'"
        )));
    }
    Ok(PathBuf::from(uri))
}

/// Returns the URI without a `?query` or `;key` suffix, for choosing the format by
/// extension.
fn without_query(uri: &str) -> &str {
    let end = uri.find(['?', ';']).unwrap_or(uri.len());
    &uri[..end]
}
