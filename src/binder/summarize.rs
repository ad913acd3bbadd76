//! Binding of `summarize` and `distinct`: group keys, aggregate calls resolved in the
//! aggregate catalog, the column names Kusto generates, and expressions over aggregates
//! such as `100.0 * countif(x) / count()`.

use super::plan::{
    AggregateCall, BoundExpr, BoundKind, Plan, PlanKind, ProjectColumn, SummarizePlan,
};
use super::result_names::{generated_name, result_name};
use super::Binder;
use crate::ast::{Assignment, Expr, ExprKind, Ident, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::aggregates::{self, Aggregate, Shape};
use crate::table::{Field, Schema};
use crate::value::Type;

/// The output columns being built, with Kusto's naming rules: a declared name (`Name =`)
/// must be unique, a derived name gets a number appended when it is taken.
#[derive(Default)]
struct Columns {
    fields: Vec<Field>,
    declared: Vec<String>,
}

impl Columns {
    fn names(&self) -> Vec<String> {
        self.fields.iter().map(|field| field.name.clone()).collect()
    }

    fn declare(&mut self, name: &Ident, ty: Type) -> Result<()> {
        if self.declared.contains(&name.name) || self.fields.iter().any(|f| f.name == name.name) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                name.span.clone(),
                format!(
                    "column `{}` is declared twice; give one of them another name",
                    name.name
                ),
            ));
        }
        self.declared.push(name.name.clone());
        self.fields.push(Field::new(name.name.clone(), ty));
        Ok(())
    }

    fn add(&mut self, name: &str, ty: Type) {
        self.add_field(&Field::new(name, ty));
    }

    /// Adds `field`, numbered when its name is taken, with its undetermined mark: `*` in
    /// `arg_max(x, *)` passes undetermined columns on.
    fn add_field(&mut self, field: &Field) {
        let taken = Schema::new(self.fields.clone());
        self.fields.push(super::names::unique_field(field, &taken));
    }
}

/// `summarize aggregates by keys`.
pub fn bind_summarize(
    binder: &mut Binder<'_>,
    input: Plan,
    aggregates_list: &[Assignment],
    by: &[Assignment],
    span: Span,
) -> Result<Plan> {
    let mut columns = Columns::default();
    let mut keys = Vec::new();
    let mut by_columns = Vec::new();
    for assignment in by {
        let key = bind_key(binder, &assignment.expr, &input.schema)?;
        if key.ty == Type::Dynamic {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                assignment.expr.span.clone(),
                "rows cannot be grouped by a dynamic value; convert it with tostring() first",
            ));
        }
        if let BoundKind::Column(index) = key.kind {
            by_columns.push(index);
        }
        match &assignment.name {
            Some(name) => columns.declare(name, key.ty)?,
            None => {
                let name = result_name(&assignment.expr, &input.schema)
                    .unwrap_or_else(|| generated_name(&columns.names()));
                columns.add(&name, key.ty);
            }
        }
        keys.push(key);
    }
    let key_count = keys.len();

    let mut calls = Vec::new();
    // Expressions over aggregates, computed after grouping: (output position, expr).
    let mut post: Vec<(usize, Assignment)> = Vec::new();
    for assignment in aggregates_list {
        match direct_aggregate(&assignment.expr) {
            Some((aggregate, name, args)) => {
                let call = bind_aggregate(
                    binder,
                    &input.schema,
                    aggregate,
                    name,
                    args,
                    &assignment.expr,
                    assignment.name.as_ref(),
                    &by_columns,
                    &mut columns,
                )?;
                calls.push(call);
            }
            None => {
                post.push((columns.fields.len(), assignment.clone()));
                columns.fields.push(Field::new("", Type::Dynamic));
            }
        }
    }

    if post.is_empty() {
        return Ok(Plan {
            schema: Schema::new(columns.fields),
            kind: PlanKind::Summarize(Box::new(SummarizePlan {
                input,
                keys,
                aggregates: calls,
            })),
            span,
        });
    }
    bind_with_post_expressions(binder, input, keys, key_count, calls, columns, post, span)
}

