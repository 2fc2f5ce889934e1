//! The string-operator test vectors: every case runs through the scalar functions, the
//! compiled matcher, and the DataFusion UDF (constant needle and per-row needle) over all
//! three Arrow string layouts.
//!
//! Expected values come from the Kusto documentation and the documented / reported /
//! inferred vectors of the project's KQL semantics notes (§1.1.1), not from this code.

use super::*;
use crate::test_util::{invoke_bools, string_layouts};
use arrow::array::{ArrayRef, StringArray};
use datafusion::logical_expr::{col, lit};
use std::sync::Arc;

/// §1.1.1: (number, haystack, operator, needle, expected).
const HAS_VECTORS: &[(u32, &str, &str, &str, bool)] = &[
    (1, "North America", "has", "america", true),
    (2, "North America", "has", "amer", false),
    (3, "North America", "hasprefix", "ame", true),
    (4, "North America", "hasprefix", "mer", false),
    (5, "North America", "hassuffix", "ica", true),
    (6, "North America", "hassuffix", "americ", false),
    (7, "KustoExplorerQueryRun", "has", "Explorer", false),
    (8, "Hello World", "has", "hello", true),
    (9, "<Hello-World>", "has", "hello", true),
    (10, "_Hello_World_", "has", "hello", true),
    (11, "HelloWorld", "has", "hello", false),
    (12, "Hello World", "has", "hell", false),
    (
        13,
        "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/test.rg000001?api-version=2021-04-01",
        "has",
        "/resourcegroups/test.rg000001?",
        true,
    ),
    (
        14,
        "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/test.rg000001?api-version=2021-04-01",
        "has",
        "resourcegroups/test.rg000001",
        true,
    ),
    (15, "North America", "has", "North America", true),
    (16, "docker exec -it web sh", "has", "-it", true),
    (17, "docker exec -itd web sh", "has", "-it", false),
    (18, "docker exec -i web sh", "has", "-i ", true),
    (19, "docker exec -it web sh", "has", "-i ", false),
    (20, "kubectl exec pod -i", "has", "-i ", false),
    (21, "docker run --tty x", "has", "--tty", true),
    (
        22,
        "curl http://10.0.0.5:10250/run/ns/pod/c",
        "has",
        ":10250",
        true,
    ),
    (23, "curl http://10.0.0.5:102501/x", "has", ":10250", false),
    (
        24,
        "curl -k https://node:10250/exec/ns/p/c",
        "has",
        "/exec",
        true,
    ),
    (25, "curl https://x/executor", "has", "/exec", false),
    (
        26,
        "docker exec -it c /bin/sh -c id",
        "has",
        "/bin/sh",
        true,
    ),
    (27, "docker exec -it c /bin/bash", "has", "/bin/sh", false),
    (28, "docker exec -it c bash", "has", "sh", false),
    (29, "docker exec -it c sh", "has", "sh", true),
    (30, "docker exec -it c ash", "has", "ash", true),
    (
        31,
        "docker run --security-opt label=disable img",
        "has",
        "--security-opt label=disable",
        true,
    ),
    (
        32,
        "docker run --security-opt=label=disable img",
        "has",
        "--security-opt label=disable",
        false,
    ),
    (33, "docker run --pid=host img", "has", "--pid=host", true),
    (
        34,
        "docker run --cap-add=SYS_ADMIN img",
        "has",
        "--cap-add",
        true,
    ),
    (
        35,
        "docker run --privileged img",
        "has",
        "--privileged",
        true,
    ),
    (
        36,
        "docker run --privileged=false img",
        "has",
        "--privileged",
        true,
    ),
];

