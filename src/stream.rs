//! Streaming evaluation: runs a query over a JSON lines file one chunk of rows at a time,
//! on all cores, when no operator of the query needs the whole table at once.
//!
//! A query streams when the path from its result down to the file's table passes only
//! through `where`, `extend`, `project` and the left side of `lookup` (whose right side
//! must not read the same table), optionally under one `take` or `count` at the top. Each
//! chunk then gives the rows of the result that come from its own rows, in file order, so
//! the result is the chunks' results concatenated, cut to `take`'s row count, or their
//! counts added up. Memory stays bounded by the chunks in flight plus the result.
//!
//! [`run`] returns `None` whenever streaming could differ from loading the whole table, and
//! the caller then runs the query the ordinary way: when a chunk's column types differ
//! from the expected ones (a Sentinel `dynamic` column with JSON objects), when loading
//! reports a conversion warning (its counts need the whole file), or when the query
//! fails on a chunk (so that the error comes from the whole table). It does not stream
//! at all under `--max-rows`, whose counts need the whole table, nor under `take` when
//! the query reads a column whose type depends on values in chunks it would not read.
//! A streamed `take` stops reading once it has its rows, so problems in later lines are
//! not reported.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use log::debug;

use crate::binder::columns::{expr_columns, looks_like_extend};
use crate::binder::plan::{BoundExpr, BoundKind, Plan, PlanKind, ProjectColumn};
use crate::data::{self, LoadOptions};
use crate::error::Error;
use crate::eval::{self, EvalContext, TableSource};
use crate::parser;
use crate::table::{Schema, Table};
use crate::value::{Type, Value};

/// The way the chunks' results combine into the query's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Finish {
    /// The rows of every chunk, concatenated.
    Rows,
    /// The first rows, up to this count.
    Take(usize),
    /// The sum of the chunks' counts.
    Count,
}

/// Returns the table that `plan` would stream, if it can stream.
pub fn streamed_table(plan: &Plan) -> Option<&str> {
    streaming_shape(plan).map(|(_, table)| table)
}

fn streaming_shape(plan: &Plan) -> Option<(Finish, &str)> {
    // A subquery (toscalar, `in (T | …)`) would see one chunk instead of the whole table,
    // and the column analysis gives up on exactly those plans, so they never stream.
    if !crate::binder::columns::is_followed(plan) {
        return None;
    }
    match &plan.kind {
        PlanKind::Take { input, count } => Some((Finish::Take(*count), row_local_table(input)?)),
        PlanKind::Count { input } => Some((Finish::Count, row_local_table(input)?)),
        _ => Some((Finish::Rows, row_local_table(plan)?)),
    }
}

/// Returns the table whose rows each give result rows on their own, if there is one.
fn row_local_table(plan: &Plan) -> Option<&str> {
    match &plan.kind {
        PlanKind::Shared(inner) => row_local_table(inner),
        PlanKind::Scan { table } => Some(table),
        PlanKind::Where { input, .. } | PlanKind::Project { input, .. } => row_local_table(input),
        PlanKind::Lookup(lookup) => {
            let table = row_local_table(&lookup.left)?;
            (!scans(&lookup.right, table)).then_some(table)
        }
        PlanKind::Constant(_)
        | PlanKind::Print { .. }
        | PlanKind::Take { .. }
        | PlanKind::Sample { .. }
        | PlanKind::Materialized { .. }
        | PlanKind::Count { .. }
        | PlanKind::ExternalData(_)
        | PlanKind::Summarize(_)
        | PlanKind::Sort { .. }
        | PlanKind::Join(_)
        | PlanKind::MvExpand(_)
        | PlanKind::Union(_)
        | PlanKind::Parse(_)
        | PlanKind::Render { .. }
        | PlanKind::Serialize { .. }
        | PlanKind::MvApply(_)
        | PlanKind::Partition(_)
        | PlanKind::MakeSeries(_)
        | PlanKind::BagUnpack(_)
        | PlanKind::Pivot(_)
        | PlanKind::ColumnsFromData(_)
        | PlanKind::ParseKv(_)
        | PlanKind::Range(_)
        | PlanKind::Search(_)
        | PlanKind::Ipv4Lookup(_)
        | PlanKind::ActivityCountsMetrics(_)
        | PlanKind::ScanOperator(_)
        | PlanKind::FileProfile(_)
        | PlanKind::DeviceFromIp(_) => None,
    }
}

