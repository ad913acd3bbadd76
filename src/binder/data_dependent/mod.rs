//! Binding without rows for `kql check`: `bag_unpack` without an output schema and
//! `pivot` create columns whose names come from the data, and `_GetWatchlist('alias')`
//! without a loaded watchlist has the columns of a CSV file that `kql check` has not
//! seen, so a catalog of schemas cannot list them. A custom `_CL` table that the catalog
//! does not describe is bound the same way: its columns are whatever names the query uses.
//!
//! [`bind_without_data`] binds the script in passes. Such a plugin's output contains the
//! columns known without the data (the input columns but the bag, or the pivot keys),
//! followed by the names that later passes add. When a pass fails because a column is
//! missing, and a plugin bound in that pass can create a column of that name, the name
//! joins the plugin's output and the script binds again. A name that is still missing
//! after it was added is a real error, because the plugin's output does not reach the
//! place that names it. Everything else (tables, functions, argument counts, syntax, the
//! known columns and their types) is checked as `kql run` checks it.
//!
//! A created column of `bag_unpack` has the type of its slot's values, which only the data
//! determines. The script binds with every created column of one type from [`SLOT_TYPES`],
//! and on a type error with the next one, so it passes if data with slots of that type
//! would let it bind. Columns of custom tables and workspace functions are typed the same
//! way, then once more with the catalog's type for names that catalog tables use, and
//! then [`search_column_types`] changes the types of single columns that a failing
//! expression reads. A created column of `pivot` has the aggregate's type, which is
//! known, and a watchlist column is a `string` (see `crate::watchlist`).

use std::collections::HashMap;
use std::sync::Arc;

use super::plan::{ColumnsFromDataPlan, Plan, PlanKind};
use super::{Binder, BoundQuery, SchemaSource};
use crate::ast::{Ident, Script, Span};
use crate::error::{Result, Warning};
use crate::table::{Field, Schema};
use crate::value::Type;

mod types;
mod workspace;

use types::{
    catalog_column_types, may_depend_on_types, search_column_types, FurthestError, SlotTypes,
    OPEN_SCHEMA_TYPES,
};
pub(super) use workspace::bind_workspace_function_without_data;
use workspace::FirstParameter;

/// The maximum number of passes of one binding. Each pass but the last adds a name that the query
/// text contains, so real queries stay far below it.
const MAX_PASSES: usize = 256;

/// The start of the error for a binding that reached [`MAX_PASSES`].
const PASS_LIMIT_MESSAGE: &str = "kql check stopped after";

/// The column types that `kql run` gives a bag slot: `bool`, `long`, `real` or `string`
/// for JSON values of one kind, and `dynamic` for objects, arrays and mixed kinds.
const SLOT_TYPES: [Type; 5] = [
    Type::Dynamic,
    Type::String,
    Type::Long,
    Type::Real,
    Type::Bool,
];

/// The column names a plugin can create from the data.
#[derive(Debug, Clone)]
pub(super) enum CreatedNames {
    /// `bag_unpack`: the prefix followed by a slot name. An empty slot name is an error
    /// when the query runs, and slots listed in `ignoredProperties` are dropped.
    Slots {
        prefix: String,
        ignored: Vec<String>,
    },
    /// `pivot`: the text of a pivot value. An `int` or `long` pivot column gives the
    /// decimal text of an integer, and an empty string is rejected when the query runs.
    PivotValues { integers: bool },
    /// A custom log table without a schema: any column name. Its columns have the type
    /// of a bag slot in each pass, as `bag_unpack` columns do.
    CustomColumns { table: String },
    /// `_GetWatchlist(alias)`: a column of the watchlist's CSV file, any name but the
    /// columns that every watchlist has.
    WatchlistColumns { alias: String },
    /// A call of a function that the query does not define, taken to be saved in the
    /// workspace: any column name, typed as a bag slot in each pass.
    WorkspaceFunctionColumns { function: String },
}

impl CreatedNames {
    /// Returns what creates the columns, for messages: "`bag_unpack`", "`pivot`" or
    /// "the custom table `Fw_CL`".
    fn plugin(&self) -> String {
        match self {
            CreatedNames::Slots { .. } => "`bag_unpack`".to_string(),
            CreatedNames::PivotValues { .. } => "`pivot`".to_string(),
            CreatedNames::CustomColumns { table } => format!("the custom table `{table}`"),
            CreatedNames::WatchlistColumns { .. } => "`_GetWatchlist`".to_string(),
            CreatedNames::WorkspaceFunctionColumns { function } => {
                format!("the workspace function `{function}`")
            }
        }
    }

    /// Returns what a created column is, for the warning on a name near a known column.
    fn column_phrase(&self) -> String {
        match self {
            CreatedNames::CustomColumns { table } => format!(
                "a column of the custom table `{table}`, whose columns are not known without its data"
            ),
            CreatedNames::WatchlistColumns { alias } => {
                format!("a column that the CSV file of watchlist `{alias}` provides")
            }
            CreatedNames::WorkspaceFunctionColumns { function } => format!(
                "a column that the workspace function `{function}` returns, whose columns are not known without its definition"
            ),
            _ => format!("a column that {} creates from the data", self.plugin()),
        }
    }

