//! The types of columns that only data determines, for [`super::bind_without_data`]: one
//! type for all of them per binding, the catalog's type by name, and a search that changes
//! the types of single columns after a type error.

use std::collections::HashMap;
use std::sync::Arc;

use super::{bind_in_passes_with_state, DataDependentColumns, PASS_LIMIT_MESSAGE, SLOT_TYPES};
use crate::ast::{Script, Span};
use crate::binder::{BoundQuery, SchemaSource};
use crate::error::ErrorKind;
use crate::table::Schema;
use crate::value::Type;

/// The maximum number of bindings that [`search_column_types`] tries.
const MAX_TYPE_SEARCH: usize = 64;

/// The column types that a custom table or a workspace function's result may have: the
/// types of [`SLOT_TYPES`], and `datetime` and `timespan`, which JSON values do not have.
/// They are tried in this order after `string`, which the search starts from: a custom
/// column that is not text is most often a time or a number.
pub(super) const OPEN_SCHEMA_TYPES: [Type; 7] = [
    Type::String,
    Type::DateTime,
    Type::Long,
    Type::Real,
    Type::Timespan,
    Type::Dynamic,
    Type::Bool,
];

/// The types of created columns whose type only the data determines, in one binding. The
/// first bindings give every such column one type. Later ones give a name that catalog
/// tables use the catalog's type (`TimeGenerated` is a `datetime`) and the rest one type,
/// and the search adds types chosen for single columns.
#[derive(Debug, Clone)]
pub(super) struct SlotTypes {
    pub(super) fallback: Type,
    pub(super) by_name: Option<Arc<HashMap<String, Type>>>,
    /// Types that a search after a type error chose for single columns, by name.
    pub(super) chosen: HashMap<String, Type>,
}

impl SlotTypes {
    pub(super) fn uniform(fallback: Type) -> SlotTypes {
        SlotTypes {
            fallback,
            by_name: None,
            chosen: HashMap::new(),
        }
    }

    /// Returns the type of the created column `name` of a plugin whose input is `input`.
    /// Where types go by name, a column of the input keeps its type, because functions
    /// such as workspace parsers often pass their input's columns on.
    pub(super) fn type_of(&self, name: &str, input: &Schema) -> Type {
        if let Some(ty) = self.chosen.get(name) {
            return *ty;
        }
        let Some(types) = &self.by_name else {
            return self.fallback;
        };
        input
            .field(name)
            .map(|field| field.ty)
            .or_else(|| types.get(name).copied())
            .or_else(|| suffix_type(name))
            .unwrap_or(self.fallback)
    }
}

/// Returns the type that the suffix of a custom log column names. The HTTP Data Collector
/// API, which creates classic `_CL` tables, appends `_s` (string), `_b` (bool), `_d`
/// (double), `_t` (date/time) or `_g` (GUID, stored as a string) to each property name
/// (learn.microsoft.com/azure/azure-monitor/logs/data-collector-api, "Record type and
/// properties").
fn suffix_type(name: &str) -> Option<Type> {
    let (stem, suffix) = name.rsplit_once('_')?;
    if stem.is_empty() {
        return None;
    }
    match suffix {
        "s" | "g" => Some(Type::String),
        "b" => Some(Type::Bool),
        "d" => Some(Type::Real),
        "t" => Some(Type::DateTime),
        _ => None,
    }
}

/// Returns, for each column name of the catalog's tables, the type that most tables with
/// a column of that name give it.
pub(super) fn catalog_column_types(tables: &dyn SchemaSource) -> HashMap<String, Type> {
    let mut counts: HashMap<String, HashMap<Type, usize>> = HashMap::new();
    for table in tables.table_names() {
        let Some(schema) = tables.schema(&table) else {
            continue;
        };
        for field in &schema.fields {
            *counts
                .entry(field.name.clone())
                .or_default()
                .entry(field.ty)
                .or_default() += 1;
        }
    }
    counts
        .into_iter()
        .filter_map(|(name, types)| {
            let (ty, _) = types.into_iter().max_by_key(|(ty, count)| {
                (*count, SLOT_TYPES.iter().position(|slot| slot == ty))
            })?;
            Some((name, ty))
        })
        .collect()
}

/// The error to report when no types of the created columns let a script bind: the one
/// that the binding which got furthest into the query stopped at. An earlier error is
/// often only a type that a later binding changed, such as a `dynamic` grouping key,
/// while the furthest one, such as a misspelled column, needs the author's fix.
pub(super) struct FurthestError {
    pub(super) error: crate::error::Error,
}

