//! Syntax errors: each kind with its exact primary span, marked in the query text between two
//! `/*a*/` markers (a secondary label between `/*b*/` markers), in the style of DataFusion's
//! diagnostic tests; the rendered form of a representative set; recovery; and the code table.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kql_diagnostics::{RenderOptions, Span, render};
use kql_syntax::{Diagnostic, SyntaxErrorKind, parse_query};

/// Removes the `/*x*/` markers and returns the clean text with the span between the two
/// markers named `x` (for `a` and optionally `b`).
fn marked(src: &str) -> (String, Span, Option<Span>) {
    let mut clean = String::new();
    let mut marks: Vec<(char, u32)> = Vec::new();
    let mut rest = src;
    while let Some(i) = rest.find("/*") {
        let tag = rest[i + 2..].chars().next().unwrap();
        assert!(
            rest[i..].starts_with(&format!("/*{tag}*/")),
            "bad marker in {src}"
        );
        clean.push_str(&rest[..i]);
        marks.push((tag, clean.len() as u32));
        rest = &rest[i + 5..];
    }
    clean.push_str(rest);
    let span_of = |t: char| {
        let pos: Vec<u32> = marks.iter().filter(|m| m.0 == t).map(|m| m.1).collect();
        match pos.as_slice() {
            [a, b] => Some(Span::new(*a, *b)),
            [] => None,
            _ => panic!("marker {t} must appear twice in {src}"),
        }
    };
    (clean, span_of('a').expect("an /*a*/ span"), span_of('b'))
}

/// Parses the marked query and returns the first diagnostic with `kind`'s code, after
/// checking its primary span (and secondary label span, if marked).
fn check(kind: SyntaxErrorKind, src: &str) -> (Diagnostic, String) {
    let (clean, a, b) = marked(src);
    let diags = parse_query(&clean).expect_err(&format!("{clean:?} should not parse"));
    let d = diags
        .iter()
        .find(|d| d.code == kind.code())
        .unwrap_or_else(|| panic!("{clean:?}: no {} among {diags:#?}", kind.code()))
        .clone();
    assert_eq!(d.span, Some(a), "{clean:?}: primary span of {}", d.message);
    if let Some(b) = b {
        assert_eq!(
            d.labels.first().map(|l| l.span),
            Some(b),
            "{clean:?}: secondary label"
        );
    }
    (d, clean)
}

fn rendered(d: &Diagnostic, src: &str) -> String {
    render(d, src, &RenderOptions::default())
}

// ---- lexer errors ----

#[test]
fn unterminated_string() {
    let (d, _) = check(
        SyntaxErrorKind::UnterminatedString,
        "T | where x == /*a*/\"abc/*a*/",
    );
    assert_eq!(d.message, "unterminated string literal");
    // Ends at the line break, not at the end of the text.
    check(
        SyntaxErrorKind::UnterminatedString,
        "T | where x == /*a*/'abc/*a*/\n| take 1",
    );
}

#[test]
fn unexpected_character() {
    let (d, _) = check(SyntaxErrorKind::UnexpectedChar, "T | where x /*a*/#/*a*/ 1");
    assert_eq!(d.message, "unexpected character `#`");
}

#[test]
fn invalid_escape() {
    let (d, _) = check(SyntaxErrorKind::InvalidEscape, "print \"a/*a*/\\q/*a*/b\"");
    assert_eq!(d.message, "invalid escape sequence `\\q`");
    check(SyntaxErrorKind::InvalidEscape, "print 'x/*a*/\\u12/*a*/'");
}

#[test]
fn unknown_timespan_unit() {
    let (d, _) = check(
        SyntaxErrorKind::UnknownTimespanUnit,
        "T | where t > ago(5/*a*/mins/*a*/)",
    );
    assert_eq!(d.message, "unknown timespan unit `mins`");
    assert_eq!(d.helps, ["did you mean `min`?"]);
    let (d, _) = check(SyntaxErrorKind::UnknownTimespanUnit, "print 2/*a*/w/*a*/");
    assert_eq!(
        d.helps,
        ["weeks are not supported: write days instead, e.g. `14d`"]
    );
}

#[test]
fn number_out_of_range() {
    check(
        SyntaxErrorKind::NumberOutOfRange,
        "print /*a*/99999999999999999999/*a*/",
    );
}

#[test]
fn unterminated_multi_line_string() {
    check(
        SyntaxErrorKind::UnterminatedMultiLineString,
        "print /*a*/```/*a*/abc\ndef",
    );
}

