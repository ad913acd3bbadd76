//! Binding of scalar expressions: resolves columns, `let` values and functions, checks
//! operand types, and prepares constants (needle lists, regular expressions) once.

use std::borrow::Cow;
use std::sync::Arc;

use super::names::unknown_column;
use super::plan::{Arithmetic, BoundExpr, BoundKind, Comparison, Needles, RegexPattern};
use super::{Binder, Binding};
use crate::ast::{BinaryOp, Expr, ExprKind, Ident};
use crate::error::{closest, Error, ErrorKind, Result};
use crate::eval::expr::arithmetic_type;
use crate::eval::functions::{self, pattern, KNOWN_UNSUPPORTED};
use crate::eval::text::Needle;
use crate::schema::Product;
use crate::table::Schema;
use crate::value::{Type, Value};

pub fn bind(binder: &mut Binder<'_>, expr: &Expr, schema: &Schema) -> Result<BoundExpr> {
    let bound = bind_any_type(binder, expr, schema)?;
    // Every expression passes here, so no `decimal` value is computed, whether it comes
    // from a literal, a column, a parameter or a conversion.
    if bound.ty == Type::Decimal {
        return Err(decimal_unsupported(&bound.span));
    }
    Ok(bound)
}

fn bind_any_type(binder: &mut Binder<'_>, expr: &Expr, schema: &Schema) -> Result<BoundExpr> {
    let span = expr.span.clone();
    let make = |kind: BoundKind, ty: Type| BoundExpr {
        kind,
        ty,
        span: span.clone(),
    };
    match &expr.kind {
        ExprKind::Literal(_, Type::Decimal) => Err(decimal_unsupported(&span)),
        ExprKind::Literal(value, ty) => Ok(make(BoundKind::Literal(value.clone()), *ty)),
        ExprKind::Dynamic(json) => Ok(make(
            BoundKind::Literal(Value::dynamic(json.clone())),
            Type::Dynamic,
        )),
        ExprKind::Name(name) => bind_name(binder, name, expr, schema),
        ExprKind::Negate(operand) => {
            let bound = bind(binder, operand, schema)?;
            if !(bound.ty.is_numeric() || bound.ty == Type::Timespan) {
                return Err(type_error(
                    &span,
                    format!("cannot negate a {} value", bound.ty),
                ));
            }
            let ty = bound.ty;
            Ok(make(BoundKind::Negate(Box::new(bound)), ty))
        }
        ExprKind::Binary { op, left, right } => bind_binary(binder, *op, left, right, expr, schema),
        ExprKind::In {
            expr: value,
            list,
            negated,
            case_insensitive,
        } => {
            let value = bind(binder, value, schema)?;
            let list = bind_list(binder, list, schema, if *negated { "!in" } else { "in" })?;
            check_in_list(&value, &list)?;
            Ok(make(
                BoundKind::In {
                    value: Box::new(value),
                    list,
                    negated: *negated,
                    case_insensitive: *case_insensitive,
                },
                Type::Bool,
            ))
        }
        ExprKind::HasAny {
            expr: text,
            list,
            all,
        } => {
            let operator = if *all { "has_all" } else { "has_any" };
            let text = bind_text_operand(binder, text, schema, operator)?;
            let list = bind_list(binder, list, schema, operator)?;
            let needles = prepare_needles(list);
            Ok(make(
                BoundKind::HasAny {
                    text: Box::new(text),
                    needles,
                    all: *all,
                },
                Type::Bool,
            ))
        }
        ExprKind::Between {
            expr: value,
            low,
            high,
            negated,
        } => {
            let value = bind(binder, value, schema)?;
            let low = bind(binder, low, schema)?;
            let mut high = bind(binder, high, schema)?;
            // `between` operates on numeric, datetime and timespan values only
            // (learn.microsoft.com/kusto/query/between-operator), so a string range is an
            // error instead of an ordinal string comparison.
            for bound in [&value, &low, &high] {
                let ranged = bound.ty.is_numeric()
                    || matches!(bound.ty, Type::DateTime | Type::Timespan | Type::Dynamic);
                if !ranged {
                    return Err(type_error(
                        &bound.span,
                        format!(
                            "`between` needs a numeric, datetime or timespan value, not {}",
                            bound.ty
                        ),
                    ));
                }
            }
            // `datetime between (start .. 3d)` means up to start + 3d: the right end may
            // be a timespan when the value and the left end are datetimes
            // (learn.microsoft.com/kusto/query/between-operator).
            let offset_end =
                value.ty == Type::DateTime && low.ty == Type::DateTime && high.ty == Type::Timespan;
            if offset_end {
                let span = high.span.clone();
                high = BoundExpr {
                    kind: BoundKind::Arithmetic {
                        op: Arithmetic::Add,
                        left: Box::new(low.clone()),
                        right: Box::new(high),
                    },
                    ty: Type::DateTime,
                    span,
                };
            }
            for bound in [&low, &high] {
                if !comparable(value.ty, bound.ty) {
                    return Err(type_error(
                        &bound.span,
                        format!("cannot compare {} with {}", value.ty, bound.ty),
                    ));
                }
            }
            Ok(make(
                BoundKind::Between {
                    value: Box::new(value),
                    low: Box::new(low),
                    high: Box::new(high),
                    negated: *negated,
                },
                Type::Bool,
            ))
        }
        ExprKind::Call { name, args } => bind_call(binder, name, args, expr, schema),
        ExprKind::Member { expr: base, name } => {
            let base = bind_dynamic_base(binder, base, schema, &name.name)?;
            let key = make(
                BoundKind::Literal(Value::from(name.name.as_str())),
                Type::String,
            );
            Ok(make(
                BoundKind::Element {
                    value: Box::new(base),
                    key: Box::new(key),
                },
                Type::Dynamic,
            ))
        }
        ExprKind::Index { expr: base, index } => {
            let base = bind_dynamic_base(binder, base, schema, "[…]")?;
            let key = bind(binder, index, schema)?;
            if !matches!(
                key.ty,
                Type::String | Type::Int | Type::Long | Type::Dynamic
            ) {
                return Err(type_error(
                    &key.span,
                    format!("an index must be a string or an integer, not {}", key.ty),
                ));
            }
            Ok(make(
                BoundKind::Element {
                    value: Box::new(base),
                    key: Box::new(key),
                },
                Type::Dynamic,
            ))
        }
        ExprKind::Star => Err(Error::unsupported(
            span,
            "`*` for every column, as in `where * has \"x\"`, is supported only in `search` \
             and in the arguments of take_any(*), arg_max(…, *) and arg_min(…, *)",
        )
        .with_hint("to find a term in any column of a table, use `search`, as in `search in (DeviceEvents) \"x\"`")),
        // Calls of built-in functions and aggregates take the value of a named argument
        // before binding it, so a name that reaches here is in a call that takes none.
        ExprKind::NamedArgument { name, .. } => Err(Error::unsupported(
            span,
            format!(
                "a named argument `{} = …` is not supported in this call yet",
                name.name
            ),
        )
        .with_hint("pass the value by position, without `Name =`")),
        ExprKind::Pipe { .. }
        | ExprKind::DataTable { .. }
        | ExprKind::Print(_)
        | ExprKind::Invoke { .. }
        | ExprKind::ExternalData { .. }
        | ExprKind::Range { .. } => Err(type_error(
            &span,
            "a tabular expression cannot be used as a scalar here".to_string(),
        )
        .with_hint("wrap it in toscalar() to use the first column of its first row")),
    }
}

