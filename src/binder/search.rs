//! Binding of `search` (learn.microsoft.com/kusto/query/search-operator).
//!
//! The output has a `$table` column first, naming each row's table, then the searched
//! columns: those of the piped table, or the union of the `in (…)` tables. Kusto's
//! `$table` value for rows that are not read straight from a table is "some
//! system-generated name", so such inputs are rejected.
//!
//! A bare string term matches when any column matches it: `"x"` with `has`, `"x*"` with
//! `hasprefix`, `"*x"` with `hassuffix` and `"*x*"` with `contains`. Each column is
//! rendered as `tostring()` renders it, as every string predicate of this engine does.

use super::plan::{BoundExpr, BoundKind, Plan, PlanKind, SearchPlan};
use super::Binder;
use crate::ast::{
    BinaryOp, Expr, ExprKind, Ident, Search, SearchPredicate, Span, StringOp, StringTest, Union,
    UnionTable,
};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::text::Needle;
use crate::table::{Field, Schema};
use crate::value::{Type, Value};

/// The name of the column that `search` adds.
const TABLE_COLUMN: &str = "$table";

/// `[T |] search [kind=…] [in (…)] predicate`; `input` is `None` when the search starts
/// the pipeline.
pub fn bind_search(
    binder: &mut Binder<'_>,
    input: Option<Plan>,
    search: &Search,
    span: Span,
) -> Result<Plan> {
    match input {
        Some(input) => bind_piped(binder, input, search, span),
        None => bind_tables(binder, search, span),
    }
}

/// `T | search …`: only a table read by name has a known `$table` value.
fn bind_piped(binder: &mut Binder<'_>, input: Plan, search: &Search, span: Span) -> Result<Plan> {
    let PlanKind::Scan { table } = &input.kind else {
        return Err(Error::unsupported(
            span,
            "`search` after operators or over a `let` table is not supported yet, because Kusto does not document the `$table` value of such rows",
        )
        .with_hint("search the table by name, as in `search in (DeviceEvents) \"x\"`, or filter with `where` and `has`"));
    };
    let table = table.clone();
    let predicate = bind_predicate(binder, &search.predicate, &input.schema, None, search)?;
    let mut fields = vec![Field::new(TABLE_COLUMN, Type::String)];
    fields.extend(input.schema.fields.iter().cloned());
    Ok(Plan {
        kind: PlanKind::Search(Box::new(SearchPlan {
            input,
            predicate,
            table: Some(table),
        })),
        schema: Schema::new(fields),
        span,
    })
}

/// `search [in (T, U*, …)] …`: the union of the tables with `withsource=$table`, then the
/// predicate over every column but `$table`.
fn bind_tables(binder: &mut Binder<'_>, search: &Search, span: Span) -> Result<Plan> {
    let tables = match &search.tables {
        Some(tables) => {
            for table in tables {
                check_table_name(binder, table)?;
            }
            tables.clone()
        }
        None => every_table(binder, &span)?,
    };
    let union = Union {
        inner: false,
        with_source: Some(Ident {
            name: TABLE_COLUMN.to_string(),
            span: span.clone(),
        }),
        fuzzy: false,
        tables,
        leading: true,
    };
    let input = super::combine::bind_union(binder, None, &union, span.clone())?;
    let predicate = bind_predicate(binder, &search.predicate, &input.schema, Some(0), search)?;
    let schema = input.schema.clone();
    Ok(Plan {
        kind: PlanKind::Search(Box::new(SearchPlan {
            input,
            predicate,
            table: None,
        })),
        schema,
        span,
    })
}

/// Rejects an `in (…)` entry that is not a table read by name, whose `$table` value
/// Kusto does not document.
fn check_table_name(binder: &mut Binder<'_>, table: &UnionTable) -> Result<()> {
    let UnionTable::Expr(expr) = table else {
        return Ok(());
    };
    let is_table = matches!(expr.kind, ExprKind::Name(_))
        && matches!(binder.bind_tabular(expr)?.kind, PlanKind::Scan { .. });
    if is_table {
        return Ok(());
    }
    Err(Error::unsupported(
        expr.span.clone(),
        "`search in (…)` over a subquery, a function call or a `let` table is not supported yet, because Kusto does not document the `$table` value of its rows",
    ))
}

/// Lists the tables that `search` without `in (…)` reads: every table of the database.
/// For `kql run`, `kql test` and the REPL that is every loaded table; `kql check` takes
/// its catalog as the database, as it does for `union *`.
fn every_table(binder: &Binder<'_>, span: &Span) -> Result<Vec<UnionTable>> {
    let names = super::combine::database_tables(binder);
    if names.is_empty() {
        return Err(Error::at(
            ErrorKind::UnknownName,
            span.clone(),
            "`search` without `in (…)` reads every loaded table, and no table is loaded",
        ));
    }
    Ok(names
        .into_iter()
        .map(|name| {
            UnionTable::Expr(Expr {
                kind: ExprKind::Name(name),
                span: span.clone(),
            })
        })
        .collect())
}