/// Binds `summarize` where some outputs are expressions over aggregates: each aggregate
/// call inside them becomes a hidden column of the grouping step, and a projection
/// computes the expressions and drops the hidden columns.
#[allow(clippy::too_many_arguments)]
fn bind_with_post_expressions(
    binder: &mut Binder<'_>,
    input: Plan,
    keys: Vec<BoundExpr>,
    key_count: usize,
    mut calls: Vec<AggregateCall>,
    mut columns: Columns,
    post: Vec<(usize, Assignment)>,
    span: Span,
) -> Result<Plan> {
    let visible: Vec<usize> = (0..columns.fields.len())
        .filter(|position| !post.iter().any(|(at, _)| at == position))
        .collect();
    let mut inner_fields: Vec<Field> = visible
        .iter()
        .map(|&position| columns.fields[position].clone())
        .collect();

    let mut rewritten = Vec::new();
    let mut hidden = Vec::new();
    for (position, assignment) in &post {
        let before = hidden.len();
        let expr = replace_aggregates(&assignment.expr, &mut hidden)?;
        if hidden.len() == before {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                assignment.expr.span.clone(),
                "each summarize expression needs an aggregate function such as count() or max(x)",
            ));
        }
        rewritten.push((*position, assignment, expr));
    }
    for (hidden_name, call_expr) in hidden {
        let Some((aggregate, name, args)) = direct_aggregate(&call_expr) else {
            continue;
        };
        let mut scratch = Columns::default();
        let call = bind_aggregate(
            binder,
            &input.schema,
            aggregate,
            name,
            args,
            &call_expr,
            None,
            &[],
            &mut scratch,
        )?;
        if call.outputs != 1 {
            return Err(Error::unsupported(
                call_expr.span.clone(),
                format!(
                    "`{}` inside an expression is not supported yet",
                    aggregate.name
                ),
            ));
        }
        let ty = scratch
            .fields
            .first()
            .map(|field| field.ty)
            .unwrap_or(Type::Dynamic);
        inner_fields.push(Field::new(hidden_name, ty));
        calls.push(call);
    }

    let inner_schema = Schema::new(inner_fields);
    let mut outputs: Vec<ProjectColumn> = Vec::new();
    let mut visible_index = 0;
    for position in 0..columns.fields.len() {
        if let Some((_, assignment, expr)) = rewritten.iter().find(|(at, _, _)| *at == position) {
            let bound = binder.bind_scalar(expr, &inner_schema)?;
            let name = match &assignment.name {
                Some(name) => name.name.clone(),
                None => result_name(&assignment.expr, &Schema::default())
                    .unwrap_or_else(|| generated_name(&columns.names())),
            };
            let others: Vec<Field> = columns
                .fields
                .iter()
                .enumerate()
                .filter(|(at, _)| *at != position)
                .map(|(_, field)| field.clone())
                .collect();
            let name = if assignment.name.is_some() {
                name
            } else {
                super::names::unique_name(&name, &Schema::new(others))
            };
            columns.fields[position] = Field::new(name, bound.ty);
            outputs.push(ProjectColumn::Computed(bound));
        } else {
            outputs.push(ProjectColumn::Input(visible_index));
            visible_index += 1;
        }
    }
    let _ = key_count;
    let grouped = Plan {
        schema: inner_schema,
        kind: PlanKind::Summarize(Box::new(SummarizePlan {
            input,
            keys,
            aggregates: calls,
        })),
        span: span.clone(),
    };
    Ok(Plan {
        schema: Schema::new(columns.fields),
        kind: PlanKind::Project {
            input: Box::new(grouped),
            columns: outputs,
        },
        span,
    })
}