/// Further documented and reported cases (§1.1.1 and the operator table of §1.1).
const EXTRA_VECTORS: &[(&str, &str, &str, bool)] = &[
    ("North America", "has_cs", "America", true),
    ("North America", "has_cs", "america", false),
    ("North America", "has_cs", "amer", false),
    ("123Hello-World456", "has", "hello", false),
    ("FabriKam", "contains", "BRik", true),
    ("Fabrikam", "contains", "xyz", false),
    ("FabriKam", "contains_cs", "Kam", true),
    ("FabriKam", "contains_cs", "kam", false),
    ("Fabrikam", "startswith", "fab", true),
    ("Fabrikam", "startswith", "kam", false),
    ("Fabrikam", "startswith_cs", "fab", false),
    ("Fabrikam", "startswith_cs", "Fab", true),
    ("Fabrikam", "endswith", "Kam", true),
    ("Fabrikam", "endswith", "brik", false),
    ("Fabrikam", "endswith_cs", "Kam", false),
    ("Fabrikam", "endswith_cs", "kam", true),
    ("aBc", "==", "aBc", true),
    ("abc", "==", "ABC", false),
    ("abc", "=~", "ABC", true),
    ("aBc", "=~", "xyz", false),
    ("North America", "hasprefix_cs", "Ame", true),
    ("North America", "hasprefix_cs", "ame", false),
    ("North America", "hassuffix_cs", "ica", true),
    // hassuffix matches any term, not just the last (DOCS `hassuffix-operator.md`).
    ("NORTH CAROLINA", "hassuffix", "th", true),
    // An occurrence failing the boundary check does not hide a later one.
    ("docker -itd -it x", "has", "-it", true),
    ("xa-a-a", "has", "a-a", true),
    ("xa-a-ax", "has", "a-a", false),
    // Unicode: letters are term characters and case folds.
    ("ÄBC", "has", "äbc", true),
    ("ÄBC", "has_cs", "äbc", false),
    ("straße-ÖL", "has", "öl", true),
    ("straßeÖL", "has", "öl", false),
    ("Größe", "=~", "GRÖSSE", false),
    ("ΑΒΓ δ", "startswith", "αβ", true),
    ("ΑΒΓ δ", "endswith", "Δ", true),
    ("ΑΒΓ δ", "contains", "βγ", true),
    ("日本語 テキスト", "has", "テキスト", true),
    ("日本語テキスト", "has", "テキスト", false),
    // An ASCII needle is not found inside non-ASCII letters and respects their boundaries.
    ("éabc", "has", "abc", false),
    ("é abc", "has", "ABC", true),
    ("xyzé", "hasprefix", "xyz", true),
    ("\u{212A}elvin", "has", "kelvin", false),
    // Empty needle: found everywhere (the straightforward model; see the module docs).
    ("", "has", "", true),
    ("abc", "has", "", true),
    ("abc", "contains", "", true),
    ("abc", "startswith", "", true),
    ("abc", "endswith", "", true),
    ("abc", "=~", "", false),
    ("", "=~", "", true),
    // Needles with no alphanumerics at all impose no boundary.
    ("a-b", "has", "-", true),
    ("a--b", "has", "--", true),
    ("ab", "has", "-", false),
];

fn parse_op(op: &str) -> (StringOp, bool) {
    match op {
        "has" => (StringOp::Has, false),
        "has_cs" => (StringOp::Has, true),
        "hasprefix" => (StringOp::HasPrefix, false),
        "hasprefix_cs" => (StringOp::HasPrefix, true),
        "hassuffix" => (StringOp::HasSuffix, false),
        "hassuffix_cs" => (StringOp::HasSuffix, true),
        "contains" => (StringOp::Contains, false),
        "contains_cs" => (StringOp::Contains, true),
        "startswith" => (StringOp::StartsWith, false),
        "startswith_cs" => (StringOp::StartsWith, true),
        "endswith" => (StringOp::EndsWith, false),
        "endswith_cs" => (StringOp::EndsWith, true),
        "=~" => (StringOp::Equals, false),
        "==" => (StringOp::Equals, true),
        other => panic!("unknown operator {other}"),
    }
}