/// Binds a search predicate over `schema`. A term searches every column but `skip`.
fn bind_predicate(
    binder: &mut Binder<'_>,
    predicate: &SearchPredicate,
    schema: &Schema,
    skip: Option<usize>,
    search: &Search,
) -> Result<BoundExpr> {
    match predicate {
        SearchPredicate::And(left, right) | SearchPredicate::Or(left, right) => {
            let left = bind_predicate(binder, left, schema, skip, search)?;
            let right = bind_predicate(binder, right, schema, skip, search)?;
            let span = left.span.start..right.span.end;
            let kind = match predicate {
                SearchPredicate::And(..) => BoundKind::And(Box::new(left), Box::new(right)),
                _ => BoundKind::Or(Box::new(left), Box::new(right)),
            };
            Ok(BoundExpr {
                kind,
                ty: Type::Bool,
                span,
            })
        }
        SearchPredicate::ColumnTerm { column, term } => {
            let position = column_position(schema, column)?;
            let text = constant_term(binder, term)?;
            if text.contains('*') {
                return Err(Error::unsupported(
                    term.span.clone(),
                    "a `*` wildcard in a `Column:\"term\"` search is not supported yet",
                ));
            }
            let span = column.span.start..term.span.end;
            Ok(string_test(
                StringTest::Has,
                &text,
                search.case_sensitive,
                vec![position],
                span,
            ))
        }
        SearchPredicate::Expr(expr) => bind_expression(binder, expr, schema, skip, search),
    }
}

/// Binds an operand that is not `Column:term`: `*`, `* has "x"`, a string term, or a
/// bool expression.
fn bind_expression(
    binder: &mut Binder<'_>,
    expr: &Expr,
    schema: &Schema,
    skip: Option<usize>,
    search: &Search,
) -> Result<BoundExpr> {
    let every_column: Vec<usize> = (0..schema.len())
        .filter(|&position| Some(position) != skip)
        .collect();
    match &expr.kind {
        ExprKind::Star => {
            return Ok(BoundExpr {
                kind: BoundKind::Literal(Value::Bool(true)),
                ty: Type::Bool,
                span: expr.span.clone(),
            })
        }
        ExprKind::Binary { op, left, right } if matches!(left.kind, ExprKind::Star) => {
            let BinaryOp::Str(op) = op else {
                return Err(Error::unsupported(
                    expr.span.clone(),
                    format!("`* {op}` in a search predicate is not supported yet"),
                ));
            };
            if op.negated {
                return Err(Error::unsupported(
                    expr.span.clone(),
                    format!(
                        "`* {}` in a search predicate is not supported yet",
                        op.spelling()
                    ),
                ));
            }
            let text = constant_term(binder, right)?;
            reject_undetermined_columns(schema, &expr.span)?;
            let case_sensitive = op.case_sensitive || search.case_sensitive;
            return Ok(string_test(
                op.test,
                &text,
                case_sensitive,
                every_column,
                expr.span.clone(),
            ));
        }
        _ => {}
    }

    if search.case_sensitive {
        if let Some(at) = case_insensitive_operator(expr) {
            return Err(Error::unsupported(
                at,
                "a case-insensitive operator inside `search kind=case_sensitive` is not supported yet",
            )
            .with_hint("use the `_cs` form of the operator, such as `has_cs`, or `==`"));
        }
    }
    let bound = binder.bind_scalar(expr, schema)?;
    if let BoundKind::Literal(Value::String(text)) = &bound.kind {
        let (test, needle) = wildcard_term(text, &expr.span)?;
        reject_undetermined_columns(schema, &expr.span)?;
        return Ok(string_test(
            test,
            needle,
            search.case_sensitive,
            every_column,
            expr.span.clone(),
        ));
    }
    if !matches!(bound.ty, Type::Bool | Type::Dynamic) {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            format!(
                "a search predicate must be a string term or a bool expression, not {}",
                bound.ty
            ),
        ));
    }
    Ok(bound)
}

/// Maps a term's `*` wildcards to a string test, as the search operator page's table
/// gives them: `x` is `has`, `x*` `hasprefix`, `*x` `hassuffix` and `*x*` `contains`.
fn wildcard_term<'t>(text: &'t str, span: &Span) -> Result<(StringTest, &'t str)> {
    let (test, core) = match (text.strip_prefix('*'), text.strip_suffix('*')) {
        (Some(after), Some(_)) if text.len() >= 2 => {
            (StringTest::Contains, &after[..after.len() - 1])
        }
        (Some(after), _) => (StringTest::HasSuffix, after),
        (None, Some(before)) => (StringTest::HasPrefix, before),
        (None, None) => (StringTest::Has, text),
    };
    if core.contains('*') {
        // NOTE: the page maps `bi*lg` to `matches regex @"\bbi.*lg\b"` but does not say
        // whether the default case-insensitive kind applies to the regex.
        return Err(Error::unsupported(
            span.clone(),
            "a search term with `*` inside it is not supported yet",
        ));
    }
    if text.is_empty() {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            span.clone(),
            "the search term is empty; give a word to look for, or `*` for every row",
        ));
    }
    if core.is_empty() {
        return Err(Error::unsupported(
            span.clone(),
            "a search term made only of `*` is not supported yet; write `search *` for every row",
        ));
    }
    Ok((test, core))
}