    /// True when the created columns take this pass's slot type.
    fn takes_slot_type(&self) -> bool {
        matches!(
            self,
            CreatedNames::Slots { .. }
                | CreatedNames::CustomColumns { .. }
                | CreatedNames::WorkspaceFunctionColumns { .. }
        )
    }

    fn can_create(&self, name: &str) -> bool {
        match self {
            CreatedNames::Slots { prefix, ignored } => name
                .strip_prefix(prefix.as_str())
                .is_some_and(|slot| !slot.is_empty() && !ignored.iter().any(|item| item == slot)),
            CreatedNames::PivotValues { integers: true } => name
                .parse::<i64>()
                .is_ok_and(|number| number.to_string() == name),
            CreatedNames::PivotValues { integers: false } => !name.is_empty(),
            CreatedNames::CustomColumns { .. } | CreatedNames::WorkspaceFunctionColumns { .. } => {
                !name.is_empty()
            }
            CreatedNames::WatchlistColumns { .. } => {
                !name.is_empty()
                    && !crate::watchlist::FIXED_COLUMNS
                        .iter()
                        .any(|(fixed, _)| *fixed == name)
            }
        }
    }
}

/// A data-dependent plugin bound in the current pass.
#[derive(Debug, Clone)]
struct BoundPlugin {
    /// The span of the plugin's name, which identifies it across passes.
    key: Span,
    /// The output columns known without the data.
    known: Vec<String>,
    creates: CreatedNames,
}

/// The state of a binding without rows, kept by the [`Binder`] during one pass.
#[derive(Debug, Clone)]
pub(super) struct DataDependentColumns {
    /// Per plugin, the created column names that earlier passes found the query to use.
    created: HashMap<Span, Vec<String>>,
    plugins: Vec<BoundPlugin>,
    /// The types given to the created columns of `bag_unpack`, custom tables and
    /// workspace functions in this pass.
    slot_types: SlotTypes,
    /// The types each such created column may take, by name.
    slot_columns: HashMap<String, &'static [Type]>,
    /// The places where the query reads such a created column, so that a type error can
    /// name the columns whose type caused it.
    references: Vec<(Span, String)>,
    /// The first parameter's kind, as the first call of each workspace function shows it.
    workspace_calls: HashMap<String, FirstParameter>,
}

impl DataDependentColumns {
    /// Records that the query reads the column `name` at `span`, if it is a created
    /// column whose type only the data determines.
    pub(super) fn note_reference(&mut self, name: &str, span: &Span) {
        if self.slot_columns.contains_key(name) {
            self.references.push((span.clone(), name.to_string()));
        }
    }
}

impl DataDependentColumns {
    /// Returns, per plugin, each created name that is one typo away from a column known
    /// without the data, such as `DeviceNmae` after `bag_unpack`, with that column.
    fn near_known_names(&self) -> Vec<(&BoundPlugin, &str, &str)> {
        let mut found = Vec::new();
        for plugin in &self.plugins {
            let Some(created) = self.created.get(&plugin.key) else {
                continue;
            };
            for name in created {
                let known = plugin.known.iter().map(String::as_str);
                if let Some(close) = crate::error::closest(name, known) {
                    found.push((plugin, name.as_str(), close));
                }
            }
        }
        found
    }

    /// Returns, per plugin, pairs of created names that look like one name typed two ways,
    /// such as `Host_s` and `Host_S`: the data may have only one of them.
    fn similar_created_names(&self) -> Vec<(&BoundPlugin, &str, &str)> {
        let mut found = Vec::new();
        for plugin in &self.plugins {
            let Some(created) = self.created.get(&plugin.key) else {
                continue;
            };
            for (index, first) in created.iter().enumerate() {
                for second in &created[index + 1..] {
                    if likely_same_name(first, second) {
                        found.push((plugin, first.as_str(), second.as_str()));
                    }
                }
            }
        }
        found
    }

    /// Returns the names of this pass's plugins, such as "`bag_unpack`".
    fn plugin_names(&self) -> String {
        let mut names: Vec<String> = self
            .plugins
            .iter()
            .map(|plugin| plugin.creates.plugin())
            .collect();
        names.dedup();
        names.join(" and ")
    }

    /// Adds `name` to every plugin of this pass that can create it and lacks it. Returns
    /// false when no plugin took it.
    fn add_created(&mut self, name: &str) -> bool {
        let mut added = false;
        for plugin in &self.plugins {
            if plugin.known.iter().any(|known| known == name) || !plugin.creates.can_create(name) {
                continue;
            }
            let names = self.created.entry(plugin.key.clone()).or_default();
            if !names.iter().any(|existing| existing == name) {
                names.push(name.to_string());
                added = true;
            }
        }
        added
    }
}