/// Returns the error for a `decimal` value. Kusto's `decimal` is an exact 128-bit decimal number
/// (learn.microsoft.com/kusto/query/scalar-data-types/decimal); kql has no such type and
/// would compute with `real`, so that `decimal(0.1) + decimal(0.2) == decimal(0.3)` would
/// be false.
pub(crate) fn decimal_unsupported(span: &std::ops::Range<usize>) -> Error {
    Error::unsupported(
        span.clone(),
        "the `decimal` type is not supported yet: kql would compute decimal values as `real`, \
         without the exactness of Kusto's 128-bit decimal",
    )
    .with_hint("use `real` (toreal(), `real(1.5)`) where binary floating point is good enough")
}

fn type_error(span: &std::ops::Range<usize>, message: String) -> Error {
    Error::at(ErrorKind::TypeMismatch, span.clone(), message)
}

fn bind_name(
    binder: &mut Binder<'_>,
    name: &str,
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    if let Some(index) = schema.index_of(name) {
        if let Some(state) = binder.data_dependent.as_mut() {
            state.note_reference(name, &expr.span);
        }
        if schema.fields[index].ty == Type::Decimal {
            return Err(decimal_unsupported(&expr.span));
        }
        return Ok(BoundExpr {
            kind: BoundKind::Column(index),
            ty: schema.fields[index].ty,
            span: expr.span.clone(),
        });
    }
    match binder.lookup_scoped(name) {
        Some((Binding::Scalar(bound), row_context)) => {
            if row_context != binder.row_context && references_columns(bound) {
                return Err(Error::unsupported(
                    expr.span.clone(),
                    format!("can't use `{name}` here, as it is defined outside its row-context scope"),
                )
                .with_hint("a subquery such as toscalar() runs once per query, so it cannot read a function argument that comes from a column"));
            }
            let mut bound = bound.clone();
            bound.span = expr.span.clone();
            return Ok(bound);
        }
        Some((Binding::Tabular(_), _)) => {
            return Err(type_error(
                &expr.span,
                format!("`{name}` is a table; a scalar is expected here"),
            ))
        }
        Some((Binding::Function(function), _)) => {
            // A function that needs no arguments can be named without `()`.
            if !function.callable_without_arguments() {
                return Err(function.needs_arguments_error(&expr.span));
            }
            let ident = Ident {
                name: name.to_string(),
                span: expr.span.clone(),
            };
            return bind_call(binder, &ident, &[], expr, schema);
        }
        None => {}
    }
    if binder.tables.schema(name).is_some() {
        // A column takes precedence over a table of the same name, so when binding without
        // rows, a column that a plugin or an open schema could create may be meant here.
        let error = type_error(
            &expr.span,
            format!("`{name}` is a table; a scalar is expected here"),
        );
        return Err(match binder.data_dependent {
            Some(_) => error.with_unknown_column(name),
            None => error,
        });
    }
    let error = unknown_column(name, expr.span.clone(), schema, &binder.binding_names());
    Err(match (binder.tables.product(), name) {
        // Defender XDR's tables carry the event time in `Timestamp`, and their copies in
        // Log Analytics in `TimeGenerated`
        // (learn.microsoft.com/defender-xdr/advanced-hunting-microsoft-defender).
        (Some(Product::Sentinel), "Timestamp") => error.with_hint(
            "`Timestamp` is the time column of Defender XDR's tables; their Microsoft \
             Sentinel copies have TimeGenerated",
        ),
        (Some(Product::Xdr), "TimeGenerated") => error.with_hint(
            "`TimeGenerated` is the time column of the Microsoft Sentinel copies of Defender \
             XDR's tables; advanced hunting has Timestamp",
        ),
        _ => error,
    })
}