/// Replaces each aggregate call in `expr` with a hidden column name, collecting the calls.
fn replace_aggregates(expr: &Expr, hidden: &mut Vec<(String, Expr)>) -> Result<Expr> {
    if let ExprKind::Call { name, .. } = &expr.kind {
        if aggregates::KNOWN_UNSUPPORTED.contains(&name.name.as_str()) {
            return Err(Error::unsupported(
                name.span.clone(),
                format!("aggregate function `{}` is not supported yet", name.name),
            ));
        }
    }
    if direct_aggregate(expr).is_some() {
        // A space keeps the hidden name apart from every name a query can write unquoted.
        let name = format!(" aggregate {}", hidden.len());
        hidden.push((name.clone(), expr.clone()));
        return Ok(Expr {
            kind: ExprKind::Name(name),
            span: expr.span.clone(),
        });
    }
    let mut copy = expr.clone();
    let boxed = |inner: &Expr, hidden: &mut Vec<(String, Expr)>| -> Result<Box<Expr>> {
        Ok(Box::new(replace_aggregates(inner, hidden)?))
    };
    copy.kind = match &expr.kind {
        ExprKind::Negate(inner) => ExprKind::Negate(boxed(inner, hidden)?),
        ExprKind::Binary { op, left, right } => ExprKind::Binary {
            op: *op,
            left: boxed(left, hidden)?,
            right: boxed(right, hidden)?,
        },
        ExprKind::Call { name, args } => {
            let mut replaced = Vec::with_capacity(args.len());
            for arg in args {
                replaced.push(replace_aggregates(arg, hidden)?);
            }
            ExprKind::Call {
                name: name.clone(),
                args: replaced,
            }
        }
        ExprKind::Member { expr: base, name } => ExprKind::Member {
            expr: boxed(base, hidden)?,
            name: name.clone(),
        },
        ExprKind::NamedArgument { name, value } => ExprKind::NamedArgument {
            name: name.clone(),
            value: boxed(value, hidden)?,
        },
        ExprKind::Index { expr: base, index } => ExprKind::Index {
            expr: boxed(base, hidden)?,
            index: boxed(index, hidden)?,
        },
        ExprKind::Between {
            expr: value,
            low,
            high,
            negated,
        } => ExprKind::Between {
            expr: boxed(value, hidden)?,
            low: boxed(low, hidden)?,
            high: boxed(high, hidden)?,
            negated: *negated,
        },
        other => other.clone(),
    };
    Ok(copy)
}

/// Returns the aggregate, its name and arguments when `expr` is a call to one.
fn direct_aggregate(expr: &Expr) -> Option<(&'static Aggregate, &Ident, &[Expr])> {
    let ExprKind::Call { name, args } = &expr.kind else {
        return None;
    };
    let aggregate = aggregates::lookup(&name.name)?;
    Some((aggregate, name, args))
}

