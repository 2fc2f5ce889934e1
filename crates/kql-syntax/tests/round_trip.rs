//! Parser and printer against the KQL specification: trees for precedence and literal forms
//! (expected values from the Kusto reference), canonical texts for a few queries, and a
//! round trip (parse → print → parse gives the same tree, and printing is stable) for a query
//! per operator and literal form.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kql_syntax::{
    BinaryOp, ClearSpans, DynamicValue, Expr, ExprKind, LetValue, LiteralKind, OperatorKind,
    ParamType, ParseKind, ParsePart, ScalarType, Statement, UnaryOp, parse_expression, parse_query,
};

/// Ticks (100 ns) per second.
const SEC: i64 = 10_000_000;

fn parse(src: &str) -> kql_syntax::Query {
    parse_query(src).unwrap_or_else(|d| panic!("{src}\n{d:#?}"))
}

fn expr(src: &str) -> Expr {
    parse_expression(src).unwrap_or_else(|d| panic!("{src}\n{d:#?}"))
}

/// Parses, prints, re-parses: same tree, and printing the re-parsed tree gives the same text.
fn round_trip(src: &str) -> String {
    let q = parse(src);
    let printed = q.to_string();
    let again = parse_query(&printed)
        .unwrap_or_else(|d| panic!("printed text does not parse:\n{printed}\n{d:#?}"));
    assert_eq!(
        again.without_spans(),
        q.without_spans(),
        "tree changed through printing:\n{src}\n---\n{printed}"
    );
    assert_eq!(again.to_string(), printed, "printing is not stable");
    printed
}

fn canonical(src: &str, expected: &str) {
    assert_eq!(round_trip(src), expected, "canonical form of {src}");
}

/// A compact S-expression of an expression's shape, for precedence assertions.
fn sexp(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.name.clone(),
        ExprKind::Literal(l) => match &l.kind {
            LiteralKind::Long(v) => v.to_string(),
            LiteralKind::String { value, .. } => format!("{value:?}"),
            LiteralKind::Bool(b) => b.to_string(),
            other => format!("{other:?}"),
        },
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", op.as_str(), sexp(left), sexp(right))
        }
        ExprKind::Unary { op, operand } => {
            let s = if *op == UnaryOp::Neg { "neg" } else { "pos" };
            format!("({s} {})", sexp(operand))
        }
        ExprKind::InList { op, expr, list } => {
            let items: Vec<String> = list.iter().map(sexp).collect();
            format!("({} {} [{}])", op.as_str(), sexp(expr), items.join(" "))
        }
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => format!(
            "({} {} {} {})",
            if *negated { "!between" } else { "between" },
            sexp(expr),
            sexp(low),
            sexp(high)
        ),
        ExprKind::Paren(inner) => format!("[{}]", sexp(inner)),
        ExprKind::Member { target, name } => format!("{}.{}", sexp(target), name.name),
        ExprKind::Index { target, index } => format!("{}[{}]", sexp(target), sexp(index)),
        ExprKind::Call(c) => {
            let args: Vec<String> = c.args.iter().map(|a| sexp(&a.value)).collect();
            format!("{}({})", c.name.name, args.join(" "))
        }
        ExprKind::JoinSide { side, column } => format!("${side:?}.{}", column.name),
        ExprKind::Star => "*".into(),
        other => format!("{other:?}"),
    }
}

fn shape(src: &str) -> String {
    sexp(&expr(src))
}

fn literal(src: &str) -> LiteralKind {
    match expr(src).kind {
        ExprKind::Literal(l) => l.kind,
        other => panic!("{src} is not a literal: {other:?}"),
    }
}

// ---- precedence (QueryParser.cs levels: or < and < equality < relational < additive <
// multiplicative < string operators < unary) ----

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(shape("a or b and c"), "(or a (and b c))");
    assert_eq!(shape("a and b or c"), "(or (and a b) c)");
}

#[test]
fn arithmetic_precedence_and_left_associativity() {
    assert_eq!(shape("a + b * c"), "(+ a (* b c))");
    assert_eq!(shape("a - b - c"), "(- (- a b) c)");
    assert_eq!(shape("a / b % c"), "(% (/ a b) c)");
}