/// Binds the text side of `has_any` or `has_all`, a string or dynamic value.
fn bind_text_operand(
    binder: &mut Binder<'_>,
    expr: &Expr,
    schema: &Schema,
    operator: &str,
) -> Result<BoundExpr> {
    let bound = bind(binder, expr, schema)?;
    check_text_operand(&bound, operator)?;
    Ok(bound)
}

/// Rejects a left side of a string operator (`has`, `contains`, `startswith`, `has_any`,
/// `matches regex`, …) that is neither a string nor dynamic, as Kusto does. Its language
/// service declares these operators on string or dynamic operands only
/// (Kusto-Query-Language, src/Kusto.Language/Operators.cs, `StringBinary`), so
/// `EventID has "4625"` on an `int` column fails there.
fn check_text_operand(bound: &BoundExpr, operator: &str) -> Result<()> {
    if matches!(bound.ty, Type::String | Type::Dynamic) {
        return Ok(());
    }
    Err(type_error(
        &bound.span,
        format!(
            "`{operator}` needs a string or dynamic value on its left, not {}",
            bound.ty
        ),
    )
    .with_hint("convert it with tostring() first, as in `tostring(EventID) has \"4625\"`"))
}

fn bind_dynamic_base(
    binder: &mut Binder<'_>,
    base: &Expr,
    schema: &Schema,
    accessor: &str,
) -> Result<BoundExpr> {
    let bound = bind(binder, base, schema)?;
    if bound.ty != Type::Dynamic {
        let hint = match &base.kind {
            ExprKind::Name(name) => format!("convert it first: parse_json({name})"),
            _ => "convert it first with parse_json()".to_string(),
        };
        return Err(type_error(
            &base.span,
            format!(
                "element access `{accessor}` needs a dynamic value, but this is {}",
                bound.ty
            ),
        )
        .with_hint(hint));
    }
    Ok(bound)
}

