//! The T1609 container-administration rule's expressions (the project's must-pass
//! detection), built the way the binder builds them and evaluated on sample command lines.
//! Expected values follow the operator semantics of `string_ops` (§1.1 of the KQL semantics
//! notes), worked out by hand per row.

use crate::string_ops::{ListStringOp, StringOp, list_predicate, string_predicate};
use crate::test_util::{TArg, eval};
use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, Int64Type};
use datafusion::logical_expr::{Expr, cast, col, lit};
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType as T;
use std::sync::Arc;

const TOOLS: &[&str] = &["docker", "kubectl", "crictl", "ctr", "nerdctl", "podman"];
const EXEC_PATTERNS: &[&str] = &["exec", "run", "attach"];
const SHELLS: &[&str] = &["sh", "bash", "ash", "zsh", "/bin/sh", "/bin/bash"];
const PRIVILEGED: &[&str] = &[
    "--privileged",
    "--cap-add",
    "--security-opt label=disable",
    "--pid=host",
    "--net=host",
    "--ipc=host",
];
const INTERPRETERS: &[&str] = &["python", "python3", "ruby", "perl", "php", "node"];

fn list(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn has(needle: &str) -> Expr {
    string_predicate(StringOp::Has, false, col("c1"), lit(needle))
}

fn file_is(name: &str) -> Expr {
    string_predicate(StringOp::Equals, false, col("c0"), lit(name))
}

/// `iif(cond, points, 0)` through the registry, as `long`.
fn points(cond: Expr, points: i64) -> Expr {
    let f = crate::registry::lookup("iif").unwrap();
    let args = [
        crate::registry::Arg::of(T::Bool),
        crate::registry::Arg::of(T::Long),
        crate::registry::Arg::of(T::Long),
    ];
    (f.lower)(vec![cond, lit(points), lit(0i64)], &args).unwrap()
}

#[test]
fn t1609_rule_expressions() {
    // (FileName, ProcessCommandLine, InitiatingProcessFileName)
    let rows = [
        ("docker", "docker exec -it web sh", "bash"),
        ("docker", "docker exec -itd web bash", "containerd"),
        ("kubectl", "kubectl exec pod -i -- /bin/sh", "python3"),
        ("docker", "docker run --privileged=false img", "bash"),
        ("curl", "curl -k https://node:10250/exec/ns/p/c", "kubectl"),
        ("docker", "docker ps", "bash"),
        ("dockerd", "dockerd exec", "systemd"),
        ("DOCKER", "DOCKER ATTACH -IT x", "bash"),
    ];
    let column = |values: Vec<&str>| -> ArrayRef { Arc::new(StringArray::from(values)) };
    let columns = [
        column(rows.iter().map(|r| r.0).collect()),
        column(rows.iter().map(|r| r.1).collect()),
        column(rows.iter().map(|r| r.2).collect()),
    ];
    let bools = |e: &Expr| -> Vec<bool> {
        let out = eval(e, &columns, 0).unwrap();
        out.as_boolean().iter().map(|b| b.unwrap()).collect()
    };

    let selected = list_predicate(ListStringOp::In, false, col("c0"), list(TOOLS))
        .or(list_predicate(
            ListStringOp::In,
            false,
            col("c2"),
            list(TOOLS),
        ))
        .and(list_predicate(
            ListStringOp::HasAny,
            false,
            col("c1"),
            list(EXEC_PATTERNS),
        ));
    assert_eq!(
        bools(&selected),
        [true, true, true, true, true, false, false, true]
    );

    let interactive = has("-it").or(has("--tty")).or(has("-i "));
    assert_eq!(
        bools(&interactive),
        [true, false, true, false, false, false, false, true]
    );
    let shell = list_predicate(ListStringOp::HasAny, false, col("c1"), list(SHELLS));
    assert_eq!(
        bools(&shell),
        [true, true, true, false, false, false, false, false]
    );
    let privileged = list_predicate(ListStringOp::HasAny, false, col("c1"), list(PRIVILEGED));
    assert_eq!(
        bools(&privileged),
        [false, false, false, true, false, false, false, false]
    );
    let kubectl_exec = file_is("kubectl").and(has("exec"));
    assert_eq!(
        bools(&kubectl_exec),
        [false, false, true, false, false, false, false, false]
    );
    let curl_kubelet =
        (file_is("curl").or(file_is("wget"))).and(has(":10250").or(has("/exec")).or(has("/run")));
    assert_eq!(
        bools(&curl_kubelet),
        [false, false, false, false, true, false, false, false]
    );
    let interpreter = list_predicate(ListStringOp::In, false, col("c2"), list(INTERPRETERS));

    // RiskScore = toint(0) + iif(...) + ...: int + long is long.
    let toint = crate::test_util::call(
        "toint",
        vec![TArg::Lit(T::Long, ScalarValue::Int64(Some(0)))],
    );
    assert_eq!(toint.map(|(ty, _)| ty).ok(), Some(T::Int));
    let zero = cast(
        (crate::registry::lookup("toint").unwrap().lower)(
            vec![lit(0i64)],
            &[crate::registry::Arg::of(T::Long)],
        )
        .unwrap(),
        DataType::Int64,
    );
    let risk = zero
        + points(interactive, 30)
        + points(shell, 25)
        + points(privileged, 35)
        + points(kubectl_exec, 20)
        + points(curl_kubelet, 40)
        + points(interpreter, 30);
    let out = eval(&risk, &columns, 0).unwrap();
    assert_eq!(out.data_type(), &DataType::Int64);
    let scores: Vec<i64> = out
        .as_primitive::<Int64Type>()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    assert_eq!(scores, [55, 25, 105, 35, 40, 0, 0, 30]);
    assert_eq!(out.null_count(), 0);
}

/// Empty batches reach every kernel (with constants broadcast to zero rows); none may
/// index past the end.
#[test]
fn empty_batches_are_handled() {
    use crate::test_util::call;
    use arrow::array::{Int64Array, ListArray};
    let empty_str = || TArg::Col(T::String, Arc::new(StringArray::from(Vec::<&str>::new())));
    let empty_dyn = || TArg::Col(T::Dynamic, Arc::new(StringArray::from(Vec::<&str>::new())));
    let s = |v: &str| TArg::Lit(T::String, ScalarValue::from(v));
    let n = |v: i64| TArg::Lit(T::Long, ScalarValue::Int64(Some(v)));
    let empty_list =
        ListArray::from_iter_primitive::<Int64Type, _, _>(Vec::<Option<Vec<Option<i64>>>>::new());
    let cases: Vec<(&str, Vec<TArg>)> = vec![
        ("substring", vec![empty_str(), n(1), n(2)]),
        ("extract", vec![s("(a)"), n(1), empty_str()]),
        ("extract_all", vec![s("(a)"), empty_str()]),
        ("trim", vec![s("-"), empty_str()]),
        ("indexof", vec![empty_str(), s("a"), n(0), n(-1), n(1)]),
        ("split", vec![empty_str(), s(","), n(0)]),
        ("dynamic_get", vec![empty_dyn(), s("a"), n(0)]),
        ("array_index_of", vec![empty_dyn(), s("a"), n(0)]),
        ("bag_pack", vec![s("k"), empty_str()]),
        ("tostring", vec![empty_dyn()]),
        ("toint", vec![empty_str()]),
        (
            "datetime_add",
            vec![
                s("day"),
                n(1),
                TArg::Col(
                    T::DateTime,
                    Arc::new(
                        arrow::array::TimestampNanosecondArray::from(Vec::<i64>::new())
                            .with_timezone("UTC"),
                    ),
                ),
            ],
        ),
        (
            "bin",
            vec![
                TArg::Col(T::Long, Arc::new(Int64Array::from(Vec::<i64>::new()))),
                n(5),
            ],
        ),
        (
            "__list_to_dynamic",
            vec![
                TArg::Col(T::Dynamic, Arc::new(empty_list)),
                TArg::Lit(T::Bool, ScalarValue::Boolean(Some(false))),
                n(3),
            ],
        ),
    ];
    for (name, args) in cases {
        let (_, out) = call(name, args).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(out.len(), 0, "{name}");
    }
    let e = string_predicate(StringOp::Has, false, col("c0"), lit("x"));
    let out = eval(&e, &[Arc::new(StringArray::from(Vec::<&str>::new()))], 0).unwrap();
    assert_eq!(out.len(), 0);
}
