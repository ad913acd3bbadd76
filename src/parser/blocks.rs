//! Files that hold several queries, separated by blank lines.
//!
//! Kusto's editors treat a document as blocks separated by blank lines, and Kusto.Cli's
//! block input mode delimits queries by an empty line (Learn, "Kusto CLI", "Line input
//! mode and block input mode"). Microsoft's language service finds the blocks the same
//! way: a block starts at the first non-blank line after one or more whitespace-only
//! lines, and never inside a string literal (Kusto-Query-Language,
//! `src/Kusto.Language/Parser/ScriptFacts.cs`, `GetKustoBlockStarts`).
//!
//! Published `.kql` files also use blank lines inside one query, between a `let`
//! statement and the query that reads it, so a file here is one query whenever it parses
//! as one. A file that does not parse is split at a block start before the syntax error
//! where the text before is a complete query and the block starts another:
//! `DeviceEvents | take 5`, a blank line, then `SigninLogs`. The queries keep their byte offsets in the file (see [`masked`]), so an error in the
//! third query still names its line in the file.

use std::ops::Range;

use crate::lexer::{is_kql_whitespace, tokenize, TokenKind};

/// The queries of a query file.
#[derive(Debug, Clone, PartialEq)]
pub struct Blocks {
    /// The queries, in order. A query whose text does not parse reports its syntax error
    /// when it is parsed on its own.
    pub queries: Vec<Query>,
    /// The starts of blocks that a query continues although the text before and the text
    /// from there would each parse as a query: Kusto's editors would run them as two.
    pub joined: Vec<usize>,
}

/// One query of a query file: the text in `range` without the `holes`. A query of a
/// batch (`T1; T2`) has the earlier query statements of the batch as holes, and keeps the
/// `let` and `set` statements before it.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub range: Range<usize>,
    pub holes: Vec<Range<usize>>,
    /// The offset where the query's own statement starts: the range's start for a query of
    /// its own.
    pub start: usize,
    /// For a query of a batch that shares a random `materialize()` result: the error for
    /// running it together with other queries of the batch, which would each compute
    /// their own random rows. Run alone, the query is right.
    pub shared_random: Option<crate::error::Error>,
}

impl Query {
    /// Returns a query of its own: all of `range`.
    pub fn whole(range: Range<usize>) -> Query {
        Query {
            start: range.start,
            range,
            holes: Vec::new(),
            shared_random: None,
        }
    }

    /// Returns the query's text with the offsets, lines and columns it has in `source`:
    /// the rest of `source` up to its end is blanked, and the text after it left out.
    pub fn text(&self, source: &str) -> String {
        masked_parts(source, self.range.clone(), &self.holes)
    }

    /// Returns the 1-based line on which the query starts: its first character that is
    /// not whitespace.
    pub fn first_line(&self, source: &str) -> usize {
        first_line(source, &(self.start..self.range.end))
    }
}

/// Splits `text` into its queries. A text that is one query stays whole.
///
/// Other text stops being one query at a syntax error or a second query statement. It is
/// split at the first block start before that place where the text before is complete
/// (one query or a batch) and the block from there starts a query.
///
/// Failing that, a text with a syntax error is split at a block that starts a query and
/// whose own lines read none of the `let` names before it. Such a block is looked for up
/// to the error first, then after it, so that a broken query does not hide the others.
/// Without one, the rest is one query, whose parse reports the error.
pub fn split_queries(text: &str) -> Blocks {
    let mut queries = Vec::new();
    let mut start = 0;
    while let Some(stop) = first_stop(text, start..text.len()) {
        let before = block_starts(text, start..after_char(text, stop.offset))
            .into_iter()
            .find(|&block| is_complete(text, start..block) && starts_query(text, block));
        // A block that starts a query and whose own lines read no `let` of the text before
        // it is a query of its own, after a broken one.
        let independent = |block: usize| {
            let block_end = block_starts(text, after_char(text, block)..text.len())
                .first()
                .copied()
                .unwrap_or(text.len());
            starts_query(text, block)
                && !uses_any(&text[block..block_end], &let_names(&text[start..block]))
        };
        let after = || {
            block_starts(text, stop.offset..text.len())
                .into_iter()
                .find(|&block| stop.is_syntax_error && independent(block))
        };
        // The error may also show only in a later block, as when an unclosed `(` reads
        // on into it.
        let broken_before = || {
            block_starts(text, start..after_char(text, stop.offset))
                .into_iter()
                .find(|&block| stop.is_syntax_error && independent(block))
        };
        match before.or_else(broken_before).or_else(after) {
            Some(block) => {
                queries.push(start..block);
                start = block;
            }
            None => break,
        }
    }
    queries.push(start..text.len());
    let joined = queries
        .iter()
        .filter(|query| is_one_query(text, (*query).clone()))
        .flat_map(|query| joined_blocks(text, query.clone()))
        .collect();
    let queries = queries
        .into_iter()
        .flat_map(|range| batch_queries(text, range))
        .collect();
    Blocks { queries, joined }
}