impl FurthestError {
    pub(super) fn new(error: crate::error::Error) -> FurthestError {
        FurthestError { error }
    }

    pub(super) fn add(&mut self, error: crate::error::Error) {
        let start = |error: &crate::error::Error| error.span.as_ref().map(|span| span.start);
        if start(&error) > start(&self.error) {
            self.error = error;
        }
    }
}

/// True for an error that another type of a created column may avoid: a type error, or
/// a construct not supported for the column's type, such as a `dynamic` make-series axis.
pub(super) fn may_depend_on_types(error: &crate::error::Error) -> bool {
    match error.kind {
        ErrorKind::TypeMismatch => true,
        ErrorKind::Unsupported => !error.message.starts_with(PASS_LIMIT_MESSAGE),
        _ => false,
    }
}

/// Searches for types of single created columns that let the script bind: after each
/// type error, every created column that the failing expression reads takes its next
/// possible type. Returns `None` when an error names no such column or every column
/// has had each of its types.
pub(super) fn search_column_types(
    script: &Script,
    tables: &dyn SchemaSource,
    by_name: Arc<HashMap<String, Type>>,
    errors: &mut FurthestError,
) -> Option<BoundQuery> {
    let mut slot_types = SlotTypes {
        fallback: Type::String,
        by_name: Some(by_name),
        chosen: HashMap::new(),
    };
    let mut tried: HashMap<String, usize> = HashMap::new();
    for _ in 0..MAX_TYPE_SEARCH {
        let (result, _, state) = bind_in_passes_with_state(script, tables, slot_types.clone());
        let error = match result {
            Ok(bound) => return Some(bound),
            Err(error) => error,
        };
        let retry = may_depend_on_types(&error);
        let failed = error.span.clone();
        errors.add(error);
        let (Some(state), Some(failed), true) = (state, failed, retry) else {
            return None;
        };
        let mut changed = false;
        for name in implicated_columns(&state, &failed) {
            let Some(candidates) = state.slot_columns.get(&name) else {
                continue;
            };
            let count = tried.entry(name.clone()).or_insert(0);
            if *count + 1 >= candidates.len() {
                continue;
            }
            *count += 1;
            let current = slot_types.type_of(&name, &Schema::default());
            let start = candidates.iter().position(|ty| *ty == current).unwrap_or(0);
            let next = candidates[(start + 1) % candidates.len()];
            slot_types.chosen.insert(name, next);
            changed = true;
        }
        if !changed {
            return None;
        }
    }
    None
}

/// Returns the created columns that the failing expression at `failed` reads, or, when
/// it reads none (`Duration > 1h` after `extend Duration = End - Start`), the created
/// columns that the query reads before it, whose types the failing expression's inputs
/// may come from.
fn implicated_columns(state: &DataDependentColumns, failed: &Span) -> Vec<String> {
    let read_in = |keep: &dyn Fn(&Span) -> bool| {
        let mut names: Vec<String> = Vec::new();
        for (span, name) in &state.references {
            if keep(span) && !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    };
    let inside = read_in(&|span| span.start >= failed.start && span.end <= failed.end);
    if !inside.is_empty() {
        return inside;
    }
    read_in(&|span| span.end <= failed.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slot_types_follow_custom_log_suffixes() {
        let slots = SlotTypes {
            fallback: Type::Dynamic,
            by_name: Some(Arc::new(HashMap::new())),
            chosen: HashMap::new(),
        };
        let input = Schema::default();
        assert_eq!(slots.type_of("ResponseCode_s", &input), Type::String);
        assert_eq!(slots.type_of("Latency_d", &input), Type::Real);
        assert_eq!(slots.type_of("Blocked_b", &input), Type::Bool);
        assert_eq!(slots.type_of("Received_t", &input), Type::DateTime);
        assert_eq!(slots.type_of("Correlation_g", &input), Type::String);
        // No stem, or another suffix: the binding's one type.
        assert_eq!(slots.type_of("_s", &input), Type::Dynamic);
        assert_eq!(slots.type_of("Count_n", &input), Type::Dynamic);
        // Before types go by name, every such column has the one type.
        assert_eq!(
            SlotTypes::uniform(Type::Long).type_of("Latency_d", &input),
            Type::Long
        );
    }
}