/// Binds one aggregate call and adds its output columns.
#[allow(clippy::too_many_arguments)]
fn bind_aggregate(
    binder: &mut Binder<'_>,
    schema: &Schema,
    aggregate: &'static Aggregate,
    name: &Ident,
    args: &[Expr],
    call: &Expr,
    declared: Option<&Ident>,
    by_columns: &[usize],
    columns: &mut Columns,
) -> Result<AggregateCall> {
    let (args, argument_names) = split_named_arguments(aggregate, args)?;
    let args = args.as_slice();
    let names_columns = matches!(aggregate.shape, Shape::ArgExtreme | Shape::AnyRow);
    if let (true, Some(declared), Some(Some(given))) =
        (names_columns, declared, argument_names.first())
    {
        return Err(Error::syntax(
            given.span.clone(),
            format!(
                "the first result column of `{}` is named twice, `{}` and `{}`; keep one name",
                aggregate.name, declared.name, given.name
            ),
        ));
    }
    if args.len() < aggregate.min_args || args.len() > aggregate.max_args {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            call.span.clone(),
            super::names::argument_count_message(
                aggregate.name,
                &argument_count_text(aggregate),
                args.len(),
            ),
        )
        .with_hint(format!("signature: {}", aggregate.signature)));
    }
    let star_allowed = matches!(aggregate.shape, Shape::ArgExtreme | Shape::AnyRow);
    let mut bound = Vec::new();
    // For each bound argument: the input column it names, when it is a bare column.
    let mut sources: Vec<Option<usize>> = Vec::new();
    let mut from_star: Vec<bool> = Vec::new();
    // For each bound argument: the name given to it with `Name = expr`.
    let mut given_names: Vec<Option<&Ident>> = Vec::new();
    for (position, arg) in args.iter().enumerate() {
        let given = argument_names.get(position).copied().flatten();
        if matches!(arg.kind, ExprKind::Star) {
            if !star_allowed || position == 0 && aggregate.shape == Shape::ArgExtreme {
                return Err(Error::syntax(
                    arg.span.clone(),
                    format!("`*` is not a valid argument of `{}` here", aggregate.name),
                ));
            }
            for (index, field) in schema.fields.iter().enumerate() {
                bound.push(BoundExpr {
                    kind: BoundKind::Column(index),
                    ty: field.ty,
                    span: arg.span.clone(),
                });
                sources.push(Some(index));
                from_star.push(true);
                given_names.push(None);
            }
            continue;
        }
        let value = binder.bind_scalar(arg, schema)?;
        sources.push(match value.kind {
            BoundKind::Column(index) => Some(index),
            _ => None,
        });
        from_star.push(false);
        given_names.push(given);
        bound.push(value);
    }
    check_constants(aggregate, &bound)?;
    let types: Vec<Type> = bound.iter().map(|arg| arg.ty).collect();
    let ty = (aggregate.result_type)(&types).map_err(|message| {
        Error::at(
            ErrorKind::TypeMismatch,
            call.span.clone(),
            format!("{}: {message}", aggregate.name),
        )
        .with_hint(format!("signature: {}", aggregate.signature))
    })?;
    let first_name = match argument_names.first() {
        Some(Some(given)) => Some(given.name.clone()),
        _ => args.first().and_then(|arg| result_name(arg, schema)),
    };

    let outputs_before = columns.fields.len();
    let mut kept_args = Vec::new();
    match aggregate.shape {
        Shape::Prefixed(prefix) => {
            match declared {
                Some(name) => columns.declare(name, ty)?,
                None => columns.add(&format!("{prefix}_{}", first_name.unwrap_or_default()), ty),
            }
            kept_args = bound;
        }
        Shape::FirstArgument => {
            match declared {
                Some(name) => columns.declare(name, ty)?,
                None => {
                    let derived = first_name.unwrap_or_else(|| generated_name(&columns.names()));
                    columns.add(&derived, ty);
                }
            }
            kept_args = bound;
        }
        Shape::Percentiles => {
            let base = first_name.unwrap_or_default();
            for (position, percent) in bound.iter().enumerate().skip(1) {
                let fragment = match &percent.kind {
                    BoundKind::Literal(value) => value.to_kusto_string().replace(['.', '-'], "_"),
                    _ => String::new(),
                };
                match declared {
                    Some(name) if position == 1 => columns.declare(name, ty)?,
                    _ => columns.add(&format!("percentile_{base}_{fragment}"), ty),
                }
            }
            kept_args = bound;
        }
        Shape::ArgExtreme | Shape::AnyRow => {
            let any_star = from_star.iter().any(|&star| star);
            let mut seen: Vec<usize> = if aggregate.shape == Shape::AnyRow {
                by_columns.to_vec()
            } else {
                Vec::new()
            };
            let prefix = if aggregate.name == "arg_min" {
                "min"
            } else {
                "max"
            };
            for (position, arg) in bound.into_iter().enumerate() {
                let source = sources[position];
                if any_star && (position > 0 || aggregate.shape == Shape::AnyRow) {
                    if let Some(index) = source {
                        let repeated = seen.contains(&index)
                            || aggregate.shape == Shape::ArgExtreme && by_columns.contains(&index);
                        if repeated {
                            continue;
                        }
                    }
                }
                if let Some(index) = source {
                    seen.push(index);
                }
                let given = given_names.get(position).copied().flatten();
                let column_name = match (position, declared.or(given)) {
                    (0, Some(name)) => {
                        columns.declare(name, arg.ty)?;
                        kept_args.push(arg);
                        continue;
                    }
                    (_, _) if given.is_some() => {
                        if let Some(name) = given {
                            columns.declare(name, arg.ty)?;
                        }
                        kept_args.push(arg);
                        continue;
                    }
                    _ => match source {
                        Some(index) => schema.fields[index].name.clone(),
                        None => {
                            let derived = args
                                .get(position)
                                .and_then(|expr| result_name(expr, schema));
                            match (derived, aggregate.shape) {
                                (Some(name), _) => name,
                                (None, Shape::ArgExtreme) if position == 0 => format!("{prefix}_"),
                                (None, Shape::ArgExtreme) => format!(
                                    "{prefix}_{}_arg{position}",
                                    first_name.clone().unwrap_or_default()
                                ),
                                (None, _) if aggregate.name == "take_any" => {
                                    format!("any_arg{position}")
                                }
                                (None, _) => format!("arg{position}"),
                            }
                        }
                    },
                };
                // The deprecated alias `any()` prefixes every column it returns with `any_`
                // (learn.microsoft.com/kusto/query/take-any-aggregation-function).
                let column_name = match aggregate.name {
                    "any" if args.len() == 1 && !any_star => {
                        format!("any_{}", first_name.clone().unwrap_or_default())
                    }
                    "any" => format!("any_{column_name}"),
                    _ => column_name,
                };
                match source.map(|index| &schema.fields[index]) {
                    Some(field) if field.is_undetermined() => {
                        columns.add_field(&field.renamed(column_name));
                    }
                    _ => columns.add(&column_name, arg.ty),
                }
                kept_args.push(arg);
            }
        }
    }
    let outputs = columns.fields.len() - outputs_before;
    Ok(AggregateCall {
        function: aggregate,
        args: kept_args,
        outputs,
        span: name.span.start..call.span.end,
    })
}