/// True when `plan` reads `table` anywhere.
fn scans(plan: &Plan, table: &str) -> bool {
    match &plan.kind {
        PlanKind::Shared(inner) | PlanKind::Materialized { plan: inner, .. } => scans(inner, table),
        PlanKind::Scan { table: name } => name == table,
        PlanKind::Constant(_) | PlanKind::Print { .. } => false,
        PlanKind::Where { input, .. }
        | PlanKind::Project { input, .. }
        | PlanKind::Take { input, .. }
        | PlanKind::Count { input } => scans(input, table),
        PlanKind::Lookup(lookup) => scans(&lookup.left, table) || scans(&lookup.right, table),
        // Not followed: assume the table is read, which only stops streaming.
        PlanKind::ExternalData(_)
        | PlanKind::Sample { .. }
        | PlanKind::Summarize(_)
        | PlanKind::Sort { .. }
        | PlanKind::Join(_)
        | PlanKind::MvExpand(_)
        | PlanKind::Union(_)
        | PlanKind::Parse(_)
        | PlanKind::Render { .. }
        | PlanKind::Serialize { .. }
        | PlanKind::MvApply(_)
        | PlanKind::Partition(_)
        | PlanKind::MakeSeries(_)
        | PlanKind::BagUnpack(_)
        | PlanKind::Pivot(_)
        | PlanKind::ColumnsFromData(_)
        | PlanKind::ParseKv(_)
        | PlanKind::Range(_)
        | PlanKind::Search(_)
        | PlanKind::Ipv4Lookup(_)
        | PlanKind::ActivityCountsMetrics(_)
        | PlanKind::ScanOperator(_)
        | PlanKind::FileProfile(_)
        | PlanKind::DeviceFromIp(_) => true,
    }
}

/// The loaded tables with one table replaced by a chunk of it.
struct ChunkTables<'a> {
    name: &'a str,
    chunk: Arc<Table>,
    others: &'a HashMap<String, Arc<Table>>,
}

impl TableSource for ChunkTables<'_> {
    fn table(&self, name: &str) -> Option<Arc<Table>> {
        if name == self.name {
            Some(Arc::clone(&self.chunk))
        } else {
            self.others.get(name).cloned()
        }
    }
}

/// The name under which [`Deferral::rest`] reads a chunk's filtered rows. No KQL name can
/// contain a NUL character, so it cannot hide a table of the query.
const FILTERED_CHUNK: &str = "\0filtered chunk";