#[test]
fn comparison_levels() {
    assert_eq!(shape("a == b < c"), "(== a (< b c))");
    assert_eq!(shape("a < b == c"), "(== (< a b) c)");
    assert_eq!(shape("a + 1 > b * 2"), "(> (+ a 1) (* b 2))");
    assert_eq!(shape("a <> b"), "(!= a b)");
}

#[test]
fn string_operators_bind_tighter_than_arithmetic() {
    // Kusto parses string operators below `*`: `x * 2 has "a"` is `x * (2 has "a")`.
    assert_eq!(shape("x * 2 has \"a\""), "(* x (has 2 \"a\"))");
    assert_eq!(
        shape("a has \"x\" and b !contains_cs \"y\""),
        "(and (has a \"x\") (!contains_cs b \"y\"))"
    );
    assert_eq!(
        shape("a =~ \"x\" or a !~ \"y\""),
        "(or (=~ a \"x\") (!~ a \"y\"))"
    );
}

#[test]
fn list_and_range_operators() {
    assert_eq!(shape("x in (1, 2) and y"), "(and (in x [1 2]) y)");
    assert_eq!(shape("x !in~ (\"a\")"), "(!in~ x [\"a\"])");
    assert_eq!(
        shape("x has_any (L) or x has_all (\"a\", \"b\")"),
        "(or (has_any x [L]) (has_all x [\"a\" \"b\"]))"
    );
    assert_eq!(shape("t between (1 .. 10)"), "(between t 1 10)");
    assert_eq!(shape("t !between (a .. b + 1)"), "(!between t a (+ b 1))");
    assert_eq!(shape("x matches regex \"^a\""), "(matches regex x \"^a\")");
}

#[test]
fn every_string_operator_spelling() {
    let cases = [
        ("has", BinaryOp::Has),
        ("!has", BinaryOp::NotHas),
        ("has_cs", BinaryOp::HasCs),
        ("!has_cs", BinaryOp::NotHasCs),
        ("hasprefix", BinaryOp::HasPrefix),
        ("!hasprefix", BinaryOp::NotHasPrefix),
        ("hasprefix_cs", BinaryOp::HasPrefixCs),
        ("!hasprefix_cs", BinaryOp::NotHasPrefixCs),
        ("hassuffix", BinaryOp::HasSuffix),
        ("!hassuffix", BinaryOp::NotHasSuffix),
        ("hassuffix_cs", BinaryOp::HasSuffixCs),
        ("!hassuffix_cs", BinaryOp::NotHasSuffixCs),
        ("contains", BinaryOp::Contains),
        ("!contains", BinaryOp::NotContains),
        ("contains_cs", BinaryOp::ContainsCs),
        ("!contains_cs", BinaryOp::NotContainsCs),
        ("startswith", BinaryOp::StartsWith),
        ("!startswith", BinaryOp::NotStartsWith),
        ("startswith_cs", BinaryOp::StartsWithCs),
        ("!startswith_cs", BinaryOp::NotStartsWithCs),
        ("endswith", BinaryOp::EndsWith),
        ("!endswith", BinaryOp::NotEndsWith),
        ("endswith_cs", BinaryOp::EndsWithCs),
        ("!endswith_cs", BinaryOp::NotEndsWithCs),
        ("like", BinaryOp::Like),
        ("notlike", BinaryOp::NotLike),
        ("likecs", BinaryOp::LikeCs),
        ("notlikecs", BinaryOp::NotLikeCs),
        ("=~", BinaryOp::EqTilde),
        ("!~", BinaryOp::NotEqTilde),
        ("matches regex", BinaryOp::MatchesRegex),
    ];
    for (text, op) in cases {
        let e = expr(&format!("Col {text} \"v\""));
        match e.kind {
            ExprKind::Binary { op: got, .. } => assert_eq!(got, op, "{text}"),
            other => panic!("{text}: {other:?}"),
        }
        round_trip(&format!("T | where Col {text} \"v\""));
    }
}