/// Splits a query text that is not a file, such as a query on the command line, into the
/// queries of its batch (`T1; T2`). Blank lines do not split it.
pub fn split_batch(text: &str) -> Blocks {
    Blocks {
        queries: batch_queries(text, 0..text.len()),
        joined: Vec::new(),
    }
}

/// Returns the queries of the text in `range`: one per query statement of a batch, which
/// Kusto runs as one query with several results, in the order of the statements
/// (learn.microsoft.com/kusto/query/batches), or the whole range.
fn batch_queries(text: &str, range: Range<usize>) -> Vec<Query> {
    let Ok(script) = super::parse(&masked(text, range.clone())) else {
        return vec![Query::whole(range)];
    };
    let statements = query_spans(&script);
    if statements.len() < 2 {
        return vec![Query::whole(range)];
    }
    let shared_random = shared_random_result(text, range.clone());
    statements
        .iter()
        .enumerate()
        .map(|(index, statement)| Query {
            range: range.start..statement.end,
            holes: statements[..index].to_vec(),
            start: statement.start,
            shared_random: shared_random.clone(),
        })
        .collect()
}

/// Returns an error for a batch that uses `materialize()` and something random. Each query
/// of a batch runs on its own here, so a materialized result would be computed once per
/// query, while Kusto computes it once for the whole batch and its queries see the same
/// rows (learn.microsoft.com/kusto/query/materialize-function). Without randomness the
/// results are the same either way.
fn shared_random_result(text: &str, range: Range<usize>) -> Option<crate::error::Error> {
    let source = &text[range.clone()];
    let materialize = calls(source, "materialize").into_iter().next()?;
    let random = random_use(source)?;
    let span = range.start + materialize.start..range.start + materialize.end;
    Some(shared_random_error(random).with_span(span))
}

/// Returns the error for running together the queries of a batch that share a random
/// `materialize()` result, which uses `random`.
pub fn shared_random_error(random: &str) -> crate::error::Error {
    crate::error::Error::new(
        crate::error::ErrorKind::Unsupported,
        format!(
            "a batch whose queries share a `materialize()` result is not supported yet when \
             it uses `{random}`: kql runs each query of a batch on its own, so each would see \
             other random rows, while Kusto computes the result once; run one query at a time"
        ),
    )
}

/// Returns the first random call or operator in `text`: `rand()`, `new_guid()` or
/// `sample` (also `sample-distinct`). A column or string of that name is not one.
pub fn random_use(text: &str) -> Option<&'static str> {
    let tokens = code_tokens(text);
    let word = |index: usize| tokens.get(index).map_or("", |token| &text[token.clone()]);
    (0..tokens.len()).find_map(|index| match (word(index), word(index + 1)) {
        ("rand", "(") => Some("rand"),
        ("new_guid", "(") => Some("new_guid"),
        // `sample` starts an operator after `|`, or a subquery after `(`, as in
        // `partition by g (sample 3)`.
        ("|" | "(", "sample") => Some("sample"),
        _ => None,
    })
}

/// Returns true if `text` calls `materialize()`.
pub fn uses_materialize(text: &str) -> bool {
    !calls(text, "materialize").is_empty()
}

