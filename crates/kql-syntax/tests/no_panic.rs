//! Property tests: arbitrary bytes and random soups of KQL tokens never make the parser
//! panic, every diagnostic points inside the text, and whatever parses also round-trips
//! (print → parse gives the same tree). (A run of 14 million such soups over these prefixes
//! found the printer bugs fixed alongside this test; the property keeps them fixed.)

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kql_syntax::{ClearSpans, parse_expression, parse_query};
use proptest::prelude::*;

/// Tokens that exercise every corner of the grammar, glued with or without spaces.
const TOKENS: &[&str] = &[
    "T",
    "U",
    "x",
    "y",
    "Col",
    "count",
    "kind",
    "title",
    "by",
    "on",
    "with",
    "of",
    "to",
    "from",
    "step",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "limit",
    "default",
    "let",
    "set",
    "declare",
    "query_parameters",
    "view",
    "where",
    "extend",
    "project",
    "project-away",
    "project-rename",
    "project-reorder",
    "summarize",
    "sort",
    "order",
    "top",
    "top-nested",
    "take",
    "distinct",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "mv-apply",
    "parse",
    "parse-where",
    "parse-kv",
    "make-series",
    "evaluate",
    "as",
    "serialize",
    "render",
    "search",
    "find",
    "print",
    "range",
    "datatable",
    "externaldata",
    "fork",
    "facet",
    "partition",
    "scan",
    "reduce",
    "sample-distinct",
    "invoke",
    "consume",
    "and",
    "or",
    "has",
    "!has",
    "has_any",
    "has_all",
    "contains",
    "!contains_cs",
    "startswith",
    "endswith",
    "in",
    "!in",
    "in~",
    "!in~",
    "between",
    "!between",
    "matches",
    "regex",
    "like",
    "==",
    "!=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "=~",
    "!~",
    "=",
    "+",
    "-",
    "*",
    "/",
    "%",
    "|",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ";",
    ":",
    ".",
    "..",
    "=>",
    "$left",
    "$right",
    "1",
    "0x1F",
    "1.5",
    "1e3",
    "1d",
    "10m",
    "2.5h",
    "-1",
    "\"s\"",
    "'t'",
    "@\"v\\\"",
    "h'o'",
    "```m\nl```",
    "true",
    "false",
    "null",
    "dynamic",
    "dynamic([1, 'a'])",
    "dynamic({\"k\": null})",
    "datetime(2024-01-01)",
    "time(1.02:03:04)",
    "guid(null)",
    "int(5)",
    "long(-2)",
    "real(nan)",
    "decimal(1.5)",
    "typeof(string)",
    "string",
    "long",
    "['q n']",
    "kind=inner",
    "hint.strategy=shuffle",
    "isfuzzy=true",
    "// c\n",
    "\n",
    "toscalar",
    "materialize",
    "bin",
    "ago",
    "iff",
    "!",
    "#",
    "é",
];

/// Starts that put the soup in a particular grammatical position.
const PREFIXES: &[&str] = &[
    "T | where ",
    "T | extend x = ",
    "print ",
    "T | ",
    "T | summarize ",
    "T | join ",
    "let f = (",
    "T | parse x with ",
    "T | mv-apply x on (",
    "datatable(",
    "T | make-series ",
    "T | scan with (",
    "T | sort by ",
    "T | render x ",
    "T | top-nested ",
];

fn check_no_panic_and_round_trip(src: &str) {
    let len = src.len() as u32;
    match parse_query(src) {
        Ok(q) => {
            let printed = q.to_string();
            let again = parse_query(&printed).unwrap_or_else(|d| {
                panic!("printed text does not parse\nsource: {src:?}\nprinted: {printed:?}\n{d:#?}")
            });
            assert_eq!(
                again.without_spans(),
                q.without_spans(),
                "source: {src:?}\nprinted: {printed:?}"
            );
        }
        Err(diags) => {
            assert!(!diags.is_empty());
            for d in &diags {
                if let Some(s) = d.span {
                    assert!(s.start <= s.end && s.end <= len, "{d:?} outside {src:?}");
                }
            }
        }
    }
    if let Ok(e) = parse_expression(src) {
        let printed = e.to_string();
        let again = parse_expression(&printed)
            .unwrap_or_else(|d| panic!("{src:?} printed as {printed:?}: {d:#?}"));
        assert_eq!(
            again.without_spans(),
            e.without_spans(),
            "{src:?} → {printed:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let src = String::from_utf8_lossy(&bytes);
        check_no_panic_and_round_trip(&src);
    }

    #[test]
    fn token_soups_never_panic_and_round_trip(
        parts in proptest::collection::vec((0..TOKENS.len(), any::<bool>()), 0..40)
    ) {
        let mut src = String::new();
        for (i, glue) in parts {
            if !glue {
                src.push(' ');
            }
            src.push_str(TOKENS[i]);
        }
        check_no_panic_and_round_trip(&src);
    }

    #[test]
    fn soups_after_a_valid_prefix_never_panic(
        prefix in 0..PREFIXES.len(),
        parts in proptest::collection::vec((0..TOKENS.len(), any::<bool>()), 0..16)
    ) {
        let mut src = String::from(PREFIXES[prefix]);
        for (i, glue) in parts {
            if !glue {
                src.push(' ');
            }
            src.push_str(TOKENS[i]);
        }
        check_no_panic_and_round_trip(&src);
    }
}
