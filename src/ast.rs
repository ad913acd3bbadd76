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
    /// `Name = expr` as a call argument, as in `arg_max(Time, LastSeen = Col)` or
    /// `toint(Total = x)`. Built-in functions and aggregates take the value by position,
    /// and the name only names the result column.
    NamedArgument { name: Ident, value: Box<Expr> },
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
    /// `range Column from start to stop step step`: a one-column table.
    Range {
        column: Ident,
        start: Box<Expr>,
        stop: Box<Expr>,
        step: Box<Expr>,
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
    /// `sample N`: up to N rows chosen at random
    Sample(Expr),
    /// `count`
    Count,
    /// `lookup [kind=leftouter|inner] Right on Key, $left.A == $right.B, …`
    Lookup {
        kind: LookupKind,
        right: Box<Expr>,
        on: Vec<JoinKey>,
    },
    /// `summarize [Name =] agg(…), … [by [Name =] expr, …]`
    Summarize {
        aggregates: Vec<Assignment>,
        by: Vec<Assignment>,
    },
    /// `distinct A, B` or `distinct *`
    Distinct(Vec<Assignment>),
    /// `sort by expr [asc|desc] [nulls first|last], …` (also spelled `order by`)
    Sort(Vec<SortKey>),
    /// `top N by expr [asc|desc] [nulls first|last]`
    Top { count: Expr, key: SortKey },
    /// `project-away A, B*`
    ProjectAway(Vec<Ident>),
    /// `project-keep A, B*`
    ProjectKeep(Vec<Ident>),
    /// `project-rename New = Old, …`
    ProjectRename(Vec<(Ident, Ident)>),
    /// `project-reorder A, B* [asc|desc|granny-asc|granny-desc], …`
    ProjectReorder(Vec<(Ident, Option<ColumnOrder>)>),
    /// `join [kind=…] [hint.…=…] Right on Key, $left.A == $right.B, …`
    Join {
        kind: JoinKind,
        right: Box<Expr>,
        on: Vec<JoinKey>,
    },
    /// `mv-expand [bagexpansion=array] [with_itemindex=I] [Name =] expr [to typeof(T)], … [limit N]`
    /// (also spelled `mvexpand`)
    MvExpand(MvExpand),
    /// `mv-apply [with_itemindex=I] [Name =] expr [to typeof(T)], … [limit N] on (subquery)`
    /// (also spelled `mvapply`)
    MvApply(MvApply),
    /// `make-series [kind=nonempty] [Name =] agg(…) [default = v], … on Axis from a to b step s
    /// [by [Name =] expr, …]`, or `… on Axis in range(a, b, s) …`
    MakeSeries(Box<MakeSeries>),
    /// `union [kind=inner|outer] [withsource=Name] [isfuzzy=bool] T, (query), Prefix*, …`.
    /// `leading` is true when `union` starts the pipeline, so it has no piped input.
    Union(Union),
    /// `as Name`: names the piped table for `withsource` and later reference.
    As(Ident),
    /// `serialize [Name = expr, …]`
    Serialize(Vec<Assignment>),
    /// `getschema`
    GetSchema,
    /// `render chart [with (…)]`: the rows pass through unchanged.
    Render { chart: Ident },
    /// `parse [kind=simple|regex|relaxed] [flags=…] expr with pattern` and `parse-where`.
    Parse(Parse),
    /// `evaluate plugin(args…) [: (Name:type, …)]`
    Evaluate {
        plugin: Ident,
        args: Vec<Expr>,
        output_schema: Option<OutputSchema>,
    },
    /// `parse-kv expr as (Name:type, …) with (pair_delimiter=…, kv_delimiter=…, …)` or
    /// `… with (regex=…)`
    ParseKv(ParseKv),
    /// `search [kind=case_sensitive] [in (T, U*, …)] predicate`, after `|` or starting a
    /// pipeline.
    Search(Search),
    /// `partition [hint.strategy=legacy|native|shuffle] [hint.…=…] by Column (subquery)`
    Partition(Partition),
    /// `scan [with_match_id = Name] [declare (Name:type [= default], …)] with (step …; …)`
    Scan(Box<Scan>),
}

/// The execution strategy that `partition`'s `hint.strategy` names. It never changes the
/// result, but the strategy decides which subqueries are valid and how many partitions
/// are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartitionStrategy {
    /// The default: at most 64 partitions, and any subquery.
    Legacy,
    Native,
    Shuffle,
}

/// The arguments of `partition`: the key column, then the operators of the subquery that
/// runs over each partition's rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Partition {
    pub strategy: PartitionStrategy,
    pub key: Ident,
    pub subquery: Vec<Operator>,
}

/// The arguments of `scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    /// `with_match_id = Name`: a `long` column with the number of each row's match.
    pub match_id: Option<Ident>,
    /// The `declare` columns that the steps assign, with their defaults.
    pub declarations: Vec<ScanDeclaration>,
    pub steps: Vec<ScanStep>,
}

/// `Name:type [= default]` in the `declare` clause of `scan`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanDeclaration {
    pub name: Ident,
    pub ty: Type,
    pub default: Option<Expr>,
}

/// `step Name [output = all|last|none] : condition [=> Column = expr, …] ;`
#[derive(Debug, Clone, PartialEq)]
pub struct ScanStep {
    pub name: Ident,
    pub output: ScanOutput,
    pub condition: Expr,
    pub assignments: Vec<(Ident, Expr)>,
    pub span: Span,
}

/// The matches of a step that `scan` outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOutput {
    All,
    Last,
    None,
}