/// Returns the spans of the names `name` in `text` that a `(` follows: its calls.
fn calls(text: &str, name: &str) -> Vec<Range<usize>> {
    code_tokens(text)
        .windows(2)
        .filter(|pair| &text[pair[0].clone()] == name && &text[pair[1].clone()] == "(")
        .map(|pair| pair[0].clone())
        .collect()
}

/// Returns the spans of the tokens of `text` that are not whitespace or comments.
fn code_tokens(text: &str) -> Vec<Range<usize>> {
    tokenize(text)
        .into_iter()
        .filter(|token| !matches!(token.kind, TokenKind::Whitespace | TokenKind::Comment))
        .map(|token| token.span)
        .collect()
}

/// The place where a text stops being one query.
struct Stop {
    offset: usize,
    /// True for a syntax error, false for a second query statement.
    is_syntax_error: bool,
}

/// Returns where the text in `range` stops being one query, `None` if it is one: the
/// start of a syntax error, or of a query statement after the first.
fn first_stop(text: &str, range: Range<usize>) -> Option<Stop> {
    match super::parse(&masked(text, range.clone())) {
        Ok(script) => query_spans(&script).get(1).map(|second| Stop {
            offset: second.start,
            is_syntax_error: false,
        }),
        Err(error) => {
            let offset = error.span.map_or(range.end, |span| span.start);
            (error.kind == crate::error::ErrorKind::Syntax && offset > range.start).then_some(
                Stop {
                    offset,
                    is_syntax_error: true,
                },
            )
        }
    }
}

/// Returns `text` up to the end of `range`, with everything before the range replaced by
/// spaces and line ends kept, so that offsets, lines and columns inside `range` are those
/// of `text`.
pub fn masked(text: &str, range: Range<usize>) -> String {
    masked_parts(text, range, &[])
}

/// Returns [`masked`] text with the `holes` in `range` blanked too.
fn masked_parts(text: &str, range: Range<usize>, holes: &[Range<usize>]) -> String {
    let end = range.end.min(text.len());
    let mut masked_bytes = text.as_bytes()[..end].to_vec();
    let blanked = std::iter::once(0..range.start).chain(holes.iter().cloned());
    for blank in blanked {
        let blank = blank.start.min(end)..blank.end.min(end);
        for byte in &mut masked_bytes[blank] {
            if !matches!(*byte, b'\n' | b'\r') {
                *byte = b' ';
            }
        }
    }
    // Multi-byte characters before the range become one space per byte. Those inside are
    // kept whole, because the range starts and ends at line starts or at the text's ends.
    // A caller that breaks that gets a lossy copy, not a panic.
    String::from_utf8(masked_bytes)
        .unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned())
}

/// Returns the 1-based line of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&byte| byte == b'\n')
        .count()
        + 1
}

/// Returns the 1-based line on which the query in `range` starts: its first character
/// that is not whitespace.
pub fn first_line(text: &str, range: &Range<usize>) -> usize {
    let query = text.get(range.clone()).unwrap_or("");
    let leading = query.len() - crate::lexer::trim_kql_whitespace(query).len();
    line_of(text, range.start + leading)
}

/// Lists the first lines of `queries`, as in `1, 5 and 9`.
pub fn first_lines(text: &str, queries: &[Query]) -> String {
    let lines: Vec<String> = queries
        .iter()
        .map(|query| query.first_line(text).to_string())
        .collect();
    match lines.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => lines.join(""),
    }
}

/// Returns the spans of the query statements of the text in `range`, if it parses and its
/// last statement is a query: one span for one query, more for a batch.
fn ending_queries(text: &str, range: Range<usize>) -> Option<Vec<Range<usize>>> {
    let script = super::parse(&masked(text, range)).ok()?;
    matches!(
        script.statements.last(),
        Some(crate::ast::Statement::Query(_))
    )
    .then(|| query_spans(&script))
}

/// Returns true if the text in `range` parses and ends with a query: one query, or a batch.
fn is_complete(text: &str, range: Range<usize>) -> bool {
    ending_queries(text, range).is_some()
}

