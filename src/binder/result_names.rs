//! The column names Kusto derives for unnamed expressions: `x` for `tostring(x)`,
//! `TimeGenerated` for `bin(TimeGenerated, 1h)`, `sum_Bytes` for `sum(Bytes)`, `a_b` for
//! `a.b`. The rules follow each function's result-name kind in Kusto's own language
//! service (github.com/microsoft/Kusto-Query-Language, `Functions.cs`, `Aggregates.cs`
//! and `Binder_Projection.cs`).

use crate::ast::{Expr, ExprKind};
use crate::eval::aggregates::{self, Shape};
use crate::table::Schema;
use crate::value::Value;

/// Scalar functions whose result takes the name of their first argument.
const FIRST_ARGUMENT: &[&str] = &[
    "abs",
    "acos",
    "asin",
    "atan",
    "atan2",
    "bin",
    "bin_at",
    "binary_and",
    "binary_not",
    "binary_or",
    "binary_shift_left",
    "binary_shift_right",
    "binary_xor",
    "bitset_count_ones",
    "ceiling",
    "cos",
    "erf",
    "erfc",
    "exp",
    "exp10",
    "exp2",
    "floor",
    "format_bytes",
    "format_datetime",
    "format_timespan",
    "gamma",
    "log",
    "log10",
    "log2",
    "loggamma",
    "parse_csv",
    "parse_json",
    "parse_xml",
    "parsejson",
    "pow",
    "rand",
    "round",
    "series_fill_backward",
    "series_fill_const",
    "series_fill_forward",
    "series_fill_linear",
    "series_fir",
    "series_iir",
    "series_outliers",
    "sin",
    "split",
    "sqrt",
    "startofday",
    "tan",
    "tobool",
    "toboolean",
    "todatetime",
    "todecimal",
    "todouble",
    "todynamic",
    "toguid",
    "tohex",
    "toint",
    "tolong",
    "toobject",
    "toreal",
    "tostring",
    "totime",
    "totimespan",
];

/// Scalar functions named `name_X` after their first argument X.
const NAME_AND_FIRST_ARGUMENT: &[&str] = &["strlen", "string_size", "dcount_hll"];

/// Returns the name Kusto gives the column of an unnamed expression, or `None` when it
/// gives a generated `ColumnN` name. `schema` is the input, for `column_ifexists`.
pub fn result_name(expr: &Expr, schema: &Schema) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name.clone()),
        ExprKind::Member { expr: base, name } => match result_name(base, schema) {
            Some(left) if !left.is_empty() => Some(format!("{left}_{}", name.name)),
            _ => Some(name.name.clone()),
        },
        ExprKind::Index { expr: base, index } => {
            let right = match &index.kind {
                ExprKind::Literal(Value::String(text), _) => text.to_string(),
                ExprKind::Literal(value @ (Value::Long(_) | Value::Int(_)), _) => {
                    value.to_kusto_string()
                }
                _ => String::new(),
            };
            match result_name(base, schema) {
                Some(left) if !left.is_empty() => Some(format!("{left}_{right}")),
                _ => Some(right),
            }
        }
        ExprKind::Call { name, args } => call_result_name(&name.name, args, schema),
        // `toint(Total = x)` is named `Total` and `strlen(s = x)` is `strlen_s`: a named
        // argument gives its name in place of the name its value would give
        // (Kusto-Query-Language, `Binder_Projection.cs`, `GetExpressionResultName`).
        ExprKind::NamedArgument { name, .. } => Some(name.name.clone()),
        _ => None,
    }
}

