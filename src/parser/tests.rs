use super::*;
use crate::ast::{
    BinaryOp, ExprKind, JoinKey, LookupKind, OperatorKind, ParameterKind, StringTest,
};
use crate::error::ErrorKind;
use crate::value::Type;
use crate::value::Value;

fn query_operators(text: &str) -> Vec<OperatorKind> {
    let script = parse(text).unwrap_or_else(|e| panic!("{}", e.render(text, "test")));
    match script.statements.last() {
        Some(Statement::Query(Expr {
            kind: ExprKind::Pipe { operators, .. },
            ..
        })) => operators.iter().map(|op| op.kind.clone()).collect(),
        other => panic!("expected a pipeline, got {other:?}"),
    }
}

fn expr(text: &str) -> ExprKind {
    parse_expression(text)
        .unwrap_or_else(|e| panic!("{}", e.render(text, "test")))
        .kind
}

fn error(text: &str) -> Error {
    parse(text).expect_err("query should not parse")
}

#[test]
fn precedence_and_over_or() {
    let ExprKind::Binary { op, right, .. } = expr("a or b and c") else {
        panic!("expected binary");
    };
    assert_eq!(op, BinaryOp::Or);
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::And,
            ..
        }
    ));
}

#[test]
fn precedence_comparison_over_and() {
    let ExprKind::Binary { op, left, .. } = expr("x == 1 + 2 and y has 'a'") else {
        panic!("expected binary");
    };
    assert_eq!(op, BinaryOp::And);
    let ExprKind::Binary {
        op: inner, right, ..
    } = &left.kind
    else {
        panic!("expected comparison");
    };
    assert_eq!(*inner, BinaryOp::Equal);
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::Add,
            ..
        }
    ));
}

#[test]
fn multiplication_binds_tighter() {
    let ExprKind::Binary { op, right, .. } = expr("1 + 2 * 3") else {
        panic!("expected binary");
    };
    assert_eq!(op, BinaryOp::Add);
    assert!(matches!(
        right.kind,
        ExprKind::Binary {
            op: BinaryOp::Multiply,
            ..
        }
    ));
}

#[test]
fn negated_string_operators() {
    let ExprKind::Binary {
        op: BinaryOp::Str(op),
        ..
    } = expr("x !has_cs 'a'")
    else {
        panic!("expected string op");
    };
    assert_eq!(op.test, StringTest::Has);
    assert!(op.negated);
    assert!(op.case_sensitive);
}

#[test]
fn in_variants() {
    let ExprKind::In {
        negated,
        case_insensitive,
        list,
        ..
    } = expr("x !in~ ('a', 'b')")
    else {
        panic!("expected in");
    };
    assert!(negated);
    assert!(case_insensitive);
    assert_eq!(list.len(), 2);
}

#[test]
fn has_any_with_name_and_list() {
    assert!(matches!(
        expr("x has_any (flags)"),
        ExprKind::HasAny { all: false, .. }
    ));
    assert!(matches!(
        expr("x has_all ('a', 'b')"),
        ExprKind::HasAny { all: true, .. }
    ));
}

#[test]
fn member_and_index_chain() {
    let ExprKind::Member { expr: inner, name } = expr("parse_json(x)['Tcp Flags'].y") else {
        panic!("expected member");
    };
    assert_eq!(name.name, "y");
    assert!(matches!(inner.kind, ExprKind::Index { .. }));
}

#[test]
fn typed_literals() {
    assert!(matches!(
        expr("int(null)"),
        ExprKind::Literal(Value::Null, _)
    ));
    assert!(matches!(
        expr("datetime(2025-08-29)"),
        ExprKind::Literal(Value::DateTime(_), _)
    ));
    assert!(matches!(
        expr("timespan(1d)"),
        ExprKind::Literal(Value::Timespan(_), _)
    ));
    assert!(matches!(expr("-5"), ExprKind::Literal(Value::Long(-5), _)));
}

#[test]
fn dynamic_literal_allows_kql_strings() {
    let ExprKind::Dynamic(json) = expr("dynamic(['a', \"b\", 1, {'k': true}])") else {
        panic!("expected dynamic");
    };
    assert_eq!(json, serde_json::json!(["a", "b", 1, {"k": true}]));
    assert!(matches!(
        expr("dynamic(null)"),
        ExprKind::Dynamic(serde_json::Value::Null)
    ));
}

#[test]
fn let_statements_and_query() {
    let text = "let a = 5;\nlet T = datatable(x:long)[1, 2,];\nT | where x > a";
    let script = parse(text).expect("parses");
    assert_eq!(script.statements.len(), 3);
    let Statement::Let { value, .. } = &script.statements[1] else {
        panic!("expected let");
    };
    let ExprKind::DataTable { values, .. } = &value.kind else {
        panic!("expected datatable");
    };
    assert_eq!(values.len(), 2);
}