/// Runs one case through every path and reports which disagree with `expected`.
fn check(hay: &str, op_name: &str, needle: &str, expected: bool) {
    let (op, cs) = parse_op(op_name);
    assert_eq!(op.kql_name(cs), op_name);
    let case = format!("{hay:?} {op_name} {needle:?}");
    assert_eq!(matches(op, hay, needle, cs), expected, "scalar: {case}");
    assert_eq!(
        StringMatcher::new(op, cs, needle).matches(hay),
        expected,
        "matcher: {case}"
    );
    // Constant needle: a row that matches and a row that is null ("") around it.
    let constant = string_predicate(op, cs, col("h"), lit(needle));
    let per_row = string_predicate(op, cs, col("h"), col("n"));
    let empty_expected = matches(op, "", needle, cs);
    for layout in string_layouts(&[Some(hay), None, Some(hay)]) {
        assert_eq!(
            invoke_bools(&constant, &[Arc::clone(&layout)]),
            vec![expected, empty_expected, expected],
            "udf ({}): {case}",
            layout.data_type()
        );
        let needles: ArrayRef = Arc::new(StringArray::from(vec![needle; 3]));
        assert_eq!(
            invoke_bools(&per_row, &[layout, needles]),
            vec![expected, empty_expected, expected],
            "per-row udf: {case}"
        );
    }
}

#[test]
fn has_family_vectors_of_the_semantics_notes() {
    assert_eq!(HAS_VECTORS.len(), 36);
    for &(n, hay, op, needle, expected) in HAS_VECTORS {
        assert_eq!(
            n as usize,
            HAS_VECTORS.iter().position(|v| v.0 == n).unwrap_or(0) + 1
        );
        check(hay, op, needle, expected);
    }
}

#[test]
fn documented_operator_examples_and_edge_cases() {
    for &(hay, op, needle, expected) in EXTRA_VECTORS {
        check(hay, op, needle, expected);
    }
}

#[test]
fn has_vectors_through_has_any_with_one_needle() {
    // has_any with a single needle is has; has_all likewise.
    for &(_, hay, _, needle, expected) in HAS_VECTORS.iter().filter(|v| v.2 == "has") {
        for list_op in [ListStringOp::HasAny, ListStringOp::HasAll] {
            let m = ListMatcher::new(list_op, false, vec![needle.to_string()]);
            assert_eq!(m.matches(hay), expected, "{hay:?} {list_op:?} {needle:?}");
        }
    }
}

fn check_list(hay: &str, op: ListStringOp, cs: bool, needles: &[&str], expected: bool) {
    let owned: Vec<String> = needles.iter().map(|s| s.to_string()).collect();
    let case = format!("{hay:?} {} {needles:?}", op.kql_name(cs));
    let scalar = match op {
        ListStringOp::HasAny => has_any(hay, needles, cs),
        ListStringOp::HasAll => has_all(hay, needles, cs),
        ListStringOp::In => in_list(hay, needles, cs),
    };
    assert_eq!(scalar, expected, "scalar: {case}");
    assert_eq!(
        ListMatcher::new(op, cs, owned.clone()).matches(hay),
        expected,
        "matcher: {case}"
    );
    let expr = list_predicate(op, cs, col("h"), owned);
    for layout in string_layouts(&[Some(hay), Some(hay)]) {
        assert_eq!(
            invoke_bools(&expr, &[layout]),
            vec![expected; 2],
            "udf: {case}"
        );
    }
}

/// The reference query's lists (`let SuspiciousShells = dynamic([...])` etc.).
const SHELLS: &[&str] = &["sh", "bash", "ash", "zsh", "/bin/sh", "/bin/bash"];
const PRIVILEGED: &[&str] = &[
    "--privileged",
    "--cap-add",
    "--security-opt label=disable",
    "--pid=host",
    "--net=host",
    "--ipc=host",
];
const TOOLS: &[&str] = &["docker", "kubectl", "crictl", "ctr", "nerdctl", "podman"];