/// Binds the right side of `in` or `has_any`: scalars, or one tabular expression whose
/// first column is the list (a subquery, run once per query).
fn bind_list(
    binder: &mut Binder<'_>,
    list: &[Expr],
    schema: &Schema,
    operator: &str,
) -> Result<Vec<BoundExpr>> {
    let mut bound = Vec::with_capacity(list.len());
    for item in list {
        let is_column =
            matches!(&item.kind, ExprKind::Name(name) if schema.index_of(name).is_some());
        if binder.is_tabular(item) && !is_column {
            if list.len() > 1 {
                return Err(Error::unsupported(
                    item.span.clone(),
                    format!("`{operator}` with a table among other values is not supported yet; use the table alone"),
                ));
            }
            let subquery = super::functions::bind_subquery(binder, item)?;
            let ty = super::functions::first_column_type(&subquery.plan, operator)?;
            bound.push(BoundExpr {
                kind: BoundKind::SubqueryColumn(subquery),
                ty,
                span: item.span.clone(),
            });
            continue;
        }
        bound.push(bind(binder, item, schema)?);
    }
    Ok(bound)
}

/// Checks the types of an `in` list against its value, as `==` does for each item, so
/// that an item that cannot equal the value is a type error instead of a silent `false`.
fn check_in_list(value: &BoundExpr, list: &[BoundExpr]) -> Result<()> {
    for item in list {
        if !equality_comparable(value.ty, item.ty) {
            return Err(type_error(
                &item.span,
                format!("`in` cannot compare {} with {}", value.ty, item.ty),
            ));
        }
    }
    Ok(())
}

/// True when `==` and `!=` accept the two types: those that [`comparable`] accepts, and a
/// string with an `int` or `long`, which the evaluator compares as text (see
/// `eval::expr::compare`).
fn equality_comparable(left: Type, right: Type) -> bool {
    let text_and_integer =
        |text: Type, number: Type| text == Type::String && matches!(number, Type::Int | Type::Long);
    comparable(left, right) || text_and_integer(left, right) || text_and_integer(right, left)
}

/// Suggests a conversion for a comparison of a string with a number or bool, such as
/// `ResultType > 0` on a string column.
// NOTE: the Kusto engine rejects `>` between string and long with the error "Cannot
// compare values of types string and long".
fn comparison_hint(left: Type, right: Type) -> Option<&'static str> {
    let mixed = |text: Type, other: Type| {
        text == Type::String && (other.is_numeric() || other == Type::Bool)
    };
    if mixed(left, right) || mixed(right, left) {
        Some("only `==` and `!=` compare a string with a whole number, as text; quote the number (`ResultType == \"0\"`) or convert the column with tolong(), toreal() or tobool()")
    } else {
        None
    }
}

/// True when the expression reads a column of the current row. Kinds this function does
/// not know count as reading one, which only makes the row-context check stricter.
fn references_columns(expr: &BoundExpr) -> bool {
    match &expr.kind {
        BoundKind::Literal(_) | BoundKind::ToScalar(_) | BoundKind::SubqueryColumn(_) => false,
        BoundKind::Column(_) => true,
        BoundKind::Negate(operand) => references_columns(operand),
        BoundKind::Arithmetic { left, right, .. } | BoundKind::Compare { left, right, .. } => {
            references_columns(left) || references_columns(right)
        }
        BoundKind::And(left, right) | BoundKind::Or(left, right) => {
            references_columns(left) || references_columns(right)
        }
        BoundKind::StringTest { text, needle, .. } => {
            references_columns(text) || references_columns(needle)
        }
        BoundKind::Call { args, .. } => args.iter().any(references_columns),
        BoundKind::Element { value, key } => references_columns(value) || references_columns(key),
        _ => true,
    }
}

/// Prepares `has_any` needles once when they are all constants, flattening arrays.
fn prepare_needles(mut list: Vec<BoundExpr>) -> Needles {
    if let [BoundExpr {
        kind: BoundKind::SubqueryColumn(_),
        ..
    }] = list.as_slice()
    {
        if let Some(BoundExpr {
            kind: BoundKind::SubqueryColumn(subquery),
            ..
        }) = list.pop()
        {
            return Needles::Subquery(subquery);
        }
    }
    let all_constant = list
        .iter()
        .all(|item| matches!(item.kind, BoundKind::Literal(_)));
    if !all_constant {
        return Needles::PerRow(list);
    }
    let mut needles = Vec::new();
    for item in &list {
        let BoundKind::Literal(value) = &item.kind else {
            continue;
        };
        match value {
            Value::Dynamic(json) if json.is_array() => {
                for element in json.as_array().into_iter().flatten() {
                    let text = crate::value::json_to_kusto_string(element);
                    needles.push(Needle::new(&text, false));
                }
            }
            other => needles.push(Needle::new(&other.to_kusto_string(), false)),
        }
    }
    Needles::Constant(needles)
}