/// Separates `Name = expr` arguments into the plain arguments and the names given.
///
/// Aggregates are built-in functions, so Kusto takes their arguments by position. The
/// name only replaces the column name that the argument would give. `dcount(d = x)` is
/// named `dcount_d`, and `arg_max(Time, Last = x)` returns the x column as `Last`
/// (Kusto-Query-Language, `ParameterLayouts.cs`, `Binder_Projection.cs`
/// `GetExpressionResultName`, and `Aggregates.cs` `GetArgMinMaxResult`).
fn split_named_arguments<'e>(
    aggregate: &Aggregate,
    args: &'e [Expr],
) -> Result<(Vec<Expr>, Vec<Option<&'e Ident>>)> {
    let mut plain = Vec::with_capacity(args.len());
    let mut names = Vec::with_capacity(args.len());
    for (position, arg) in args.iter().enumerate() {
        match &arg.kind {
            ExprKind::NamedArgument { name, value } => {
                if aggregate.shape == Shape::Percentiles && position > 0 {
                    // NOTE: the language service names such a column as if the
                    // percentage were not a constant. The reference does not say what
                    // the engine names it, so this is rejected rather than guessed.
                    return Err(Error::unsupported(
                        arg.span.clone(),
                        format!(
                            "a named percentage, `{} = …`, in `{}` is not supported yet",
                            name.name, aggregate.name
                        ),
                    )
                    .with_hint("pass the percentage without a name"));
                }
                plain.push((**value).clone());
                names.push(Some(name));
            }
            _ => {
                plain.push(arg.clone());
                names.push(None);
            }
        }
    }
    let named = names.iter().any(Option::is_some);
    let star = plain.iter().any(|arg| matches!(arg.kind, ExprKind::Star));
    if named && star {
        // NOTE: whether `*` repeats a column that an earlier argument renamed is not
        // documented, so this combination is rejected rather than guessed.
        let at = args
            .iter()
            .find(|arg| matches!(arg.kind, ExprKind::Star))
            .map(|arg| arg.span.clone())
            .unwrap_or_default();
        return Err(Error::unsupported(
            at,
            format!(
                "`*` together with a named argument in `{}` is not supported yet",
                aggregate.name
            ),
        ));
    }
    Ok((plain, names))
}

fn argument_count_text(aggregate: &Aggregate) -> String {
    if aggregate.min_args == aggregate.max_args {
        format!("{}", aggregate.min_args)
    } else if aggregate.max_args == usize::MAX {
        format!("at least {}", aggregate.min_args)
    } else {
        format!("{} to {}", aggregate.min_args, aggregate.max_args)
    }
}

/// Checks that the arguments the aggregate reads as constants are literals: the
/// percentages of `percentile(s)` and the `maxSize` of the collecting aggregates.
fn check_constants(aggregate: &Aggregate, args: &[BoundExpr]) -> Result<()> {
    let constant_from = match aggregate.name {
        "percentile" | "percentiles" => Some(1),
        "make_set" | "makeset" | "make_list" | "makelist" | "make_bag" => Some(1),
        "make_set_if" | "make_list_if" => Some(2),
        _ => None,
    };
    let Some(start) = constant_from else {
        return Ok(());
    };
    for arg in args.iter().skip(start) {
        if !matches!(arg.kind, BoundKind::Literal(_)) {
            return Err(Error::unsupported(
                arg.span.clone(),
                format!(
                    "`{}` needs a constant here; an expression is not supported yet",
                    aggregate.name
                ),
            ));
        }
    }
    Ok(())
}