#[test]
fn list_operators() {
    use ListStringOp::*;
    // DOCS operator table.
    check_list("North America", HasAny, false, &["south", "north"], true);
    check_list(
        "North and South America",
        HasAll,
        false,
        &["south", "north"],
        true,
    );
    check_list("North America", HasAll, false, &["south", "north"], false);
    check_list("Abc", In, false, &["123", "345", "abc"], true);
    check_list("bCa", In, false, &["123", "345", "ABC"], false);
    check_list("abc", In, true, &["123", "345", "abc"], true);
    check_list("Abc", In, true, &["123", "345", "abc"], false);
    // Reference query lists (inferred vectors of §1.1).
    check_list("docker exec -it c bash", HasAny, false, &["sh"], false);
    check_list("docker exec -it c bash", HasAny, false, SHELLS, true);
    check_list("docker exec -it c /bin/shx", HasAny, false, SHELLS, false);
    check_list(
        "curl http://x/run",
        HasAny,
        false,
        &["exec", "run", "attach"],
        true,
    );
    check_list(
        "curl http://x/runner",
        HasAny,
        false,
        &["exec", "run", "attach"],
        false,
    );
    check_list(
        "docker run --security-opt label=disable img",
        HasAny,
        false,
        PRIVILEGED,
        true,
    );
    check_list(
        "docker run --security-opt=label=disable img",
        HasAny,
        false,
        PRIVILEGED,
        false,
    );
    check_list(
        "docker run --privileged=false img",
        HasAny,
        false,
        PRIVILEGED,
        true,
    );
    check_list(
        "docker run --privilegedx img",
        HasAny,
        false,
        PRIVILEGED,
        false,
    );
    check_list("Docker", In, false, TOOLS, true);
    check_list("dockerd", In, false, TOOLS, false);
    check_list("PODMAN", In, false, TOOLS, true);
    // has_all needs each needle at an acceptable occurrence; later occurrences count.
    check_list("-itd x -it sh", HasAll, false, &["-it", "sh"], true);
    check_list("-itd x sh", HasAll, false, &["-it", "sh"], false);
    check_list("a A", HasAll, false, &["a", "A"], true);
    // Case sensitivity and Unicode in lists.
    check_list("North America", HasAny, true, &["north", "america"], false);
    check_list("North America", HasAny, true, &["north", "America"], true);
    check_list("ÄBC def", HasAll, false, &["äbc", "DEF"], true);
    check_list("ÄBC", In, false, &["äbc"], true);
    check_list("Größe", In, false, &["GRÖẞE"], true);
    // Empty lists and empty needles (documented choice, see the module docs).
    check_list("abc", HasAny, false, &[], false);
    check_list("abc", HasAll, false, &[], true);
    check_list("abc", In, false, &[], false);
    check_list("abc", HasAny, false, &["zzz", ""], true);
    check_list("abc", HasAll, false, &["abc", ""], true);
    check_list("", In, false, &[""], true);
}

#[test]
fn null_haystack_is_the_empty_string() {
    let nulls = string_layouts(&[None, None]);
    for layout in nulls {
        let e = string_predicate(StringOp::Has, false, col("h"), lit("a"));
        assert_eq!(invoke_bools(&e, &[Arc::clone(&layout)]), vec![false, false]);
        let e = string_predicate(StringOp::Equals, false, col("h"), lit(""));
        assert_eq!(invoke_bools(&e, &[Arc::clone(&layout)]), vec![true, true]);
        let e = list_predicate(ListStringOp::In, false, col("h"), vec!["".into()]);
        assert_eq!(invoke_bools(&e, &[layout]), vec![true, true]);
    }
    // A null needle literal is "" too.
    let e = string_predicate(
        StringOp::Equals,
        true,
        col("h"),
        lit(datafusion::scalar::ScalarValue::Utf8(None)),
    );
    let hay: ArrayRef = Arc::new(StringArray::from(vec!["", "x"]));
    assert_eq!(invoke_bools(&e, &[hay]), vec![true, false]);
}

#[test]
fn non_string_haystack_is_matched_by_its_text() {
    let numbers: ArrayRef = Arc::new(arrow::array::Int64Array::from(vec![Some(10250), None]));
    let e = string_predicate(StringOp::Has, false, col("h"), lit("10250"));
    assert_eq!(invoke_bools(&e, &[numbers]), vec![true, false]);
}