#[test]
fn unary_and_postfix() {
    assert_eq!(shape("-x.y"), "(neg x.y)");
    assert_eq!(shape("a[-1]"), "a[(neg 1)]");
    assert_eq!(shape("a['b'].c[0]"), "a[\"b\"].c[0]");
    assert_eq!(shape("a.['b c']"), "a.b c");
    assert_eq!(
        shape("TargetResources.[0].displayName"),
        "TargetResources[0].displayName"
    );
    assert_eq!(shape("- -1"), "(neg (neg 1))");
    assert_eq!(
        shape("$left.Account == $right.User"),
        "(== $Left.Account $Right.User)"
    );
}

#[test]
fn calls_with_named_and_tabular_arguments() {
    assert_eq!(
        shape("bag_unpack(d, columnsConflict='keep_source')"),
        "bag_unpack(d \"keep_source\")"
    );
    let e = expr("bin(5Minutebin=Timestamp, 5m)");
    let ExprKind::Call(c) = e.kind else { panic!() };
    assert_eq!(
        c.args[0].name.as_ref().map(|n| n.name.as_str()),
        Some("5Minutebin")
    );
    let e = expr("toscalar(T | summarize max(x))");
    let ExprKind::Call(c) = e.kind else { panic!() };
    assert!(matches!(c.args[0].value.kind, ExprKind::Pipe { .. }));
}

// ---- literals ----

#[test]
fn timespan_literals_in_ticks() {
    assert_eq!(literal("1d"), LiteralKind::Timespan(86_400 * SEC));
    assert_eq!(literal("5h"), LiteralKind::Timespan(5 * 3_600 * SEC));
    assert_eq!(literal("10m"), LiteralKind::Timespan(600 * SEC));
    assert_eq!(literal("10min"), LiteralKind::Timespan(600 * SEC));
    assert_eq!(literal("30s"), LiteralKind::Timespan(30 * SEC));
    assert_eq!(literal("1.5sec"), LiteralKind::Timespan(15 * SEC / 10));
    assert_eq!(literal("100ms"), LiteralKind::Timespan(SEC / 10));
    assert_eq!(literal("10microsecond"), LiteralKind::Timespan(100));
    assert_eq!(literal("1tick"), LiteralKind::Timespan(1));
    assert_eq!(literal("2ticks"), LiteralKind::Timespan(2));
    assert_eq!(literal("2days"), LiteralKind::Timespan(2 * 86_400 * SEC));
    // 1 day + 2 h + 3 min + 4.5 s.
    assert_eq!(
        literal("time(1.02:03:04.5)"),
        LiteralKind::Timespan(93_784 * SEC + SEC / 2)
    );
    assert_eq!(literal("timespan(2h)"), LiteralKind::Timespan(7_200 * SEC));
    assert_eq!(
        literal("timespan(15 seconds)"),
        LiteralKind::Timespan(15 * SEC)
    );
    assert_eq!(literal("time(00:01:00)"), LiteralKind::Timespan(60 * SEC));
    assert_eq!(
        literal("timespan(null)"),
        LiteralKind::Null(ScalarType::Timespan)
    );
}

