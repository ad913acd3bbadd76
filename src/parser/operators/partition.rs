//! `partition [hint.strategy=…] [hint.…=…] by Column (subquery)`
//! (learn.microsoft.com/kusto/query/partition-operator).

use nom::Err as NomErr;

use super::join::piped_operators;
use super::parameters::{invalid_value, parameters};
use crate::ast::{Ident, OperatorKind, Partition, PartitionStrategy};
use crate::lexer::{name, symbol, trivia, Input, PResult, SyntaxError};
use crate::parser::{keyword, DepthGuard};

/// `partition [hint.strategy=legacy|native|shuffle] [hint.…=…] by Column (subquery)`,
/// where the subquery is operators separated by `|`, with the partition's rows as input.
///
/// The legacy form with its own source, `by Column { T | … }`, is rejected: the reference
/// states that the subquery reads the key as `toscalar(Column)`, while its example reads the bare
/// column name, so how a name in the subquery resolves is not settled.
pub fn partition(input: Input<'_>) -> PResult<'_, OperatorKind> {
    let (rest, found) = parameters(input, &[])?;
    let mut strategy = PartitionStrategy::Legacy;
    for parameter in &found {
        if parameter.name == "hint.strategy" {
            strategy = match parameter.value.as_str() {
                "legacy" => PartitionStrategy::Legacy,
                "native" => PartitionStrategy::Native,
                "shuffle" => PartitionStrategy::Shuffle,
                _ => return Err(invalid_value(parameter, "legacy, native or shuffle")),
            };
        }
    }

    let (rest, _) = keyword("by")(rest)?;
    let (rest, (key, key_span)) = name(rest)?;
    let (rest, _) = trivia(rest)?;
    if rest.fragment().starts_with('{') {
        let start = rest.location_offset();
        return Err(NomErr::Failure(SyntaxError::unsupported(
            start,
            start + 1,
            "partition with a subquery that has its own source (`{ … }`) is not supported yet; \
             write the subquery as operators on the partition's rows, in parentheses",
        )));
    }

    let (rest, _) = symbol("(")(rest)?;
    let _depth = DepthGuard::enter(rest)?;
    let (rest, subquery) = piped_operators(rest)?;
    let (rest, _) = symbol(")")(rest)?;
    Ok((
        rest,
        OperatorKind::Partition(Partition {
            strategy,
            key: Ident {
                name: key,
                span: key_span,
            },
            subquery,
        }),
    ))
}