/// Reads a term that must be a constant string, such as a literal or a `let` constant.
fn constant_term(binder: &mut Binder<'_>, term: &Expr) -> Result<String> {
    let bound = binder.bind_scalar(term, &Schema::default())?;
    match bound.kind {
        BoundKind::Literal(Value::String(text)) => Ok(text.to_string()),
        _ => Err(Error::at(
            ErrorKind::TypeMismatch,
            term.span.clone(),
            "a search term must be a constant string",
        )),
    }
}

/// Rejects a term that searches every column when one of them is undetermined, because
/// its values decide which rows match.
fn reject_undetermined_columns(schema: &Schema, span: &Span) -> Result<()> {
    super::names::reject_undetermined(schema, span.clone(), |column| {
        format!("searching every column of a table with the column `{column}`")
    })
}

fn column_position(schema: &Schema, column: &Ident) -> Result<usize> {
    schema.index_of(&column.name).ok_or_else(|| {
        if let Some(error) =
            super::names::undetermined_reference(&column.name, column.span.clone(), schema)
        {
            return error;
        }
        let mut error = Error::at(
            ErrorKind::UnknownName,
            column.span.clone(),
            format!("column `{}` is not in the searched tables", column.name),
        );
        if let Some(suggestion) = crate::error::closest(&column.name, schema.determined_names()) {
            error = error.with_hint(format!("did you mean `{suggestion}`?"));
        }
        error
    })
}

/// Builds `c1 <test> needle or c2 <test> needle or …` over `columns`, as a balanced tree
/// so that a table of hundreds of columns does not nest hundreds deep. No column gives
/// false.
fn string_test(
    test: StringTest,
    needle: &str,
    case_sensitive: bool,
    columns: Vec<usize>,
    span: Span,
) -> BoundExpr {
    let op = StringOp {
        test,
        case_sensitive,
        negated: false,
    };
    let tests: Vec<BoundExpr> = columns
        .into_iter()
        .map(|position| BoundExpr {
            kind: BoundKind::StringTest {
                op,
                text: Box::new(BoundExpr {
                    kind: BoundKind::Column(position),
                    ty: Type::String,
                    span: span.clone(),
                }),
                needle: Box::new(BoundExpr {
                    kind: BoundKind::Literal(Value::from(needle)),
                    ty: Type::String,
                    span: span.clone(),
                }),
                prepared: Some(Needle::new(needle, case_sensitive)),
            },
            ty: Type::Bool,
            span: span.clone(),
        })
        .collect();
    balanced_or(tests, &span)
}

fn balanced_or(mut tests: Vec<BoundExpr>, span: &Span) -> BoundExpr {
    if tests.len() <= 1 {
        return tests.pop().unwrap_or_else(|| BoundExpr {
            kind: BoundKind::Literal(Value::Bool(false)),
            ty: Type::Bool,
            span: span.clone(),
        });
    }
    let right = tests.split_off(tests.len() / 2);
    BoundExpr {
        kind: BoundKind::Or(
            Box::new(balanced_or(tests, span)),
            Box::new(balanced_or(right, span)),
        ),
        ty: Type::Bool,
        span: span.clone(),
    }
}

/// Returns the span of the first case-insensitive string operator in `expr`, which
/// `kind=case_sensitive` would turn case-sensitive.
fn case_insensitive_operator(expr: &Expr) -> Option<Span> {
    match &expr.kind {
        ExprKind::Binary { op, left, right } => {
            let insensitive = match op {
                BinaryOp::Str(op) => !op.case_sensitive,
                BinaryOp::EqualIgnoreCase | BinaryOp::NotEqualIgnoreCase => true,
                _ => false,
            };
            if insensitive {
                return Some(expr.span.clone());
            }
            case_insensitive_operator(left).or_else(|| case_insensitive_operator(right))
        }
        ExprKind::In {
            case_insensitive: true,
            ..
        }
        | ExprKind::HasAny { .. } => Some(expr.span.clone()),
        ExprKind::In { expr: value, .. } => case_insensitive_operator(value),
        ExprKind::Negate(operand) => case_insensitive_operator(operand),
        ExprKind::Between {
            expr: value,
            low,
            high,
            ..
        } => [value, low, high]
            .into_iter()
            .find_map(|part| case_insensitive_operator(part)),
        ExprKind::Call { args, .. } => args.iter().find_map(case_insensitive_operator),
        ExprKind::NamedArgument { value, .. } => case_insensitive_operator(value),
        ExprKind::Member { expr: inner, .. } => case_insensitive_operator(inner),
        ExprKind::Index { expr: inner, index } => {
            case_insensitive_operator(inner).or_else(|| case_insensitive_operator(index))
        }
        _ => None,
    }
}
