//! Derivation of record requirements from filters, and the prefilter they build.
//!
//! Expected literal sets follow from the operators' definitions (Kusto docs,
//! `datatypes-string-operators.md`): each operator is true only when its needle occurs in
//! the value, `or` needs either side, `and` both.

use super::*;
use crate::prefilter::{Encoding, Prefilter};
use datafusion::logical_expr::{ident as col, lit};
use kql_functions::string_ops::{ListStringOp, StringOp, list_predicate, string_predicate};

fn has(c: &str, needle: &str) -> Expr {
    string_predicate(StringOp::Has, false, col(c), lit(needle))
}

fn list(op: ListStringOp, c: &str, needles: &[&str]) -> Expr {
    list_predicate(
        op,
        false,
        col(c),
        needles.iter().map(|s| s.to_string()).collect(),
    )
}

fn strings(cols: &[&str]) -> impl Fn(&str) -> bool {
    let cols: Vec<String> = cols.iter().map(|s| s.to_string()).collect();
    move |c: &str| cols.iter().any(|x| x == c)
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const ALL: &[&str] = &[
    "FileName",
    "ProcessCommandLine",
    "InitiatingProcessFileName",
    "FolderPath",
];

#[test]
fn each_string_operator_requires_its_needle() {
    let ops = [
        StringOp::Has,
        StringOp::HasPrefix,
        StringOp::HasSuffix,
        StringOp::Contains,
        StringOp::StartsWith,
        StringOp::EndsWith,
        StringOp::Equals,
    ];
    for op in ops {
        for cs in [false, true] {
            let e = string_predicate(op, cs, col("FileName"), lit("docker"));
            let r = derive(&[e], &strings(ALL)).unwrap();
            assert_eq!(r.literals, set(&["docker"]), "{op:?} cs={cs}");
            assert_eq!(r.columns, set(&["FileName"]));
            // Only `==` and `=~` compare the whole value.
            let whole = if op == StringOp::Equals {
                set(&["docker"])
            } else {
                set(&[])
            };
            assert_eq!(r.whole_values, whole, "{op:?} cs={cs}");
        }
    }
    // `==` on strings is DataFusion's own equality.
    let r = derive(&[col("FileName").eq(lit("kubectl"))], &strings(ALL)).unwrap();
    assert_eq!(r.literals, set(&["kubectl"]));
    assert_eq!(r.whole_values, set(&["kubectl"]));
    let r = derive(
        &[col("FileName").in_list(vec![lit("ctr"), lit("podman")], false)],
        &strings(ALL),
    )
    .unwrap();
    assert_eq!(r.literals, set(&["ctr", "podman"]));
    assert_eq!(r.whole_values, set(&["ctr", "podman"]));
}

#[test]
fn list_operators() {
    for op in [ListStringOp::In, ListStringOp::HasAny] {
        let r = derive(
            &[list(op, "FileName", &["docker", "kubectl"])],
            &strings(ALL),
        )
        .unwrap();
        assert_eq!(r.literals, set(&["docker", "kubectl"]));
        // `in~` compares whole values, `has_any` looks for terms inside them.
        let whole = if op == ListStringOp::In {
            r.literals.clone()
        } else {
            set(&[])
        };
        assert_eq!(r.whole_values, whole, "{op:?}");
    }
    // has_all: every needle must occur, so the longest one is required.
    let r = derive(
        &[list(
            ListStringOp::HasAll,
            "ProcessCommandLine",
            &["it", "exec", "docker"],
        )],
        &strings(ALL),
    )
    .unwrap();
    assert_eq!(r.literals, set(&["docker"]));
}

#[test]
fn needles_that_occur_everywhere_or_nowhere_narrow_nothing() {
    // `has ""` is true for every value; `in~ ()` for none, which no literal set expresses.
    assert_eq!(derive(&[has("FileName", "")], &strings(ALL)), None);
    assert_eq!(
        derive(&[list(ListStringOp::In, "FileName", &[])], &strings(ALL)),
        None
    );
    assert_eq!(
        derive(
            &[list(ListStringOp::HasAny, "FileName", &["docker", ""])],
            &strings(ALL)
        ),
        None
    );
}

#[test]
fn or_needs_both_sides_and_and_takes_the_more_selective_one() {
    let e = has("FileName", "docker").or(has("InitiatingProcessFileName", "kubectl"));
    let r = derive(&[e], &strings(ALL)).unwrap();
    assert_eq!(r.literals, set(&["docker", "kubectl"]));
    assert_eq!(r.columns, set(&["FileName", "InitiatingProcessFileName"]));

    // An `or` with a branch that requires nothing requires nothing.
    let e = has("FileName", "docker").or(col("ProcessId").gt(lit(5)));
    assert_eq!(derive(&[e], &strings(ALL)), None);
    let e = has("FileName", "docker").or(has("AccountName", "root"));
    assert_eq!(
        derive(&[e], &strings(ALL)),
        None,
        "AccountName is not usable"
    );

    // `and`: fewer and longer literals win; an underivable side is ignored.
    let e = has("ProcessCommandLine", "ab").and(has("FileName", "kubectl"));
    assert_eq!(
        derive(&[e], &strings(ALL)).unwrap().literals,
        set(&["kubectl"])
    );
    let e = col("ProcessId")
        .gt(lit(5))
        .and(has("FolderPath", "/usr/bin/docker"));
    assert_eq!(
        derive(&[e], &strings(ALL)).unwrap().literals,
        set(&["/usr/bin/docker"])
    );
}

#[test]
fn negations_are_not_derivable() {
    let e = Expr::Not(Box::new(has("FileName", "docker")));
    assert_eq!(derive(&[e], &strings(ALL)), None);
    let e = col("FileName").not_eq(lit("docker"));
    assert_eq!(derive(&[e], &strings(ALL)), None);
    let e = col("FileName").in_list(vec![lit("docker")], true);
    assert_eq!(derive(&[e], &strings(ALL)), None);
}

#[test]
fn only_plain_usable_columns_count() {
    // A computed haystack (here `lower(FileName)`) is not a column's raw value.
    let e = string_predicate(
        StringOp::Has,
        false,
        datafusion::functions::expr_fn::lower(col("FileName")),
        lit("docker"),
    );
    assert_eq!(derive(&[e], &strings(ALL)), None);
    // A needle computed per row is not a literal.
    let e = string_predicate(StringOp::Has, false, col("FileName"), col("FolderPath"));
    assert_eq!(derive(&[e], &strings(ALL)), None);
    assert_eq!(derive(&[has("FileName", "docker")], &strings(&[])), None);
}

/// The seed rule's filters after DataFusion's pushdown: a time bound, an `or` of two
/// `in~` lists and a `has_any`.
#[test]
fn the_seed_rule_requires_a_container_tool_name() {
    let tools = ["docker", "kubectl", "crictl", "ctr", "nerdctl", "podman"];
    let filters = [
        col("TimeGenerated").gt(lit(0i64)),
        list(ListStringOp::In, "FileName", &tools).or(list(
            ListStringOp::In,
            "InitiatingProcessFileName",
            &tools,
        )),
        list(
            ListStringOp::HasAny,
            "ProcessCommandLine",
            &["exec", "run", "attach"],
        ),
    ];
    let r = derive(&filters, &strings(ALL)).unwrap();
    assert_eq!(r.literals, set(&tools));
    assert_eq!(r.whole_values, set(&tools));
    assert_eq!(r.columns, set(&["FileName", "InitiatingProcessFileName"]));
}

/// `or` keeps a literal a whole value only when both sides compare it whole.
#[test]
fn a_literal_one_side_looks_for_inside_values_is_no_whole_value() {
    let e = list(ListStringOp::In, "FileName", &["docker", "ctr"])
        .or(has("ProcessCommandLine", "docker"));
    let r = derive(&[e], &strings(ALL)).unwrap();
    assert_eq!(r.literals, set(&["ctr", "docker"]));
    assert_eq!(r.whole_values, set(&["ctr"]));
    let p = Prefilter::with_whole_values(&r.literals.iter().collect::<Vec<_>>(), |l| {
        r.whole_values.contains(l)
    });
    assert!(p.may_match(
        br#"{"ProcessCommandLine":"sudo docker ps"}"#,
        Encoding::Json
    ));
    assert!(p.may_match(br#"{"FileName":"CTR"}"#, Encoding::Json));
    assert!(!p.may_match(br#"{"ProcessCommandLine":"ctrl-c"}"#, Encoding::Json));
}

/// What the derived literals do to raw JSON records: escapes and case never hide a match.
#[test]
fn derived_prefilters_keep_escaped_and_case_variant_records() {
    let r = derive(&[has("FileName", "docker")], &strings(ALL)).unwrap();
    let p = Prefilter::new(&r.literals.iter().collect::<Vec<_>>());
    for record in [
        r#"{"FileName":"docker"}"#,
        r#"{"FileName":"DoCkEr"}"#,
        r#"{"FileName":"\u0064ocker"}"#,
        r#"{"FileName":"\u0044OCKER"}"#,
    ] {
        assert!(p.may_match(record.as_bytes(), Encoding::Json), "{record}");
    }
    assert!(!p.may_match(br#"{"FileName":"bash"}"#, Encoding::Json));

    let e = string_predicate(
        StringOp::StartsWith,
        false,
        col("FolderPath"),
        lit("/usr/bin/"),
    );
    let r = derive(&[e], &strings(ALL)).unwrap();
    let p = Prefilter::new(&r.literals.iter().collect::<Vec<_>>());
    assert!(p.may_match(br#"{"FolderPath":"\/usr\/bin\/docker"}"#, Encoding::Json));
    assert!(p.may_match(br#"{"FolderPath":"/USR/BIN/docker"}"#, Encoding::Json));
    assert!(!p.may_match(br#"{"FolderPath":"/usr/sbin/sshd"}"#, Encoding::Json));
}
