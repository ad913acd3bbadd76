//! User-defined functions (`let f = (x:long = 5) { x + 1 }`), and the calls the binder
//! resolves itself instead of the scalar catalog: `toscalar`, `materialize`,
//! `column_ifexists` and the functions that exist only in the cloud.
//!
//! A call is bound by substitution, as `let` values are: each parameter is bound to its
//! argument's bound expression or plan, and the body is bound again for every call, in
//! the scope where the function was defined (learn.microsoft.com/kusto/query/functions/
//! user-defined-functions). A function cannot call itself, because its scope is
//! captured before its own name is defined.

use std::collections::HashMap;
use std::sync::Arc;

use super::plan::{BoundExpr, BoundKind, Plan, Subquery};
use super::{Binder, Binding, Scope};
use crate::ast::{Expr, ExprKind, FunctionDefinition, Ident, ParameterKind, Span, Statement};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::functions;
use crate::table::Schema;
use crate::value::{Type, Value};

/// A function defined with `let`, with the names visible where it was defined.
#[derive(Debug)]
pub struct UserFunction {
    pub name: String,
    pub definition: FunctionDefinition,
    captured: Vec<Scope>,
    /// True when the body's value is a table.
    pub returns_table: bool,
}

/// The value of a bound call or body: a scalar or a table.
pub enum BoundValue {
    Scalar(BoundExpr),
    Tabular(Plan),
}

impl UserFunction {
    pub fn new(binder: &Binder<'_>, name: &str, definition: &FunctionDefinition) -> UserFunction {
        UserFunction {
            name: name.to_string(),
            definition: definition.clone(),
            captured: binder.scopes.clone(),
            returns_table: body_is_tabular(binder, definition),
        }
    }

    /// Tells whether every parameter has a default, so that a call may pass no
    /// arguments. Kusto then also binds the bare name as that call
    /// (Kusto-Query-Language src/Kusto.Language/Binder/Binder_Names.cs,
    /// `GetMatchingSymbolResult`, `MinArgumentCount == 0`). A tabular parameter never has
    /// a default.
    pub fn callable_without_arguments(&self) -> bool {
        self.definition
            .parameters
            .iter()
            .all(|parameter| parameter.default.is_some())
    }

    /// Returns the error for the bare name of a function that needs arguments.
    pub fn needs_arguments_error(&self, span: &Span) -> Error {
        let name = &self.name;
        Error::at(
            ErrorKind::TypeMismatch,
            span.clone(),
            format!("`{name}` is a function with parameters that have no default; call it as `{name}(…)`"),
        )
        .with_hint(format!("signature: {}", self.signature()))
    }

    fn signature(&self) -> String {
        let parameters: Vec<String> = self
            .definition
            .parameters
            .iter()
            .map(|parameter| match &parameter.kind {
                ParameterKind::Scalar(ty) => format!("{}:{ty}", parameter.name.name),
                ParameterKind::Tabular(None) => format!("{}:(*)", parameter.name.name),
                ParameterKind::Tabular(Some(columns)) => {
                    let columns: Vec<String> = columns
                        .iter()
                        .map(|(column, ty)| format!("{}:{ty}", column.name))
                        .collect();
                    format!("{}:({})", parameter.name.name, columns.join(", "))
                }
            })
            .collect();
        format!("{}({})", self.name, parameters.join(", "))
    }
}

/// Rejects the parameter defaults that the KQL reference forbids
/// (learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values"):
/// a default must be a literal, and every parameter without a default must come before
/// the first one with a default. Kusto's parser reads a default as one literal token
/// (Kusto-Query-Language src/Kusto.Language/Parser/QueryParser.cs,
/// `ParseDefaultValueDeclaration`), so `1+1` or `ago(1d)` fails there.
pub fn check_parameter_defaults(name: &str, definition: &FunctionDefinition) -> Result<()> {
    let mut first_defaulted: Option<&Ident> = None;
    for parameter in &definition.parameters {
        match (&parameter.default, first_defaulted) {
            (Some(default), _) => {
                if !is_literal(default) {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        default.span.clone(),
                        format!(
                            "the default value of parameter `{}` of `{name}` is not a literal; \
                             a default must be a constant such as `5`, `-1`, `\"text\"`, `1d`, \
                             `datetime(null)` or `dynamic([])`",
                            parameter.name.name
                        ),
                    )
                    .with_hint(
                        "write the value as a literal, or compute it in the function body \
                         from a literal default",
                    ));
                }
                first_defaulted.get_or_insert(&parameter.name);
            }
            (None, Some(defaulted)) => {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    parameter.name.span.clone(),
                    format!(
                        "parameter `{}` of `{name}` has no default value but follows `{}`, \
                         which has one; parameters without a default must come first",
                        parameter.name.name, defaulted.name
                    ),
                )
                .with_hint(format!(
                    "move `{}` before `{}`, or give it a default value",
                    parameter.name.name, defaulted.name
                )));
            }
            (None, None) => {}
        }
    }
    Ok(())
}