/// True when values of the two types can be ordered or tested for equality.
///
/// A bool compares with a number as 0 or 1: Microsoft's sample query for the
/// DeviceTvmSecureConfigurationAssessment table filters `IsApplicable == 1 and
/// IsCompliant == 0` on bool columns
/// (learn.microsoft.com/azure/azure-monitor/reference/queries/devicetvmsecureconfigurationassessment).
fn comparable(left: Type, right: Type) -> bool {
    let number_or_bool = |ty: Type| ty.is_numeric() || ty == Type::Bool;
    left == right
        || (number_or_bool(left) && number_or_bool(right))
        || left == Type::Dynamic
        || right == Type::Dynamic
        || matches!(
            (left, right),
            (Type::Guid, Type::String) | (Type::String, Type::Guid)
        )
}

fn bind_binary(
    binder: &mut Binder<'_>,
    op: BinaryOp,
    left: &Expr,
    right: &Expr,
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    let span = expr.span.clone();
    let left = bind(binder, left, schema)?;
    let right_bound = bind(binder, right, schema)?;
    let boxed = |bound: BoundExpr| Box::new(bound);
    let kind_and_type = match op {
        BinaryOp::And | BinaryOp::Or => {
            for side in [&left, &right_bound] {
                if !matches!(side.ty, Type::Bool | Type::Dynamic) {
                    return Err(type_error(
                        &side.span,
                        format!("`{op}` needs bool operands, not {}", side.ty),
                    ));
                }
            }
            let kind = if op == BinaryOp::And {
                BoundKind::And(boxed(left), boxed(right_bound))
            } else {
                BoundKind::Or(boxed(left), boxed(right_bound))
            };
            (kind, Type::Bool)
        }
        BinaryOp::Add
        | BinaryOp::Subtract
        | BinaryOp::Multiply
        | BinaryOp::Divide
        | BinaryOp::Modulo => {
            let arithmetic = match op {
                BinaryOp::Add => Arithmetic::Add,
                BinaryOp::Subtract => Arithmetic::Subtract,
                BinaryOp::Multiply => Arithmetic::Multiply,
                BinaryOp::Divide => Arithmetic::Divide,
                _ => Arithmetic::Modulo,
            };
            let Some(ty) = arithmetic_type(arithmetic, left.ty, right_bound.ty) else {
                let mut error = type_error(
                    &span,
                    format!("cannot apply `{op}` to {} and {}", left.ty, right_bound.ty),
                );
                if left.ty == Type::Dynamic || right_bound.ty == Type::Dynamic {
                    error = error.with_hint(
                        "convert dynamic values first with tolong(), toreal() or todatetime()",
                    );
                }
                return Err(error);
            };
            let kind = BoundKind::Arithmetic {
                op: arithmetic,
                left: boxed(left),
                right: boxed(right_bound),
            };
            (kind, ty)
        }
        BinaryOp::Equal
        | BinaryOp::NotEqual
        | BinaryOp::Less
        | BinaryOp::LessOrEqual
        | BinaryOp::Greater
        | BinaryOp::GreaterOrEqual => {
            let equality = matches!(op, BinaryOp::Equal | BinaryOp::NotEqual);
            let accepted = if equality {
                equality_comparable(left.ty, right_bound.ty)
            } else {
                comparable(left.ty, right_bound.ty)
            };
            if !accepted {
                let error = type_error(
                    &span,
                    format!("cannot compare {} with {}", left.ty, right_bound.ty),
                );
                return Err(match comparison_hint(left.ty, right_bound.ty) {
                    Some(hint) => error.with_hint(hint),
                    None => error,
                });
            }
            let comparison = match op {
                BinaryOp::Equal => Comparison::Equal,
                BinaryOp::NotEqual => Comparison::NotEqual,
                BinaryOp::Less => Comparison::Less,
                BinaryOp::LessOrEqual => Comparison::LessOrEqual,
                BinaryOp::Greater => Comparison::Greater,
                _ => Comparison::GreaterOrEqual,
            };
            let kind = BoundKind::Compare {
                op: comparison,
                left: boxed(left),
                right: boxed(right_bound),
            };
            (kind, Type::Bool)
        }
        BinaryOp::EqualIgnoreCase | BinaryOp::NotEqualIgnoreCase => {
            for side in [&left, &right_bound] {
                if !matches!(side.ty, Type::String | Type::Dynamic) {
                    return Err(type_error(
                        &side.span,
                        format!("`{op}` compares strings, not {}", side.ty),
                    ));
                }
            }
            let comparison = if op == BinaryOp::EqualIgnoreCase {
                Comparison::EqualIgnoreCase
            } else {
                Comparison::NotEqualIgnoreCase
            };
            let kind = BoundKind::Compare {
                op: comparison,
                left: boxed(left),
                right: boxed(right_bound),
            };
            (kind, Type::Bool)
        }
        BinaryOp::Str(string_op) => {
            check_text_operand(&left, &op.to_string())?;
            let prepared = match &right_bound.kind {
                BoundKind::Literal(value) => Some(Needle::new(
                    &value.to_kusto_string(),
                    string_op.case_sensitive,
                )),
                _ => None,
            };
            let kind = BoundKind::StringTest {
                op: string_op,
                text: boxed(left),
                needle: boxed(right_bound),
                prepared,
            };
            (kind, Type::Bool)
        }
        BinaryOp::MatchesRegex => {
            check_text_operand(&left, &op.to_string())?;
            let regex = match &right_bound.kind {
                BoundKind::Literal(Value::String(pattern)) => {
                    let regex = pattern::compile(pattern)
                        .map_err(|message| type_error(&right_bound.span, message))?;
                    RegexPattern::Constant(Arc::new(regex))
                }
                _ => RegexPattern::PerRow {
                    pattern: boxed(right_bound),
                    cache: Arc::default(),
                },
            };
            let kind = BoundKind::MatchesRegex {
                text: boxed(left),
                regex,
            };
            (kind, Type::Bool)
        }
    };
    let (kind, ty) = kind_and_type;
    Ok(BoundExpr { kind, ty, span })
}

