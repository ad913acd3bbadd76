//! Binding of `evaluate ipv4_lookup(LookupTable, SourceIPv4Key, IPv4LookupKey [, ExtraKey…]
//! [, return_unmatched])` (learn.microsoft.com/kusto/query/ipv4-lookup-plugin).
//!
//! The output has every input column, then the lookup table's columns without the extra
//! key columns. A lookup column whose name is taken gets a number (`network1`), as
//! Kusto's language service names it (`Ipv4_Lookup` in `PlugIns.cs` of
//! github.com/microsoft/Kusto-Query-Language).

use super::names::unique_field;
use super::plan::{Ipv4LookupPlan, Plan, PlanKind};
use super::plugins::constant;
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, JoinKey, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::table::Schema;
use crate::value::{Type, Value};

pub fn bind_ipv4_lookup(
    binder: &mut Binder<'_>,
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Plan> {
    let [table_arg, source_arg, lookup_arg, rest @ ..] = args else {
        return Err(Error::at(
            ErrorKind::Syntax,
            plugin.span.clone(),
            "ipv4_lookup needs a lookup table, the input's IPv4 column and the lookup table's IPv4 column",
        )
        .with_hint("evaluate ipv4_lookup(Networks, RemoteIP, Network)"));
    };
    let lookup = binder.bind_tabular(table_arg)?;
    let source_key = key_column(&input.schema, source_arg, "the input")?;
    let lookup_key = key_column(&lookup.schema, lookup_arg, "the lookup table")?;

    let (extra_args, return_unmatched) = split_return_unmatched(binder, rest)?;
    let mut extra_keys = Vec::new();
    for arg in extra_args {
        let ExprKind::Name(name) = &arg.kind else {
            return Err(Error::at(
                ErrorKind::Syntax,
                arg.span.clone(),
                "an extra ipv4_lookup key must be a column name of both tables",
            ));
        };
        extra_keys.push(JoinKey::Same(Ident {
            name: name.clone(),
            span: arg.span.clone(),
        }));
    }
    let (input_extra_keys, lookup_extra_keys) =
        super::tabular::resolve_keys(&input.schema, &lookup.schema, &extra_keys, "ipv4_lookup")?;

    let mut fields = input.schema.fields.clone();
    let mut lookup_output = Vec::new();
    for (position, field) in lookup.schema.fields.iter().enumerate() {
        if lookup_extra_keys.contains(&position) {
            continue;
        }
        fields.push(unique_field(field, &Schema::new(fields.clone())));
        lookup_output.push(position);
    }
    Ok(Plan {
        kind: PlanKind::Ipv4Lookup(Box::new(Ipv4LookupPlan {
            input,
            lookup,
            source_key,
            lookup_key,
            input_extra_keys,
            lookup_extra_keys,
            lookup_output,
            return_unmatched,
        })),
        schema: Schema::new(fields),
        span,
    })
}

/// Resolves an IPv4 key argument to a string column of `schema`.
fn key_column(schema: &Schema, arg: &Expr, side: &str) -> Result<usize> {
    let ExprKind::Name(name) = &arg.kind else {
        return Err(Error::at(
            ErrorKind::Syntax,
            arg.span.clone(),
            format!("the IPv4 key of {side} must be a column name"),
        ));
    };
    let position = schema.index_of(name).ok_or_else(|| {
        if let Some(error) = super::names::undetermined_reference(name, arg.span.clone(), schema) {
            return error;
        }
        let mut error = Error::at(
            ErrorKind::UnknownName,
            arg.span.clone(),
            format!("column `{name}` is not in {side} of ipv4_lookup"),
        );
        if let Some(suggestion) = crate::error::closest(name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        error
    })?;
    let ty = schema.fields.get(position).map(|field| field.ty);
    if ty != Some(Type::String) {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            arg.span.clone(),
            format!(
                "ipv4_lookup needs IPv4 addresses as text, and `{name}` is not a string column"
            ),
        )
        .with_hint("convert it first: `extend IPText = tostring(IP)`"));
    }
    Ok(position)
}

/// Splits off the optional last argument, `return_unmatched = bool` or a bare bool
/// literal; every argument before it is an extra key.
fn split_return_unmatched<'e>(
    binder: &mut Binder<'_>,
    args: &'e [Expr],
) -> Result<(&'e [Expr], bool)> {
    let Some((last, keys)) = args.split_last() else {
        return Ok((args, false));
    };
    let value_expr = match &last.kind {
        ExprKind::NamedArgument { name, value } if name.name == "return_unmatched" => value,
        ExprKind::NamedArgument { name, .. } => {
            return Err(Error::at(
                ErrorKind::Syntax,
                name.span.clone(),
                format!(
                    "unknown ipv4_lookup argument `{}`; the only named one is return_unmatched",
                    name.name
                ),
            ))
        }
        ExprKind::Literal(Value::Bool(_), _) => last,
        _ => return Ok((args, false)),
    };
    match constant(binder, value_expr, "ipv4_lookup")? {
        Value::Bool(flag) => Ok((keys, flag)),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            value_expr.span.clone(),
            "return_unmatched must be true or false",
        )),
    }
}
