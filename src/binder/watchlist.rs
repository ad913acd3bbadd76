//! Binding of Microsoft Sentinel's `_GetWatchlist('alias')`
//! (learn.microsoft.com/azure/sentinel/watchlists-queries): the items of a watchlist that
//! the user loaded from a CSV file, with the columns that `crate::watchlist` describes.
//!
//! With the watchlist loaded, the call binds to its table as a constant. Without it,
//! `kql check` accepts the columns every watchlist has and any other column name, as a
//! column of the CSV file (see `data_dependent.rs`), while `kql run` fails and names the
//! option that loads the file.

use std::sync::Arc;

use super::data_dependent::{bind_columns_from_data, CreatedNames};
use super::plan::{BoundKind, Plan, PlanKind};
use super::Binder;
use crate::ast::{Expr, Ident, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{Schema, Table};
use crate::value::Value;

/// The function's name, which a `let` of the same name hides.
pub const GET_WATCHLIST: &str = "_GetWatchlist";

/// Binds `_GetWatchlist(alias)` used as a table. `piped` is the input of `| invoke`.
pub(super) fn bind_get_watchlist(
    binder: &mut Binder<'_>,
    name: &Ident,
    args: &[Expr],
    piped: Option<&Plan>,
    span: &Span,
) -> Result<Plan> {
    if piped.is_some() {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            name.span.clone(),
            "`_GetWatchlist` takes no input table; use it as a table, \
             as in `_GetWatchlist('alias') | where …`",
        ));
    }
    let argument = match args {
        [argument] => argument,
        [] => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                span.clone(),
                "`_GetWatchlist` needs the watchlist alias: `_GetWatchlist('alias')`",
            ))
        }
        // The Learn pages document only the alias argument.
        [_, extra, ..] => {
            return Err(Error::unsupported(
                extra.span.clone(),
                "`_GetWatchlist` with arguments after the alias is not supported yet",
            ))
        }
    };
    let alias = constant_alias(binder, argument)?;
    binder.watchlists_called.insert(alias.clone());

    if let Some(table) = binder.tables.watchlist(&alias) {
        let table = table.map_err(|error| error.or_span(span.clone()))?;
        return Ok(Plan {
            schema: table.schema.clone(),
            kind: PlanKind::Constant(table),
            span: span.clone(),
        });
    }
    let empty = Plan {
        schema: Schema::default(),
        kind: PlanKind::Constant(Arc::new(Table::empty(Schema::default()))),
        span: span.clone(),
    };
    let creates = CreatedNames::WatchlistColumns {
        alias: alias.clone(),
    };
    let known = crate::watchlist::fixed_fields();
    let string = Some(crate::value::Type::String);
    if let Some(plan) =
        bind_columns_from_data(binder, empty, known, string, creates, name, span.clone())
    {
        return Ok(plan);
    }
    Err(Error::at(
        ErrorKind::Usage,
        span.clone(),
        format!("{NOT_LOADED_START}{alias}{NOT_LOADED_END}{alias}')` has no rows"),
    )
    .with_hint(format!(
        "supply the watchlist's CSV file with --watchlist {alias}=FILE.csv, and name its \
         SearchKey column with --watchlist-key {alias}=COLUMN when the file has several \
         columns; or put the file at DIR/watchlists/{alias}.csv under a --data DIR"
    )))
}

/// The text of the "watchlist not loaded" message around its first alias.
const NOT_LOADED_START: &str = "watchlist `";
const NOT_LOADED_END: &str = "` is not loaded, so `_GetWatchlist('";

/// Returns the alias of a "watchlist not loaded" error, so that `kql test` can replace
/// the error's command-line hints with the test file's `[watchlists]`.
pub fn unloaded_alias(error: &Error) -> Option<&str> {
    let rest = error.message.strip_prefix(NOT_LOADED_START)?;
    let (alias, _) = rest.split_once(NOT_LOADED_END)?;
    Some(alias)
}

/// Returns the alias, which must be a constant string: a literal or a `let` bound to one.
fn constant_alias(binder: &mut Binder<'_>, argument: &Expr) -> Result<String> {
    let not_constant = || {
        Error::at(
            ErrorKind::TypeMismatch,
            argument.span.clone(),
            "the alias of `_GetWatchlist` must be a constant string, such as \
             `_GetWatchlist('VIPUsers')`",
        )
    };
    let bound = binder
        .bind_scalar(argument, &Schema::default())
        .map_err(|error| match error.kind {
            ErrorKind::UnknownName => not_constant(),
            _ => error,
        })?;
    match bound.kind {
        BoundKind::Literal(Value::String(alias)) => Ok(alias.to_string()),
        _ => Err(not_constant()),
    }
}

/// Returns the error for `_GetWatchlist` used as a scalar, or named without a call.
pub(super) fn misuse_error(span: Span, scalar: bool) -> Error {
    let message = if scalar {
        "`_GetWatchlist` returns a table; a scalar is expected here"
    } else {
        "`_GetWatchlist` needs the watchlist alias: `_GetWatchlist('alias')`"
    };
    let error = Error::at(ErrorKind::TypeMismatch, span, message);
    if scalar {
        error.with_hint(
            "use it as a table, as in `x in (_GetWatchlist('alias') | project SearchKey)`",
        )
    } else {
        error
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::Session;

    #[test]
    fn unloaded_alias_read_from_error() {
        let error = Session::new()
            .prepare("_GetWatchlist('BadIP')")
            .expect_err("no watchlist is loaded");
        assert_eq!(super::unloaded_alias(&error), Some("BadIP"));
        let other = Session::new().prepare("Nope").expect_err("unknown table");
        assert_eq!(super::unloaded_alias(&other), None);
    }
}