/// Runs `query` with table `name` read from the JSON lines file `path` chunk by chunk and
/// the other tables from `others`. `schema` is the table's schema as loading the whole file
/// with `options` would give it. Returns `Ok(None)` when the query cannot stream or
/// streaming could give another result than loading the whole table.
pub fn run(
    query: &str,
    name: &str,
    path: &Path,
    schema: &Schema,
    options: &LoadOptions,
    others: &HashMap<String, Arc<Table>>,
    context_for: &dyn Fn(Option<i64>) -> EvalContext,
) -> Result<Option<Table>, Error> {
    let mut schemas = others.clone();
    schemas.insert(name.to_string(), Arc::new(Table::empty(schema.clone())));
    let script = parser::parse(query)?;
    let bound = crate::binder::bind(&script, &schemas)?;
    let Some((finish, table)) = streaming_shape(&bound.plan) else {
        return Ok(None);
    };
    if table != name || options.strict {
        return Ok(None);
    }
    // Under `take`, reading stops before the later chunks, whose values could still turn a
    // column whose Sentinel type is `dynamic` from text into JSON for the whole table.
    if matches!(finish, Finish::Take(_)) && type_depends_on_values(name, options) {
        return Ok(None);
    }
    let context = context_for(bound.now);
    // `--max-rows` counts the rows of each operator over the whole table, which chunks
    // do not see.
    if context.max_rows.is_some() {
        return Ok(None);
    }
    let context = &context;

    let deferral = Deferral::find(&bound.plan);
    let run_chunk = |batch: data::Batch| -> Result<Option<Table>, Error> {
        let (loaded, deferred) = match &deferral {
            Some(deferral) => {
                let (loaded, deferred) = batch.load_deferring(&deferral.columns)?;
                (loaded, Some(deferred))
            }
            None => (batch.load()?, None),
        };
        if loaded.table.schema != *schema || !loaded.warnings.is_empty() {
            debug!("streaming {name}: a chunk's types or warnings differ; loading the whole table");
            return Ok(None);
        }
        let tables = ChunkTables {
            name,
            chunk: Arc::new(loaded.table),
            others,
        };
        let outcome = match (&deferral, deferred) {
            (Some(deferral), Some(deferred))
                if !deferred.is_empty() || !deferral.computed.is_empty() =>
            {
                deferral.execute(deferred, &tables, context)
            }
            _ => eval::execute(&bound.plan, &tables, context).map(Some),
        };
        match outcome {
            Ok(None) => {
                debug!("streaming {name}: deferred columns lost their row numbers");
                Ok(None)
            }
            Ok(Some(result)) => Ok(Some(result)),
            Err(error) => {
                debug!(
                    "streaming {name}: a chunk failed ({}); running on the whole table",
                    error.message
                );
                Ok(None)
            }
        }
    };

    let mut results: Vec<Table> = Vec::new();
    let mut rows = 0usize;
    let mut can_stream = true;
    let consume = |result: Option<Table>| -> Result<bool, Error> {
        let Some(result) = result else {
            can_stream = false;
            return Ok(false);
        };
        rows += result.row_count;
        results.push(result);
        Ok(!matches!(finish, Finish::Take(count) if rows >= count))
    };
    data::for_each_batch(name, path, options, run_chunk, consume)?;
    if !can_stream {
        return Ok(None);
    }
    Ok(Some(combine(&bound.plan.schema, results, finish)))
}

/// The bottom of a streamed plan that can run before the rest of each row is built: the
/// `where` and `extend` operators right above the scan, up to the last `where` among them
/// (the prefix). Two kinds of work wait until the prefix has filtered a chunk's rows:
///
/// - converting the chunk's `string` and `dynamic` columns that the filters do not need,
///   which saves copying the text of every row that a selective `where` drops;
/// - computing `extend` columns that the filters do not need, such as
///   `extend TcpFlags = tostring(info["Tcp Flags"])` before `where direction has "In"`.
///   The prefix computes null in their place, and they are computed for the rows it keeps.
///   NOTE: an error that such an expression would raise only on a dropped row is not
///   raised.
struct Deferral {
    /// The operators from the scan up to the last `where`, with deferred `extend` columns
    /// computing null.
    prefix: Plan,
    /// The names of the scan's columns that the filters do not need.
    columns: HashSet<String>,
    /// The deferred `extend` columns: position and expression, in the order the prefix
    /// computes them, so that each one's inputs are ready before it.
    computed: Vec<(usize, BoundExpr)>,
    /// The plan with the prefix replaced by a scan of [`FILTERED_CHUNK`], built once rather
    /// than per chunk.
    rest: Plan,
}