#[test]
fn unterminated_typed_literal() {
    let (d, _) = check(
        SyntaxErrorKind::UnterminatedTypedLiteral,
        "print /*a*/datetime(/*a*/2024-01-01",
    );
    assert_eq!(d.message, "`datetime(` has no closing `)`");
}

#[test]
fn stray_bang() {
    let (d, _) = check(SyntaxErrorKind::StrayBang, "T | where /*a*/!/*a*/IsAdmin");
    assert_eq!(
        d.helps,
        ["negate a condition with `not(...)`, e.g. `where not(x)`"]
    );
}

// ---- parser errors ----

#[test]
fn expected_expression() {
    let (d, _) = check(
        SyntaxErrorKind::ExpectedExpression,
        "T | where /*a*/|/*a*/ take 1",
    );
    assert_eq!(d.message, "expected an expression after `where`, found `|`");
    let (d, _) = check(
        SyntaxErrorKind::ExpectedExpression,
        "T | where x ==/*a*//*a*/",
    );
    assert_eq!(
        d.message,
        "expected an expression after `==`, found end of input"
    );
    // The end of input is placed right after the last token, not after trailing comments.
    check(
        SyntaxErrorKind::ExpectedExpression,
        "T\n| where/*a*//*a*/\n\n// done\n",
    );
}

#[test]
fn unclosed_delimiter() {
    let (d, _) = check(
        SyntaxErrorKind::UnclosedDelimiter,
        "T | where /*b*/(/*b*/x > 1/*a*//*a*/",
    );
    assert_eq!(d.message, "expected `)` to close `(`, found end of input");
    assert_eq!(d.labels[0].message, "unclosed delimiter");
    check(
        SyntaxErrorKind::UnclosedDelimiter,
        "print dynamic(/*b*/[/*b*/1, 2 /*a*/)/*a*/",
    );
}

#[test]
fn unknown_operator_suggests() {
    let (d, _) = check(SyntaxErrorKind::UnknownOperator, "T | /*a*/wher/*a*/ x > 1");
    assert_eq!(d.message, "unknown tabular operator `wher`");
    assert_eq!(d.helps, ["did you mean `where`?"]);
    let (d, _) = check(
        SyntaxErrorKind::UnknownOperator,
        "T | /*a*/summarise/*a*/ count()",
    );
    assert_eq!(d.helps, ["did you mean `summarize`?"]);
}

#[test]
fn unexpected_token() {
    let (d, _) = check(SyntaxErrorKind::UnexpectedToken, "T | take 1 /*a*/)/*a*/");
    assert_eq!(d.message, "unexpected `)`");
    let (d, _) = check(
        SyntaxErrorKind::UnexpectedToken,
        "SecurityEvent /*a*/where/*a*/ x > 1",
    );
    assert_eq!(d.helps, ["did you forget `|` before `where`?"]);
}

#[test]
fn expected_token() {
    let (d, _) = check(SyntaxErrorKind::ExpectedToken, "T | sort /*a*/x/*a*/");
    assert_eq!(d.message, "expected `by` after `sort`, found `x`");
    check(
        SyntaxErrorKind::ExpectedToken,
        "T | lookup (U) /*a*/Key/*a*/",
    );
    check(
        SyntaxErrorKind::ExpectedToken,
        "T | where x between (1 /*a*/,/*a*/ 2)",
    );
}

#[test]
fn expected_name() {
    let (d, _) = check(SyntaxErrorKind::ExpectedName, "let /*a*/=/*a*/ 1; T");
    assert_eq!(d.message, "expected a name after `let`, found `=`");
    check(
        SyntaxErrorKind::ExpectedName,
        "T | project-away /*a*/1/*a*/",
    );
}

#[test]
fn unknown_type() {
    let (d, _) = check(
        SyntaxErrorKind::UnknownType,
        "datatable(x:/*a*/strng/*a*/) []",
    );
    assert_eq!(d.message, "unknown type `strng`");
    assert_eq!(d.helps, ["did you mean `string`?"]);
    check(
        SyntaxErrorKind::UnknownType,
        "T | mv-expand x to typeof(/*a*/text/*a*/)",
    );
}

#[test]
fn invalid_literal() {
    let (d, _) = check(SyntaxErrorKind::InvalidLiteral, "print int(/*a*/abc/*a*/)");
    assert_eq!(d.message, "invalid `int` literal: `abc`");
    check(
        SyntaxErrorKind::InvalidLiteral,
        "print time( /*a*/1 week/*a*/ )",
    );
    check(
        SyntaxErrorKind::InvalidLiteral,
        "print guid(/*a*/1234/*a*/)",
    );
    check(
        SyntaxErrorKind::InvalidLiteral,
        "print int(/*a*/3000000000/*a*/)",
    );
}

