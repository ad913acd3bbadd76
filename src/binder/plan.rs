//! The bound query: tabular plans and typed scalar expressions with every name resolved.
//! This is what the evaluator runs; it holds no unresolved names and no parse-time
//! ambiguity, and every node that can fail at run time keeps its span.

use std::sync::Arc;

use regex::Regex;

use crate::ast::{LookupKind, Span, StringOp};
use crate::eval::functions::{Function, PreparedCall};
use crate::eval::text::Needle;
use crate::table::{Schema, Table};
use crate::value::{Type, Value};

/// A tabular plan node. Each node knows the schema it produces.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: PlanKind,
    pub schema: Schema,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum PlanKind {
    /// A table supplied by the caller (a loaded file), read by name.
    Scan {
        table: String,
    },
    /// A constant table (`datatable`, `print` without columns).
    Constant(Arc<Table>),
    /// `print a = expr, …`: one row computed from expressions.
    Print {
        exprs: Vec<BoundExpr>,
    },
    Where {
        input: Box<Plan>,
        predicate: BoundExpr,
    },
    /// `extend` and `project`: each output column is an input column or an expression.
    Project {
        input: Box<Plan>,
        columns: Vec<ProjectColumn>,
    },
    Take {
        input: Box<Plan>,
        count: usize,
    },
    Count {
        input: Box<Plan>,
    },
    Lookup(Box<LookupPlan>),
    /// `externaldata`: a file read when the query runs.
    ExternalData(Box<ExternalDataPlan>),
}

#[derive(Debug, Clone)]
pub enum ProjectColumn {
    /// An input column passed through unchanged (by position).
    Input(usize),
    /// A computed column.
    Computed(BoundExpr),
}

/// `lookup`: for each left row, the matching right rows by key equality.
#[derive(Debug, Clone)]
pub struct LookupPlan {
    pub left: Plan,
    pub right: Plan,
    pub kind: LookupKind,
    /// Key column positions, pairwise: `left_keys[i]` matches `right_keys[i]`.
    pub left_keys: Vec<usize>,
    pub right_keys: Vec<usize>,
    /// Right columns appended to the output (all but the right-side keys), by position.
    pub right_output: Vec<usize>,
}

/// `externaldata (columns) [uris] with (format = …, ignoreFirstRecord = …)`.
#[derive(Debug, Clone)]
pub struct ExternalDataPlan {
    /// Local paths or URLs, read in order; a URL is read from the local file that
    /// `--externaldata URL=PATH` maps it to.
    pub uris: Vec<String>,
    /// `None` chooses the format by file extension.
    pub format: Option<crate::data::external::ExternalFormat>,
    pub ignore_first_record: bool,
}

/// A tabular expression inside a scalar one (`toscalar(T)`, `x in (T | project c)`):
/// the evaluator runs it at most once per query and caches the result by `id`.
#[derive(Debug, Clone)]
pub struct Subquery {
    pub id: usize,
    pub plan: Arc<Plan>,
}

/// A typed scalar expression.
#[derive(Debug, Clone)]
pub struct BoundExpr {
    pub kind: BoundKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum BoundKind {
    Literal(Value),
    Column(usize),
    Negate(Box<BoundExpr>),
    Arithmetic {
        op: Arithmetic,
        left: Box<BoundExpr>,
        right: Box<BoundExpr>,
    },
    Compare {
        op: Comparison,
        left: Box<BoundExpr>,
        right: Box<BoundExpr>,
    },
    And(Box<BoundExpr>, Box<BoundExpr>),
    Or(Box<BoundExpr>, Box<BoundExpr>),
    /// `has`, `contains`, `startswith`, … against a needle computed per row.
    StringTest {
        op: StringOp,
        text: Box<BoundExpr>,
        needle: Box<BoundExpr>,
    },
    /// `has_any` / `has_all` against needles; constant needles are lowercased once.
    HasAny {
        text: Box<BoundExpr>,
        needles: Needles,
        all: bool,
    },
    /// `in`, `!in`, `in~`, `!in~`.
    In {
        value: Box<BoundExpr>,
        list: Vec<BoundExpr>,
        negated: bool,
        case_insensitive: bool,
    },
    Between {
        value: Box<BoundExpr>,
        low: Box<BoundExpr>,
        high: Box<BoundExpr>,
        negated: bool,
    },
    MatchesRegex {
        text: Box<BoundExpr>,
        regex: Arc<Regex>,
    },
    /// `d.key`, `d["key"]`, `d[0]` on a dynamic value.
    Element {
        value: Box<BoundExpr>,
        key: Box<BoundExpr>,
    },
    Call {
        function: &'static Function,
        args: Vec<BoundExpr>,
        /// The call site's implementation built from its constant arguments, if the
        /// function prepares one.
        prepared: Option<PreparedCall>,
    },
    /// `toscalar(T)`: the first column of the first row, or null for no rows.
    ToScalar(Subquery),
    /// The first column of a table as the right side of `in`; appears only in
    /// [`BoundKind::In`]'s list.
    SubqueryColumn(Subquery),
}

/// The right side of `has_any`/`has_all`.
#[derive(Debug, Clone)]
pub enum Needles {
    /// Known before the query runs, so prepared once.
    Constant(Vec<Needle>),
    /// Computed per row; dynamic arrays among them are flattened.
    PerRow(Vec<BoundExpr>),
    /// The first column of a table, one needle per row, prepared once per query.
    Subquery(Subquery),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arithmetic {
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    EqualIgnoreCase,
    NotEqualIgnoreCase,
}