impl Deferral {
    /// Finds the prefix of `plan`, a streamed plan, if it has one that filters rows and
    /// leaves some work for later.
    fn find(plan: &Plan) -> Option<Deferral> {
        let mut chain: Vec<&Plan> = vec![plan];
        loop {
            let node = chain.last()?;
            let input = match &node.kind {
                PlanKind::Scan { .. } => break,
                PlanKind::Where { input, .. }
                | PlanKind::Project { input, .. }
                | PlanKind::Take { input, .. }
                | PlanKind::Count { input } => input.as_ref(),
                PlanKind::Lookup(lookup) => &lookup.left,
                _ => return None,
            };
            chain.push(input);
        }
        let scan = chain.pop()?;

        // Walk up from the scan while operators are `where` or `extend` whose expressions
        // the column analysis follows; the prefix ends at the last `where` seen.
        let mut top = None;
        for (index, node) in chain.iter().enumerate().rev() {
            let mut ignored = BTreeSet::new();
            let followed = match &node.kind {
                PlanKind::Where { predicate, .. } => expr_columns(predicate, &mut ignored),
                PlanKind::Project { input, columns } => {
                    looks_like_extend(columns, input.schema.len())
                        && columns.iter().all(|column| match column {
                            ProjectColumn::Input(_) => true,
                            ProjectColumn::Computed(expr) => expr_columns(expr, &mut ignored),
                        })
                }
                _ => false,
            };
            if !followed {
                break;
            }
            if matches!(node.kind, PlanKind::Where { .. }) {
                top = Some(index);
            }
        }
        let depth = top?;
        let prefix_nodes = chain.get(depth..)?;

        // `extend` columns are deferred only when every computed position is written once
        // and none replaces an input column, so that computing them later on the filtered
        // table reads the same inputs.
        let mut written = HashSet::new();
        let appends_only = prefix_nodes.iter().all(|node| match &node.kind {
            PlanKind::Project { input, columns } => {
                columns
                    .iter()
                    .enumerate()
                    .all(|(position, column)| match column {
                        ProjectColumn::Input(_) => true,
                        ProjectColumn::Computed(_) => {
                            position >= input.schema.len() && written.insert(position)
                        }
                    })
            }
            _ => true,
        });
        let (needed, deferred_at) = needed_columns(prefix_nodes, appends_only);

        let columns: HashSet<String> = scan
            .schema
            .fields
            .iter()
            .enumerate()
            .filter(|(position, _)| !needed.contains(position))
            .map(|(_, field)| field.name.clone())
            .collect();
        if columns.is_empty() && deferred_at.is_empty() {
            return None;
        }

        // Replace the deferred expressions in a copy of the prefix by null, in the order the
        // prefix computes them: bottom operator first, and left to right within one.
        let mut order = deferred_at;
        order.sort_by_key(|&(index, position)| (std::cmp::Reverse(index), position));
        let mut prefix = Plan::clone(chain.get(depth)?);
        let mut computed = Vec::new();
        for &(index, position) in &order {
            let node = node_at_mut(&mut prefix, index)?;
            let PlanKind::Project { columns, .. } = &mut node.kind else {
                return None;
            };
            let column = columns.get_mut(position)?;
            let ProjectColumn::Computed(expr) = column else {
                return None;
            };
            let null = BoundExpr {
                kind: BoundKind::Literal(Value::Null),
                ty: expr.ty,
                span: expr.span.clone(),
            };
            computed.push((position, std::mem::replace(expr, null)));
        }
        let filtered = Plan {
            kind: PlanKind::Scan {
                table: FILTERED_CHUNK.to_string(),
            },
            schema: prefix.schema.clone(),
            span: prefix.span.clone(),
        };
        let rest = replace_at(plan, depth, filtered);
        Some(Deferral {
            prefix,
            columns,
            computed,
            rest,
        })
    }

    /// Runs `plan` on a chunk whose `deferred` columns hold row numbers: the prefix first,
    /// then the deferred scan columns for the rows it keeps, then the deferred `extend`
    /// columns, then the rest of the plan on that table. Returns `Ok(None)` if the row
    /// numbers did not come through the prefix.
    fn execute(
        &self,
        deferred: data::DeferredColumns,
        tables: &ChunkTables,
        context: &EvalContext,
    ) -> Result<Option<Table>, Error> {
        let filtered = eval::execute(&self.prefix, tables, context)?;
        let Table {
            schema,
            mut columns,
            row_count,
        } = filtered;

        if let Some(&numbers_at) = deferred.positions().first() {
            let Some(numbers) = columns.get(numbers_at) else {
                return Ok(None);
            };
            let rows: Option<Vec<usize>> = numbers
                .iter()
                .map(|value| match value {
                    Value::Long(row) => usize::try_from(*row).ok(),
                    _ => None,
                })
                .collect();
            let Some(rows) = rows else {
                return Ok(None);
            };
            for (position, values) in deferred.convert_rows(&rows) {
                if let Some(column) = columns.get_mut(position) {
                    *column = values;
                }
            }
        }

        let mut table = Table::new(schema, columns, row_count);
        for (position, expr) in &self.computed {
            let values = eval::operators::project::compute(&table, expr, context)?;
            if let Some(column) = table.columns.get_mut(*position) {
                *column = Arc::new(values);
            }
        }

        let filtered = ChunkTables {
            name: FILTERED_CHUNK,
            chunk: Arc::new(table),
            others: tables.others,
        };
        eval::execute(&self.rest, &filtered, context).map(Some)
    }
}

