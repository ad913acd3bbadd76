//! Binding of the `scan` operator (learn.microsoft.com/kusto/query/scan-operator): the
//! declared columns, the step names that qualify values of the state (`s1.Ts`), and the
//! output schema, which is the input's columns, then the declared columns, then the
//! match number of `with_match_id`.
//!
//! The reference leaves some cases open, and those are rejected here. They are reading
//! a declared column without a step name, a later step's values, or an input column of
//! the step's own state (empty on its first match), and `output=last`, whose timing the
//! reference does not give.

use super::plan::{BoundExpr, BoundKind, Plan, PlanKind, ScanOperatorPlan, ScanStepPlan};
use super::Binder;
use crate::ast::{Expr, ExprKind, Ident, Scan, ScanOutput, ScanStep, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::functions::logic::common_type;
use crate::table::{Field, Schema};
use crate::value::{convert, Type, Value};

pub fn bind_scan(binder: &mut Binder<'_>, input: Plan, scan: &Scan, span: Span) -> Result<Plan> {
    if !super::tabular::is_serialized(&input) {
        return Err(Error::unsupported(
            span,
            "scan over rows in no defined order is not supported yet; sort or serialize its input first",
        ));
    }

    let declared = bind_declarations(binder, &input.schema, scan)?;
    let names = ScopeNames::new(binder, &input.schema, scan)?;
    let scope = names.scope_schema(&input.schema, &declared, scan.steps.len());

    // Window functions would read the one-row scope table instead of the input, so
    // binding the steps as over unordered rows rejects them.
    let serialized = std::mem::replace(&mut binder.serialized_input, false);
    let mut steps = Vec::new();
    for (position, step) in scan.steps.iter().enumerate() {
        match bind_step(binder, &names, &scope, &declared, position, step) {
            Ok(bound) => steps.push(bound),
            Err(error) => {
                binder.serialized_input = serialized;
                return Err(error);
            }
        }
    }
    binder.serialized_input = serialized;

    let mut fields = input.schema.fields.clone();
    for (declaration, (ty, _)) in scan.declarations.iter().zip(&declared) {
        fields.push(Field::new(declaration.name.name.clone(), *ty));
    }
    if let Some(match_id) = &scan.match_id {
        fields.push(Field::new(match_id.name.clone(), Type::Long));
    }
    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::ScanOperator(Box::new(ScanOperatorPlan {
            input,
            declared,
            steps,
            match_id: scan.match_id.is_some(),
            scope,
        })),
        span,
    })
}

/// Binds the `declare` clause: each column's type and its constant default, null when
/// none is given.
fn bind_declarations(
    binder: &mut Binder<'_>,
    input: &Schema,
    scan: &Scan,
) -> Result<Vec<(Type, Value)>> {
    let mut declared = Vec::new();
    for (position, declaration) in scan.declarations.iter().enumerate() {
        let name = &declaration.name;
        if input.index_of_any(&name.name).is_some() {
            return Err(Error::unsupported(
                name.span.clone(),
                format!(
                    "declaring `{}`, which the input already has, is not supported yet; rename the declared column",
                    name.name
                ),
            ));
        }
        let repeated = scan.declarations[..position]
            .iter()
            .any(|earlier| earlier.name.name == name.name);
        if repeated {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                name.span.clone(),
                format!("`{}` is declared twice", name.name),
            ));
        }
        let default = match &declaration.default {
            None => Value::Null,
            Some(expr) => {
                let bound = binder.bind_scalar(expr, &Schema::default())?;
                let BoundKind::Literal(value) = &bound.kind else {
                    return Err(Error::at(
                        ErrorKind::TypeMismatch,
                        expr.span.clone(),
                        "the default of a declared column must be a constant",
                    ));
                };
                fit(value, bound.ty, declaration.ty).ok_or_else(|| {
                    Error::at(
                        ErrorKind::TypeMismatch,
                        expr.span.clone(),
                        format!(
                            "the default of `{}` must be {}, not {}",
                            name.name, declaration.ty, bound.ty
                        ),
                    )
                })?
            }
        };
        declared.push((declaration.ty, default));
    }
    Ok(declared)
}

/// Converts `value` of type `from` to the declared type `to`: the same type, or a wider
/// number type (`int` to `long` or `real`), which keeps every value.
fn fit(value: &Value, from: Type, to: Type) -> Option<Value> {
    if common_type(from, to) != Some(to) {
        return None;
    }
    convert(value, to)
}

/// The names that a step's expressions may use, and the scope columns they stand for.
struct ScopeNames {
    steps: Vec<String>,
    input: Vec<String>,
    declared: Vec<String>,
}