/// Tells whether a parameter default is a literal: a number, string, bool, timespan or
/// typed literal such as `datetime(null)`, a signed number (`-1`, folded into the literal
/// by the parser), or `dynamic(…)`.
fn is_literal(default: &Expr) -> bool {
    match &default.kind {
        ExprKind::Literal(..) | ExprKind::Dynamic(_) => true,
        ExprKind::Negate(operand) => matches!(
            operand.kind,
            ExprKind::Literal(
                _,
                Type::Int | Type::Long | Type::Real | Type::Decimal | Type::Timespan
            )
        ),
        _ => false,
    }
}

/// Decides from the syntax alone whether the body of a definition returns a table.
/// `local` maps the names the body defines to whether each is tabular.
fn body_is_tabular(binder: &Binder<'_>, definition: &FunctionDefinition) -> bool {
    let mut local: HashMap<String, bool> = definition
        .parameters
        .iter()
        .map(|parameter| {
            let tabular = matches!(parameter.kind, ParameterKind::Tabular(_));
            (parameter.name.name.clone(), tabular)
        })
        .collect();
    let mut result = false;
    for statement in &definition.body {
        match statement {
            Statement::Let { name, value } => {
                let tabular = is_tabular(binder, value, &local);
                local.insert(name.name.clone(), tabular);
            }
            Statement::LetFunction { name, function } => {
                let tabular = body_is_tabular(binder, function);
                local.insert(name.name.clone(), tabular);
            }
            Statement::Query(value) => result = is_tabular(binder, value, &local),
            Statement::Set { .. } => {}
        }
    }
    result
}

/// True when `expr` denotes a table rather than a scalar. `local` contains the names
/// defined in a function body that is not bound yet, with whether each is tabular.
pub fn is_tabular(binder: &Binder<'_>, expr: &Expr, local: &HashMap<String, bool>) -> bool {
    match &expr.kind {
        ExprKind::Pipe { .. }
        | ExprKind::DataTable { .. }
        | ExprKind::Print(_)
        | ExprKind::Invoke { .. }
        | ExprKind::ExternalData { .. }
        | ExprKind::Range { .. } => true,
        ExprKind::Name(name) => {
            if let Some(tabular) = local.get(name) {
                return *tabular;
            }
            match binder.lookup_binding(name) {
                Some(Binding::Tabular(_)) => true,
                Some(Binding::Scalar(_)) => false,
                Some(Binding::Function(function)) => {
                    function.returns_table && function.callable_without_arguments()
                }
                None => binder.tables.schema(name).is_some(),
            }
        }
        ExprKind::Call { name, args } => {
            if let Some(tabular) = local.get(&name.name) {
                return *tabular;
            }
            match binder.lookup_binding(&name.name) {
                Some(Binding::Function(function)) => function.returns_table,
                Some(_) => false,
                None => match name.name.as_str() {
                    "materialize" => args.iter().all(|arg| is_tabular(binder, arg, local)),
                    "table" | super::watchlist::GET_WATCHLIST => true,
                    other => {
                        super::defender::is_tabular_function(other)
                            || cloud_only(other).is_some_and(|function| function.tabular)
                            || super::sources::may_be_workspace_function(binder, other)
                    }
                },
            }
        }
        _ => false,
    }
}