/// Binds a script against schemas without rows, accepting `bag_unpack` without an output
/// schema and `pivot`, whose created columns the query may name. See the module notes.
///
/// A created column whose type only the data determines gets each type of [`SLOT_TYPES`]
/// in turn, all such columns the same one. When none of them binds, each column whose
/// name the catalog's tables use gets the catalog's type, and the rest each type in turn.
/// Then [`search_column_types`] changes the types of single columns, so that a query
/// that reads `TimeGenerated` as a datetime and `Details` as a bag from one custom table
/// passes.
pub fn bind_without_data(script: &Script, tables: &dyn SchemaSource) -> Result<BoundQuery> {
    let [first_type, other_types @ ..] = SLOT_TYPES;
    let (first, binds_slots) = bind_in_passes(script, tables, SlotTypes::uniform(first_type));
    let mut errors = match first {
        Err(error) if may_depend_on_types(&error) && binds_slots => FurthestError::new(error),
        result => return result,
    };
    for slot_type in other_types {
        match bind_in_passes(script, tables, SlotTypes::uniform(slot_type)).0 {
            Ok(bound) => return Ok(bound),
            Err(error) => errors.add(error),
        }
    }
    let by_name = Arc::new(catalog_column_types(tables));
    for fallback in SLOT_TYPES {
        let slot_types = SlotTypes {
            fallback,
            by_name: Some(Arc::clone(&by_name)),
            chosen: HashMap::new(),
        };
        match bind_in_passes(script, tables, slot_types).0 {
            Ok(bound) => return Ok(bound),
            Err(error) => errors.add(error),
        }
    }
    search_column_types(script, tables, by_name, &mut errors).ok_or(errors.error)
}

/// Binds the script once with the created names in `created`. Returns the result and
/// the pass's state, which is `None` only if the binder dropped it.
fn bind_pass(
    script: &Script,
    tables: &dyn SchemaSource,
    created: HashMap<Span, Vec<String>>,
    slot_types: SlotTypes,
) -> (Result<BoundQuery>, Option<DataDependentColumns>) {
    let mut binder = Binder::new(tables);
    binder.data_dependent = Some(DataDependentColumns {
        created,
        plugins: Vec::new(),
        slot_types,
        slot_columns: HashMap::new(),
        references: Vec::new(),
        workspace_calls: HashMap::new(),
    });
    let result = binder.bind_script(script);
    (result, binder.data_dependent.take())
}

/// Returns a warning for each created name near a known column that the query needs from
/// that plugin: the query may mean the known column, and only the data can tell.
///
/// A pass adds a missing name to every plugin that could create it, so a name that one
/// watchlist must provide is also recorded for another watchlist bound in the same pass.
/// A name whose removal from one plugin still lets the script bind is not needed from
/// that plugin and gets no warning there.
fn near_known_warnings(
    script: &Script,
    tables: &dyn SchemaSource,
    state: &DataDependentColumns,
) -> Vec<Warning> {
    let mut warnings: Vec<Warning> = Vec::new();
    for (plugin, name, close) in state.near_known_names() {
        let mut without = state.created.clone();
        if let Some(names) = without.get_mut(&plugin.key) {
            names.retain(|created| created != name);
        }
        if bind_pass(script, tables, without, state.slot_types.clone())
            .0
            .is_ok()
        {
            continue;
        }
        let span = state
            .references
            .iter()
            .find(|(_, reference)| reference == name)
            .map(|(span, _)| span.clone());
        warnings.push(Warning {
            message: format!(
                "`{name}` is taken to be {}; did you mean the column `{close}`?",
                plugin.creates.column_phrase()
            ),
            span,
        });
    }
    for (plugin, first, second) in state.similar_created_names() {
        let span = state
            .references
            .iter()
            .find(|(_, reference)| reference == second)
            .map(|(span, _)| span.clone());
        warnings.push(Warning {
            message: format!(
                "`{first}` and `{second}` are both taken to be columns of {}; if one is a typo of the other, use one name",
                plugin.creates.plugin()
            ),
            span,
        });
    }
    warnings
}

/// True when two column names differ only in letter case, or, for names of 8 or more
/// characters, in one edit that is not a digit, such as `SourceIp_s` and `SourceIP_s` or
/// `Duration` and `Durration`, but not `Port1` and `Port2`.
fn likely_same_name(first: &str, second: &str) -> bool {
    let (first, second) = (first.to_lowercase(), second.to_lowercase());
    if first == second {
        return true;
    }
    if first.chars().count().min(second.chars().count()) < 8 {
        return false;
    }
    let digits_differ = first
        .chars()
        .zip(second.chars())
        .any(|(a, b)| a != b && (a.is_ascii_digit() || b.is_ascii_digit()));
    strsim::damerau_levenshtein(&first, &second) == 1 && !digits_differ
}

/// Binds the script in passes, each with the created names the errors of the passes
/// before it found. Also returns whether the last pass bound a `bag_unpack` that
/// creates columns.
fn bind_in_passes(
    script: &Script,
    tables: &dyn SchemaSource,
    slot_types: SlotTypes,
) -> (Result<BoundQuery>, bool) {
    let (result, binds_slots, _) = bind_in_passes_with_state(script, tables, slot_types);
    (result, binds_slots)
}