impl ScopeNames {
    fn new(binder: &Binder<'_>, input: &Schema, scan: &Scan) -> Result<ScopeNames> {
        let input_names: Vec<String> = input.fields.iter().map(|f| f.name.clone()).collect();
        let declared: Vec<String> = scan
            .declarations
            .iter()
            .map(|declaration| declaration.name.name.clone())
            .collect();
        if let Some(match_id) = &scan.match_id {
            if input_names.contains(&match_id.name) || declared.contains(&match_id.name) {
                return Err(Error::unsupported(
                    match_id.span.clone(),
                    format!(
                        "a match id column named like another column, `{}`, is not supported yet",
                        match_id.name
                    ),
                ));
            }
        }

        let mut steps: Vec<String> = Vec::new();
        for step in &scan.steps {
            let name = &step.name;
            if steps.contains(&name.name) {
                return Err(Error::at(
                    ErrorKind::TypeMismatch,
                    name.span.clone(),
                    format!(
                        "step `{}` is defined twice; step names must be unique",
                        name.name
                    ),
                ));
            }
            let shadows = input_names.contains(&name.name)
                || declared.contains(&name.name)
                || binder.lookup_binding(&name.name).is_some();
            if shadows {
                return Err(Error::unsupported(
                    name.span.clone(),
                    format!(
                        "a step named like a column or a `let` name, `{}`, is not supported yet; rename the step",
                        name.name
                    ),
                ));
            }
            steps.push(name.name.clone());
        }

        let names = ScopeNames {
            steps,
            input: input_names,
            declared,
        };
        for step in &names.steps {
            for column in names.input.iter().chain(&names.declared) {
                let scoped = scoped_name(step, column);
                if names.input.contains(&scoped) {
                    return Err(Error::unsupported(
                        scan.steps
                            .iter()
                            .find(|candidate| &candidate.name.name == step)
                            .map_or(0..0, |candidate| candidate.name.span.clone()),
                        format!("an input column named `{scoped}` is not supported by scan"),
                    ));
                }
            }
        }
        Ok(names)
    }

    /// Builds the scope row's schema: the input columns, then for each step its input and
    /// declared columns under their scoped names.
    fn scope_schema(&self, input: &Schema, declared: &[(Type, Value)], steps: usize) -> Schema {
        let mut fields = input.fields.clone();
        for step in self.steps.iter().take(steps) {
            for field in &input.fields {
                fields.push(field.renamed(scoped_name(step, &field.name)));
            }
            for (name, (ty, _)) in self.declared.iter().zip(declared) {
                fields.push(Field::new(scoped_name(step, name), *ty));
            }
        }
        Schema::new(fields)
    }

    /// Rewrites `expr` for binding against the scope schema: `step.column` becomes the
    /// scoped column. `position` is the step the expression belongs to.
    fn rewrite(&self, expr: &Expr, position: usize) -> Result<Expr> {
        let rewrite = |inner: &Expr| self.rewrite(inner, position).map(Box::new);
        let rewrite_all = |list: &[Expr]| -> Result<Vec<Expr>> {
            list.iter().map(|e| self.rewrite(e, position)).collect()
        };
        let kind = match &expr.kind {
            ExprKind::Name(name) if self.declared.contains(name) => {
                return Err(Error::unsupported(
                    expr.span.clone(),
                    format!(
                        "reading the declared column `{name}` without a step name is not supported yet; write `Step.{name}`"
                    ),
                ));
            }
            ExprKind::Member { expr: target, name } => match &target.kind {
                ExprKind::Name(step) if self.steps.contains(step) => {
                    return self.scoped_reference(step, name, position, expr.span.clone());
                }
                _ => ExprKind::Member {
                    expr: rewrite(target)?,
                    name: name.clone(),
                },
            },
            ExprKind::Call { name, .. } if name.name == "pack_all" => {
                return Err(Error::unsupported(
                    expr.span.clone(),
                    "pack_all() inside a scan step is not supported yet",
                ));
            }
            ExprKind::Negate(inner) => ExprKind::Negate(rewrite(inner)?),
            ExprKind::Binary { op, left, right } => ExprKind::Binary {
                op: *op,
                left: rewrite(left)?,
                right: rewrite(right)?,
            },
            ExprKind::In {
                expr: inner,
                list,
                negated,
                case_insensitive,
            } => ExprKind::In {
                expr: rewrite(inner)?,
                list: rewrite_all(list)?,
                negated: *negated,
                case_insensitive: *case_insensitive,
            },
            ExprKind::HasAny {
                expr: inner,
                list,
                all,
            } => ExprKind::HasAny {
                expr: rewrite(inner)?,
                list: rewrite_all(list)?,
                all: *all,
            },
            ExprKind::Between {
                expr: inner,
                low,
                high,
                negated,
            } => ExprKind::Between {
                expr: rewrite(inner)?,
                low: rewrite(low)?,
                high: rewrite(high)?,
                negated: *negated,
            },
            ExprKind::Call { name, args } => ExprKind::Call {
                name: name.clone(),
                args: rewrite_all(args)?,
            },
            ExprKind::Index { expr: inner, index } => ExprKind::Index {
                expr: rewrite(inner)?,
                index: rewrite(index)?,
            },
            ExprKind::NamedArgument { name, value } => ExprKind::NamedArgument {
                name: name.clone(),
                value: rewrite(value)?,
            },
            // Names, literals and tabular subqueries, which cannot see the scan's state.
            _ => return Ok(expr.clone()),
        };
        Ok(Expr {
            kind,
            span: expr.span.clone(),
        })
    }

