//! Kusto's rules for naming unnamed columns.
//!
//! When a query does not name a computed column, Kusto infers a name from the expression:
//! a column reference keeps its name; a member path `a.b` or element `a[0]` on a dynamic
//! value becomes `a_b` / `a_0`; a function call is named by its function's "result name
//! kind" — e.g. conversions and `bin` take their first argument's name (`by tostring(tld)`
//! yields `tld`), aggregates prefix it (`max(x)` → `max_x`, `make_set(x)` → `set_x`,
//! `count()` → `count_`), most other functions give no name (then `Column1`, `print_0`...).
//! The per-function kinds below are transcribed from Kusto's published function catalogue
//! (microsoft/Kusto-Query-Language, `Functions.cs` and `Aggregates.cs`); functions not
//! listed give no name.

use kql_syntax::{Call, Expr, ExprKind, LiteralKind};

/// How a function's call is named.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// The first argument's name.
    FirstArgument,
    /// The first argument's name, only when it is the only argument.
    OnlyArgument,
    /// `prefix_<first argument's name>` (`prefix_` without arguments).
    PrefixAndFirstArgument,
    /// `name_<first argument's name>`.
    NameAndFirstArgument,
    /// The value of the first (string) argument, if such a column exists.
    FirstArgumentValueIfColumn,
    /// The prefix alone.
    PrefixOnly,
    /// `prefix_<first>_<second>`: the covariance aggregates, as the documentation's examples
    /// print them (covariancep-aggregation-function.md: `covariancep_x_y`), where the
    /// catalogue lists only the first argument.
    PrefixAndTwoArguments,
}

use Kind::*;