/// Like [`bind_in_passes`], and also returns the state of the last pass.
fn bind_in_passes_with_state(
    script: &Script,
    tables: &dyn SchemaSource,
    slot_types: SlotTypes,
) -> (Result<BoundQuery>, bool, Option<DataDependentColumns>) {
    let mut created = HashMap::new();
    let mut passes = 0;
    loop {
        let (result, state) = bind_pass(script, tables, created, slot_types.clone());
        let Some(mut state) = state else {
            return (result, false, None);
        };
        let binds_slots = state
            .plugins
            .iter()
            .any(|plugin| plugin.creates.takes_slot_type());
        let error = match result {
            Ok(mut bound) => {
                bound
                    .warnings
                    .extend(near_known_warnings(script, tables, &state));
                return (Ok(bound), binds_slots, Some(state));
            }
            Err(error) => error,
        };
        passes += 1;
        if passes >= MAX_PASSES {
            let message = format!(
                "{PASS_LIMIT_MESSAGE} {MAX_PASSES} column names that {} could create from \
                 the data; run the query with `kql run` on data to check the rest",
                state.plugin_names()
            );
            return (
                Err(crate::error::Error::unsupported(0..0, message)),
                binds_slots,
                None,
            );
        }
        let added = match error.unknown_column.as_deref() {
            Some(name) => state.add_created(name),
            _ => false,
        };
        if !added {
            return (Err(error), binds_slots, Some(state));
        }
        created = state.created;
    }
}

/// Binds a data-dependent plugin's output without rows: the `known` columns, then the
/// created columns that earlier passes found, each of type `created_type` (or, when it is
/// `None`, of this pass's type for bag slots). Returns `None` when the binder has rows
/// to run the plugin's input, or neither rows nor this mode, as in `kql run`.
pub(super) fn bind_columns_from_data(
    binder: &mut Binder<'_>,
    input: Plan,
    known: Vec<Field>,
    created_type: Option<Type>,
    creates: CreatedNames,
    plugin: &Ident,
    span: Span,
) -> Option<Plan> {
    let state = binder.data_dependent.as_mut()?;
    if created_type.is_none() {
        let candidates: &'static [Type] = match creates {
            CreatedNames::Slots { .. } => &SLOT_TYPES,
            _ => &OPEN_SCHEMA_TYPES,
        };
        for name in state.created.get(&plugin.span).into_iter().flatten() {
            state.slot_columns.insert(name.clone(), candidates);
        }
    }
    let slot_types = state.slot_types.clone();
    let input_schema = input.schema.clone();
    let type_of =
        |name: &str| created_type.unwrap_or_else(|| slot_types.type_of(name, &input_schema));
    let created = state.created.get(&plugin.span).cloned().unwrap_or_default();
    let plugin_name = creates.plugin();
    state.plugins.push(BoundPlugin {
        key: plugin.span.clone(),
        known: known
            .iter()
            .filter(|field| !field.is_undetermined())
            .map(|field| field.name.clone())
            .collect(),
        creates,
    });

    let mut fields = known;
    fields.extend(created.into_iter().map(|name| {
        let ty = type_of(&name);
        Field::new(name, ty)
    }));
    Some(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::ColumnsFromData(Box::new(ColumnsFromDataPlan {
            input,
            source: plugin_name,
        })),
        span,
    })
}