fn bind_call(
    binder: &mut Binder<'_>,
    name: &Ident,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    let positional;
    let args = if binder.lookup_binding(&name.name).is_none() {
        positional = positional_arguments(args);
        positional.as_ref()
    } else {
        args
    };
    if let Some(bound) = super::functions::bind_special_call(binder, name, args, expr, schema) {
        return bound;
    }
    let Some(function) = functions::lookup(&name.name) else {
        return Err(unknown_function(&name.name, name.span.clone()));
    };
    if let Some(warning) = functions::run_warning(function.name) {
        binder.warn(&name.span, warning);
    }
    if args.len() < function.min_args || args.len() > function.max_args {
        let expected = if function.min_args == function.max_args {
            format!("{}", function.min_args)
        } else if function.max_args == usize::MAX {
            format!("at least {}", function.min_args)
        } else {
            format!("{} to {}", function.min_args, function.max_args)
        };
        return Err(type_error(
            &expr.span,
            super::names::argument_count_message(function.name, &expected, args.len()),
        )
        .with_hint(format!("signature: {}", function.signature)));
    }
    let mut bound_args = Vec::with_capacity(args.len());
    for (position, arg) in args.iter().enumerate() {
        let bound = match type_literal(arg) {
            Some(literal) if function.type_literal_arg == Some(position) => literal?,
            _ => bind(binder, arg, schema)?,
        };
        bound_args.push(bound);
    }
    let types: Vec<Type> = bound_args.iter().map(|arg| arg.ty).collect();
    let signature_hint = || format!("signature: {}", function.signature);
    let mut ty = (function.result_type)(&types).map_err(|message| {
        type_error(&expr.span, format!("{}: {message}", function.name)).with_hint(signature_hint())
    })?;
    let mut prepared = None;
    if let Some(prepare) = function.prepare {
        let arguments: Vec<functions::Argument<'_>> = bound_args
            .iter()
            .map(|arg| functions::Argument {
                ty: arg.ty,
                constant: match &arg.kind {
                    BoundKind::Literal(value) => Some(value),
                    _ => None,
                },
            })
            .collect();
        let preparation = prepare(&arguments).map_err(|message| {
            type_error(&expr.span, format!("{}: {message}", function.name))
                .with_hint(signature_hint())
        })?;
        ty = preparation.result_type.unwrap_or(ty);
        prepared = preparation.eval.map(functions::PreparedCall);
    }
    Ok(BoundExpr {
        kind: BoundKind::Call {
            function,
            args: bound_args,
            prepared,
        },
        ty,
        span: expr.span.clone(),
    })
}