/// The arguments of `search`.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    /// `kind=case_sensitive`; `default` and `case_insensitive` give false.
    pub case_sensitive: bool,
    /// The `in (…)` list, written like the tables of `union`.
    pub tables: Option<Vec<UnionTable>>,
    pub predicate: SearchPredicate,
    /// True when `search` starts the pipeline, so it has no piped input.
    pub leading: bool,
}

/// A `search` predicate: `and`/`or` over terms, `Column:term` tests and expressions.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchPredicate {
    /// `Column:"term"`: the column has the term.
    ColumnTerm {
        column: Ident,
        term: Expr,
    },
    /// `"term"`, `"term*"`, `*`, `* has "x"`, `Col == "x"` or any other expression; the
    /// binder decides which it is.
    Expr(Expr),
    And(Box<SearchPredicate>, Box<SearchPredicate>),
    Or(Box<SearchPredicate>, Box<SearchPredicate>),
}

/// The `: ([*,] Name:type, …)` after a plugin call, which fixes the plugin's output
/// columns before the query runs.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputSchema {
    /// A leading `*`: every input column comes first.
    pub wildcard: bool,
    pub columns: Vec<(Ident, Type)>,
    pub span: Span,
}

/// The arguments of `parse-kv`.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseKv {
    pub source: Expr,
    pub columns: Vec<(Ident, Type)>,
    /// The `with (name = value, …)` properties, each value a constant expression.
    pub properties: Vec<(Ident, Expr)>,
}

/// One `sort`/`top` key.
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    /// `asc` gives false; the default is descending.
    pub descending: bool,
    /// `nulls first`/`nulls last`; `None` takes the default of the direction.
    pub nulls_first: Option<bool>,
}

/// The order `project-reorder` gives to the columns one pattern matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnOrder {
    Asc,
    Desc,
    GrannyAsc,
    GrannyDesc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftAnti,
    RightAnti,
    LeftSemi,
    RightSemi,
}

impl JoinKind {
    /// Returns the kind that a `kind=` value names, including the documented aliases.
    pub fn from_name(name: &str) -> Option<JoinKind> {
        let kind = match name {
            "innerunique" => JoinKind::InnerUnique,
            "inner" => JoinKind::Inner,
            "leftouter" => JoinKind::LeftOuter,
            "rightouter" => JoinKind::RightOuter,
            "fullouter" => JoinKind::FullOuter,
            "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
            "rightanti" | "rightantisemi" => JoinKind::RightAnti,
            "leftsemi" => JoinKind::LeftSemi,
            "rightsemi" => JoinKind::RightSemi,
            _ => return None,
        };
        Some(kind)
    }
}

/// The arguments of `mv-expand`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpand {
    pub items: Vec<MvExpandItem>,
    /// `with_itemindex=Name`: a column with each element's position in its array.
    pub item_index: Option<Ident>,
    /// `limit N`: at most N rows from each input row.
    pub limit: Option<Expr>,
    /// `bagexpansion=array` expands a bag to `[key, value]` pairs instead of one-key bags.
    pub bag_as_array: bool,
    /// Spelled `mvexpand`, whose default row limit is 128.
    pub legacy: bool,
}

/// One expanded column of `mv-expand`: `[Name =] expr [to typeof(T)]`.
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpandItem {
    pub name: Option<Ident>,
    pub expr: Expr,
    pub to_type: Option<Type>,
}

/// The arguments of `mv-apply`: the expansion, then the operators of the subquery that
/// runs over each input row's expanded rows.
#[derive(Debug, Clone, PartialEq)]
pub struct MvApply {
    pub expand: MvExpand,
    pub subquery: Vec<Operator>,
}

/// The arguments of `make-series`.
#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    /// `kind=nonempty`: an empty input gives one row of default values.
    pub nonempty: bool,
    /// Each aggregate with its `default = v` value.
    pub aggregates: Vec<(Assignment, Option<Expr>)>,
    pub axis: Expr,
    pub range: SeriesRange,
    pub by: Vec<Assignment>,
}

/// The axis values of `make-series`: `[from a] [to b] step s`, where `b` is excluded, or
/// `in range(a, b, s)`, where `b` is included.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesRange {
    pub from: Option<Expr>,
    pub to: Option<Expr>,
    pub step: Expr,
    /// Written `in range(a, b, s)`.
    pub in_range: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// `kind=inner` keeps only the columns all inputs share; `outer` (the default) keeps all.
    pub inner: bool,
    pub with_source: Option<Ident>,
    /// `isfuzzy=true`: tables that do not exist are skipped.
    pub fuzzy: bool,
    pub tables: Vec<UnionTable>,
    pub leading: bool,
}

/// One input of `union`.
#[derive(Debug, Clone, PartialEq)]
pub enum UnionTable {
    /// A table or tabular `let` name, or a subquery in parentheses.
    Expr(Expr),
    /// A table name pattern with `*`, such as `Device*Events`.
    Pattern(Ident),
}

/// The arguments of `parse` and `parse-where`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parse {
    pub kind: ParseKind,
    /// `flags=…` for `kind=regex`, such as `Ui`.
    pub flags: Option<String>,
    pub source: Expr,
    pub pattern: Vec<ParseSegment>,
    /// `parse-where`: rows whose text does not match are dropped.
    pub filter: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseKind {
    Simple,
    Regex,
    Relaxed,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseSegment {
    /// A string literal to match.
    Literal(String),
    /// `*`: skips any text.
    Wildcard,
    /// `Name` or `Name:type`: captures text into a new (or existing) column.
    Column { name: Ident, ty: Option<Type> },
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