#[test]
fn nesting_too_deep_has_a_span_inside_the_text() {
    let src = format!("print {}1{}", "(".repeat(500), ")".repeat(500));
    let diags = parse_query(&src).unwrap_err();
    let d = diags
        .iter()
        .find(|d| d.code == SyntaxErrorKind::NestingTooDeep.code())
        .expect("nesting error");
    let span = d.span.expect("span");
    assert_eq!(
        span.slice(&src),
        "(",
        "points at the first parenthesis past the limit"
    );
    // Reported once, not once per level.
    assert_eq!(diags.len(), 1, "{diags:#?}");
}

#[test]
fn empty_query() {
    check(SyntaxErrorKind::EmptyQuery, "/*a*/// only a comment\n/*a*/");
    check(SyntaxErrorKind::EmptyQuery, "/*a*/ ;; /*a*/");
}

#[test]
fn chained_comparison() {
    let (d, _) = check(
        SyntaxErrorKind::ChainedComparison,
        "T | where a < b /*a*/</*a*/ c",
    );
    assert_eq!(d.message, "`<` cannot follow `<` without parentheses");
    check(
        SyntaxErrorKind::ChainedComparison,
        "T | where a has 'x' /*a*/contains/*a*/ 'y'",
    );
    check(
        SyntaxErrorKind::ChainedComparison,
        "T | where a == 1 /*a*/==/*a*/ true",
    );
}

#[test]
fn invalid_dynamic() {
    let (d, _) = check(
        SyntaxErrorKind::InvalidDynamic,
        "print dynamic({/*a*/a/*a*/: 1})",
    );
    assert_eq!(d.helps, ["quote the property name: `\"a\"`"]);
    check(
        SyntaxErrorKind::InvalidDynamic,
        "print dynamic([1, /*a*/x/*a*/])",
    );
    check(SyntaxErrorKind::InvalidDynamic, "print /*a*/dynamic()/*a*/");
}

#[test]
fn missing_semicolon() {
    let (d, _) = check(
        SyntaxErrorKind::MissingSemicolon,
        "let x = 1\n/*a*/T/*a*/ | take x",
    );
    assert_eq!(d.message, "expected `;` after the statement, found `T`");
}

#[test]
fn unsupported_operator() {
    let (d, _) = check(
        SyntaxErrorKind::UnsupportedOperator,
        "T | /*a*/make-graph/*a*/ a --> b",
    );
    assert_eq!(
        d.message,
        "the `make-graph` operator is not supported by kqlhunt"
    );
}

#[test]
fn assignment_in_predicate() {
    let (d, _) = check(
        SyntaxErrorKind::AssignmentInPredicate,
        "T | where x /*a*/=/*a*/ 1",
    );
    assert_eq!(d.helps, ["compare with `==` (or `=~` to ignore case)"]);
}

#[test]
fn operator_without_input() {
    let (d, _) = check(
        SyntaxErrorKind::OperatorWithoutInput,
        "/*a*/where/*a*/ x > 1",
    );
    assert_eq!(
        d.message,
        "a query must start with a table or a source, found the operator `where`"
    );
    check(
        SyntaxErrorKind::OperatorWithoutInput,
        "let a = 1;\n/*a*/summarize/*a*/ count() by x",
    );
}

#[test]
fn expected_operator() {
    let (d, _) = check(SyntaxErrorKind::ExpectedOperator, "T | /*a*/|/*a*/ take 1");
    assert_eq!(
        d.message,
        "expected a tabular operator after `|`, found `|`"
    );
    check(SyntaxErrorKind::ExpectedOperator, "T | take 1 |/*a*//*a*/");
}

#[test]
fn invalid_option_value() {
    let (d, _) = check(
        SyntaxErrorKind::InvalidOptionValue,
        "T | parse /*a*/kind=fuzzy/*a*/ x with *",
    );
    assert_eq!(d.message, "unknown `parse` kind `fuzzy`");
}

#[test]
fn incomplete_join_side() {
    let (d, _) = check(
        SyntaxErrorKind::IncompleteJoinSide,
        "T | join (U) on /*a*/$left/*a*/ == $right.x",
    );
    assert_eq!(
        d.message,
        "`$left` must be followed by `.` and a column name"
    );
}

// ---- recovery ----