/// Returns the arguments of a built-in function call with each `Name = value` replaced
/// by its value. Kusto lays out the arguments of a built-in function by position even
/// when they are named. The name chooses no parameter and only names the result column
/// (see `result_names`). Source: Kusto-Query-Language,
/// `src/Kusto.Language/Symbols/Signature.cs` (`AllowsNamedArguments` is false for
/// built-in functions) and `ParameterLayouts.cs` (`NonRepeatingParameterLayout`).
pub(super) fn positional_arguments(args: &[Expr]) -> Cow<'_, [Expr]> {
    if !args
        .iter()
        .any(|arg| matches!(arg.kind, ExprKind::NamedArgument { .. }))
    {
        return Cow::Borrowed(args);
    }
    let values = args
        .iter()
        .map(|arg| match &arg.kind {
            ExprKind::NamedArgument { value, .. } => (**value).clone(),
            _ => arg.clone(),
        })
        .collect();
    Cow::Owned(values)
}

/// Binds `typeof(T)` as the constant string naming `T`; `None` when `arg` is not a
/// type literal.
fn type_literal(arg: &Expr) -> Option<Result<BoundExpr>> {
    let ExprKind::Call { name, args } = &arg.kind else {
        return None;
    };
    if name.name != "typeof" {
        return None;
    }
    let type_name = match args.as_slice() {
        [Expr {
            kind: ExprKind::Name(type_name),
            ..
        }] => type_name,
        _ => {
            return Some(Err(type_error(
                &arg.span,
                "typeof() takes one type name, such as typeof(long)".to_string(),
            )))
        }
    };
    let Some(ty) = Type::from_name(type_name) else {
        return Some(Err(type_error(
            &arg.span,
            format!("unknown type `{type_name}` in typeof()"),
        )));
    };
    Some(Ok(BoundExpr {
        kind: BoundKind::Literal(Value::from(ty.name())),
        ty: Type::String,
        span: arg.span.clone(),
    }))
}

fn unknown_function(name: &str, span: std::ops::Range<usize>) -> Error {
    if crate::eval::aggregates::lookup(name).is_some() {
        return Error::at(
            ErrorKind::TypeMismatch,
            span,
            format!(
                "`{name}` is an aggregate function; use it in `summarize`, not in a row expression"
            ),
        );
    }
    if crate::eval::aggregates::KNOWN_UNSUPPORTED.contains(&name) {
        return Error::unsupported(
            span,
            format!("aggregate function `{name}` is not supported yet"),
        );
    }
    if KNOWN_UNSUPPORTED.contains(&name) {
        return Error::unsupported(span, format!("function `{name}` is not supported yet"));
    }
    let mut error = Error::at(
        ErrorKind::UnknownName,
        span,
        format!("unknown function `{name}`"),
    );
    let supported = functions::all();
    let candidates = supported
        .iter()
        .map(|function| function.name)
        .chain(KNOWN_UNSUPPORTED.iter().copied())
        .chain(
            super::defender::DEFENDER_FUNCTIONS
                .iter()
                .map(|(name, _)| *name),
        );
    if let Some(suggestion) = closest(name, candidates) {
        let defender = super::defender::DEFENDER_FUNCTIONS
            .iter()
            .find(|(name, _)| *name == suggestion);
        let note = match (functions::lookup(suggestion), defender) {
            (Some(function), _) => format!("did you mean `{}`?", function.signature),
            (None, Some((_, signature))) => format!("did you mean `{signature}`?"),
            (None, None) => format!("did you mean `{suggestion}` (not supported yet)?"),
        };
        error = error.with_hint(note);
    }
    error
}

#[cfg(test)]
mod tests {
    use crate::binder::test_support::{column, error_kind, names, run};
    use crate::error::ErrorKind;

    const PEOPLE: &str = "datatable(Upn:string, Name:string, Props:string)[\
        'u1', 'n1', '{\"rawData\": {\"type\": \"A\"}}', '', 'n2', '{}']";

    // Kusto-Query-Language, `ParameterLayouts.cs`: a built-in function takes a named
    // argument by position, so `account = Upn` passes Upn as the second argument of iff.
    #[test]
    fn named_argument_passes_its_value() {
        let table = run(&format!(
            "{PEOPLE} | extend account = iff(isnotempty(Upn), account = Upn, Name)"
        ));
        assert_eq!(column(&table, "account"), ["u1", "n2"]);
    }