/// Binds a `by` key.
fn bind_key(binder: &mut Binder<'_>, expr: &Expr, schema: &Schema) -> Result<BoundExpr> {
    binder.bind_scalar(expr, schema)
}

#[cfg(test)]
mod tests {
    use crate::binder::test_support::{column, error_kind, names, run};
    use crate::error::ErrorKind;
    use crate::value::Type;

    const DEVICES: &str = "datatable(DeviceId:string, Result:string, Config:string)[\
        'd1', 'GOOD', 'c1', 'd2', 'BAD', 'c1', 'd2', 'GOOD', 'c1', 'd3', 'GOOD', 'c2']";

    // Kusto-Query-Language, `Binder_Projection.cs` `GetFunctionResultName`: `toint` is
    // named after its first argument, and a named argument gives its declared name.
    #[test]
    fn aggregate_inside_named_argument() {
        let table = run(&format!(
            "{DEVICES} | summarize toint(Compliant = dcountif(DeviceId, Result == 'GOOD')), \
             toint(NonCompliant = dcountif(DeviceId, Result == 'BAD')) by Config \
             | sort by Config asc"
        ));
        assert_eq!(names(&table), ["Config", "Compliant", "NonCompliant"]);
        assert_eq!(table.schema.fields[1].ty, Type::Int);
        assert_eq!(column(&table, "Compliant"), ["2", "1"]);
        assert_eq!(column(&table, "NonCompliant"), ["1", "0"]);
    }

    #[test]
    fn named_argument_without_aggregate_rejected() {
        let query = format!("{DEVICES} | summarize toint(n = strlen(DeviceId))");
        assert_eq!(error_kind(&query), ErrorKind::TypeMismatch);
    }

    // Aggregates are built-in functions, so the name only replaces the argument's name in
    // the `prefix_X` column name (Kusto-Query-Language, `Signature.AllowsNamedArguments`).
    #[test]
    fn named_first_argument_of_aggregate() {
        let table = run(&format!(
            "{DEVICES} | summarize dcount(d = DeviceId), make_set(r = tolower(Result)), \
             Declared = sum(n = strlen(DeviceId))"
        ));
        assert_eq!(names(&table), ["dcount_d", "set_r", "Declared"]);
        assert_eq!(column(&table, "dcount_d"), ["3"]);
        assert_eq!(column(&table, "set_r"), [r#"["good","bad"]"#]);
        assert_eq!(column(&table, "Declared"), ["8"]);
    }

    // Kusto-Query-Language, `Aggregates.cs` `GetArgMinMaxResult`: an unnamed expression
    // after the first argument is named `max_<first>_argN`, where <first> is the name the
    // first argument gives, its declared name included.
    #[test]
    fn arg_max_named_first_argument() {
        let table = run(
            "datatable(x:long)[1, 5, 3] | summarize arg_max(Top = x + 1, x * 2), \
             arg_min(x, Low = x)",
        );
        assert_eq!(names(&table), ["Top", "max_Top_arg1", "x", "Low"]);
        assert_eq!(column(&table, "Top"), ["6"]);
        assert_eq!(column(&table, "max_Top_arg1"), ["10"]);
        assert_eq!(column(&table, "Low"), ["1"]);
    }

    #[test]
    fn named_key_names_its_column() {
        let table = run(&format!(
            "{DEVICES} | summarize count() by Length = strlen(DeviceId), \
             tostring(Upper = toupper(Config)) | sort by Upper asc"
        ));
        assert_eq!(names(&table), ["Length", "Upper", "count_"]);
        assert_eq!(column(&table, "Upper"), ["C1", "C2"]);
        assert_eq!(column(&table, "count_"), ["3", "1"]);
    }

    #[test]
    fn named_percentage_rejected() {
        let query = "datatable(x:long)[1, 2] | summarize percentiles(x, p = 50)";
        assert_eq!(error_kind(query), ErrorKind::Unsupported);
    }
}