/// (function, kind, prefix)
static TABLE: &[(&str, Kind, Option<&str>)] = &[
    ("__hll_normalize", FirstArgument, None),
    ("abs", FirstArgument, None),
    ("acos", FirstArgument, None),
    ("any", PrefixAndFirstArgument, Some("any")),
    ("anyif", PrefixAndFirstArgument, Some("anyif")),
    ("asin", FirstArgument, None),
    ("atan", FirstArgument, None),
    ("atan2", FirstArgument, None),
    ("avg", PrefixAndFirstArgument, Some("avg")),
    ("avgif", PrefixAndFirstArgument, Some("avgif")),
    ("bin", FirstArgument, None),
    ("bin_at", FirstArgument, None),
    ("bin_auto", FirstArgument, None),
    ("binary_all_and", FirstArgument, None),
    ("binary_all_or", FirstArgument, None),
    ("binary_all_xor", FirstArgument, None),
    ("binary_and", FirstArgument, None),
    ("binary_not", FirstArgument, None),
    ("binary_or", FirstArgument, None),
    ("binary_shift_left", FirstArgument, None),
    ("binary_shift_right", FirstArgument, None),
    ("binary_xor", FirstArgument, None),
    ("bitset_count_ones", FirstArgument, None),
    ("buildschema", PrefixAndFirstArgument, Some("schema")),
    ("ceiling", FirstArgument, None),
    ("cnt", PrefixAndFirstArgument, Some("cnt")),
    ("column_ifexists", FirstArgumentValueIfColumn, None),
    ("columnifexists", FirstArgumentValueIfColumn, None),
    ("cos", FirstArgument, None),
    ("count", PrefixAndFirstArgument, Some("count")),
    (
        "count_distinct",
        PrefixAndFirstArgument,
        Some("count_distinct"),
    ),
    (
        "count_distinctif",
        PrefixAndFirstArgument,
        Some("count_distinctif"),
    ),
    ("countif", PrefixAndFirstArgument, Some("countif")),
    ("covariance", PrefixAndTwoArguments, Some("covariance")),
    ("covarianceif", PrefixAndTwoArguments, Some("covarianceif")),
    ("covariancep", PrefixAndTwoArguments, Some("covariancep")),
    (
        "covariancepif",
        PrefixAndTwoArguments,
        Some("covariancepif"),
    ),
    ("dcount", PrefixAndFirstArgument, Some("dcount")),
    ("dcount_hll", NameAndFirstArgument, None),
    ("dcountif", PrefixAndFirstArgument, Some("dcountif")),
    ("erf", FirstArgument, None),
    ("erfc", FirstArgument, None),
    ("exp", FirstArgument, None),
    ("exp10", FirstArgument, None),
    ("exp2", FirstArgument, None),
    ("floor", FirstArgument, None),
    ("format_bytes", FirstArgument, None),
    ("format_datetime", FirstArgument, None),
    ("format_timespan", FirstArgument, None),
    ("gamma", FirstArgument, None),
    ("gettype", PrefixAndFirstArgument, Some("type")),
    ("hll", PrefixAndFirstArgument, Some("hll")),
    ("hll_if", PrefixAndFirstArgument, Some("hll_if")),
    ("hll_merge", PrefixAndFirstArgument, Some("hll_merge")),
    ("ingestion_time", PrefixOnly, Some("$IngestionTime")),
    ("log", FirstArgument, None),
    ("log10", FirstArgument, None),
    ("log2", FirstArgument, None),
    ("loggamma", FirstArgument, None),
    ("make_bag", PrefixAndFirstArgument, Some("bag")),
    ("make_bag_if", PrefixAndFirstArgument, Some("bag")),
    ("make_datetime", OnlyArgument, None),
    (
        "make_dictionary",
        PrefixAndFirstArgument,
        Some("dictionary"),
    ),
    ("make_list", PrefixAndFirstArgument, Some("list")),
    ("make_list_if", PrefixAndFirstArgument, Some("list")),
    ("make_list_with_nulls", PrefixAndFirstArgument, Some("list")),
    ("make_set", PrefixAndFirstArgument, Some("set")),
    ("make_set_if", PrefixAndFirstArgument, Some("set")),
    ("make_timespan", OnlyArgument, None),
    ("makelist", PrefixAndFirstArgument, Some("list")),
    ("makeset", PrefixAndFirstArgument, Some("set")),
    ("max", PrefixAndFirstArgument, Some("max")),
    ("maxif", PrefixAndFirstArgument, Some("maxif")),
    (
        "merge_tdigest",
        PrefixAndFirstArgument,
        Some("merge_tdigests"),
    ),
    ("min", PrefixAndFirstArgument, Some("min")),
    ("minif", PrefixAndFirstArgument, Some("minif")),
    ("parse_csv", FirstArgument, None),
    ("parse_json", FirstArgument, None),
    ("parse_xml", FirstArgument, None),
    ("parsejson", FirstArgument, None),
    ("passthrough", FirstArgument, None),
    ("percentile_tdigest", NameAndFirstArgument, None),
    (
        "percentiles_array_tdigest",
        PrefixAndFirstArgument,
        Some("percentile_tdigest"),
    ),
    ("pow", FirstArgument, None),
    ("rand", FirstArgument, None),
    ("repeat", PrefixAndFirstArgument, Some("repeat")),
    ("round", FirstArgument, None),
    ("series_fill_backward", FirstArgument, None),
    ("series_fill_const", FirstArgument, None),
    ("series_fill_forward", FirstArgument, None),
    ("series_fill_linear", FirstArgument, None),
    ("series_fir", FirstArgument, None),
    ("series_iir", FirstArgument, None),
    ("series_outliers", FirstArgument, None),
    ("sin", FirstArgument, None),
    ("split", FirstArgument, None),
    ("sqrt", FirstArgument, None),
    ("startofday", FirstArgument, None),
    ("stdev", PrefixAndFirstArgument, Some("stdev")),
    ("stdevif", PrefixAndFirstArgument, Some("stdevif")),
    ("stdevp", PrefixAndFirstArgument, Some("stdevp")),
    ("string_size", NameAndFirstArgument, None),
    ("strlen", NameAndFirstArgument, None),
    ("sum", PrefixAndFirstArgument, Some("sum")),
    ("sumif", PrefixAndFirstArgument, Some("sumif")),
    ("take_anyif", FirstArgument, None),
    ("tan", FirstArgument, None),
    ("tdigest", PrefixAndFirstArgument, Some("tdigest")),
    (
        "tdigest_merge",
        PrefixAndFirstArgument,
        Some("merge_tdigests"),
    ),
    ("tobool", FirstArgument, None),
    ("toboolean", FirstArgument, None),
    ("todatetime", FirstArgument, None),
    ("todecimal", FirstArgument, None),
    ("todouble", FirstArgument, None),
    ("todynamic", FirstArgument, None),
    ("toguid", FirstArgument, None),
    ("tohex", FirstArgument, None),
    ("toint", FirstArgument, None),
    ("tolong", FirstArgument, None),
    ("toobject", FirstArgument, None),
    ("toreal", FirstArgument, None),
    ("tostring", FirstArgument, None),
    ("totime", FirstArgument, None),
    ("totimespan", FirstArgument, None),
    ("treepath", PrefixAndFirstArgument, Some("tree")),
    ("variance", PrefixAndFirstArgument, Some("variance")),
    ("varianceif", PrefixAndFirstArgument, Some("varianceif")),
    ("variancep", PrefixAndFirstArgument, Some("variancep")),
    ("variancepif", PrefixAndFirstArgument, Some("variancepif")),
];