#[test]
fn commented_out_pipe_line_is_skipped() {
    let operators = query_operators("T\n| project a\n//| where b == 1\n| take 3");
    assert_eq!(operators.len(), 2);
}

#[test]
fn lookup_with_side_keys() {
    let operators = query_operators("T | lookup kind=inner R on $right.B == $left.A, C");
    let OperatorKind::Lookup { kind, on, .. } = &operators[0] else {
        panic!("expected lookup");
    };
    assert_eq!(*kind, LookupKind::Inner);
    let JoinKey::Pair { left, right } = &on[0] else {
        panic!("expected pair");
    };
    assert_eq!(left.name, "A");
    assert_eq!(right.name, "B");
    assert!(matches!(&on[1], JoinKey::Same(ident) if ident.name == "C"));
}

#[test]
fn extend_assignments_and_bare_expressions() {
    let operators = query_operators("T | extend a = 1, b == 2, ['c d'] = 3");
    let OperatorKind::Extend(items) = &operators[0] else {
        panic!("expected extend");
    };
    assert_eq!(items[0].name.as_ref().map(|n| n.name.as_str()), Some("a"));
    assert!(items[1].name.is_none());
    assert_eq!(items[2].name.as_ref().map(|n| n.name.as_str()), Some("c d"));
}

#[test]
fn datatable_value_count_must_match() {
    let found = error("datatable(a:long, b:string)[1, 'x', 2]");
    assert_eq!(found.kind, ErrorKind::Syntax);
    assert!(found.message.contains("multiple of 2"), "{}", found.message);
}

#[test]
fn unknown_operator_suggests() {
    let found = error("T | whre x == 1");
    assert_eq!(found.span, Some(4..8));
    assert!(
        found.message.contains("did you mean `where`"),
        "{}",
        found.message
    );
}

#[test]
fn unsupported_operator_is_named() {
    let found = error("T | reduce by x");
    assert_eq!(found.kind, ErrorKind::Unsupported);
    assert!(found.message.contains("`reduce`"), "{}", found.message);
    let found = error("T | sample-distinct 3 of x");
    assert!(
        found.message.contains("`sample-distinct`"),
        "{}",
        found.message
    );
}

#[test]
fn syntax_error_position() {
    let text = "T\n| where x ==";
    let found = error(text);
    assert_eq!(found.kind, ErrorKind::Syntax);
    let location = crate::error::Location::of(text, found.span.clone().expect("span").start);
    assert_eq!(location.line, 2);
    assert!(found.message.contains("expected"), "{}", found.message);
}