#[test]
fn string_literal_forms() {
    let s = |src: &str| match literal(src) {
        LiteralKind::String { value, obfuscated } => (value, obfuscated),
        other => panic!("{other:?}"),
    };
    assert_eq!(s(r#""a\"b\\c""#), ("a\"b\\c".into(), false));
    assert_eq!(s(r"'it\'s'"), ("it's".into(), false));
    assert_eq!(s(r#"@"C:\Temp""#), ("C:\\Temp".into(), false));
    assert_eq!(s(r"@'a''b'"), ("a'b".into(), false));
    assert_eq!(s(r#"h"secret""#), ("secret".into(), true));
    assert_eq!(s(r"H'x'"), ("x".into(), true));
    assert_eq!(s("```line1\nline2```"), ("line1\nline2".into(), false));
    assert_eq!(s(r#""a" 'b' @"\c""#), ("ab\\c".into(), false));
    assert_eq!(s(r#""\u00e9\t""#), ("é\t".into(), false));
}

#[test]
fn number_and_typed_literals() {
    assert_eq!(literal("42"), LiteralKind::Long(42));
    assert_eq!(literal("0x1F"), LiteralKind::Long(31));
    assert_eq!(literal("long(-5)"), LiteralKind::Long(-5));
    assert_eq!(literal("int(5)"), LiteralKind::Int(5));
    assert_eq!(literal("1.5"), LiteralKind::Real(kql_syntax::Real(1.5)));
    assert_eq!(literal("1e3"), LiteralKind::Real(kql_syntax::Real(1000.0)));
    assert_eq!(
        literal("double(2)"),
        LiteralKind::Real(kql_syntax::Real(2.0))
    );
    assert_eq!(
        literal("real(+inf)"),
        LiteralKind::Real(kql_syntax::Real(f64::INFINITY))
    );
    assert_eq!(
        literal("real(-inf)"),
        LiteralKind::Real(kql_syntax::Real(f64::NEG_INFINITY))
    );
    assert!(matches!(literal("real(nan)"), LiteralKind::Real(r) if r.0.is_nan()));
    assert_eq!(
        literal("decimal(1.25)"),
        LiteralKind::Decimal("1.25".into())
    );
    assert_eq!(literal("bool(true)"), LiteralKind::Bool(true));
    assert_eq!(literal("false"), LiteralKind::Bool(false));
    assert_eq!(literal("int(null)"), LiteralKind::Null(ScalarType::Int));
    assert_eq!(
        literal("string(null)"),
        LiteralKind::Null(ScalarType::String)
    );
    assert_eq!(
        literal("datetime(2024-01-01 10:00:00.123Z)"),
        LiteralKind::DateTime("2024-01-01 10:00:00.123Z".into())
    );
    assert_eq!(
        literal("datetime(\"2024-01-01\")"),
        LiteralKind::DateTime("2024-01-01".into())
    );
    assert_eq!(
        literal("datetime(null)"),
        LiteralKind::Null(ScalarType::DateTime)
    );
    assert_eq!(
        literal("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"),
        LiteralKind::Guid("74be27de-1e4e-49d9-b579-fe0b331d3642".into())
    );
    assert!(matches!(
        expr("typeof(string)").kind,
        ExprKind::TypeOf(ScalarType::String)
    ));
}

#[test]
fn dynamic_literals() {
    assert_eq!(
        literal("dynamic(null)"),
        LiteralKind::Null(ScalarType::Dynamic)
    );
    assert_eq!(
        literal("dynamic([])"),
        LiteralKind::Dynamic(DynamicValue::Array(vec![]))
    );
    let v = literal(r#"dynamic([1, -2, 'a', {"k": [true, null]}, datetime(2020-01-01), 1d])"#);
    let expected = DynamicValue::Array(vec![
        DynamicValue::Long(1),
        DynamicValue::Long(-2),
        DynamicValue::String("a".into()),
        DynamicValue::Object(vec![(
            "k".into(),
            DynamicValue::Array(vec![DynamicValue::Bool(true), DynamicValue::Null]),
        )]),
        DynamicValue::Typed(Box::new(LiteralKind::DateTime("2020-01-01".into()))),
        DynamicValue::Typed(Box::new(LiteralKind::Timespan(86_400 * SEC))),
    ]);
    assert_eq!(v, LiteralKind::Dynamic(expected));
}

// ---- statements and names ----

#[test]
fn let_forms() {
    let q = parse(
        "let n = 5; let T2 = materialize(T | take 1); \
         let f = (x:string, n:long = 5, T:(*), U:(a:long, b:string)) { let y = 1; T | where n > y }; \
         f('a')",
    );
    assert_eq!(q.statements.len(), 4);
    let Statement::Let(f) = &q.statements[2] else {
        panic!()
    };
    let LetValue::Function(def) = &f.value else {
        panic!()
    };
    assert_eq!(def.params.len(), 4);
    assert_eq!(def.params[1].ty, ParamType::Scalar(ScalarType::Long));
    assert!(def.params[1].default.is_some());
    assert_eq!(def.params[2].ty, ParamType::Tabular(None));
    assert!(matches!(&def.params[3].ty, ParamType::Tabular(Some(c)) if c.len() == 2));
    assert_eq!(def.body.len(), 1);
    let Statement::Let(m) = &q.statements[1] else {
        panic!()
    };
    assert!(
        matches!(&m.value, LetValue::Expr(Expr { kind: ExprKind::Call(c), .. }) if c.name.name == "materialize")
    );
}

#[test]
fn keywords_as_column_names() {
    let q =
        parse("T | where Type == 'x' and kind == 1 | project count, title, project, kind, by = 1");
    let printed = q.to_string();
    assert_eq!(
        printed,
        "T\n| where Type == \"x\" and kind == 1\n| project count, title, project, kind, by = 1"
    );
    round_trip("T | extend ['union'] = 1, ['my col'] = 2, ['a.b'] = 3 | project ['union']");
}

#[test]
fn parse_operator_options_and_pattern() {
    let q = parse(r#"T | parse kind=regex flags=Ui Msg with "user=" User:string @"\s+" Rest"#);
    let Statement::Expr(e) = &q.statements[0] else {
        panic!()
    };
    let ExprKind::Pipe { op, .. } = &e.kind else {
        panic!()
    };
    let OperatorKind::Parse(p) = &op.kind else {
        panic!()
    };
    assert_eq!(p.kind, ParseKind::Regex);
    assert_eq!(p.flags.as_deref(), Some("Ui"));
    assert_eq!(p.pattern.len(), 4);
    assert!(matches!(
        &p.pattern[1],
        ParsePart::Column {
            ty: Some(ScalarType::String),
            ..
        }
    ));
}

#[test]
fn parse_expression_takes_one_predicate_only() {
    assert_eq!(
        shape("AccountName =~ 'svc' and DeviceName startswith 'build-'"),
        "(and (=~ AccountName \"svc\") (startswith DeviceName \"build-\"))"
    );
    assert!(parse_expression("T | where x").is_err());
    assert!(parse_expression("x == 1 y").is_err());
}

// ---- canonical texts ----

#[test]
fn canonical_forms() {
    canonical(
        "T | where x has 'a' | take 10",
        "T\n| where x has \"a\"\n| take 10",
    );
    canonical("let x = 5;T|where a>x;", "let x = 5;\nT\n| where a > x");
    canonical(
        "T|order by a asc nulls last, b",
        "T\n| sort by a asc nulls last, b",
    );
    canonical(
        "T | limit 5 | filter x==1 | mvexpand y",
        "T\n| take 5\n| where x == 1\n| mv-expand y",
    );
    canonical("T | where a <> b // note\n", "T\n| where a != b");
    canonical("print 'a' \"b\", h'c'", "print \"ab\", h\"c\"");
    canonical(
        "print x=datetime(\"2024-01-01\"), t=time(1.02:03:04.5)",
        "print x = datetime(2024-01-01), t = 93784500ms",
    );
    canonical(
        "print dynamic({'k': [1, -2, 1.5]})",
        "print dynamic({\"k\": [1, -2, 1.5]})",
    );
    canonical(
        "T | join kind=leftouter (U | where y) on $left.a == $right.b",
        "T\n| join kind=leftouter (U | where y) on $left.a == $right.b",
    );
    canonical(
        "let f = (x:string, n:long=5, T:(*)) { let y = 1; T | where n > y }; f('a')",
        "let f = (x:string, n:long = 5, T:(*)) {\n    let y = 1;\n    T\n    | where n > y\n};\nf(\"a\")",
    );
    canonical(
        "print a = -1, b = real(-1.5), c = timespan(-2h)",
        "print a = -1, b = real(-1.5), c = timespan(-2h)",
    );
}

// ---- a round trip per operator and form ----

#[test]
fn every_operator_round_trips() {
    let queries = [
        "T | where A > 1 and B has 'x' or not(C)",
        "T | extend A = 1, (B, C) = f(x), D",
        "T | project A, B = A * 2, ['C D']",
        "T | project-away A, Initiating*, *Id, ['x y'] | project-keep A*, B",
        "T | project-rename New = Old, ['n 2'] = ['o 2']",
        "T | project-reorder A asc, B* desc, C granny-asc, D granny-desc, E",
        "T | summarize hint.strategy=shuffle count(), dcount(U), Set = make_set(x, 100) by bin(TimeGenerated, 1h), Host = tolower(H)",
        "T | summarize by A, B",
        "T | sort by A desc nulls first, B asc | order hint.x=y by C",
        "T | top 10 by Count desc nulls last",
        "T | top-nested 3 of State by sum(Damage) desc, top-nested of Type with others = 'Other' by Agg = count() asc",
        "T | take 10 | limit 5 | distinct A, B | distinct *",
        "T | count | getschema",
        "T | join (U) on Key | join kind=inner hint.strategy=broadcast U on $left.A == $right.B and $left.C == $right.D",
        "T | join kind=leftanti (U) on A, B | join kind=rightsemi U on A | join kind=fullouter U on A | join kind=innerunique U on A",
        "T | lookup kind=leftouter (U | where x) on Key",
        "T | union U, (V | where x), table('W'), Device* | union kind=outer withsource=Src isfuzzy=true X",
        "union isfuzzy=true (A | where x), B, Device*Events | where y",
        "union *",
        "T | mv-expand kind=array bagexpansion=array with_itemindex=Idx X = parse_json(Y) to typeof(string), Z limit 100",
        "T | mv-apply Element = Arr to typeof(long) limit 5 on (where Element > 1 | top 1 by Element | project M = Element)",
        "T | parse Msg with * 'user=' User ' ' Rest:long *",
        "T | parse kind=relaxed Msg with A:int '-' B | parse-where kind=regex flags=Ui Msg with 'a' X",
        "T | parse-kv Msg as (Key1:string, Key2:long) with (pair_delimiter=',', kv_delimiter='=', quote='\"', greedy=true)",
        "T | make-series kind=nonempty Avg = avg(V) default = 0, count() on Timestamp in range(ago(7d), now(), 1h) by Host",
        "T | make-series sum(V) on Timestamp from datetime(2024-01-01) to datetime(2024-02-01) step 1d",
        "T | make-series sum(V) on Timestamp step 1d",
        "T | evaluate hint.distribution=per_node bag_unpack(Props, OutputColumnPrefix='p_') | evaluate pivot(K, any(V), A)",
        "T | as hint.materialized=true Saved | serialize | serialize Rn = row_number()",
        "T | invoke MyFunc(1, 'a') | render timechart with (title='Events', xtitle=\"t\", ysplit=panels)",
        "T | render piechart",
        "T | search 'error' | search kind=case_sensitive Msg has 'E' | search * has 'x'",
        "T | sample 10 | sample-distinct 5 of Host",
        "T | reduce by Msg with threshold=0.1, characters='-_'",
        "T | fork (where A > 1 | count) B = (summarize max(x)) (take 1)",
        "T | facet by A, B with (top 1 by C)",
        "T | partition hint.strategy=native by Host (top 1 by Time) | partition by H { U | take 1 }",
        "T | consume | consume decodeblocks=true",
        "T | scan with_match_id=m declare (cumulative:long = 0, s:string) with (step s1 output=last: A > 1 => cumulative = A + s1.cumulative; step s2: true;)",
        "range x from 1 to 10 step 2 | extend y = x * 2",
        "print x = 1, 'unnamed', y = now() | project x",
        "datatable(a:long, b:string, c:dynamic, d:datetime) [1, 'x', dynamic([1]), datetime(2024-01-01), -2, \"y\", dynamic(null), datetime(null),]",
        "externaldata(a:string, b:long) [h@'https://x/y.csv', 'https://z'] with (format='csv', ignoreFirstRecord=true)",
        "search in (T, U*) 'x' | take 1",
        "search kind=case_insensitive 'y'",
        "find in (T, U) where x has 'y' project a, b | take 1",
        "find withsource=Src 'x' project-smart",
        "T1 | union T2",
        "let m = materialize(T | take 1); let s = toscalar(m | count); m | where x > s",
        "set query_now = datetime(2024-01-01); set truncationmaxrecords; T",
        "declare query_parameters(a:string = 'x', b:long); T | where c == a",
        "let v = view () { T | take 1 }; v",
        "// leading comment\nT // trailing\n| where x // after\n; // end",
        "T | where x in (U | project y) and z !in ('a', 'b') and w in~ (dynamic(['a']))",
        "T | extend a = iff(x, 1, 2), b = case(x, 1, y, 2, 3), c = x.y.z, d = x['y'][0], e = -x, f = +x",
        "T | where TimeGenerated between (ago(1d) .. now()) and t !between (1 .. 2)",
        "T | extend d = dynamic({\"a\": {\"b\": [1.5, 2e10, \"s\", null, false, 1d, guid(74be27de-1e4e-49d9-b579-fe0b331d3642)]}})",
        "T | extend t = typeof(long), s = string(null), g = guid(null), dt = datetime(2024-01-01 10:00:00.123Z)",
        "T | extend l = 9223372036854775807, h = 0xFF, r = 1.5e-7, big = 1e300, dec = decimal(1.25), i = int(-3)",
        "T | extend s1 = @'C:\\dir\\', s2 = 'quote\\'s', s3 = \"tab\\t\", s4 = ```multi\nline```, s5 = h'hidden'",
        "T | extend x = a.['b c'], y = a.[0], z = ['col name'].x",
        "T | where Col matches regex @'^\\d+$' and Col like '%a%' and Col notlike 'b'",
    ];
    for q in queries {
        round_trip(q);
    }
}

#[test]
fn every_join_kind_is_an_option_value() {
    for kind in [
        "inner",
        "innerunique",
        "leftouter",
        "rightouter",
        "fullouter",
        "leftanti",
        "anti",
        "leftantisemi",
        "rightanti",
        "rightantisemi",
        "leftsemi",
        "rightsemi",
    ] {
        let q = parse(&format!("T | join kind={kind} (U) on K"));
        let Statement::Expr(e) = &q.statements[0] else {
            panic!()
        };
        let ExprKind::Pipe { op, .. } = &e.kind else {
            panic!()
        };
        let OperatorKind::Join(j) = &op.kind else {
            panic!()
        };
        assert_eq!(j.params[0].name.name, "kind");
        match &j.params[0].value {
            kql_syntax::ParamValue::Name(n) => assert_eq!(n.name, kind),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn printed_names_are_quoted_only_when_needed() {
    canonical(
        "T | project ['Name'], ['my col'], ['union'], ['5Minutebin'], [\"it's\"]",
        "T\n| project Name, ['my col'], ['union'], ['5Minutebin'], ['it\\'s']",
    );
}

#[test]
fn regressions_found_by_random_token_soups() {
    // A number followed by a member access: `1.[` is not the real `1.`.
    round_trip("print a = 0x1F1.5let, b = x.[0], c = 2.[1]");
    // Legacy render properties print as `with (...)`, dotted names included.
    round_trip("T | render timechart hint.strategy=shuffle kind=stacked");
    // A column named like an option, right after an operator's options.
    let printed = round_trip(
        "T | mv-expand ['kind'] = x, ['with_itemindex'] = y | make-series ['kind'] = count() on t step 1d",
    );
    assert!(
        printed.contains("mv-expand ['kind'] = x, ['with_itemindex'] = y"),
        "{printed}"
    );
    // `range(...)` the function prints bare, `range` the source too.
    canonical("print r = range(1, 5, 2)", "print r = range(1, 5, 2)");
    canonical("range(1, 3, 1) | take 1", "range(1, 3, 1)\n| take 1");
    // The right side of `join` is a table expression, not any expression.
    assert!(parse_query("T | join -1").is_err());
    assert!(parse_query("T | join x has y on k").is_err());
}