#[test]
fn errors_in_separate_operators_and_statements_are_all_reported() {
    let src = "let a = 1 +;\nT\n| wher x\n| extned y\n| take 1";
    let diags = parse_query(src).unwrap_err();
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["KQL0201", "KQL0203", "KQL0203"], "{diags:#?}");
    assert_eq!(diags[2].span.unwrap().slice(src), "extned");
    assert_eq!(diags[2].helps, ["did you mean `extend`?"]);
}

#[test]
fn lexer_and_parser_errors_come_in_source_order() {
    let src = "T | where a == 'x\n| wher b";
    let diags = parse_query(src).unwrap_err();
    let codes: Vec<&str> = diags.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["KQL0101", "KQL0203"], "{diags:#?}");
}

// ---- rendered messages ----

#[test]
fn rendered_expected_expression() {
    let src = "T\n| where\n| take 1";
    let d = &parse_query(src).unwrap_err()[0];
    assert_eq!(
        rendered(d, src),
        "error[KQL0201]: expected an expression after `where`, found `|`
 --> query:3:1
  |
3 | | take 1
  | ^ expected an expression here
"
    );
}

#[test]
fn rendered_unclosed_parenthesis_points_at_both_ends() {
    let src = "T\n| where (x > 1\n    or y < 2;\nU";
    let diags = parse_query(src).unwrap_err();
    assert_eq!(diags.len(), 1, "recovers at `;` and parses `U`: {diags:#?}");
    assert_eq!(
        rendered(&diags[0], src),
        "error[KQL0202]: expected `)` to close `(`, found `;`
 --> query:3:13
  |
2 | | where (x > 1
  |         - unclosed delimiter
3 |     or y < 2;
  |             ^ expected `)` here
"
    );
}

#[test]
fn rendered_unknown_operator() {
    let src = "SecurityEvent | wher EventID == 4625";
    let d = &parse_query(src).unwrap_err()[0];
    assert_eq!(
        rendered(d, src),
        "error[KQL0203]: unknown tabular operator `wher`
 --> query:1:17
  |
1 | SecurityEvent | wher EventID == 4625
  |                 ^^^^ not an operator
  |
  = help: did you mean `where`?
"
    );
}

#[test]
fn rendered_unterminated_string() {
    let src = "T | where Name == \"abc";
    let d = &parse_query(src).unwrap_err()[0];
    assert_eq!(
        rendered(d, src),
        "error[KQL0101]: unterminated string literal
 --> query:1:19
  |
1 | T | where Name == \"abc
  |                   ^^^^ this string has no closing quote
  |
  = help: strings end on the same line; use ```...``` for multi-line text
"
    );
}

#[test]
fn rendered_bad_timespan_unit() {
    let src = "T | where TimeGenerated > ago(2hours) and t < 5mins";
    let d = &parse_query(src).unwrap_err()[0];
    assert_eq!(
        rendered(d, src),
        "error[KQL0104]: unknown timespan unit `mins`
 --> query:1:48
  |
1 | T | where TimeGenerated > ago(2hours) and t < 5mins
  |                                                ^^^^ not a timespan unit
  |
  = help: did you mean `min`?
"
    );
}

#[test]
fn rendered_assignment_in_where() {
    let src = "T\n| where ActingProcessName = \"cmd.exe\"";
    let d = &parse_query(src).unwrap_err()[0];
    assert_eq!(
        rendered(d, src),
        "error[KQL0215]: `=` is not a comparison
 --> query:2:27
  |
2 | | where ActingProcessName = \"cmd.exe\"
  |                           ^ assignment, not comparison
  |
  = help: compare with `==` (or `=~` to ignore case)
"
    );
}

// ---- the code table ----

#[test]
fn every_kind_is_triggered_by_its_example() {
    for &kind in SyntaxErrorKind::ALL {
        let example = kind.example();
        let diags = parse_query(&example).expect_err(&example);
        assert!(
            diags.iter().any(|d| d.code == kind.code()),
            "{kind:?}: {example:?} gave {:?}",
            diags.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
}

#[test]
fn codes_are_unique_and_well_formed() {
    let mut codes: Vec<&str> = SyntaxErrorKind::ALL.iter().map(|k| k.code()).collect();
    for c in &codes {
        assert!(c.len() == 7 && c.starts_with("KQL0"), "{c}");
        assert!(c[3..].chars().all(|ch| ch.is_ascii_digit()), "{c}");
        assert_eq!(SyntaxErrorKind::from_code(c).map(|k| k.code()), Some(*c));
    }
    let n = codes.len();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), n, "duplicate codes");
    assert!(n >= 20);
}