#[test]
fn udfs_compare_and_name_by_their_needles() {
    let a = string_predicate(StringOp::Has, false, col("h"), lit("-it"));
    let b = string_predicate(StringOp::Has, false, col("h"), lit("-it"));
    let c = string_predicate(StringOp::Has, false, col("h"), lit("--tty"));
    let d = string_predicate(StringOp::Has, true, col("h"), lit("-it"));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert_ne!(a, d);
    assert_eq!(a.to_string(), r#"has["-it"](h)"#);
    assert_eq!(d.to_string(), r#"has_cs["-it"](h)"#);
    assert_ne!(a.schema_name().to_string(), c.schema_name().to_string());
    let l = list_predicate(
        ListStringOp::In,
        false,
        col("h"),
        vec!["a".into(), "b".into()],
    );
    assert_eq!(l.to_string(), r#"in~["a","b"](h)"#);
    let hash = |e: &datafusion::logical_expr::Expr| {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        e.hash(&mut h);
        h.finish()
    };
    assert_eq!(hash(&a), hash(&b));
    // Long lists are abbreviated but stay distinct.
    let many = |last: &str| {
        let mut v: Vec<String> = (0..20).map(|i| format!("n{i}")).collect();
        v.push(last.to_string());
        list_predicate(ListStringOp::HasAny, false, col("h"), v)
    };
    let (x, y) = (many("x"), many("y"));
    assert!(x.to_string().contains("21 needles"), "{x}");
    assert_ne!(x.to_string(), y.to_string());
    assert_ne!(x, y);
}

#[test]
fn results_are_never_null_so_negation_is_exact() {
    use arrow::datatypes::Field;
    use datafusion::logical_expr::ReturnFieldArgs;
    let e = string_predicate(StringOp::Has, false, col("h"), lit("a"));
    let datafusion::logical_expr::Expr::ScalarFunction(call) = &e else {
        panic!("not a call");
    };
    let field = call
        .func
        .return_field_from_args(ReturnFieldArgs {
            arg_fields: &[Arc::new(Field::new(
                "h",
                arrow::datatypes::DataType::Utf8,
                true,
            ))],
            scalar_arguments: &[None],
        })
        .unwrap();
    assert!(!field.is_nullable());
}

#[test]
fn constant_operands_fold_to_a_literal() {
    use crate::test_util::simplify;
    use datafusion::logical_expr::Expr;
    use datafusion::scalar::ScalarValue;
    let folded = |e| simplify(e).unwrap();
    assert_eq!(
        folded(string_predicate(
            StringOp::Has,
            false,
            lit("docker exec -it x"),
            lit("-it")
        )),
        Expr::Literal(ScalarValue::Boolean(Some(true)), None)
    );
    assert_eq!(
        folded(list_predicate(
            ListStringOp::HasAny,
            false,
            lit("bash"),
            vec!["sh".into()]
        )),
        Expr::Literal(ScalarValue::Boolean(Some(false)), None)
    );
    // A per-row needle that happens to be constant on both sides folds too.
    assert_eq!(
        folded(string_predicate(
            StringOp::Equals,
            false,
            lit("ABC"),
            lit("abc").alias("n")
        )),
        Expr::Literal(ScalarValue::Boolean(Some(true)), None)
    );
}

#[test]
fn matches_regex_reads_octal_escapes() {
    // DOCS regex.md: `\123` is an octal character code; `\0` is NUL.
    let expr = regex_predicate(col("c0"), r"a\0").unwrap();
    let hay: ArrayRef = Arc::new(StringArray::from(vec!["xa\u{0}y", "a0"]));
    assert_eq!(invoke_bools(&expr, &[hay]), [true, false]);
    // DOCS matches-regex-operator.md: "Fabrikam" matches regex "b.*k".
    let expr = regex_predicate(col("c0"), "b.*k").unwrap();
    let hay: ArrayRef = Arc::new(StringArray::from(vec!["Fabrikam", "Fabrimac"]));
    assert_eq!(invoke_bools(&expr, &[hay]), [true, false]);
}