fn call_result_name(function: &str, args: &[Expr], schema: &Schema) -> Option<String> {
    let first = args.first();
    if FIRST_ARGUMENT.contains(&function) {
        return result_name(first?, schema);
    }
    if NAME_AND_FIRST_ARGUMENT.contains(&function) {
        let argument = first.and_then(|arg| result_name(arg, schema));
        return Some(format!("{function}_{}", argument.unwrap_or_default()));
    }
    match function {
        "gettype" => {
            let argument = first.and_then(|arg| result_name(arg, schema));
            return Some(format!("type_{}", argument.unwrap_or_default()));
        }
        "column_ifexists" | "columnifexists" => {
            return match &first?.kind {
                ExprKind::Literal(Value::String(text), _) if schema.index_of(text).is_some() => {
                    Some(text.to_string())
                }
                _ => None,
            };
        }
        "make_datetime" | "make_timespan" if args.len() == 1 => {
            return result_name(first?, schema);
        }
        _ => {}
    }
    let aggregate = aggregates::lookup(function)?;
    match aggregate.shape {
        Shape::Prefixed(prefix) => {
            let argument = first.and_then(|arg| result_name(arg, schema));
            Some(format!("{prefix}_{}", argument.unwrap_or_default()))
        }
        Shape::FirstArgument => result_name(first?, schema),
        Shape::ArgExtreme | Shape::Percentiles | Shape::AnyRow => None,
    }
}

/// Returns the first `ColumnN` (N from 1) that is not among `used`.
pub fn generated_name(used: &[String]) -> String {
    let mut number = 1;
    loop {
        let candidate = format!("Column{number}");
        if !used.contains(&candidate) {
            return candidate;
        }
        number += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of(text: &str) -> Option<String> {
        let expr = crate::parser::parse_expression(text).expect("expression parses");
        result_name(&expr, &Schema::default())
    }

    #[test]
    fn names_follow_kusto_rules() {
        assert_eq!(name_of("bin(Timestamp, 1h)").as_deref(), Some("Timestamp"));
        assert_eq!(name_of("tostring(a.b)").as_deref(), Some("a_b"));
        assert_eq!(name_of("count()").as_deref(), Some("count_"));
        assert_eq!(
            name_of("dcount(DeviceId)").as_deref(),
            Some("dcount_DeviceId")
        );
        assert_eq!(name_of("make_set(tolower(x))").as_deref(), Some("set_"));
        assert_eq!(name_of("make_set(tostring(x))").as_deref(), Some("set_x"));
        assert_eq!(name_of("sum(x + 1)").as_deref(), Some("sum_"));
        assert_eq!(name_of("strlen(Name)").as_deref(), Some("strlen_Name"));
        assert_eq!(name_of("x + 1"), None);
        assert_eq!(name_of("d['key']").as_deref(), Some("d_key"));
    }

    // Kusto-Query-Language, `Binder_Projection.cs`: `GetExpressionResultName` returns the
    // declared name of a `SimpleNamedExpression`, and `GetFunctionResultName` uses it in
    // place of the first argument's name.
    #[test]
    fn named_argument_gives_its_name() {
        assert_eq!(
            name_of("toint(Compliant = dcountif(DeviceId, Ok))").as_deref(),
            Some("Compliant")
        );
        assert_eq!(
            name_of("bin(Hour = Timestamp, 1h)").as_deref(),
            Some("Hour")
        );
        assert_eq!(
            name_of("tostring(kind = parse_json(Props).rawData.kind)").as_deref(),
            Some("kind")
        );
        assert_eq!(name_of("strlen(s = Name)").as_deref(), Some("strlen_s"));
        assert_eq!(name_of("gettype(v = x)").as_deref(), Some("type_v"));
        assert_eq!(name_of("dcount(d = DeviceId)").as_deref(), Some("dcount_d"));
        assert_eq!(
            name_of("make_set(s = tolower(x))").as_deref(),
            Some("set_s")
        );
    }

    #[test]
    fn named_later_argument_is_ignored() {
        assert_eq!(name_of("round(x, digits = 2)").as_deref(), Some("x"));
        assert_eq!(name_of("iff(c, a = x, y)"), None);
        assert_eq!(name_of("strcat(a = x, y)"), None);
    }
}