/// Binds a call of a user-defined function. `piped` is the table before `| invoke`,
/// passed as the first argument. Scalar arguments are bound against `schema`, the row of
/// the calling expression.
pub fn bind_user_call(
    binder: &mut Binder<'_>,
    function: &UserFunction,
    call_span: &Span,
    args: &[Expr],
    piped: Option<Plan>,
    schema: &Schema,
) -> Result<BoundValue> {
    let parameters = &function.definition.parameters;
    let given = args.len() + usize::from(piped.is_some());
    if given > parameters.len() {
        let mut error = Error::at(
            ErrorKind::TypeMismatch,
            call_span.clone(),
            super::names::argument_count_message(
                &function.name,
                &parameters.len().to_string(),
                given,
            ),
        )
        .with_hint(format!("signature: {}", function.signature()));
        if piped.is_some() {
            error =
                error.with_hint("with `| invoke`, the table before `invoke` is the first argument");
        }
        return Err(error);
    }
    let mut assigned = assign_arguments(function, args, piped.is_some())?.into_iter();

    let mut scope = Scope {
        bindings: HashMap::new(),
        row_context: binder.row_context,
    };
    let mut piped = piped;
    for parameter in parameters {
        let arg = assigned.next().flatten();
        let binding = match &parameter.kind {
            ParameterKind::Tabular(columns) => {
                let plan = match piped.take() {
                    Some(plan) => plan,
                    None => {
                        let Some(arg) = arg else {
                            return Err(missing_argument(function, &parameter.name, call_span));
                        };
                        binder.bind_tabular(arg)?
                    }
                };
                if let Some(columns) = columns {
                    check_tabular_argument(&plan, columns, &parameter.name, function)?;
                }
                Binding::Tabular(plan)
            }
            ParameterKind::Scalar(ty) => {
                if piped.is_some() {
                    return Err(Error::at(
                        ErrorKind::TypeMismatch,
                        call_span.clone(),
                        format!(
                            "`invoke {}` passes a table as the first argument, but its first parameter `{}` is a scalar",
                            function.name, parameter.name.name
                        ),
                    ));
                }
                let bound = match (arg, &parameter.default) {
                    (Some(arg), _) => binder.bind_scalar(arg, schema)?,
                    (None, Some(default)) => bind_default(binder, function, default)?,
                    (None, None) => {
                        return Err(missing_argument(function, &parameter.name, call_span))
                    }
                };
                Binding::Scalar(coerce_argument(bound, *ty, &parameter.name.name)?)
            }
        };
        scope.bindings.insert(parameter.name.name.clone(), binding);
    }
    if piped.is_some() {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            call_span.clone(),
            format!(
                "`invoke {}` passes a table, but the function takes no tabular parameter",
                function.name
            ),
        ));
    }
    bind_body(binder, function, scope)
}

/// Matches the arguments of a call to the function's parameters, returning the argument
/// of each parameter, or `None` where the call leaves it out. An argument written
/// `name = value` goes to the parameter of that name. Any other argument goes to the
/// parameter at its own position in the call, where the table before `| invoke` counts as
/// the first. Callers that pass arguments out of order name them, as in `f(c=7, a=12)`
/// (learn.microsoft.com/kusto/query/functions/user-defined-functions, "Default values").
fn assign_arguments<'a>(
    function: &UserFunction,
    args: &'a [Expr],
    piped: bool,
) -> Result<Vec<Option<&'a Expr>>> {
    let parameters = &function.definition.parameters;
    let mut assigned: Vec<Option<&Expr>> = vec![None; parameters.len()];
    let offset = usize::from(piped);
    for (position, arg) in args.iter().enumerate() {
        let (index, value) = match &arg.kind {
            ExprKind::NamedArgument { name, value } => {
                let index = parameters
                    .iter()
                    .position(|parameter| parameter.name.name == name.name);
                let Some(index) = index else {
                    return Err(Error::at(
                        ErrorKind::UnknownName,
                        name.span.clone(),
                        format!("`{}` has no parameter named `{}`", function.name, name.name),
                    )
                    .with_hint(format!("signature: {}", function.signature())));
                };
                (index, value.as_ref())
            }
            _ => (position + offset, arg),
        };
        let already_given = index < offset || assigned.get(index).is_some_and(Option::is_some);
        if already_given {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                arg.span.clone(),
                format!(
                    "parameter `{}` of `{}` is given more than once",
                    parameters[index].name.name, function.name
                ),
            )
            .with_hint(format!("signature: {}", function.signature())));
        }
        if let Some(slot) = assigned.get_mut(index) {
            *slot = Some(value);
        }
    }
    Ok(assigned)
}

