//! Hostile input: deep nesting and long chains end in a diagnostic, never a stack overflow,
//! on an ordinary 2 MiB thread stack (the default for spawned threads); inputs just inside the
//! limits still parse, print and round-trip on that stack.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kql_syntax::{ClearSpans, MAX_TREE_DEPTH, SyntaxErrorKind, parse_query};

const STACK: usize = 2 * 1024 * 1024;

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// The query must fail with a nesting diagnostic (and few diagnostics in all).
fn rejected_as_too_deep(src: String) {
    on_small_stack(move || {
        let diags = parse_query(&src).expect_err("too deep to accept");
        assert!(
            diags
                .iter()
                .any(|d| d.code == SyntaxErrorKind::NestingTooDeep.code()),
            "{:?}",
            diags.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
        assert!(diags.len() <= 50, "{} diagnostics", diags.len());
    });
}

/// The query must parse, print and parse back to the same tree.
fn accepted(src: String) {
    on_small_stack(move || {
        let q = parse_query(&src).unwrap_or_else(|d| panic!("{:?}", d[0]));
        let printed = q.to_string();
        let again = parse_query(&printed).unwrap_or_else(|d| panic!("{:?}", d[0]));
        assert_eq!(again.without_spans(), q.without_spans());
    });
}

#[test]
fn hundred_thousand_open_parentheses() {
    rejected_as_too_deep("(".repeat(100_000));
    rejected_as_too_deep(format!(
        "print {}1{}",
        "(".repeat(100_000),
        ")".repeat(100_000)
    ));
}

#[test]
fn twenty_thousand_nested_subqueries() {
    let mut q = String::from("T");
    for _ in 0..20_000 {
        q = format!("T | where x in ({q})");
    }
    rejected_as_too_deep(q);
    let joins = format!("T{}", " | join (T".repeat(20_000)) + &") on k".repeat(20_000);
    rejected_as_too_deep(joins);
}

#[test]
fn twenty_thousand_pipes() {
    rejected_as_too_deep(format!("T{}", " | take 1".repeat(20_000)));
}

#[test]
fn long_chains_of_binary_operators() {
    rejected_as_too_deep(format!("print a{}", " or a".repeat(100_000)));
    rejected_as_too_deep(format!("print 1{}", " + 1".repeat(100_000)));
}

#[test]
fn deep_unary_postfix_and_literals() {
    rejected_as_too_deep(format!("print {}1", "-".repeat(100_000)));
    rejected_as_too_deep(format!("print a{}", ".b".repeat(100_000)));
    rejected_as_too_deep(format!("print a{}", "[0]".repeat(100_000)));
    rejected_as_too_deep(format!(
        "print {}1{}",
        "f(".repeat(50_000),
        ")".repeat(50_000)
    ));
    rejected_as_too_deep(format!(
        "print dynamic({}1{})",
        "[".repeat(100_000),
        "]".repeat(100_000)
    ));
}

#[test]
fn deeply_nested_function_definitions() {
    let mut body = String::from("1");
    for i in 0..20_000 {
        body = format!("let f{i} = () {{ {body} }}; f{i}");
    }
    rejected_as_too_deep(body);
}

#[test]
fn many_errors_are_capped() {
    on_small_stack(|| {
        let diags = parse_query(&format!("T{}", " | ".repeat(100_000))).unwrap_err();
        assert!((1..=50).contains(&diags.len()), "{}", diags.len());
    });
}

#[test]
fn inputs_inside_the_limits_round_trip_on_a_small_stack() {
    // Deeper than any real query: 30 nested parentheses, calls and `in` sub-queries.
    accepted(format!("print {}1{}", "(".repeat(30), ")".repeat(30)));
    accepted(format!(
        "print {}1{}",
        "tostring(".repeat(30),
        ")".repeat(30)
    ));
    let mut q = String::from("T");
    for _ in 0..15 {
        q = format!("T | where x in ({q}) | join (U) on k");
    }
    accepted(q);
    // Long chains just under the tree-depth limit.
    let n = MAX_TREE_DEPTH as usize - 10;
    accepted(format!("T | where a == 0{}", " or a == 1".repeat(n / 2)));
    accepted(format!("T{}", " | take 1".repeat(n)));
}