    /// Resolves `step.column` in an expression of the step at `position`.
    fn scoped_reference(
        &self,
        step: &str,
        column: &Ident,
        position: usize,
        span: Span,
    ) -> Result<Expr> {
        let step_position = self.steps.iter().position(|name| name == step).unwrap_or(0);
        if step_position > position {
            return Err(Error::unsupported(
                span,
                format!("reading `{step}`, a later step than this one, is not supported yet"),
            ));
        }
        let is_input = self.input.contains(&column.name);
        if !is_input && !self.declared.contains(&column.name) {
            return Err(Error::at(
                ErrorKind::UnknownName,
                column.span.clone(),
                format!(
                    "`{}` is neither an input column nor a declared column",
                    column.name
                ),
            ));
        }
        if is_input && step_position == position {
            return Err(Error::unsupported(
                span,
                format!(
                    "reading the input column `{}` of the step's own state is not supported yet, because that state is empty on the step's first match",
                    column.name
                ),
            ));
        }
        Ok(Expr {
            kind: ExprKind::Name(scoped_name(step, &column.name)),
            span,
        })
    }
}

/// Returns the scope column name of `column` in the state of `step`. It starts with a
/// NUL character, which input column names are not expected to contain, and
/// `ScopeNames::new` rejects a clash.
fn scoped_name(step: &str, column: &str) -> String {
    format!("\u{0}{step}.{column}")
}

fn bind_step(
    binder: &mut Binder<'_>,
    names: &ScopeNames,
    scope: &Schema,
    declared: &[(Type, Value)],
    position: usize,
    step: &ScanStep,
) -> Result<ScanStepPlan> {
    if step.output == ScanOutput::Last {
        return Err(Error::unsupported(
            step.span.clone(),
            "`output=last` is not supported yet, because the reference does not say when the last match of a series is output",
        ));
    }

    let condition_expr = names.rewrite(&step.condition, position)?;
    let condition = binder.bind_scalar(&condition_expr, scope)?;
    if !matches!(condition.ty, Type::Bool | Type::Dynamic) {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            step.condition.span.clone(),
            format!(
                "the condition of step `{}` must be bool, not {}",
                step.name.name, condition.ty
            ),
        ));
    }

    let mut assignments: Vec<(usize, BoundExpr)> = Vec::new();
    for (column, value) in &step.assignments {
        let Some(index) = names.declared.iter().position(|name| name == &column.name) else {
            return Err(Error::unsupported(
                column.span.clone(),
                format!(
                    "assigning `{}`, which is not a declared column, is not supported yet; declare it in `declare (…)`",
                    column.name
                ),
            ));
        };
        if assignments.iter().any(|(assigned, _)| *assigned == index) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                column.span.clone(),
                format!(
                    "`{}` is assigned twice in step `{}`",
                    column.name, step.name.name
                ),
            ));
        }
        let bound = binder.bind_scalar(&names.rewrite(value, position)?, scope)?;
        let declared_type = declared.get(index).map_or(Type::Dynamic, |(ty, _)| *ty);
        if common_type(bound.ty, declared_type) != Some(declared_type) {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                value.span.clone(),
                format!(
                    "`{}` is declared {declared_type}, so it cannot take a {} value",
                    column.name, bound.ty
                ),
            ));
        }
        assignments.push((index, bound));
    }

    Ok(ScanStepPlan {
        output: step.output == ScanOutput::All,
        condition,
        assignments,
    })
}