/// Binds a default value in the scope where the function was defined.
fn bind_default(
    binder: &mut Binder<'_>,
    function: &UserFunction,
    default: &Expr,
) -> Result<BoundExpr> {
    let saved = std::mem::replace(&mut binder.scopes, function.captured.clone());
    let bound = binder.bind_scalar(default, &Schema::default());
    binder.scopes = saved;
    bound
}

fn bind_body(
    binder: &mut Binder<'_>,
    function: &UserFunction,
    parameters: Scope,
) -> Result<BoundValue> {
    let mut scopes = function.captured.clone();
    scopes.push(parameters);
    let saved = std::mem::replace(&mut binder.scopes, scopes);
    let result = bind_body_statements(binder, &function.definition);
    binder.scopes = saved;
    result
}

fn bind_body_statements(
    binder: &mut Binder<'_>,
    definition: &FunctionDefinition,
) -> Result<BoundValue> {
    let Some((last, lets)) = definition.body.split_last() else {
        return Err(Error::syntax(
            definition.span.clone(),
            "the function body has no value",
        ));
    };
    for statement in lets {
        binder.define_let(statement)?;
    }
    let Statement::Query(value) = last else {
        return Err(Error::syntax(
            definition.span.clone(),
            "the function body must end with an expression",
        ));
    };
    if binder.is_tabular(value) {
        return Ok(BoundValue::Tabular(binder.bind_tabular(value)?));
    }
    Ok(BoundValue::Scalar(
        binder.bind_scalar(value, &Schema::default())?,
    ))
}

fn missing_argument(function: &UserFunction, parameter: &Ident, call_span: &Span) -> Error {
    Error::at(
        ErrorKind::TypeMismatch,
        call_span.clone(),
        format!(
            "`{}` needs a value for parameter `{}`, which has no default",
            function.name, parameter.name
        ),
    )
    .with_hint(format!("signature: {}", function.signature()))
}

/// Checks that a table passed for `T:(A:type, …)` has each declared column with a
/// compatible type. Extra columns are allowed and stay in the table.
///
/// NOTE: the body is bound against the actual table, so it may also use undeclared
/// columns, which Kusto rejects when it binds the definition.
fn check_tabular_argument(
    plan: &Plan,
    columns: &[(Ident, Type)],
    parameter: &Ident,
    function: &UserFunction,
) -> Result<()> {
    for (column, ty) in columns {
        let Some(field) = plan.schema.field(&column.name) else {
            if let Some(error) =
                super::names::undetermined_reference(&column.name, plan.span.clone(), &plan.schema)
            {
                return Err(error);
            }
            return Err(Error::at(
                ErrorKind::UnknownName,
                plan.span.clone(),
                format!(
                    "the table passed for `{}` of `{}` has no column `{}`",
                    parameter.name, function.name, column.name
                ),
            ));
        };
        let compatible = field.ty == *ty || (field.ty.is_numeric() && ty.is_numeric());
        if !compatible {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                plan.span.clone(),
                format!(
                    "column `{}` of the table passed for `{}` is {}, but `{}` declares {ty}",
                    column.name, parameter.name, field.ty, function.name
                ),
            ));
        }
    }
    Ok(())
}