#[test]
fn keywords_are_case_sensitive() {
    let found = error("T | WHERE x == 1");
    assert!(
        found.message.contains("unknown operator `WHERE`"),
        "{}",
        found.message
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let text = format!("print x = {}1{}", "(".repeat(5000), ")".repeat(5000));
    let found = error(&text);
    assert!(found.message.contains("nested"), "{}", found.message);
    let text = format!("print x = {}1", "-".repeat(5000));
    assert!(parse(&text).is_err());
}

#[test]
fn empty_query_is_an_error() {
    assert!(parse("  // only a comment\n").is_err());
}

#[test]
fn unterminated_string_is_reported() {
    let found = error("T | where x == 'abc");
    assert!(
        found.message.contains("unterminated string"),
        "{}",
        found.message
    );
}

#[test]
fn function_definition_parameters_and_body() {
    let text = "let f = (T:(*), U:(a:long, b:string), n:long = 5, s:string) { let m = n; T | take m };\nf(X, Y)";
    let script = parse(text).unwrap_or_else(|e| panic!("{}", e.render(text, "test")));
    let Statement::LetFunction { name, function } = &script.statements[0] else {
        panic!("expected a function definition");
    };
    assert_eq!(name.name, "f");
    assert!(!function.view);
    let kinds: Vec<&ParameterKind> = function.parameters.iter().map(|p| &p.kind).collect();
    assert_eq!(kinds[0], &ParameterKind::Tabular(None));
    assert!(matches!(kinds[1], ParameterKind::Tabular(Some(columns)) if columns.len() == 2));
    assert_eq!(kinds[2], &ParameterKind::Scalar(Type::Long));
    assert!(function.parameters[2].default.is_some());
    assert!(function.parameters[3].default.is_none());
    assert_eq!(function.body.len(), 2);
    assert!(matches!(function.body[0], Statement::Let { .. }));
    assert!(matches!(function.body[1], Statement::Query(_)));
}

#[test]
fn view_and_empty_parameter_list() {
    let script = parse("let v = view () { T };\nv").expect("parses");
    let Statement::LetFunction { function, .. } = &script.statements[0] else {
        panic!("expected a function definition");
    };
    assert!(function.view);
    assert!(function.parameters.is_empty());
}

#[test]
fn parenthesised_let_value_is_not_a_function() {
    let script = parse("let x = (1 + 2);\nprint x").expect("parses");
    assert!(matches!(script.statements[0], Statement::Let { .. }));
}

#[test]
fn empty_function_body_is_error() {
    let error = error("let f = () { };\nprint 1");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(error.message.contains("no value"), "{}", error.message);
}

#[test]
fn invoke_wraps_pipeline_so_far() {
    let script = parse("T | where a > 1 | invoke f(2) | take 3").expect("parses");
    let Some(Statement::Query(query)) = script.statements.last() else {
        panic!("expected a query");
    };
    let ExprKind::Pipe { source, operators } = &query.kind else {
        panic!("expected a pipeline");
    };
    assert_eq!(operators.len(), 1);
    let ExprKind::Invoke {
        input,
        function,
        args,
    } = &source.kind
    else {
        panic!("expected invoke");
    };
    assert_eq!(function.name, "f");
    assert_eq!(args.len(), 1);
    assert!(matches!(input.kind, ExprKind::Pipe { .. }));
}

#[test]
fn externaldata_columns_uris_properties() {
    let text = "externaldata(Name:string, N:long)[@'a.csv', h'b.csv'] with (format=csv, ignoreFirstRecord=true)";
    let script = parse(text).unwrap_or_else(|e| panic!("{}", e.render(text, "test")));
    let Some(Statement::Query(query)) = script.statements.last() else {
        panic!("expected a query");
    };
    let ExprKind::ExternalData {
        columns,
        uris,
        properties,
    } = &query.kind
    else {
        panic!("expected externaldata");
    };
    assert_eq!(columns.len(), 2);
    assert_eq!(uris.len(), 2);
    assert_eq!(properties.len(), 2);
    assert_eq!(properties[1].0.name, "ignoreFirstRecord");
}

#[test]
fn partition_strategy_key_subquery() {
    let operators = query_operators(
        "T | partition hint.strategy = shuffle hint.shufflekey=K by K (where V > 1 | top 3 by V)",
    );
    let Some(OperatorKind::Partition(partition)) = operators.first() else {
        panic!("expected partition, got {operators:?}");
    };
    assert_eq!(partition.strategy, crate::ast::PartitionStrategy::Shuffle);
    assert_eq!(partition.key.name, "K");
    assert_eq!(partition.subquery.len(), 2);
}

#[test]
fn partition_defaults_to_legacy() {
    let operators = query_operators("T | partition by K (count)");
    let Some(OperatorKind::Partition(partition)) = operators.first() else {
        panic!("expected partition, got {operators:?}");
    };
    assert_eq!(partition.strategy, crate::ast::PartitionStrategy::Legacy);
}

#[test]
fn partition_braces_form_unsupported() {
    let failure = error("T | partition by K { U | take 1 }");
    assert_eq!(failure.kind, ErrorKind::Unsupported);
    let failure = error("T | partition hint.strategy=fast by K (count)");
    assert_eq!(failure.kind, ErrorKind::Syntax);
}

// learn.microsoft.com/kusto/query/scan-operator, "Syntax".
#[test]
fn scan_steps_and_declarations() {
    let operators = query_operators(
        "T | scan with_match_id=Id declare (c:long=0, d:string) with (\n\
           step s1: true => c = s1.c + 1, d = 'x';\n\
           step s2 output=none: c > 1;\n\
         )",
    );
    let [OperatorKind::Scan(scan)] = operators.as_slice() else {
        panic!("expected one scan, got {operators:?}");
    };
    assert_eq!(
        scan.match_id.as_ref().map(|id| id.name.as_str()),
        Some("Id")
    );
    let declared: Vec<(&str, Type, bool)> = scan
        .declarations
        .iter()
        .map(|d| (d.name.name.as_str(), d.ty, d.default.is_some()))
        .collect();
    assert_eq!(
        declared,
        [("c", Type::Long, true), ("d", Type::String, false)]
    );
    assert_eq!(scan.steps.len(), 2);
    assert_eq!(scan.steps[0].name.name, "s1");
    assert_eq!(scan.steps[0].output, crate::ast::ScanOutput::All);
    assert_eq!(scan.steps[0].assignments.len(), 2);
    assert_eq!(scan.steps[1].output, crate::ast::ScanOutput::None);
    assert!(scan.steps[1].assignments.is_empty());
}

#[test]
fn scan_invalid_output_value() {
    let error = error("T | scan with (step s1 output=first: true;)");
    assert_eq!(error.kind, ErrorKind::Syntax);
    assert!(
        error.message.contains("all, last or none"),
        "{}",
        error.message
    );
}

#[test]
fn unicode_spaces_separate_tokens() {
    // Kusto's language service treats these as whitespace (Kusto-Query-Language,
    // src/Kusto.Language/Parser/TextFacts.cs, `IsWhitespace`); pasted queries contain them.
    for space in [
        '\u{00A0}', '\u{202F}', '\u{2009}', '\u{200B}', '\u{3000}', '\u{000C}',
    ] {
        let text = format!("datatable(a:string)\n{space}[\"x\"]{space}|{space}take{space}1");
        let script = parse(&text)
            .unwrap_or_else(|error| panic!("U+{:04X}: {}", u32::from(space), error.message));
        assert_eq!(script.statements.len(), 1, "U+{:04X}", u32::from(space));
    }
}

#[test]
fn other_blank_characters_named_in_errors() {
    // U+2028 (line separator) prints as blank space but is not KQL whitespace.
    let error = error("datatable(a:string)\n\u{2028}[\"x\"]");
    assert!(error.message.contains("U+2028"), "{}", error.message);
    assert!(
        error.message.contains("replace it with a plain space"),
        "{}",
        error.message
    );
}

// Documents and web pages put invisible characters and typographic punctuation into
// pasted queries. The error names the character and what to type, since the token itself
// prints as nothing or as the punctuation the user meant.
#[test]
fn pasted_characters_named_in_errors() {
    let cases = [
        ("print x=\u{00AD}1", "U+00AD (soft hyphen); delete it"),
        (
            "print x=\u{200C}1",
            "U+200C (zero-width non-joiner); delete it",
        ),
        ("print x=\u{200D}1", "U+200D (zero-width joiner); delete it"),
        (
            "print x=\u{000B}1",
            "U+000B (vertical tab), which looks like a space",
        ),
        (
            "print x=\u{201C}a\u{201D}",
            "U+201C (left double quotation mark); replace it with `\"`",
        ),
        (
            "print x=\u{2018}a\u{2019}",
            "U+2018 (left single quotation mark); replace it with `'`",
        ),
        (
            "print x = 1 \u{2013} 2",
            "U+2013 (en dash); replace it with `-`",
        ),
        (
            "print x = 1 \u{2014} 2",
            "U+2014 (em dash); replace it with `-`",
        ),
    ];
    for (text, expected) in cases {
        let error = error(text);
        assert_eq!(error.kind, ErrorKind::Syntax, "{text:?}");
        assert!(
            error.message.contains(expected),
            "{text:?}: {}",
            error.message
        );
    }
}

// A straight opening quote closed by a pasted typographic one leaves the string open. The
// caret points at the opening quote, so the hint names the typographic one.
#[test]
fn unterminated_string_names_typographic_quote() {
    let cases = [
        (
            "print a = \"abc\u{201D}",
            "U+201D (right double quotation mark)",
            "`\"`",
        ),
        (
            "print a = 'abc\u{2019}",
            "U+2019 (right single quotation mark)",
            "`'`",
        ),
        (
            "print a = \"it\u{2018}s\u{201C}\n| take 1",
            "U+201C (left double quotation mark)",
            "`\"`",
        ),
        (
            "T | where x == @'abc\u{201D}",
            "U+201D (right double quotation mark)",
            "`'`",
        ),
    ];
    for (text, character, replacement) in cases {
        let error = error(text);
        assert!(
            error.message.starts_with("unterminated string"),
            "{text:?}: {}",
            error.message
        );
        let [hint] = error.hints.as_slice() else {
            panic!("{text:?}: expected one hint, got {:?}", error.hints);
        };
        assert!(hint.contains(character), "{text:?}: {hint}");
        assert!(
            hint.ends_with(&format!("replace it with {replacement}")),
            "{text:?}: {hint}"
        );
    }
}

#[test]
fn unterminated_plain_string_no_hint() {
    // A typographic quote on a later line is not part of the unterminated string.
    for text in [
        "print a = \"abc",
        "print a = \"abc\n| where b == \"\u{201D}\"",
    ] {
        let error = error(text);
        assert!(
            error.message.starts_with("unterminated string"),
            "{text:?}: {}",
            error.message
        );
        assert!(error.hints.is_empty(), "{text:?}: {:?}", error.hints);
    }
}

#[test]
fn byte_order_mark_is_whitespace() {
    // Windows editors start UTF-8 files with U+FEFF, and Kusto skips it anywhere.
    let script = parse("\u{FEFF}print x = 1").expect("a leading byte order mark is skipped");
    assert_eq!(script.statements.len(), 1);
    let script = parse("print x = 1 | \u{FEFF}take 1").expect("a byte order mark is skipped");
    assert_eq!(script.statements.len(), 1);
}