/// Binds a custom `_CL` table that the catalog does not describe, when binding without
/// rows: its `TimeGenerated` column, which every Log Analytics table has
/// (learn.microsoft.com/azure/azure-monitor/logs/create-custom-table), the standard
/// columns, and every other column name that the query uses. Returns `None` outside
/// this mode, as in `kql run`, where the table must be loaded.
pub(super) fn bind_custom_table_without_data(
    binder: &mut Binder<'_>,
    table: &Ident,
) -> Option<Plan> {
    binder.data_dependent.as_ref()?;
    let mut known = vec![Field::new("TimeGenerated", Type::DateTime)];
    known.extend(
        crate::schema::STANDARD_COLUMNS
            .iter()
            .map(|(name, ty)| Field::new(*name, *ty)),
    );
    let input = Plan {
        kind: PlanKind::Scan {
            table: table.name.clone(),
        },
        schema: Schema::default(),
        span: table.span.clone(),
    };
    let creates = CreatedNames::CustomColumns {
        table: table.name.clone(),
    };
    binder.warn(
        &table.span,
        &format!(
            "`{0}` is a custom table that the catalog does not describe, so its columns were not \
         checked; describe them with --schema FILE, or run the query on its data with \
         `kql run --table {0}=FILE`",
            table.name
        ),
    );
    bind_columns_from_data(
        binder,
        input,
        known,
        None,
        creates,
        table,
        table.span.clone(),
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::*;
    use crate::error::{Error, ErrorKind};
    use crate::schema::BuiltinSchemas;
    use crate::table::Table;

    /// DeviceInfo with `AdditionalFields` converted to dynamic and unpacked, as published
    /// queries write it.
    const UNPACKED: &str =
        "DeviceInfo | extend Bag = todynamic(AdditionalFields) | evaluate bag_unpack(Bag)";
    /// One row per OSPlatform with a `long` column per DeviceType value.
    const PIVOTED: &str =
        "DeviceInfo | project OSPlatform, DeviceType | evaluate pivot(DeviceType)";

    fn check(query: &str) -> Result<BoundQuery> {
        let script = crate::parser::parse(query)?;
        bind_without_data(&script, &BuiltinSchemas::new())
    }

    fn column_types(bound: &BoundQuery) -> Vec<Type> {
        bound
            .plan
            .schema
            .fields
            .iter()
            .map(|field| field.ty)
            .collect()
    }

    fn check_error(query: &str) -> Error {
        match check(query) {
            Ok(_) => panic!("`{query}` should be rejected"),
            Err(error) => error,
        }
    }

    #[test]
    fn slots_named_after_bag_unpack() {
        let bound = check(&format!(
            "{UNPACKED} | where Status == 'ok' | project DeviceName, Status, Count"
        ))
        .expect("binds");
        let names: Vec<&str> = bound.plan.schema.names().collect();
        assert_eq!(names, ["DeviceName", "Status", "Count"]);
        assert!(check(&format!("{UNPACKED} | project-away Status, Count")).is_ok());
        assert!(check(&format!("{UNPACKED} | summarize count() by Status")).is_ok());
        // The unpacked column itself may come back as a slot.
        assert!(check(&format!("{UNPACKED} | project Bag")).is_ok());
    }

    #[test]
    fn known_columns_keep_types() {
        let error = check_error(&format!("{UNPACKED} | where DeviceName > 5"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        let error = check_error(&format!("{PIVOTED} | where OSPlatform > 5"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
    }

    #[test]
    fn slot_types_tried_in_turn() {
        // `bin(x, 10)` needs a number, which a slot of JSON numbers gives.
        assert!(check(&format!("{UNPACKED} | summarize count() by bin(Size, 10)")).is_ok());
        // No slot is a datetime, so a timespan bin fails for every slot type.
        let error = check_error(&format!("{UNPACKED} | summarize count() by bin(Seen, 1h)"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
    }

    #[test]
    fn prefix_limits_slot_names() {
        let prefixed =
            "DeviceInfo | extend Bag = todynamic(AdditionalFields) | evaluate bag_unpack(Bag, 'P_')";
        assert!(check(&format!("{prefixed} | project DeviceName, P_Status")).is_ok());
        let error = check_error(&format!("{prefixed} | project Status"));
        assert_eq!(error.unknown_column.as_deref(), Some("Status"));
        // Only the prefix itself would need an empty slot name.
        assert!(check(&format!("{prefixed} | project P_")).is_err());
        let ignoring = "DeviceInfo | extend Bag = todynamic(AdditionalFields) \
             | evaluate bag_unpack(Bag, ignoredProperties=dynamic(['Secret']))";
        assert!(check(&format!("{ignoring} | project Status")).is_ok());
        assert!(check(&format!("{ignoring} | project Secret")).is_err());
    }

    #[test]
    fn names_out_of_plugin_reach_rejected() {
        // Dropped by `project` after the plugin.
        let error = check_error(&format!(
            "{UNPACKED} | project Status | where DeviceName == 'x'"
        ));
        assert_eq!(error.unknown_column.as_deref(), Some("DeviceName"));
        // Before the plugin.
        let error = check_error(
            "DeviceInfo | where Typo == 1 | extend Bag = todynamic(AdditionalFields) \
             | evaluate bag_unpack(Bag)",
        );
        assert_eq!(error.unknown_column.as_deref(), Some("Typo"));
        // In the other side of a join.
        let error = check_error(&format!(
            "{UNPACKED} | join (DeviceInfo | where Typo == 1) on DeviceId"
        ));
        assert_eq!(error.unknown_column.as_deref(), Some("Typo"));
        // A join key on the side without the plugin.
        assert!(check(&format!("{UNPACKED} | join (DeviceInfo) on Status")).is_err());
    }

    #[test]
    fn other_errors_after_plugin_rejected() {
        let error = check_error(&format!("{UNPACKED} | where nosuchfn(Status) == 'x'"));
        assert_eq!(error.kind, ErrorKind::UnknownName);
        let error = check_error(&format!("{UNPACKED} | where tolower(Status, 1) == 'x'"));
        assert_ne!(error.kind, ErrorKind::UnknownName);
        let error = check_error("NoSuchTable | evaluate bag_unpack(Bag)");
        assert_eq!(error.kind, ErrorKind::UnknownName);
        let error = check_error(&format!("{UNPACKED} | where Status == 'x' |"));
        assert_eq!(error.kind, ErrorKind::Syntax);
        let error = check_error(&format!("{UNPACKED} | no-such-operator"));
        assert_eq!(error.kind, ErrorKind::Syntax);
    }

    #[test]
    fn created_names_near_known_columns_warn() {
        let bound = check(&format!("{UNPACKED} | project DeviceNmae, Status")).expect("binds");
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(bound.warnings[0].message.contains("`DeviceNmae`"));
        assert!(bound.warnings[0]
            .message
            .contains("did you mean the column `DeviceName`?"));
        let bound = check(&format!("{UNPACKED} | project DeviceName, Status")).expect("binds");
        assert!(bound.warnings.is_empty(), "{:?}", bound.warnings);
    }

    #[test]
    fn pass_limit_names_the_plugin() {
        let names: Vec<String> = (0..MAX_PASSES + 1).map(|i| format!("Field{i}")).collect();
        let error = check_error(&format!("{UNPACKED} | project {}", names.join(", ")));
        assert_eq!(error.kind, ErrorKind::Unsupported);
        assert!(error.message.contains("`bag_unpack`"), "{}", error.message);
    }

    #[test]
    fn pivot_columns_have_aggregate_type() {
        assert!(check(&format!("{PIVOTED} | extend Total = Workstation + Server")).is_ok());
        // A `count()` cell is a long, not a bag.
        let error = check_error(&format!("{PIVOTED} | extend x = Workstation.Name"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        // The pivot column is gone, so only a value of it can have its name.
        assert!(check(&format!("{PIVOTED} | project OSPlatform, DeviceType")).is_ok());
    }

    #[test]
    fn integer_pivot_values_are_numbers() {
        let pivoted = "DeviceInfo | project OSPlatform, Port = 443 | evaluate pivot(Port)";
        assert!(check(&format!("{pivoted} | project OSPlatform, ['443'], ['-1']")).is_ok());
        let error = check_error(&format!("{pivoted} | project Workstation"));
        assert_eq!(error.unknown_column.as_deref(), Some("Workstation"));
        assert!(check(&format!("{pivoted} | project ['0443']")).is_err());
    }

    #[test]
    fn plan_without_data_does_not_run() {
        let bound = check(&format!("{UNPACKED} | project Status")).expect("binds");
        let tables: HashMap<String, Arc<Table>> = HashMap::new();
        let context = crate::eval::EvalContext::new(0);
        let error = match crate::eval::execute(&bound.plan, &tables, &context) {
            Ok(_) => panic!("a plan bound without data ran"),
            Err(error) => error,
        };
        assert_eq!(error.kind, ErrorKind::Unsupported);
    }

    // Custom tables end in `_CL` and have `TimeGenerated`:
    // https://learn.microsoft.com/azure/azure-monitor/logs/create-custom-table.
    #[test]
    fn custom_table_columns_from_query() {
        let bound =
            check("Fw_CL | where TimeGenerated > ago(1h) | project SrcIp, Port").expect("binds");
        let names: Vec<&str> = bound.plan.schema.names().collect();
        assert_eq!(names, ["SrcIp", "Port"]);
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(bound.warnings[0]
            .message
            .contains("`Fw_CL` is a custom table"));
        let error = check_error("Fw_CL | where TimeGenerated > 5");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        // Only names ending in `_CL` are custom tables.
        let error = check_error("Fw_cl | take 1");
        assert_eq!(error.kind, ErrorKind::UnknownName);
    }

    #[test]
    fn custom_table_unbound_in_run_mode() {
        let script = crate::parser::parse("Fw_CL | take 1").expect("parses");
        let error = match super::super::bind(&script, &BuiltinSchemas::new()) {
            Ok(_) => panic!("bound a custom table without its schema"),
            Err(error) => error,
        };
        assert!(error.message.contains("is not loaded"), "{}", error.message);
    }

    // Sentinel keeps functions saved in the workspace, which queries call like their own
    // (learn.microsoft.com/azure/azure-monitor/logs/functions, "Workspace functions").
    #[test]
    fn workspace_function_columns_from_query() {
        let bound = check(
            "SigninLogs | where TimeGenerated > ago(1d) | invoke Enrich(UserPrincipalName, 5) \
             | where RoleName == 'admin' | project UserPrincipalName, RoleName",
        )
        .expect("binds");
        let names: Vec<&str> = bound.plan.schema.names().collect();
        assert_eq!(names, ["UserPrincipalName", "RoleName"]);
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(bound.warnings[0]
            .message
            .contains("`Enrich` is not defined in the query"));

        // A column takes precedence over the Resource Graph table `Resources`.
        let bound = check("AWSCloudTrail | invoke Enrich() | project Resources").expect("binds");
        assert_eq!(bound.plan.schema.names().collect::<Vec<_>>(), ["Resources"]);
        let error = check_error("AWSCloudTrail | project Resources = Resources + 1");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);

        let bound = check("Roles(7d) | summarize count() by Name").expect("binds");
        assert_eq!(
            bound.plan.schema.names().collect::<Vec<_>>(),
            ["Name", "count_"]
        );
    }

    #[test]
    fn catalog_types_for_created_columns() {
        // No single type suits both columns: `max` needs an ordered type and `[0]` a bag.
        let query = "Changes() | summarize Last = max(TimeGenerated) by Target = tostring(TargetResources[0])";
        let bound = check(query).expect("binds");
        let types = column_types(&bound);
        assert_eq!(types, [Type::String, Type::DateTime]);
    }

    #[test]
    fn column_types_searched_one_by_one() {
        // Each custom column needs a type of its own, and the catalog lists none of them.
        let query = "Fw_CL | where Blocked and Port > 1024 and Host has 'x' \
                     | summarize count() by bin(EventTime_t, 1h), Wait = Delay + 1h, tostring(Bag[0])";
        let bound = check(query).unwrap_or_else(|error| panic!("{}", error.message));
        let types = column_types(&bound);
        // `Delay + 1h` binds first with a datetime `Delay`.
        assert_eq!(
            types,
            [Type::DateTime, Type::DateTime, Type::String, Type::Long]
        );
        let query = "Fw_CL | make-series count() on Stamp from ago(1d) to now() step 1h";
        assert!(check(query).is_ok());
        // No type lets a column be both a grouping key and a bag.
        let error = check_error("Fw_CL | summarize by Port | where Port[0] == 1");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        // Slots of bag_unpack hold JSON values, never a datetime.
        let error = check_error(&format!("{UNPACKED} | summarize count() by bin(Seen, 1h)"));
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
    }

    #[test]
    fn column_types_follow_derived_columns() {
        // `Duration > 1h` reads no custom column, so the columns read before it change type.
        for query in [
            "Fw_CL | extend Duration = EndTime_t - StartTime_t | where Duration > 1h",
            "Fw_CL | summarize count() by bin(A, 1h), bin(B, 1h), bin(C, 1h), bin(D, 1h), \
             bin(E, 1h), bin(F, 1h), bin(G, 1h), bin(H, 1h)",
        ] {
            assert!(check(query).is_ok(), "{query}: {:?}", check(query).err());
        }
    }

    #[test]
    fn furthest_error_reported() {
        // A misspelled column after `summarize`, not the dynamic grouping key of an
        // early binding, is the error to fix.
        let error = check_error("Fw_CL | summarize count() by Host_s | where Host_S == 'a'");
        assert_eq!(error.kind, ErrorKind::UnknownName);
        assert!(error.message.contains("`Host_S`"), "{}", error.message);
    }

    #[test]
    fn similar_custom_columns_warn() {
        let bound = check("Fw_CL | where SourceIP_s == 'a' or SourceIp_s == 'b'").expect("binds");
        let warning = bound
            .warnings
            .iter()
            .find(|warning| warning.message.contains("are both taken to be columns"))
            .expect("a warning about the two spellings");
        assert!(warning.message.contains("`SourceIP_s` and `SourceIp_s`"));
        let bound = check("Fw_CL | project Port1, Port2, Server10, Server11").expect("binds");
        assert!(
            bound
                .warnings
                .iter()
                .all(|warning| !warning.message.contains("are both taken")),
            "{:?}",
            bound.warnings
        );
        assert!(likely_same_name("Duration", "Durration"));
        assert!(likely_same_name("Host_s", "Host_S"));
        assert!(!likely_same_name("Port1", "Port2"));
        assert!(!likely_same_name("Server10", "Server11"));
    }

    #[test]
    fn workspace_function_in_let_and_toscalar() {
        for query in [
            "let events = MyParser(1d); events | where Port > 1024 | take 1",
            "print total = toscalar(MyParser(1d) | count)",
        ] {
            assert!(check(query).is_ok(), "{query}: {:?}", check(query).err());
        }
        // A scalar call stays unknown, and a typo of a built-in stays a typo.
        assert_eq!(check_error("print MyFunc(1)").kind, ErrorKind::UnknownName);
        let error = check_error("let y = tolowr('A'); print y");
        assert_eq!(error.kind, ErrorKind::UnknownName);
    }

    #[test]
    fn join_key_types_searched() {
        // A custom column used only as a join key takes the type the other key has.
        let query = "A_CL | join (DeviceEvents) on $left.X == $right.Timestamp";
        assert!(check(query).is_ok(), "{:?}", check(query).err());
    }

    #[test]
    fn wildcards_leave_out_resource_graph() {
        // Resource Graph tables are read through arg(""), not by a workspace wildcard.
        let error = check_error("union * | where isnotempty(managedBy)");
        assert_eq!(error.kind, ErrorKind::UnknownName);
    }

    #[test]
    fn workspace_function_calls_agree() {
        // A tabular parameter has no default, so every call passes the table or none does.
        for query in [
            "MyParser(1d) | union (SigninLogs | invoke MyParser())",
            "SigninLogs | invoke Enrich() | union Enrich()",
        ] {
            let error = check_error(query);
            assert_eq!(error.kind, ErrorKind::TypeMismatch, "{query}");
            assert!(
                error.message.contains("which no definition accepts"),
                "{query}"
            );
        }
        for query in [
            "MyParser() | union MyParser(2d)",
            "Enrich(SigninLogs) | union (AuditLogs | invoke Enrich())",
        ] {
            assert!(check(query).is_ok(), "{query}");
        }
    }

    #[test]
    fn workspace_function_keeps_input_types() {
        // The function's result may keep the input's columns, with their types.
        let query = "SigninLogs | invoke Enrich() | summarize count() by bin(TimeGenerated, 1h), \
                     Stamp = bin(CreatedDateTime, 1d), Tag";
        assert!(check(query).is_ok(), "{:?}", check(query).err());
        // A Defender function reads its key column from the result.
        let query = "DeviceFileEvents | invoke Enrich() | invoke FileProfile() | project FileName, GlobalPrevalence";
        assert!(check(query).is_ok(), "{:?}", check(query).err());
    }

    #[test]
    fn workspace_function_name_of_builtin_rejected() {
        for query in [
            "_GetWatchlst('x')",
            "_getwatchlist('x')",
            "materialze(SigninLogs)",
            "tabel('SigninLogs')",
            "count() | take 1",
            "SigninLogs | invoke where()",
        ] {
            let error = check_error(query);
            assert_eq!(
                error.kind,
                ErrorKind::UnknownName,
                "{query}: {}",
                error.message
            );
        }
    }

    #[test]
    fn workspace_function_arguments_checked() {
        let error = check_error("SigninLogs | invoke Enrich(UserPrincipalNme)");
        assert_eq!(error.kind, ErrorKind::UnknownName);
        assert!(
            error.message.contains("UserPrincipalNme"),
            "{}",
            error.message
        );
        let error = check_error("Roles(1d + 'x')");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
    }

    #[test]
    fn misspelled_function_not_workspace_function() {
        // One typo away from a `let` function, a built-in function or a table.
        let error = check_error("let Enrich = (T:(*)) { T }; SigninLogs | invoke Enrch()");
        assert!(
            error.message.contains("no function `Enrch`"),
            "{}",
            error.message
        );
        assert_eq!(error.hints, ["did you mean `Enrich`?"]);
        let error = check_error("SigninLog(1d)");
        assert_eq!(error.hints, ["did you mean `SigninLogs`?"]);
        let error = check_error("DeviceInfo | invoke FileProfil()");
        assert_eq!(error.hints, ["did you mean `FileProfile`?"]);
        // Further from every known name, a call is taken for a workspace function.
        assert!(check("UnifySignInLogs(1d) | project UserPrincipalName").is_ok());
        let error = check_error("SigninLogs | invoke tolower()");
        assert!(
            error.message.contains("scalar function"),
            "{}",
            error.message
        );
    }

    #[test]
    fn workspace_function_unbound_in_run_mode() {
        let script = crate::parser::parse("SigninLogs | invoke Enrich()").expect("parses");
        let error = match super::super::bind(&script, &BuiltinSchemas::new()) {
            Ok(_) => panic!("bound a call of an undefined function"),
            Err(error) => error,
        };
        assert!(
            error.message.contains("no function `Enrich`"),
            "{}",
            error.message
        );
        assert!(
            error.hints.iter().any(|hint| hint.contains("--prelude")),
            "{:?}",
            error.hints
        );
    }

    // learn.microsoft.com/azure/sentinel/watchlists-queries: SearchKey and the CSV's
    // columns, which `kql check` has not seen, are columns of the result.
    #[test]
    fn watchlist_columns_without_file() {
        let bound = check(
            "_GetWatchlist('servers') | where Owner == 'ops' | project SearchKey, Owner, \
             LastUpdatedTimeUTC",
        )
        .expect("binds");
        let types = column_types(&bound);
        assert_eq!(types, [Type::String, Type::String, Type::DateTime]);
        assert!(bound.warnings.is_empty(), "{:?}", bound.warnings);
        // A CSV column is a string, so a number comparison is a type error.
        let error = check_error("_GetWatchlist('servers') | where Port > 5");
        assert_eq!(error.kind, ErrorKind::TypeMismatch);
        // A typo outside the watchlist stays an error.
        let error = check_error(
            "_GetWatchlist('servers') | join (DeviceInfo | where Typo == 1) \
             on $left.SearchKey == $right.DeviceName",
        );
        assert_eq!(error.unknown_column.as_deref(), Some("Typo"));
    }

    #[test]
    fn watchlist_name_near_fixed_column_warns() {
        let bound = check("_GetWatchlist('servers') | project Searchkey").expect("binds");
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(bound.warnings[0]
            .message
            .contains("the CSV file of watchlist `servers`"));
        assert!(bound.warnings[0]
            .message
            .contains("did you mean the column `SearchKey`?"));
    }

    // Each watchlist's columns come from its own CSV file
    // (learn.microsoft.com/azure/sentinel/watchlists-queries), so a name that only the
    // second watchlist must provide is no near-typo of the first one.
    #[test]
    fn watchlist_warning_names_its_watchlist() {
        let bound = check(
            "let a = _GetWatchlist('A') | project SearchKey;\n\
             let b = _GetWatchlist('B') | project LastUpdatedTimeUtc;\n\
             union a, b",
        )
        .expect("binds");
        assert_eq!(bound.warnings.len(), 1, "{:?}", bound.warnings);
        assert!(
            bound.warnings[0].message.contains("watchlist `B`"),
            "{:?}",
            bound.warnings
        );
        assert!(bound.warnings[0].message.contains("`LastUpdatedTimeUTC`?"));
        // A name that both watchlists must provide warns for both.
        let bound = check(
            "union (_GetWatchlist('A') | project Searchkey), \
             (_GetWatchlist('B') | project Searchkey)",
        )
        .expect("binds");
        assert_eq!(bound.warnings.len(), 2, "{:?}", bound.warnings);
    }

    #[test]
    fn watchlist_without_rows_needs_file() {
        let script = crate::parser::parse("_GetWatchlist('servers')").expect("parses");
        let error = match super::super::bind(&script, &BuiltinSchemas::new()) {
            Ok(_) => panic!("bound without the watchlist"),
            Err(error) => error,
        };
        assert_eq!(error.kind, ErrorKind::Usage);
        assert!(error.hints[0].contains("--watchlist servers=FILE.csv"));
    }

    #[test]
    fn binding_with_rows_unchanged() {
        // `kql run` binds the catalog with `binder::bind`, which still rejects the plugin.
        let script = crate::parser::parse(UNPACKED).expect("parses");
        let error = match super::super::bind(&script, &BuiltinSchemas::new()) {
            Ok(_) => panic!("bound without rows"),
            Err(error) => error,
        };
        assert_eq!(error.kind, ErrorKind::Unsupported);
    }
}