/// Returns the columns that the filters of the prefix `nodes` (top first) need, directly
/// or through the `extend` columns they read, and, with `defer_computed`, the `extend`
/// columns they do not need, as (index in `nodes`, position) pairs, top first.
/// Without `defer_computed`, every `extend` column counts as needed.
fn needed_columns(nodes: &[&Plan], defer_computed: bool) -> (BTreeSet<usize>, Vec<(usize, usize)>) {
    let mut needed = BTreeSet::new();
    let mut deferred_at = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        match &node.kind {
            PlanKind::Where { predicate, .. } => {
                expr_columns(predicate, &mut needed);
            }
            PlanKind::Project { input, columns } => {
                let input_width = input.schema.len();
                for (position, column) in columns.iter().enumerate() {
                    match column {
                        // A copy of a column must hold its values.
                        ProjectColumn::Input(source) => {
                            if *source != position {
                                needed.insert(*source);
                            }
                        }
                        ProjectColumn::Computed(expr) => {
                            let deferrable = defer_computed
                                && position >= input_width
                                && !needed.contains(&position);
                            if deferrable {
                                deferred_at.push((index, position));
                            } else {
                                // A replaced scan column must keep its replacement.
                                needed.insert(position);
                                expr_columns(expr, &mut needed);
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    (needed, deferred_at)
}

/// Returns the operator `steps` steps down the chain of inputs of `plan`, a prefix of
/// `where` and `extend` operators.
fn node_at_mut(plan: &mut Plan, steps: usize) -> Option<&mut Plan> {
    if steps == 0 {
        return Some(plan);
    }
    match &mut plan.kind {
        PlanKind::Where { input, .. } | PlanKind::Project { input, .. } => {
            node_at_mut(input, steps - 1)
        }
        _ => None,
    }
}

/// Returns `plan` with the operator `depth` steps down its chain of first inputs replaced
/// by `replacement`. The chain is the one [`Deferral::find`] walked.
fn replace_at(plan: &Plan, depth: usize, replacement: Plan) -> Plan {
    if depth == 0 {
        return replacement;
    }
    let mut copy = plan.clone();
    match &mut copy.kind {
        PlanKind::Where { input, .. }
        | PlanKind::Project { input, .. }
        | PlanKind::Take { input, .. }
        | PlanKind::Count { input } => **input = replace_at(input, depth - 1, replacement),
        PlanKind::Lookup(lookup) => lookup.left = replace_at(&lookup.left, depth - 1, replacement),
        _ => {}
    }
    copy
}

/// True when a column that `options` reads from table `name` gets its type from the
/// values: the catalog types it `dynamic` in Sentinel and otherwise in Defender XDR, no
/// product is chosen, and loading picks `dynamic` when the file contains JSON objects or
/// arrays in it.
fn type_depends_on_values(name: &str, options: &LoadOptions) -> bool {
    let Some(table) = options.schema_for(name) else {
        return true;
    };
    if options.product.is_some() {
        return false;
    }
    let read = options.columns.get(name);
    table
        .columns
        .iter()
        .filter(|column| read.is_none_or(|read| read.contains(&column.name)))
        .any(|column| column.sentinel_ty == Some(Type::Dynamic) && column.ty != Type::Dynamic)
}

/// Combines the chunks' results according to `finish`.
fn combine(schema: &Schema, results: Vec<Table>, finish: Finish) -> Table {
    if finish == Finish::Count {
        let total: i64 = results
            .iter()
            .filter_map(|result| result.columns.first()?.first()?.as_i64())
            .sum();
        return Table::from_rows(schema.clone(), vec![vec![Value::Long(total)]]);
    }
    let limit = match finish {
        Finish::Take(count) => count,
        Finish::Rows | Finish::Count => usize::MAX,
    };
    let mut columns: Vec<Vec<Value>> = vec![Vec::new(); schema.len()];
    let mut row_count = 0;
    for result in results {
        let take = result.row_count.min(limit - row_count);
        for (column, values) in columns.iter_mut().zip(&result.columns) {
            column.extend(values.iter().take(take).cloned());
        }
        row_count += take;
    }
    let columns = columns.into_iter().map(Arc::new).collect();
    Table::new(schema.clone(), columns, row_count)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::binder::columns::used_columns;
    use crate::engine::{self, Session};
    use crate::schema::BuiltinSchemas;

    const ROWS: &str = concat!(
        r#"{"TimeGenerated":"2025-06-01T10:00:00Z","DeviceName":"a","RemotePort":443,"AdditionalFields":"{\"direction\":\"In\"}"}"#,
        "\n",
        r#"{"TimeGenerated":"2025-06-01T11:00:00Z","DeviceName":"b","RemotePort":80}"#,
        "\n\n",
        r#"{"TimeGenerated":"2025-06-01T12:00:00Z","DeviceName":"c","RemotePort":443,"AdditionalFields":"{\"direction\":\"Out\"}"}"#,
        "\n",
    );

    /// Runs `query` streamed over ROWS and loaded whole; returns both results.
    fn both_ways(query: &str) -> (Option<Table>, Table) {
        let mut file = match tempfile::Builder::new().suffix(".ndjson").tempfile() {
            Ok(file) => file,
            Err(error) => panic!("temporary file: {error}"),
        };
        if let Err(error) = file.write_all(ROWS.as_bytes()) {
            panic!("temporary file: {error}");
        }
        let name = "DeviceNetworkEvents";
        let columns = match engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => used_columns(&bound.plan),
            Err(error) => panic!("{query}: {}", error.message),
        };
        let options = LoadOptions {
            columns,
            ..LoadOptions::default()
        };
        // A table that loads in full has no narrowed schema, and the command line then
        // does not stream it either.
        let streamed = match data::expected_schema(name, &options) {
            None => None,
            Some(schema) => {
                let session = Session::new();
                let context_for = |now| session.context(now);
                let result = run(
                    query,
                    name,
                    file.path(),
                    &schema,
                    &options,
                    &HashMap::new(),
                    &context_for,
                );
                match result {
                    Ok(table) => table,
                    Err(error) => panic!("{query}: {}", error.message),
                }
            }
        };

        let mut session = Session::new();
        match data::load_file(name, file.path(), &LoadOptions::default()) {
            Ok(loaded) => session.add_table(name, loaded.table, "test"),
            Err(error) => panic!("load: {}", error.message),
        }
        match session.run(query) {
            Ok(whole) => (streamed, whole),
            Err(error) => panic!("{query}: {}", error.message),
        }
    }

    #[test]
    fn streamed_results_match_whole_table() {
        let queries = [
            "DeviceNetworkEvents | where RemotePort == 443 | project DeviceName, TimeGenerated",
            "DeviceNetworkEvents | where RemotePort == 443 | count",
            "DeviceNetworkEvents | project DeviceName | take 2",
            "let Names = datatable(DeviceName:string, Owner:string)['a', 'x', 'c', 'y']; \
             DeviceNetworkEvents | project DeviceName | lookup Names on DeviceName",
        ];
        for query in queries {
            let (streamed, whole) = both_ways(query);
            assert_eq!(streamed.as_ref(), Some(&whole), "{query}");
        }
    }

    // NOTE: AdditionalFields holding JSON text types differently per chunk than for the
    // whole file, so such queries fall back to loading the whole table; the result is
    // the same, only the memory saving is lost.
    #[test]
    fn json_text_column_falls_back_to_same_result() {
        let query = "DeviceNetworkEvents | extend d = parse_json(AdditionalFields).direction \
                     | where d has 'in' | project DeviceName";
        let (streamed, whole) = both_ways(query);
        if let Some(streamed) = streamed {
            assert_eq!(streamed, whole);
        }
        assert_eq!(whole.row_count, 1);
    }

    #[test]
    fn deferred_columns_match_whole_table() {
        let queries = [
            "DeviceNetworkEvents | where RemotePort == 443 | project DeviceName, TimeGenerated",
            "DeviceNetworkEvents | extend Copy = DeviceName | where RemotePort == 443 \
             | project Copy, DeviceName",
            "DeviceNetworkEvents | extend DeviceName = strcat(DeviceName, '!') \
             | where RemotePort == 443 | project DeviceName",
            "DeviceNetworkEvents | where RemotePort == 443 | extend n = strlen(DeviceName) \
             | where n > 0 | project DeviceName, n",
            "DeviceNetworkEvents | where RemotePort > 0 | where RemotePort == 443 | project DeviceName | take 1",
            "DeviceNetworkEvents | extend a = strlen(DeviceName) | extend b = a * 2 \
             | where RemotePort == 443 | project DeviceName, a, b",
            "DeviceNetworkEvents | extend d = parse_json(AdditionalFields) \
             | extend up = toupper(tostring(d.direction)) | extend dir = d.direction \
             | where dir has 'in' | project up, DeviceName",
            "DeviceNetworkEvents | extend a = 1 | where RemotePort == 443 | extend b = a + 1 \
             | where b == 2 | project a, b, DeviceName",
            "DeviceNetworkEvents | extend a = strlen(DeviceName), b = a * 2 \
             | where RemotePort == 443 | project a, b",
        ];
        for query in queries {
            let (streamed, whole) = both_ways(query);
            assert_eq!(streamed.as_ref(), Some(&whole), "{query}");
        }
    }

    fn deferred_by(query: &str) -> Vec<String> {
        let bound = match engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => bound,
            Err(error) => panic!("{query}: {}", error.message),
        };
        let mut names: Vec<String> = Deferral::find(&bound.plan)
            .map(|deferral| deferral.columns.into_iter().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn deferral_skips_columns_the_filter_reads() {
        let published = match std::fs::read_to_string("queries/mde-suspicious-tcp-flags.kql") {
            Ok(text) => text,
            Err(error) => panic!("published query: {error}"),
        };
        let deferred = deferred_by(&published);
        for name in ["ActionType", "DeviceName", "LocalIP", "RemoteIP"] {
            assert!(
                deferred.iter().any(|column| column == name),
                "{name} in {deferred:?}"
            );
        }
        assert!(!deferred.iter().any(|column| column == "AdditionalFields"));
        assert!(deferred_by("DeviceNetworkEvents | project DeviceName").is_empty());
        // The copy is computed after the filter, from the converted column.
        let copied =
            deferred_by("DeviceNetworkEvents | extend Copy = DeviceName | where RemotePort == 1");
        assert!(
            copied.iter().any(|column| column == "DeviceName"),
            "{copied:?}"
        );
        let filtered_copy =
            deferred_by("DeviceNetworkEvents | extend Copy = DeviceName | where Copy == 'a'");
        assert!(
            !filtered_copy.iter().any(|column| column == "DeviceName"),
            "{filtered_copy:?}"
        );
    }

    fn computed_later_by(query: &str) -> Vec<String> {
        let bound = match engine::check(query, &BuiltinSchemas::new()) {
            Ok(bound) => bound,
            Err(error) => panic!("{query}: {}", error.message),
        };
        let Some(deferral) = Deferral::find(&bound.plan) else {
            return Vec::new();
        };
        deferral
            .computed
            .iter()
            .filter_map(|(position, _)| deferral.prefix.schema.fields.get(*position))
            .map(|field| field.name.clone())
            .collect()
    }

    #[test]
    fn deferral_computes_unfiltered_extends_later() {
        let published = match std::fs::read_to_string("queries/mde-suspicious-tcp-flags.kql") {
            Ok(text) => text,
            Err(error) => panic!("published query: {error}"),
        };
        assert_eq!(computed_later_by(&published), ["TcpFlags"]);
        assert_eq!(
            computed_later_by(
                "DeviceNetworkEvents | extend a = 1 | extend b = a + 1 | where RemotePort > 0"
            ),
            ["a", "b"]
        );
        // An extend that replaces a column keeps every extend where it is.
        assert!(computed_later_by(
            "DeviceNetworkEvents | extend a = 1 | extend DeviceName = 'x' | where RemotePort > 0"
        )
        .is_empty());
    }

    #[test]
    fn blocking_queries_do_not_stream() {
        let (streamed, _) = both_ways("DeviceNetworkEvents | take 1 | where RemotePort == 443");
        assert!(streamed.is_none());
        let (streamed, _) = both_ways(
            "DeviceNetworkEvents | project DeviceName \
             | lookup (DeviceNetworkEvents | project DeviceName, RemotePort) on DeviceName",
        );
        assert!(streamed.is_none());
    }
}
