//! The bound query: tabular plans and typed scalar expressions with every name resolved.
//! This is what the evaluator runs; it contains no unresolved names and no parse-time
//! ambiguity, and every node that can fail at run time keeps its span.

use std::sync::Arc;

use regex::Regex;

use crate::ast::{JoinKind, LookupKind, Span, StringOp};
use crate::eval::aggregates::Aggregate;
use crate::eval::functions::pattern::RegexCache;
use crate::eval::functions::{Function, PreparedCall};
use crate::eval::text::Needle;
use crate::table::{Schema, Table};
use crate::value::{Type, Value};

/// A tabular plan node. Each node carries the schema it produces.
#[derive(Debug, Clone)]
pub struct Plan {
    pub kind: PlanKind,
    pub schema: Schema,
    pub span: Span,
}

impl Plan {
    /// Returns the chart a final `render` operator requests, such as `timechart`, so that
    /// an output format can report it; the rows are the same with or without it.
    pub fn requested_chart(&self) -> Option<&str> {
        match &self.kind {
            PlanKind::Render { chart, .. } => Some(chart),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub enum PlanKind {
    /// A `let`-bound tabular expression, shared by every use of its name, so that a
    /// chain of lets each built on the last costs memory in proportion to its length.
    Shared(Arc<Plan>),
    /// `materialize(T)`: `plan` runs once per query and every use reads that result, so
    /// that `sample` and `rand()` in it give the same rows each time
    /// (learn.microsoft.com/kusto/query/materialize-function). `id` keys the cached result.
    Materialized {
        id: usize,
        plan: Arc<Plan>,
    },
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
    /// `sample N`: up to `count` rows of the input, chosen at random.
    Sample {
        input: Box<Plan>,
        count: usize,
    },
    Count {
        input: Box<Plan>,
    },
    Lookup(Box<LookupPlan>),
    /// `externaldata`: a file read when the query runs.
    ExternalData(Box<ExternalDataPlan>),
    /// `summarize` and `distinct`: one row per distinct key, then the aggregates.
    Summarize(Box<SummarizePlan>),
    /// `sort`/`order`, and `top` under a `Take`.
    Sort {
        input: Box<Plan>,
        keys: Vec<SortSpec>,
    },
    Join(Box<JoinPlan>),
    MvExpand(Box<MvExpandPlan>),
    MvApply(Box<MvApplyPlan>),
    /// `partition`: the subquery's results over the rows of each key value, one after
    /// another.
    Partition(Box<PartitionPlan>),
    MakeSeries(Box<MakeSeriesPlan>),
    /// `union`: the inputs' rows one after another, columns mapped by name.
    Union(Vec<UnionInput>),
    Parse(Box<ParsePlan>),
    /// `serialize`: the rows pass through, marked as ordered so that window functions
    /// such as `prev()` may read neighbouring rows.
    Serialize {
        input: Box<Plan>,
    },
    /// `evaluate bag_unpack(…) [: (…)]`: columns filled from the slots of a property bag.
    BagUnpack(Box<BagUnpackPlan>),
    /// `evaluate pivot(…)`: one row per group of key columns, one column per pivot value.
    Pivot(Box<PivotPlan>),
    /// `bag_unpack` without an output schema or `pivot`, bound by `kql check` without
    /// rows, so its columns are only those the query names. It cannot run.
    ColumnsFromData(Box<ColumnsFromDataPlan>),
    /// `parse-kv`: columns filled from key/value pairs in a text.
    ParseKv(Box<ParseKvPlan>),
    /// `range Column from a to b step s`: the values, computed when the query runs.
    Range(Box<RangePlan>),
    /// `search`: the rows whose predicate is true, with a `$table` column first.
    Search(Box<SearchPlan>),
    /// `evaluate ipv4_lookup(…)`: each row extended with the lookup row whose IPv4
    /// range contains its address.
    Ipv4Lookup(Box<Ipv4LookupPlan>),
    /// `evaluate activity_counts_metrics(…)`: per time window and dimension values, the
    /// row count and the distinct, new and running distinct counts of an ID column.
    ActivityCountsMetrics(Box<ActivityCountsMetricsPlan>),
    /// The `scan` operator: one output row for each match of an input row to a step.
    ScanOperator(Box<ScanOperatorPlan>),
    /// `invoke FileProfile(…)`: each row extended with the file profile of its hash, read
    /// from the loaded `FileProfile` table.
    FileProfile(Box<FileProfilePlan>),
    /// `invoke DeviceFromIP(…)`: the devices that the loaded `DeviceFromIP` table assigns
    /// to each IP address of the input.
    DeviceFromIp(Box<DeviceFromIpPlan>),
    /// `render`: the rows pass through; `chart` is the requested visualization.
    Render {
        input: Box<Plan>,
        chart: String,
    },
}

/// The `scan` operator. Each step's expressions are bound against one scope row: the
/// current input row, then for every step the input columns and the declared columns of
/// the row that the step matched last in the sequence being read.
#[derive(Debug, Clone)]
pub struct ScanOperatorPlan {
    pub input: Plan,
    /// The declared columns' types and default values, which the state holds for a step
    /// that has not matched yet and an output row holds for a column its step does not
    /// assign.
    pub declared: Vec<(Type, Value)>,
    pub steps: Vec<ScanStepPlan>,
    /// True with `with_match_id`: the output ends with the match number.
    pub match_id: bool,
    /// The schema of the scope row that the steps' expressions are bound against.
    pub scope: Schema,
}

/// One step of the `scan` operator.
#[derive(Debug, Clone)]
pub struct ScanStepPlan {
    /// False for `output=none`.
    pub output: bool,
    pub condition: BoundExpr,
    /// The index of each assigned declared column, with its value.
    pub assignments: Vec<(usize, BoundExpr)>,
}

/// The hash that a `FileProfile()` key column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileHash {
    Sha1,
    Sha256,
}

/// `invoke FileProfile(Key, Limit)`. The output has every input column, then the profile
/// columns at the positions `added` of `binder::defender::FILE_PROFILE_COLUMNS`.
#[derive(Debug, Clone)]
pub struct FileProfilePlan {
    pub input: Plan,
    /// The input column with the hash to look up.
    pub key: usize,
    pub hash: FileHash,
    /// The number of records to enrich: the query's limit, or 100 without one, at most
    /// 1000.
    pub limit: i64,
    pub added: Vec<usize>,
}

/// `invoke DeviceFromIP(Key)`: the output columns are IP and DeviceId.
#[derive(Debug, Clone)]
pub struct DeviceFromIpPlan {
    pub input: Plan,
    /// The input column with the IP address.
    pub key: usize,
}

/// `search`: the input is a table read by name or a `union` of tables with a `$table`
/// column already first.
#[derive(Debug, Clone)]
pub struct SearchPlan {
    pub input: Plan,
    pub predicate: BoundExpr,
    /// The `$table` value to put before the input's columns, for a piped table; `None`
    /// when the input has the column.
    pub table: Option<String>,
}

/// `evaluate ipv4_lookup(LookupTable, SourceKey, LookupKey, ExtraKey…, return_unmatched)`.
/// The output has every input column, then the lookup columns in `lookup_output`.
#[derive(Debug, Clone)]
pub struct Ipv4LookupPlan {
    pub input: Plan,
    pub lookup: Plan,
    /// The input column with the IPv4 address of each row.
    pub source_key: usize,
    /// The lookup column with an IPv4 address or CIDR range.
    pub lookup_key: usize,
    /// Extra key columns that must be equal, pairwise: input side, then lookup side.
    pub input_extra_keys: Vec<usize>,
    pub lookup_extra_keys: Vec<usize>,
    pub lookup_output: Vec<usize>,
    /// Keeps input rows without a match, with empty lookup columns.
    pub return_unmatched: bool,
}

/// `evaluate activity_counts_metrics(IdColumn, TimelineColumn, Start, End, Step
/// [, Dimension…])`. Start, End and Step read no columns; they are computed once when the
/// query runs, so that `ago()` and `now()` read the query's clock.
#[derive(Debug, Clone)]
pub struct ActivityCountsMetricsPlan {
    pub input: Plan,
    pub id: usize,
    /// The `datetime` column whose values fall into windows.
    pub timeline: usize,
    pub start: BoundExpr,
    pub end: BoundExpr,
    /// A `timespan`.
    pub step: BoundExpr,
    pub dimensions: Vec<usize>,
}

/// `summarize`: the output has the key columns, then each aggregate's columns.
#[derive(Debug, Clone)]
pub struct SummarizePlan {
    pub input: Plan,
    pub keys: Vec<BoundExpr>,
    pub aggregates: Vec<AggregateCall>,
}

/// One aggregate call in `summarize`.
#[derive(Debug, Clone)]
pub struct AggregateCall {
    pub function: &'static Aggregate,
    /// Bound arguments; `*` has been expanded to column references.
    pub args: Vec<BoundExpr>,
    /// How many output columns the call produces.
    pub outputs: usize,
    pub span: Span,
}

/// One `sort` key with its direction and null placement resolved.
#[derive(Debug, Clone)]
pub struct SortSpec {
    pub expr: BoundExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// `join`: key columns pairwise, and which side each output column comes from.
#[derive(Debug, Clone)]
pub struct JoinPlan {
    pub left: Plan,
    pub right: Plan,
    pub kind: JoinKind,
    pub left_keys: Vec<usize>,
    pub right_keys: Vec<usize>,
    pub output: Vec<JoinColumn>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinColumn {
    Left(usize),
    Right(usize),
}

/// `mv-expand`: the input columns (expanded ones replaced in place), then new columns.
#[derive(Debug, Clone)]
pub struct MvExpandPlan {
    pub input: Plan,
    pub items: Vec<MvExpandColumn>,
    /// Rows produced from each input row, at most.
    pub limit: usize,
    pub bag_as_array: bool,
    /// Appends the element position as a `long` column.
    pub item_index: bool,
    /// `mv-apply` expands arrays only: a property bag is an error instead of one-key bags.
    pub arrays_only: bool,
}

/// `mv-apply`: for each input row, the subquery runs over the row's expanded rows, and
/// its rows are joined back with the row's columns.
#[derive(Debug, Clone)]
pub struct MvApplyPlan {
    pub input: Plan,
    /// The name under which the subquery's source (an `mv-expand` of one row) reads the
    /// current input row. It contains a space, so no query can name it.
    pub row_table: String,
    /// `mv-expand` of the one-row table, then the subquery's operators.
    pub subquery: Plan,
    pub columns: Vec<ApplyColumn>,
}

/// `partition`: for each distinct value of the key column, in order of first appearance,
/// the subquery runs over the input rows with that value.
#[derive(Debug, Clone)]
pub struct PartitionPlan {
    pub input: Plan,
    /// The key column's position in the input.
    pub key: usize,
    /// The name under which the subquery's source reads the current partition's rows. It
    /// contains a space, so no query can name it.
    pub partition_table: String,
    pub subquery: Plan,
    /// The maximum number of partitions: 64 for the legacy strategy, no limit for the others.
    pub max_partitions: Option<usize>,
}

/// `make-series`: the input is a `summarize` by the `by` keys and then the axis bin, with
/// one column per aggregate; each group of `by` keys becomes one row of arrays.
#[derive(Debug, Clone)]
pub struct MakeSeriesPlan {
    pub input: Plan,
    /// How many `by` keys come before the bin column.
    pub key_count: usize,
    /// `from`, `to` (excluded) and `step`, without column references.
    pub start: BoundExpr,
    pub end: BoundExpr,
    pub step: BoundExpr,
    /// For each aggregate: the value of a bin without rows.
    pub defaults: Vec<Value>,
    /// `kind=nonempty`: an empty input gives one row of defaults.
    pub nonempty: bool,
}

/// The source of one `mv-apply` output column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyColumn {
    /// The input row's column, repeated for each subquery row.
    Input(usize),
    /// A column of the subquery's result.
    Subquery(usize),
}

#[derive(Debug, Clone)]
pub struct MvExpandColumn {
    pub expr: BoundExpr,
    /// The output position: an input column it replaces, or a new column.
    pub output: usize,
    /// `to typeof(T)`: elements that are not of this type become null.
    pub to_type: Option<Type>,
}

/// One `union` input: its plan, and for each output column the input column that fills
/// it (none gives nulls).
#[derive(Debug, Clone)]
pub struct UnionInput {
    pub plan: Plan,
    pub columns: Vec<Option<usize>>,
    /// The `withsource` column's value for this input's rows.
    pub source: Option<String>,
}

/// `parse`/`parse-where`: a regular expression built from the pattern, one capture group
/// per extracted column.
#[derive(Debug, Clone)]
pub struct ParsePlan {
    pub input: Plan,
    pub text: BoundExpr,
    pub regex: Arc<Regex>,
    /// For each extracted column: its output position and type.
    pub captures: Vec<(usize, Type)>,
    /// For each extracted column: the index of its capture group in `regex`.
    pub groups: Vec<usize>,
    /// `parse-where` drops rows that do not match; `parse` keeps them with empty values.
    pub filter: bool,
    /// `kind=relaxed`: a value that does not convert to its column type becomes null
    /// instead of failing the whole match.
    pub relaxed: bool,
}

/// `evaluate pivot(PivotColumn [, Aggregate] [, Key, …])`. The input is a `summarize` of
/// the aggregate by the keys and then the pivot column. The output has the keys, then
/// one column per pivot value.
#[derive(Debug, Clone)]
pub struct PivotPlan {
    pub input: Plan,
    /// How many key columns come before the pivot column in the input.
    pub key_count: usize,
    /// The pivot values found in the data when the query was bound, in output column
    /// order. The run fails on a value that is not among them.
    pub values: Vec<Value>,
    /// The cell of a key group without rows for a pivot value.
    pub empty_cell: Value,
}

/// `evaluate bag_unpack(Column, …) [: (Name:type, …)]`.
#[derive(Debug, Clone)]
pub struct BagUnpackPlan {
    pub input: Plan,
    /// The position of the unpacked dynamic column in the input.
    pub bag: usize,
    pub conflict: ColumnsConflict,
    /// One entry per output column, in output order.
    pub columns: Vec<UnpackColumn>,
    /// Without an output schema: the slots found in the data when the query was bound.
    pub discovered: Option<DiscoveredSlots>,
}

/// A plugin whose output columns depend on the data, bound without rows; see
/// `binder::data_dependent`.
#[derive(Debug, Clone)]
pub struct ColumnsFromDataPlan {
    pub input: Plan,
    /// The name of the construct that creates the columns, such as "`bag_unpack`" or "the
    /// custom table `Fw_CL`", for the error that running the plan returns.
    pub source: String,
}

/// The slots of the unpacked bags that the binder found by running the input, from
/// which it built the output columns. The run checks that its input has the same slots.
#[derive(Debug, Clone)]
pub struct DiscoveredSlots {
    /// Each slot's name and column type, sorted by name.
    pub slots: Vec<(String, Type)>,
    /// The `ignoredProperties` argument.
    pub ignored: Vec<String>,
}

/// The `columnsConflict` argument of `bag_unpack`: what happens when a bag slot has the
/// name of an input column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnsConflict {
    /// The query fails.
    Error,
    /// The slot's values replace the input column.
    ReplaceSource,
    /// The input column stays.
    KeepSource,
}

/// The sources of one `bag_unpack` output column's values.
#[derive(Debug, Clone)]
pub struct UnpackColumn {
    /// The bag slot whose name, after the output prefix, is this column's name. `None`
    /// when the name does not start with the prefix or the slot is ignored.
    pub slot: Option<String>,
    /// The input column of the same name, if any.
    pub input: Option<usize>,
    pub ty: Type,
}

/// `parse-kv`: the keys to extract and how pairs are found.
#[derive(Debug, Clone)]
pub struct ParseKvPlan {
    pub input: Plan,
    pub text: BoundExpr,
    pub extraction: KvExtraction,
    /// For each extracted key: its output position and type.
    pub keys: Vec<(String, usize, Type)>,
}

#[derive(Debug, Clone)]
pub enum KvExtraction {
    /// `pair_delimiter`, `kv_delimiter`, `quote` and `escape`.
    Delimited {
        pair_delimiter: String,
        kv_delimiter: String,
        /// Opening and closing quote characters.
        quotes: Vec<(char, char)>,
        escapes: Vec<char>,
    },
    /// `regex`: the first capture group is the key, the second the value.
    Regex(Arc<Regex>),
}

/// `range`: the bounds are constant expressions, evaluated once when the query runs.
#[derive(Debug, Clone)]
pub struct RangePlan {
    pub start: BoundExpr,
    pub stop: BoundExpr,
    pub step: BoundExpr,
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
    /// `ingestionMapping`: where each declared column's value is in a JSON record.
    pub mapping: Option<crate::data::mapping::JsonMapping>,
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

impl BoundExpr {
    /// Returns the expressions this one is computed from, or `None` when it reads a
    /// subquery, whose rows are not expressions of the current row.
    pub fn children(&self) -> Option<Vec<&BoundExpr>> {
        let children = match &self.kind {
            BoundKind::Literal(_)
            | BoundKind::Column(_)
            | BoundKind::RowNumber { restart: None, .. } => vec![],
            BoundKind::Negate(operand) => vec![operand.as_ref()],
            BoundKind::Arithmetic { left, right, .. }
            | BoundKind::Compare { left, right, .. }
            | BoundKind::And(left, right)
            | BoundKind::Or(left, right) => vec![left.as_ref(), right.as_ref()],
            BoundKind::StringTest { text, needle, .. } => vec![text.as_ref(), needle.as_ref()],
            BoundKind::HasAny { text, needles, .. } => {
                let mut children = vec![text.as_ref()];
                match needles {
                    Needles::Constant(_) => {}
                    Needles::PerRow(exprs) => children.extend(exprs),
                    Needles::Subquery(_) => return None,
                }
                children
            }
            BoundKind::In { value, list, .. } => {
                let mut children = vec![value.as_ref()];
                children.extend(list);
                children
            }
            BoundKind::Between {
                value, low, high, ..
            } => vec![value.as_ref(), low.as_ref(), high.as_ref()],
            BoundKind::MatchesRegex { text, regex } => match regex {
                RegexPattern::Constant(_) => vec![text.as_ref()],
                RegexPattern::PerRow { pattern, .. } => vec![text.as_ref(), pattern.as_ref()],
            },
            BoundKind::Element { value, key } => vec![value.as_ref(), key.as_ref()],
            BoundKind::Call { args, .. } => args.iter().collect(),
            BoundKind::ToScalar(_) | BoundKind::SubqueryColumn(_) => return None,
            BoundKind::Window { value, default, .. } => {
                let mut children = vec![value.as_ref()];
                children.extend(default.as_deref());
                children
            }
            BoundKind::RowNumber {
                restart: Some(restart),
                ..
            } => vec![restart.condition.as_ref()],
        };
        Some(children)
    }
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
    /// `has`, `contains`, `startswith`, … against a needle.
    StringTest {
        op: StringOp,
        text: Box<BoundExpr>,
        needle: Box<BoundExpr>,
        /// The needle prepared once when it is a constant, so no row folds it again.
        prepared: Option<Needle>,
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
        regex: RegexPattern,
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
    /// `prev(expr, offset, default)` and `next(…)`: `value` computed at the row `offset`
    /// rows before or after the current one, or `default` past either end.
    Window {
        value: Box<BoundExpr>,
        /// Negative for `prev`, positive for `next`.
        offset: i64,
        default: Option<Box<BoundExpr>>,
    },
    /// `row_number(start [, restart])`: `start` on the first row and on each row where
    /// `restart` is true, otherwise one more than the previous row's number.
    RowNumber {
        start: i64,
        restart: Option<RowRestart>,
    },
}

/// The restart condition of `row_number(start, restart)`.
#[derive(Debug, Clone)]
pub struct RowRestart {
    /// The number, unique within the query, by which the evaluator caches the row numbers
    /// it computes for this call.
    pub id: usize,
    pub condition: Box<BoundExpr>,
}

/// The pattern of `matches regex`.
#[derive(Debug, Clone)]
pub enum RegexPattern {
    /// Known before the query runs, so compiled once.
    Constant(Arc<Regex>),
    /// Computed per row and compiled on first use of each pattern text.
    PerRow {
        pattern: Box<BoundExpr>,
        cache: Arc<RegexCache>,
    },
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