/// Converts a numeric argument to the parameter's numeric type. Other types must match.
///
/// NOTE: the KQL reference does not state how arguments convert to parameter types;
/// converting between numeric types and rejecting the rest is this engine's choice.
fn coerce_argument(bound: BoundExpr, ty: Type, parameter: &str) -> Result<BoundExpr> {
    if bound.ty == ty {
        return Ok(bound);
    }
    // A constant converts now, so that it stays a constant where one is required, as in
    // `top n by x` with `n` an `int` parameter given the `long` literal 10.
    let exact = match (&bound.kind, ty) {
        (BoundKind::Literal(Value::Long(number)), Type::Int) => {
            i32::try_from(*number).ok().map(Value::Int)
        }
        (BoundKind::Literal(Value::Int(number)), Type::Long) => {
            Some(Value::Long(i64::from(*number)))
        }
        _ => None,
    };
    if let Some(value) = exact {
        return Ok(BoundExpr {
            kind: BoundKind::Literal(value),
            ty,
            span: bound.span,
        });
    }
    let conversion = match ty {
        Type::Int if bound.ty.is_numeric() => "toint",
        Type::Long if bound.ty.is_numeric() => "tolong",
        Type::Real if bound.ty.is_numeric() => "toreal",
        Type::Decimal if bound.ty.is_numeric() => "todecimal",
        _ => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                bound.span.clone(),
                format!(
                    "argument for parameter `{parameter}` is {}, but the parameter is {ty}",
                    bound.ty
                ),
            ))
        }
    };
    let Some(function) = functions::lookup(conversion) else {
        return Err(Error::unsupported(
            bound.span.clone(),
            format!(
                "passing a {} value to a {ty} parameter is not supported yet",
                bound.ty
            ),
        ));
    };
    let span = bound.span.clone();
    Ok(BoundExpr {
        kind: BoundKind::Call {
            function,
            args: vec![bound],
            prepared: None,
        },
        ty,
        span,
    })
}

/// Binds a call that the binder resolves itself: a user-defined function, `toscalar`,
/// `column_ifexists`, or a cloud-only function (an error). Returns `None` for the other
/// names, which the scalar catalog handles.
pub fn bind_special_call(
    binder: &mut Binder<'_>,
    name: &Ident,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Option<Result<BoundExpr>> {
    if let Some(Binding::Function(function)) = binder.lookup_binding(&name.name) {
        let function = Arc::clone(function);
        let bound = bind_user_call(binder, &function, &expr.span, args, None, schema);
        return Some(bound.and_then(|value| {
            match value {
                BoundValue::Scalar(bound) => Ok(BoundExpr {
                    span: expr.span.clone(),
                    ..bound
                }),
                BoundValue::Tabular(_) => Err(Error::at(
                    ErrorKind::TypeMismatch,
                    expr.span.clone(),
                    format!(
                        "`{}` returns a table; a scalar is expected here",
                        function.name
                    ),
                )
                .with_hint("wrap it in toscalar() to use its first value")),
            }
        }));
    }
    if binder.lookup_binding(&name.name).is_some() {
        return Some(Err(Error::at(
            ErrorKind::TypeMismatch,
            name.span.clone(),
            format!("`{}` is a `let` value, not a function", name.name),
        )));
    }
    if let Some(bound) = super::window::bind_window_call(binder, &name.name, args, expr, schema) {
        return Some(bound);
    }
    match name.name.as_str() {
        "toscalar" => Some(bind_toscalar(binder, args, expr)),
        "pack_all" => Some(bind_pack_all(binder, args, expr, schema)),
        "column_ifexists" | "columnifexists" => {
            Some(bind_column_ifexists(binder, &name.name, args, expr, schema))
        }
        "bag_pack_columns" => Some(bind_bag_pack_columns(binder, args, expr, schema)),
        "materialize" => Some(Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            "materialize() takes and returns a table; a scalar is expected here",
        ))),
        super::watchlist::GET_WATCHLIST => {
            Some(Err(super::watchlist::misuse_error(name.span.clone(), true)))
        }
        other => super::defender::misuse_error(other, name.span.clone())
            .map(Err)
            .or_else(|| cloud_only(other).map(|function| Err(function.error(name.span.clone())))),
    }
}