    // Kusto-Query-Language, `Binder_Projection.cs` `GetExpressionResultName`: an unnamed
    // `tostring(kind = …)` column is named `kind`, and `strlen(s = …)` is `strlen_s`.
    #[test]
    fn named_argument_names_extend_column() {
        let table = run(&format!(
            "{PEOPLE} | extend tostring(kind = parse_json(Props).rawData.type), \
             strlen(s = Name) | project-away Props"
        ));
        assert_eq!(names(&table), ["Upn", "Name", "kind", "strlen_s"]);
        assert_eq!(column(&table, "kind"), ["A", ""]);
        assert_eq!(column(&table, "strlen_s"), ["2", "2"]);
    }

    #[test]
    fn named_argument_names_distinct_column() {
        let table = run(
            "datatable(T:datetime)[datetime(2024-01-01 10:17), datetime(2024-01-01 10:44)] \
             | distinct bin(HalfHour = T, 30m) | sort by HalfHour asc",
        );
        assert_eq!(names(&table), ["HalfHour"]);
        assert_eq!(
            column(&table, "HalfHour"),
            [
                "2024-01-01T10:00:00.0000000Z",
                "2024-01-01T10:30:00.0000000Z"
            ]
        );
    }

    #[test]
    fn named_argument_counts_as_argument() {
        assert_eq!(error_kind("print toint(a = 1, 2)"), ErrorKind::TypeMismatch);
    }

    // Kusto's language service declares the string operators on string or dynamic
    // operands only (Kusto-Query-Language, src/Kusto.Language/Operators.cs,
    // `StringBinary`).
    #[test]
    fn string_operator_needs_text() {
        for query in [
            "print x = 5 | where x has '5'",
            "print x = 5 | where x !contains_cs '6'",
            "print x = now() | where x startswith '2'",
            "print x = 5 | where x has_any ('5')",
            "print x = true | where x has_all ('t')",
            "print x = 5 | where x matches regex '5'",
        ] {
            assert_eq!(error_kind(query), ErrorKind::TypeMismatch, "{query}");
        }
        let table = run("print x = 5 | where tostring(x) has '5' | count");
        assert_eq!(column(&table, "Count"), ["1"]);
        let table = run("print x = dynamic(['a b']) | where x has 'a' | count");
        assert_eq!(column(&table, "Count"), ["1"]);
    }

    // learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values":
    // f(c=7, a=12) and f(12, c=7) both return "12-b.default-7".
    #[test]
    fn user_function_named_arguments_by_name() {
        let function =
            "let f = (a:long, b:string = 'b.default', c:long = 0) { strcat(a, '-', b, '-', c) };";
        for call in ["f(c = 7, a = 12)", "f(12, c = 7)", "f(a = 12, c = 7)"] {
            let table = run(&format!("{function}\nprint x = {call}"));
            assert_eq!(column(&table, "x"), ["12-b.default-7"], "{call}");
        }
        let table = run(&format!("{function}\nprint x = f(1, 'b', c = 3)"));
        assert_eq!(column(&table, "x"), ["1-b-3"]);
    }

    #[test]
    fn user_function_named_argument_errors() {
        let function = "let f = (a:long, b:long = 0) { a - b };\n";
        // No parameter of that name.
        assert_eq!(
            error_kind(&format!("{function}print f(d = 1)")),
            ErrorKind::UnknownName
        );
        // A parameter given by position and by name.
        assert_eq!(
            error_kind(&format!("{function}print f(1, a = 2)")),
            ErrorKind::TypeMismatch
        );
        // A required parameter left out.
        assert_eq!(
            error_kind(&format!("{function}print f(b = 2)")),
            ErrorKind::TypeMismatch
        );
    }

    #[test]
    fn invoke_named_argument() {
        let query = "let top = (T:(*), n:long = 1) { T | take n };\n\
                     range x from 1 to 5 step 1 | invoke top(n = 3) | count";
        assert_eq!(column(&run(query), "Count"), ["3"]);
        let query = "let top = (T:(*), n:long = 1) { T | take n };\n\
                     range x from 1 to 5 step 1 | invoke top(T = 3)";
        assert_eq!(error_kind(query), ErrorKind::TypeMismatch);
    }
}