/// Returns true if the text in `range` parses as one query: statements whose last one, and
/// only that one, is a query.
fn is_one_query(text: &str, range: Range<usize>) -> bool {
    ending_queries(text, range).is_some_and(|queries| queries.len() == 1)
}

/// Returns the spans of the query statements of `script`, in order.
fn query_spans(script: &crate::ast::Script) -> Vec<Range<usize>> {
    script
        .statements
        .iter()
        .filter_map(|statement| match statement {
            crate::ast::Statement::Query(expr) => Some(expr.span.clone()),
            _ => None,
        })
        .collect()
}

/// Returns the offset just past the character at `offset`, so that a range ending there
/// includes a block that starts at `offset`.
fn after_char(text: &str, offset: usize) -> usize {
    text.get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(offset.min(text.len()), |first| offset + first.len_utf8())
}

/// True if the text from `block` parses, or fails after its first token: a `| where` line
/// after a blank line continues a query, it starts none.
fn starts_query(text: &str, block: usize) -> bool {
    let Err(error) = super::parse(&masked(text, block..text.len())) else {
        return true;
    };
    let first_token = code_tokens(&text[block..])
        .first()
        .map(|token| block + token.start);
    error.span.map(|span| span.start) != first_token
}

/// Returns the names that the `let` statements of `text` define, found by their tokens so
/// that a text with syntax errors has them too.
pub fn let_names(text: &str) -> Vec<String> {
    let tokens = code_tokens(text);
    tokens
        .windows(2)
        .filter(|pair| &text[pair[0].clone()] == "let")
        .map(|pair| text[pair[1].clone()].to_string())
        .collect()
}

/// Returns true if `text` has a name token in `names`.
pub fn uses_any(text: &str, names: &[String]) -> bool {
    !names.is_empty()
        && tokenize(text).into_iter().any(|token| {
            token.kind == TokenKind::Name
                && names.iter().any(|name| *name == text[token.span.clone()])
        })
}

/// Returns the block starts inside the query in `range` where the text before and the
/// text from there each parse as a query.
fn joined_blocks(text: &str, range: Range<usize>) -> Vec<usize> {
    block_starts(text, range.clone())
        .into_iter()
        .filter(|&block| {
            is_one_query(text, range.start..block) && is_one_query(text, block..range.end)
        })
        .collect()
}