/// The name Kusto infers for `e`, if any.
pub(crate) fn result_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Paren(inner) => result_name(inner),
        ExprKind::Name(id) => Some(id.name.clone()),
        ExprKind::Member { target, name } => Some(match result_name(target) {
            Some(left) if !left.trim().is_empty() => format!("{left}_{}", name.name),
            _ => name.name.clone(),
        }),
        ExprKind::Index { target, index } => {
            let right = literal_text(index)?;
            Some(match result_name(target) {
                Some(left) if !left.trim().is_empty() => format!("{left}_{right}"),
                _ => right,
            })
        }
        ExprKind::Call(c) => call_name(c),
        _ => None,
    }
}

fn literal_text(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Literal(l) => match &l.kind {
            LiteralKind::String { value, .. } => Some(value.clone()),
            LiteralKind::Long(n) => Some(n.to_string()),
            LiteralKind::Int(n) => Some(n.to_string()),
            _ => None,
        },
        ExprKind::Unary {
            op: kql_syntax::UnaryOp::Neg,
            operand,
        } => literal_text(operand).map(|t| format!("-{t}")),
        ExprKind::Paren(inner) => literal_text(inner),
        _ => None,
    }
}

fn call_name(c: &Call) -> Option<String> {
    let (_, kind, prefix) = TABLE.iter().find(|(n, _, _)| *n == c.name.name)?;
    // A named first argument (`bin(Bucket = Timestamp, 5m)`) names the result itself.
    if let Some(n) = c.args.first().and_then(|a| a.name.as_ref())
        && matches!(kind, FirstArgument | OnlyArgument)
    {
        return Some(n.name.clone());
    }
    let first = c.args.first().map(|a| &a.value);
    match kind {
        FirstArgument => first.and_then(result_name),
        OnlyArgument if c.args.len() == 1 => first.and_then(result_name),
        OnlyArgument => None,
        PrefixAndFirstArgument | NameAndFirstArgument => {
            let prefix = if *kind == NameAndFirstArgument {
                Some(c.name.name.as_str())
            } else {
                *prefix
            };
            let arg = first.and_then(result_name).unwrap_or_default();
            match prefix {
                Some(p) => Some(format!("{p}_{arg}")),
                None if !arg.is_empty() => Some(arg),
                None => None,
            }
        }
        FirstArgumentValueIfColumn => first.and_then(literal_text),
        PrefixOnly => prefix.map(str::to_string),
        PrefixAndTwoArguments => {
            let arg = |i: usize| {
                c.args
                    .get(i)
                    .and_then(|a| result_name(&a.value))
                    .unwrap_or_default()
            };
            prefix.map(|p| format!("{p}_{}_{}", arg(0), arg(1)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::result_name;

    fn name(src: &str) -> Option<String> {
        let q = kql_syntax::parse_expression(src).expect("parses");
        result_name(&q)
    }

    #[test]
    fn names_follow_kusto() {
        assert_eq!(name("x").as_deref(), Some("x"));
        assert_eq!(name("tostring(tld)").as_deref(), Some("tld"));
        assert_eq!(
            name("bin(TimeGenerated, 1h)").as_deref(),
            Some("TimeGenerated")
        );
        assert_eq!(name("max(x)").as_deref(), Some("max_x"));
        assert_eq!(name("make_set(y)").as_deref(), Some("set_y"));
        assert_eq!(name("count()").as_deref(), Some("count_"));
        assert_eq!(name("countif(x > 1)").as_deref(), Some("countif_"));
        assert_eq!(name("dcount(tostring(a.b))").as_deref(), Some("dcount_a_b"));
        assert_eq!(
            name("TargetResources[0].modifiedProperties").as_deref(),
            Some("TargetResources_0_modifiedProperties")
        );
        assert_eq!(name("strlen(s)").as_deref(), Some("strlen_s"));
        assert_eq!(name("strcat(a, b)"), None);
        assert_eq!(name("a + 1"), None);
    }
}