/// `pack_all([ignore_null_empty])`: a bag of the operator's input columns, so that in
/// `extend A = pack_all(), B = pack_all()` neither bag contains `A`
/// (learn.microsoft.com/kusto/query/pack-all-function).
// NOTE: an `extend` that replaces an input column before `pack_all()` in the same
// operator packs the new value. The reference does not say which value Kusto packs.
fn bind_pack_all(
    binder: &mut Binder<'_>,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    let flag = match args {
        [] => BoundExpr {
            kind: BoundKind::Literal(Value::Bool(false)),
            ty: Type::Bool,
            span: expr.span.clone(),
        },
        [flag] => {
            let bound = binder.bind_scalar(flag, schema)?;
            if bound.ty != Type::Bool {
                return Err(Error::at(
                    ErrorKind::TypeMismatch,
                    flag.span.clone(),
                    format!("the argument of `pack_all` must be bool, not {}", bound.ty),
                ));
            }
            bound
        }
        _ => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                expr.span.clone(),
                super::names::argument_count_message("pack_all", "0 or 1", args.len()),
            ))
        }
    };
    let packed = Schema::new(
        schema
            .fields
            .iter()
            .take(binder.input_width)
            .cloned()
            .collect(),
    );
    super::names::reject_undetermined(&packed, expr.span.clone(), |column| {
        format!("`pack_all()` of a row with the column `{column}`")
    })?;
    let mut bound_args = vec![flag];
    for (index, field) in schema.fields.iter().enumerate().take(binder.input_width) {
        bound_args.push(BoundExpr {
            kind: BoundKind::Literal(Value::from(field.name.as_str())),
            ty: Type::String,
            span: expr.span.clone(),
        });
        bound_args.push(BoundExpr {
            kind: BoundKind::Column(index),
            ty: field.ty,
            span: expr.span.clone(),
        });
    }
    Ok(BoundExpr {
        kind: BoundKind::Call {
            function: &crate::eval::functions::dynamic::PACK_ALL,
            args: bound_args,
            prepared: None,
        },
        ty: Type::Dynamic,
        span: expr.span.clone(),
    })
}

/// `toscalar(expr)`: the first column of the first row of a table, computed once per
/// query (learn.microsoft.com/kusto/query/toscalar-function). A scalar argument is
/// returned as it is.
fn bind_toscalar(binder: &mut Binder<'_>, args: &[Expr], expr: &Expr) -> Result<BoundExpr> {
    let [arg] = args else {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            super::names::argument_count_message("toscalar", "1", args.len()),
        ));
    };
    if !binder.is_tabular(arg) {
        let bound =
            binder.in_subquery_context(|binder| binder.bind_scalar(arg, &Schema::default()))?;
        return Ok(BoundExpr {
            span: expr.span.clone(),
            ..bound
        });
    }
    let subquery = bind_subquery(binder, arg)?;
    let ty = first_column_type(&subquery.plan, "toscalar")?;
    Ok(BoundExpr {
        kind: BoundKind::ToScalar(subquery),
        ty,
        span: expr.span.clone(),
    })
}

/// Binds a tabular expression used inside a scalar one, in its own row context.
pub fn bind_subquery(binder: &mut Binder<'_>, expr: &Expr) -> Result<Subquery> {
    let plan = binder.in_subquery_context(|binder| binder.bind_tabular(expr))?;
    Ok(Subquery {
        id: binder.new_subquery_id(),
        plan: Arc::new(plan),
    })
}

/// Returns the type of a subquery's first column, which `toscalar` and `in` read.
pub fn first_column_type(plan: &Plan, user: &str) -> Result<Type> {
    // Which column comes first is not known while any column is undetermined.
    super::names::reject_undetermined(&plan.schema, plan.span.clone(), |column| {
        format!("`{user}` of a table with the column `{column}`")
    })?;
    match plan.schema.fields.first() {
        Some(field) => Ok(field.ty),
        None => Err(Error::at(
            ErrorKind::TypeMismatch,
            plan.span.clone(),
            format!("`{user}` needs a table with at least one column"),
        )),
    }
}

/// `column_ifexists(name, default)`, or its deprecated alias `columnifexists`: the column
/// when the input has it, else the default
/// (learn.microsoft.com/kusto/query/column-ifexists-function).
fn bind_column_ifexists(
    binder: &mut Binder<'_>,
    function: &str,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    let [column, default] = args else {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            super::names::argument_count_message(function, "2", args.len()),
        )
        .with_hint(format!("signature: {function}(columnName, defaultValue)")));
    };
    let name = match binder.bind_scalar(column, &Schema::default()) {
        Ok(BoundExpr {
            kind: BoundKind::Literal(Value::String(text)),
            ..
        }) => text.to_string(),
        _ => {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                column.span.clone(),
                format!("the column name of `{function}` must be a string literal"),
            ))
        }
    };
    if let Some(index) = schema.index_of(&name) {
        return Ok(BoundExpr {
            kind: BoundKind::Column(index),
            ty: schema.fields[index].ty,
            span: expr.span.clone(),
        });
    }
    if let Some(error) = super::names::undetermined_reference(&name, column.span.clone(), schema) {
        return Err(error);
    }
    log::debug!("column_ifexists: no column `{name}`, using the default value");
    binder.bind_scalar(default, schema)
}