/// Returns the block starts in `range`: line starts that follow a whitespace-only line and begin
/// a line with other text, outside string literals. The line that `range` starts on
/// counts only when it starts at a line start.
fn block_starts(text: &str, range: Range<usize>) -> Vec<usize> {
    let strings: Vec<Range<usize>> = tokenize(&text[range.clone()])
        .into_iter()
        .filter(|token| {
            matches!(
                token.kind,
                TokenKind::String | TokenKind::UnterminatedString
            )
        })
        .map(|token| range.start + token.span.start..range.start + token.span.end)
        .collect();
    // A line that starts with a string is not inside it.
    let in_string = |offset: usize| {
        strings
            .iter()
            .any(|string| string.start < offset && offset < string.end)
    };
    let mut starts = Vec::new();
    let mut after_blank_line = false;
    let Some(first_break) = text[range.clone()].find('\n') else {
        return starts;
    };
    // The first line is not whole unless `range` starts a line, so it is not a blank line.
    let mut line_start = range.start + first_break + 1;
    while line_start < range.end {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |end| line_start + end);
        let blank = text[line_start..line_end].chars().all(is_kql_whitespace);
        if in_string(line_start) {
            after_blank_line = false;
        } else if blank {
            after_blank_line = true;
        } else if after_blank_line {
            starts.push(line_start);
            after_blank_line = false;
        }
        line_start = line_end + 1;
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn queries(text: &str) -> Vec<&str> {
        split_queries(text)
            .queries
            .into_iter()
            .map(|query| text[query.range].trim())
            .collect()
    }

    /// Returns the syntax error of the query that fails to parse.
    fn first_error(text: &str) -> Error {
        split_queries(text)
            .queries
            .into_iter()
            .find_map(|query| super::super::parse(&query.text(text)).err())
            .expect("a query fails")
    }

    #[test]
    fn split_keeps_query_with_blank_lines() {
        let text = "let a = 1;\n\nT\n\n| where x == a\n";
        assert_eq!(queries(text), vec![text.trim()]);
    }

    #[test]
    fn split_after_complete_query() {
        let text = "T | take 5\n\n// the second\nU | count\n\n\nlet b = 2;\n\nV | where y == b";
        assert_eq!(
            queries(text),
            vec![
                "T | take 5",
                "// the second\nU | count",
                "let b = 2;\n\nV | where y == b"
            ]
        );
    }

    #[test]
    fn split_needs_blank_line() {
        let text = "T | take 5\nU | count";
        assert_eq!(queries(text), vec![text]);
        assert_eq!(first_error(text).span, Some(11..12));
    }

    #[test]
    fn split_ignores_blank_line_in_string() {
        let text = "print x = ```\n\nU```\n| take 1";
        assert_eq!(queries(text), vec![text]);
        // Inside the string the blank line does not start a block.
        let text = "T | take 5 ```a\n\nU``` ";
        assert_eq!(queries(text), vec![text.trim()]);
    }

    #[test]
    fn split_error_in_later_query_keeps_others() {
        let text = "print a = 1\n\nprint b = 2\n\nprint c = 3 | wher c > 1\n";
        assert_eq!(
            queries(text),
            vec!["print a = 1", "print b = 2", "print c = 3 | wher c > 1"]
        );
        let error = first_error(text);
        let at = error.span.expect("span").start;
        assert_eq!(line_of(text, at), 5);
        assert!(error.message.contains("wher"), "{}", error.message);
    }

    #[test]
    fn split_block_read_by_parse_pattern() {
        // The parse pattern takes `let z` as two more column names, so the error is at the
        // `=` on line 3, past the block start.
        let text = "print s = 'a-b' | parse s with x '-' y\n\nlet z = 1;\nprint z\n";
        assert_eq!(
            queries(text),
            vec![
                "print s = 'a-b' | parse s with x '-' y",
                "let z = 1;\nprint z"
            ]
        );
    }

    #[test]
    fn split_not_before_a_pipe_line() {
        // `| project b` cannot start a query, so the typo's error stays in one query.
        let text = "T\n| where a\n\n| project b | wher c";
        assert_eq!(queries(text), vec![text]);
        assert!(first_error(text).message.contains("wher"));
    }

    #[test]
    fn split_incomplete_query_reports_error() {
        // `T | where x ==` cannot stand alone, so the blank line does not end a query.
        let text = "T | where x ==\n\n| take 1";
        assert_eq!(queries(text), vec![text]);
        assert_eq!(first_error(text).span.map(|span| span.start), Some(16));
    }

    #[test]
    fn joined_blocks_are_reported() {
        // `['U']` after a blank line continues the query above, but both halves are
        // queries, so a Kusto editor would run them apart.
        let text = "T | project a\n\n['U'] | count\n";
        let blocks = split_queries(text);
        assert_eq!(blocks.queries.len(), 1);
        assert_eq!(blocks.joined, vec![15]);
        // A blank line before a pipe is no such place: `| count` is no query.
        assert!(split_queries("T\n\n| count").joined.is_empty());
    }

    #[test]
    fn split_at_multibyte_first_character() {
        let text = "T | take 5\n\né\n";
        assert_eq!(queries(text), vec!["T | take 5", "é"]);
        // An error at the very end of the text.
        let text = "T | take 5\n\nU | where x ==";
        assert_eq!(queries(text), vec!["T | take 5", "U | where x =="]);
    }

    #[test]
    fn split_after_broken_first_query() {
        let text = "print a = 1 | wher a > 0\n\nprint b = 2\n";
        assert_eq!(
            queries(text),
            vec!["print a = 1 | wher a > 0", "print b = 2"]
        );
        // A later block that reads a `let` of the broken part belongs to it.
        let text = "let x = T | wher a;\n\nx | take 1\n";
        assert_eq!(queries(text), vec![text.trim()]);
    }

    #[test]
    fn split_before_block_that_an_open_bracket_reads() {
        // The unclosed `(` reads the next block as arguments, so the error shows there.
        let text = "print a = strcat('x',\n\nprint b = 2\n";
        assert_eq!(queries(text), vec!["print a = strcat('x',", "print b = 2"]);
        assert!(
            first_error(text).message.contains("end of"),
            "{}",
            first_error(text).message
        );
    }

    #[test]
    fn split_around_batches_and_broken_blocks() {
        let text = "let x = 1; print a = x; print b = x\n\nprint c = 5\n\nprint d = x\n";
        assert_eq!(
            queries(text),
            vec![
                "let x = 1; print a = x",
                "let x = 1; print a = x; print b = x",
                "print c = 5",
                "print d = x"
            ]
        );
        let text = "print a = strcat('x',\n\nprint b = 2\n\nprint c = 3\n";
        assert_eq!(
            queries(text),
            vec!["print a = strcat('x',", "print b = 2", "print c = 3"]
        );
    }

    #[test]
    fn split_keeps_let_with_broken_query() {
        // `let x = 1;` alone is no query, so the typo below keeps one query and one error.
        let text = "let x = 1;\n\nprint y = x | wher y > 0\n";
        assert_eq!(queries(text), vec![text.trim()]);
        let text = "let a = 1\n\nprint b = a\n";
        assert_eq!(queries(text), vec![text.trim()]);
    }

    #[test]
    fn split_after_semicolon_query() {
        // Two query statements would be one batch, but after a blank line the second is a
        // block of its own, as Kusto's editors split it.
        let text = "print a = 1;\n\nprint b = 2\n";
        assert_eq!(queries(text), vec!["print a = 1;", "print b = 2"]);
    }

    // learn.microsoft.com/kusto/query/batches: each tabular statement of a batch gives a
    // result, in order, and the `let` statements before it apply.
    #[test]
    fn batch_gives_one_query_per_statement() {
        let text = "let a = 1;\nprint x = a;\nlet b = 2;\nprint y = a + b\n";
        let blocks = split_queries(text);
        assert_eq!(blocks.queries.len(), 2);
        assert_eq!(blocks.queries[0].text(text), "let a = 1;\nprint x = a");
        assert_eq!(
            blocks.queries[1].text(text),
            "let a = 1;\n           ;\nlet b = 2;\nprint y = a + b"
        );
        assert_eq!(blocks.queries[1].first_line(text), 4);
        // On the command line, blank lines do not split a query, but `;` does.
        assert_eq!(split_batch("print 1\n\n| take 1").queries.len(), 1);
        assert_eq!(split_batch("print 1; print 2").queries.len(), 2);
    }

    // learn.microsoft.com/kusto/query/materialize-function: a batch's queries see one
    // result of a materialized `rand()` set, which kql cannot give when it runs each query
    // on its own.
    #[test]
    fn batch_sharing_random_materialize_is_unsupported() {
        let text = "let r = materialize(range x from 1 to 9 step 1 | extend v = rand());\n\
                    r | count;\nr | summarize sum(v)";
        let queries = split_queries(text).queries;
        assert_eq!(queries.len(), 2);
        let error = queries[1].shared_random.as_ref().expect("shared random");
        assert!(error.message.contains("`rand`"), "{}", error.message);
        // Without randomness each query computes the same rows.
        let text = "let m = materialize(range x from 1 to 9 step 1);\nm | count;\nm | count";
        assert!(split_queries(text)
            .queries
            .iter()
            .all(|query| query.shared_random.is_none()));
    }

    #[test]
    fn joined_string_block_is_reported() {
        // A string on the line after a blank line continues the string above.
        let text = "print s = 'a'\n\n'b'\n";
        assert_eq!(split_queries(text).joined, vec![15]);
    }

    #[test]
    fn first_line_skips_leading_blank_lines() {
        let text = "\n\nprint a = 1\n";
        assert_eq!(first_line(text, &(0..text.len())), 3);
    }

    #[test]
    fn masked_keeps_offsets_and_line_ends() {
        let text = "é1\r\nab\nc";
        let masked = masked(text, 4..7);
        assert_eq!(masked.len(), 7);
        assert_eq!(masked, "   \r\nab");
    }
}
