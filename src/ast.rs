//! The syntax tree of a KQL query, as the parser produces it. Every node carries the byte
//! range of its source text (`span`), so later stages can point errors at it.
//!
//! Names are not resolved here: `DeviceNetworkEvents` and `x` are both [`ExprKind::Name`]
//! until the binder decides whether each is a table, a column or a `let` variable.

use std::fmt;
use std::ops::Range;

use crate::value::{Type, Value};

pub type Span = Range<usize>;

/// A whole query text: statements separated by `;`, the last one the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Script {
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `let Name = Expr`
    Let { name: Ident, value: Expr },
    /// `let Name = (params) { body }` or `let Name = view (params) { body }`: a
    /// user-defined function.
    LetFunction {
        name: Ident,
        function: FunctionDefinition,
    },
    /// `set option = value` (accepted and ignored unless the engine knows the option)
    Set { name: Ident, value: Option<Expr> },
    /// A tabular expression whose result the script returns.
    Query(Expr),
}

/// The parameters and body of a user-defined function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDefinition {
    /// True for `view (…) { … }`.
    pub view: bool,
    pub parameters: Vec<Parameter>,
    /// `let` statements, then the statement whose value the function returns (a
    /// [`Statement::Query`]).
    pub body: Vec<Statement>,
    pub span: Span,
}

/// `name:type [= default]`, `T:(*)` or `T:(Col:type, …)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: Ident,
    pub kind: ParameterKind,
    /// The default value of a scalar parameter.
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParameterKind {
    /// A scalar of one type.
    Scalar(Type),
    /// A table: `(*)` takes any columns (`None`); `(A:type, …)` requires these.
    Tabular(Option<Vec<(Ident, Type)>>),
}

/// A name with its span.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `6`, `1.5`, `30m`, `'text'`, `true`, `datetime(2025-01-01)`, `int(null)`
    Literal(Value, Type),
    /// `dynamic([1, "a"])`, `dynamic({"k": 1})`, `dynamic(null)`
    Dynamic(serde_json::Value),
    /// `DeviceName`, `['Tcp Flags']`, `$left`
    Name(String),
    /// `-x`, `+x`
    Negate(Box<Expr>),
    /// `a + b`, `a == b`, `a and b`, `a has "x"`, …
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `x in (a, b)`, `x !in (T | project c)`, `x in~ (dyn)`
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    /// `x has_any (a, b)`, `x has_all (dyn)`
    HasAny {
        expr: Box<Expr>,
        list: Vec<Expr>,
        all: bool,
    },
    /// `x between (low .. high)`, `x !between (low .. high)`
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `f(a, b)`
    Call { name: Ident, args: Vec<Expr> },
    /// `x.name`, `x.['name']`
    Member { expr: Box<Expr>, name: Ident },
    /// `x[index]`, `x["key"]`
    Index { expr: Box<Expr>, index: Box<Expr> },
    /// `*`, as in `count(*)`-style arguments
    Star,
    /// `source | operator | …`: a tabular expression.
    Pipe {
        source: Box<Expr>,
        operators: Vec<Operator>,
    },
    /// `datatable(A:type, …)[v1, v2, …]`
    DataTable {
        columns: Vec<(Ident, Type)>,
        values: Vec<Expr>,
    },
    /// `print a = 1, b`: a one-row table.
    Print(Vec<Assignment>),
    /// `input | invoke f(a, b)`: calls the function with `input` as its first argument.
    Invoke {
        input: Box<Expr>,
        function: Ident,
        args: Vec<Expr>,
    },
    /// `externaldata (A:type, …) [ 'uri', … ] with (format = csv, …)`
    ExternalData {
        columns: Vec<(Ident, Type)>,
        uris: Vec<Expr>,
        properties: Vec<(Ident, Expr)>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Or,
    And,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    /// `=~`: equal ignoring case
    EqualIgnoreCase,
    /// `!~`
    NotEqualIgnoreCase,
    Add,
    Subtract,
    Multiply,
    Divide,
    Modulo,
    /// The string predicates: `has`, `!contains_cs`, `startswith`, …
    Str(StringOp),
    /// `matches regex`
    MatchesRegex,
}

/// A string predicate: which test, whether it respects case, and whether it is negated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StringOp {
    pub test: StringTest,
    pub case_sensitive: bool,
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringTest {
    Has,
    HasPrefix,
    HasSuffix,
    Contains,
    StartsWith,
    EndsWith,
}

impl StringOp {
    /// The operator's KQL spelling, such as `!has_cs`.
    pub fn spelling(self) -> String {
        let base = match self.test {
            StringTest::Has => "has",
            StringTest::HasPrefix => "hasprefix",
            StringTest::HasSuffix => "hassuffix",
            StringTest::Contains => "contains",
            StringTest::StartsWith => "startswith",
            StringTest::EndsWith => "endswith",
        };
        format!(
            "{}{}{}",
            if self.negated { "!" } else { "" },
            base,
            if self.case_sensitive { "_cs" } else { "" }
        )
    }
}

impl fmt::Display for BinaryOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Equal => "==",
            BinaryOp::NotEqual => "!=",
            BinaryOp::Less => "<",
            BinaryOp::LessOrEqual => "<=",
            BinaryOp::Greater => ">",
            BinaryOp::GreaterOrEqual => ">=",
            BinaryOp::EqualIgnoreCase => "=~",
            BinaryOp::NotEqualIgnoreCase => "!~",
            BinaryOp::Add => "+",
            BinaryOp::Subtract => "-",
            BinaryOp::Multiply => "*",
            BinaryOp::Divide => "/",
            BinaryOp::Modulo => "%",
            BinaryOp::Str(op) => return f.write_str(&op.spelling()),
            BinaryOp::MatchesRegex => "matches regex",
        };
        f.write_str(text)
    }
}

/// `Name = expr`, or a bare `expr` whose column name is derived from it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub name: Option<Ident>,
    pub expr: Expr,
}

/// One tabular operator after a `|`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OperatorKind {
    /// `where predicate` (also spelled `filter`)
    Where(Expr),
    /// `extend A = expr, …`
    Extend(Vec<Assignment>),
    /// `project A, B = expr, …`
    Project(Vec<Assignment>),
    /// `take N` / `limit N`
    Take(Expr),
    /// `count`
    Count,
    /// `lookup [kind=leftouter|inner] Right on Key, $left.A == $right.B, …`
    Lookup {
        kind: LookupKind,
        right: Box<Expr>,
        on: Vec<JoinKey>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LookupKind {
    LeftOuter,
    Inner,
}

/// One `on` condition of a `lookup` or `join`.
#[derive(Debug, Clone, PartialEq)]
pub enum JoinKey {
    /// `on Col`: the same column name on both sides.
    Same(Ident),
    /// `on $left.A == $right.B` (either order of the two sides)
    Pair { left: Ident, right: Ident },
}