/// `bag_pack_columns(column1, …)`: a property bag of the named columns, keyed by column
/// name (learn.microsoft.com/kusto/query/bag-pack-columns-function). It is bound as
/// `bag_pack("column1", column1, …)`, because only the binder knows the column names.
fn bind_bag_pack_columns(
    binder: &mut Binder<'_>,
    args: &[Expr],
    expr: &Expr,
    schema: &Schema,
) -> Result<BoundExpr> {
    let Some(bag_pack) = functions::lookup("bag_pack") else {
        return Err(Error::unsupported(
            expr.span.clone(),
            "`bag_pack_columns` is not supported yet",
        ));
    };
    if args.is_empty() {
        return Err(Error::at(
            ErrorKind::TypeMismatch,
            expr.span.clone(),
            "`bag_pack_columns` takes at least 1 column",
        ));
    }
    let mut pairs = Vec::with_capacity(args.len() * 2);
    for arg in args {
        let ExprKind::Name(name) = &arg.kind else {
            return Err(Error::at(
                ErrorKind::TypeMismatch,
                arg.span.clone(),
                "each argument of `bag_pack_columns` must be a column name",
            ));
        };
        pairs.push(BoundExpr {
            kind: BoundKind::Literal(Value::from(name.as_str())),
            ty: Type::String,
            span: arg.span.clone(),
        });
        pairs.push(binder.bind_scalar(arg, schema)?);
    }
    Ok(BoundExpr {
        kind: BoundKind::Call {
            function: bag_pack,
            args: pairs,
            prepared: None,
        },
        ty: Type::Dynamic,
        span: expr.span.clone(),
    })
}

/// A function that exists only inside Microsoft Defender XDR or Sentinel.
pub struct CloudFunction {
    pub name: String,
    /// True when it returns a table, so that it binds as a tabular source.
    pub tabular: bool,
    product: &'static str,
}

impl CloudFunction {
    pub fn error(&self, span: Span) -> Error {
        let name = &self.name;
        let example = format!("let {name} = (T:(*)) {{ T }}; for `| invoke {name}()`, or let {name} = () {{ externaldata(…)['file.csv'] }}; for use as a table");
        Error::unsupported(
            span,
            format!(
                "`{name}` exists only inside {}, so it is not available offline",
                self.product
            ),
        )
        .with_hint(format!(
            "define it yourself in a file of `let` statements passed with --prelude, such as: {example}"
        ))
    }
}

/// Known cloud-only functions by name: the Defender XDR helpers and the ASIM parsers
/// (`_Im_…`, `_ASim_…`, `im…`, `ASim…`). Sentinel's `_GetWatchlist` reads local files
/// instead (see `watchlist.rs`).
pub fn cloud_only(name: &str) -> Option<CloudFunction> {
    let (tabular, product) = match name {
        "SeenBy" | "AssignedIPAddresses" => (true, "Microsoft Defender XDR"),
        _ if is_asim_parser(name) => (true, "Microsoft Sentinel (an ASIM parser)"),
        _ => return None,
    };
    Some(CloudFunction {
        name: name.to_string(),
        tabular,
        product,
    })
}

fn is_asim_parser(name: &str) -> bool {
    let after = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|first| first.is_ascii_uppercase())
    };
    after("_Im_") || after("_ASim_") || after("im") || after("ASim")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asim_parser_names() {
        assert!(is_asim_parser("_Im_NetworkSession"));
        assert!(is_asim_parser("imNetworkSession"));
        assert!(is_asim_parser("_ASim_Dns"));
        assert!(is_asim_parser("ASimDnsActivityLogs"));
        assert!(!is_asim_parser("image"));
        assert!(!is_asim_parser("imports"));
    }
}
