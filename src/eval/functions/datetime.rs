//! Clock functions: `now` and `ago`. Both read the query's one clock
//! ([`EvalContext::now`]), so every row of a query sees the same time and `--now` pins it.

use super::{EvalContext, Function};
use crate::value::{Type, Value};

fn now_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Timespan], "the offset of now()")?;
    Ok(Type::DateTime)
}

fn ago_type(args: &[Type]) -> Result<Type, String> {
    super::expect_types(args, &[Type::Timespan], "the argument of ago()")?;
    Ok(Type::DateTime)
}

/// `now([offset])`: the query's clock plus an optional timespan.
fn now(args: &[Value], context: &EvalContext) -> Result<Value, String> {
    let offset = match args.first() {
        None => 0,
        Some(Value::Timespan(ticks)) => *ticks,
        Some(_) => return Ok(Value::Null),
    };
    Ok(context
        .now
        .checked_add(offset)
        .map(Value::DateTime)
        .unwrap_or(Value::Null))
}

/// `ago(span)`: the query's clock minus the timespan
/// (learn.microsoft.com/kusto/query/ago-function).
fn ago(args: &[Value], context: &EvalContext) -> Result<Value, String> {
    let Value::Timespan(ticks) = args[0] else {
        return Ok(Value::Null);
    };
    Ok(context
        .now
        .checked_sub(ticks)
        .map(Value::DateTime)
        .unwrap_or(Value::Null))
}

pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "now",
        signature: "now([offset: timespan]) -> datetime",
        min_args: 0,
        max_args: 1,
        result_type: now_type,
        eval: now,
    },
    Function {
        name: "ago",
        signature: "ago(span: timespan) -> datetime",
        min_args: 1,
        max_args: 1,
        result_type: ago_type,
        eval: ago,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{parse_datetime, TICKS_PER_DAY};

    #[test]
    fn ago_subtracts_from_pinned_clock() {
        let mut context = EvalContext::for_tests();
        context.now = parse_datetime("2025-08-30T00:00:00Z").expect("valid date");
        let result = ago(&[Value::Timespan(TICKS_PER_DAY)], &context).expect("call succeeds");
        assert_eq!(result.to_kusto_string(), "2025-08-29T00:00:00Z");
        let result = now(&[], &context).expect("call succeeds");
        assert_eq!(result.to_kusto_string(), "2025-08-30T00:00:00Z");
    }
}
