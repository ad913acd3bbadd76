//! Calls of functions that a query does not define, which `kql check` takes for functions
//! saved in a Sentinel or Log Analytics workspace.

use super::{bind_columns_from_data, CreatedNames};
use crate::ast::{Expr, ExprKind, Ident};
use crate::binder::plan::{Plan, PlanKind};
use crate::binder::Binder;
use crate::error::{ErrorKind, Result};
use crate::table::Schema;

/// The kind of a workspace function's first parameter, as one call shows it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum FirstParameter {
    /// `T | invoke F(…)` or `F(T, …)`: a table, which has no default
    /// (learn.microsoft.com/kusto/query/functions/user-defined-functions: "Default values
    /// may be provided for scalar parameters only").
    Table,
    /// `F(1d, …)`: a scalar.
    Scalar,
    /// `F()` or a first argument given by name: no table is required.
    None,
}

/// Rejects a call of the workspace function `function` that no single definition could
/// accept together with its earlier calls in the query. That is the case when one call
/// passes a table as the first argument, which a definition must then require, and
/// another passes a scalar there or leaves it out.
fn check_call_shape(
    binder: &mut Binder<'_>,
    function: &Ident,
    first: FirstParameter,
) -> Option<crate::error::Error> {
    let state = binder.data_dependent.as_mut()?;
    let earlier = *state
        .workspace_calls
        .entry(function.name.clone())
        .or_insert(first);
    if (earlier == FirstParameter::Table) == (first == FirstParameter::Table) {
        return None;
    }
    let (this_call, other_call) = if first == FirstParameter::Table {
        ("with a table as its first argument", "without one")
    } else {
        ("without a table as its first argument", "with one")
    };
    Some(
        crate::error::Error::at(
            ErrorKind::TypeMismatch,
            function.span.clone(),
            format!(
                "`{}` is called here {this_call} and elsewhere in the query {other_call}, which no definition accepts",
                function.name
            ),
        )
        .with_hint("a tabular parameter has no default, so every call must pass the table, as `T | invoke F(…)` or `F(T, …)`"),
    )
}

/// Binds a call of a function that the query does not define, `T | invoke F(…)` or `F(…)`
/// as a source, when binding without rows. Sentinel and Log Analytics keep functions saved
/// in the workspace, which a query calls like its own, so `kql check` takes such a call to
/// be one. It binds the arguments as usual and takes every column name that the query
/// reads after the call to be a column of the function's result. Returns `None` outside
/// this mode, as in `kql run`, where the definition must come with --prelude.
pub(in crate::binder) fn bind_workspace_function_without_data(
    binder: &mut Binder<'_>,
    function: &Ident,
    args: &[Expr],
    piped: Option<Plan>,
    expr: &Expr,
) -> Option<Result<Plan>> {
    binder.data_dependent.as_ref()?;
    let row = piped
        .as_ref()
        .map(|plan| plan.schema.clone())
        .unwrap_or_default();
    let mut first = if piped.is_some() {
        FirstParameter::Table
    } else {
        FirstParameter::None
    };
    for (position, arg) in args.iter().enumerate() {
        // A workspace function may take named arguments, which bind like the others.
        let (arg, named) = match &arg.kind {
            ExprKind::NamedArgument { value, .. } => (value.as_ref(), true),
            _ => (arg, false),
        };
        let tabular = binder.is_tabular(arg);
        let bound = if tabular {
            binder.bind_tabular(arg).map(drop)
        } else {
            binder.bind_scalar(arg, &row).map(drop)
        };
        if let Err(error) = bound {
            return Some(Err(error));
        }
        if position == 0 && piped.is_none() && !named {
            first = if tabular {
                FirstParameter::Table
            } else {
                FirstParameter::Scalar
            };
        }
    }
    if let Some(error) = check_call_shape(binder, function, first) {
        return Some(Err(error));
    }
    let input = piped.unwrap_or_else(|| Plan {
        kind: PlanKind::Scan {
            table: function.name.clone(),
        },
        schema: Schema::default(),
        span: function.span.clone(),
    });
    binder.warn(
        &function.span,
        &format!(
            "`{0}` is not defined in the query, so kql check took it to be a function saved in \
         the workspace and did not check the columns it returns; pass its definition with \
         --prelude FILE to check them, as `kql run` needs it",
            function.name
        ),
    );
    let creates = CreatedNames::WorkspaceFunctionColumns {
        function: function.name.clone(),
    };
    let plan = bind_columns_from_data(
        binder,
        input,
        Vec::new(),
        None,
        creates,
        function,
        expr.span.clone(),
    )?;
    Some(Ok(plan))
}
