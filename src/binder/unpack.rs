//! `evaluate bag_unpack(Column, …)` without an output schema: the output columns are the
//! slots of the bags in the data, so the binder runs the input to find them
//! (learn.microsoft.com/kusto/query/bag-unpack-plugin).
//!
//! The page's "Returns" section and examples give the rules followed here. The unpacked
//! column is removed, and each distinct top-level slot becomes a column named by the
//! prefix and the slot. The slot columns come sorted by name (`{"Name", "Age"}` gives
//! `Age, Name`). A slot whose values all have one type gets that type, any other slot is
//! `dynamic`, and null values are ignored.

use super::data_dependent::{bind_columns_from_data, CreatedNames};
use super::plan::{BagUnpackPlan, ColumnsConflict, DiscoveredSlots, Plan, PlanKind, UnpackColumn};
use super::plugins::{bag_column, unpack_arguments};
use super::Binder;
use crate::ast::{Expr, Ident, Span};
use crate::error::{Error, ErrorKind, Result};
use crate::eval::operators::bag_unpack::slot_types;
use crate::table::{Field, Schema};

/// Binds `bag_unpack` without an output schema by running its input over the loaded
/// tables, or fails where the schema source has no rows (`kql check`).
pub(super) fn bind_bag_unpack_from_data(
    binder: &mut Binder<'_>,
    input: Plan,
    plugin: &Ident,
    args: &[Expr],
    span: Span,
) -> Result<Plan> {
    let arguments = unpack_arguments(binder, args, plugin)?;
    let bag = bag_column(&input.schema, arguments.column)?;
    let Some(probe) = binder.evaluate(&input) else {
        let known = input
            .schema
            .fields
            .iter()
            .enumerate()
            .filter(|(position, _)| *position != bag)
            .map(|(_, field)| field.clone())
            .collect();
        let creates = CreatedNames::Slots {
            prefix: arguments.prefix,
            ignored: arguments.ignored,
        };
        if let Some(plan) =
            bind_columns_from_data(binder, input, known, None, creates, plugin, span)
        {
            return Ok(plan);
        }
        return Err(Error::unsupported(
            plugin.span.clone(),
            "`bag_unpack` without an output schema cannot be checked without the data, \
             because its columns are the slots of the bags; `kql run` supports it",
        )
        .with_hint(
            "to check the query, declare the output columns after the call: \
             `evaluate bag_unpack(Col) : (Name:string, Count:long)`",
        ));
    };
    let probe = probe?;
    let bags = probe
        .columns
        .get(bag)
        .map(|values| values.as_slice())
        .unwrap_or_default();
    let slots = slot_types(bags, &arguments.ignored);

    let slot_names: Vec<String> = slots
        .iter()
        .map(|(slot, _)| format!("{}{slot}", arguments.prefix))
        .collect();
    // The plugin page requires slot names, after the prefix, to be valid column names.
    if slot_names.iter().any(String::is_empty) {
        return Err(Error::at(
            ErrorKind::Evaluation,
            plugin.span.clone(),
            "`bag_unpack` found a slot with an empty name, which cannot become a column",
        )
        .with_hint("give a prefix, as in `bag_unpack(Col, 'Slot_')`, or remove the slot with ignoredProperties"));
    }
    let mut fields = Vec::new();
    let mut columns = Vec::new();
    for (position, field) in input.schema.fields.iter().enumerate() {
        if position == bag || slot_names.contains(&field.name) {
            continue;
        }
        fields.push(field.clone());
        columns.push(UnpackColumn {
            slot: None,
            input: Some(position),
            ty: field.ty,
        });
    }
    // NOTE: a slot named like an input column takes the slot's place among the sorted
    // slot columns, also with keep_source. The page's two columnsConflict examples show
    // `Age, Name` for an input `Name, d`; no page states the rule.
    for ((slot, ty), name) in slots.iter().zip(slot_names) {
        let source = input
            .schema
            .index_of(&name)
            .filter(|&position| position != bag);
        let column = match (source, arguments.conflict) {
            (None, _) | (Some(_), ColumnsConflict::ReplaceSource) => UnpackColumn {
                slot: Some(slot.clone()),
                input: None,
                ty: *ty,
            },
            (Some(position), ColumnsConflict::KeepSource) => {
                let kept = input
                    .schema
                    .fields
                    .get(position)
                    .map_or(*ty, |field| field.ty);
                UnpackColumn {
                    slot: None,
                    input: Some(position),
                    ty: kept,
                }
            }
            (Some(_), ColumnsConflict::Error) => {
                return Err(Error::at(
                    ErrorKind::Evaluation,
                    span,
                    format!("bag slot `{slot}` has the name of input column `{name}`"),
                )
                .with_hint(
                    "pass columnsConflict='replace_source' or columnsConflict='keep_source'",
                ))
            }
        };
        fields.push(Field::new(name, column.ty));
        columns.push(column);
    }

    Ok(Plan {
        schema: Schema::new(fields),
        kind: PlanKind::BagUnpack(Box::new(BagUnpackPlan {
            input,
            bag,
            conflict: arguments.conflict,
            columns,
            discovered: Some(DiscoveredSlots {
                slots,
                ignored: arguments.ignored,
            }),
        })),
        span,
    })
}
