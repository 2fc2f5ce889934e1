//! The function registry: name → typing rule and lowering.
//!
//! Each [`Function`] is plain data with two function pointers, so adding a KQL function is
//! one entry in one table and needs no change to the binder:
//! * `check` receives the KQL types of the arguments (and their values when they are
//!   constants) and returns the result type, or an [`ArgError`] that the binder turns into a
//!   diagnostic pointing at the argument in question;
//! * `lower` receives the already-bound DataFusion argument expressions and builds the
//!   call, inserting any casts the typing rule implies.

use datafusion::logical_expr::Expr;
use datafusion::scalar::ScalarValue;
use kql_syntax::ScalarType;
use std::fmt;

/// Scalar function or aggregate (only valid inside `summarize` and friends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunctionKind {
    /// Row-wise function.
    Scalar,
    /// Aggregate function.
    Aggregate,
}

/// What the binder knows about one argument when checking a call.
#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    /// The argument's KQL type.
    pub ty: ScalarType,
    /// Its value, when the argument is a constant (a literal, or a `let` of a literal).
    pub constant: Option<ScalarValue>,
}

impl Arg {
    /// A non-constant argument of type `ty`.
    pub fn of(ty: ScalarType) -> Self {
        Self { ty, constant: None }
    }

    /// The constant string value, if the argument is a string literal.
    pub fn const_str(&self) -> Option<&str> {
        match &self.constant {
            Some(ScalarValue::Utf8(Some(s)))
            | Some(ScalarValue::LargeUtf8(Some(s)))
            | Some(ScalarValue::Utf8View(Some(s))) => Some(s),
            _ => None,
        }
    }

    /// The constant integer value, if the argument is an integer literal.
    pub fn const_i64(&self) -> Option<i64> {
        match &self.constant {
            Some(ScalarValue::Int64(Some(v))) => Some(*v),
            Some(ScalarValue::Int32(Some(v))) => Some(i64::from(*v)),
            _ => None,
        }
    }
}

/// Why a call's arguments are not acceptable.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgError {
    /// Wrong number of arguments; `expected` reads like "1", "1 or 2", "at least 2".
    Count {
        /// Accepted counts, in words.
        expected: &'static str,
        /// Given count.
        found: usize,
    },
    /// An argument of the wrong type.
    Type {
        /// Zero-based argument position.
        index: usize,
        /// Accepted types, in words ("string", "a number", "datetime or timespan").
        expected: &'static str,
        /// Given type.
        found: ScalarType,
    },
    /// An argument that must be a constant (a regex, a format string) is not.
    NotConstant {
        /// Zero-based argument position.
        index: usize,
        /// What the constant is ("regular expression", "format string").
        what: &'static str,
    },
    /// Anything else (an invalid regex, an unknown format specifier, ...).
    Invalid {
        /// The argument concerned, if one is.
        index: Option<usize>,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::Count { expected, found } => {
                write!(f, "expects {expected} argument(s), got {found}")
            }
            ArgError::Type {
                index,
                expected,
                found,
            } => write!(f, "argument {} must be {expected}, not {found}", index + 1),
            ArgError::NotConstant { index, what } => {
                write!(f, "argument {} must be a constant {what}", index + 1)
            }
            ArgError::Invalid { message, .. } => f.write_str(message),
        }
    }
}

/// Result type of a typing rule.
pub type CheckResult = Result<ScalarType, ArgError>;

/// One KQL function.
#[derive(Clone, Copy)]
pub struct Function {
    /// Canonical name (`make_set`).
    pub name: &'static str,
    /// Other accepted spellings, legacy ones included (`makeset`).
    pub aliases: &'static [&'static str],
    /// Scalar or aggregate.
    pub kind: FunctionKind,
    /// Checks the arguments and returns the result type.
    pub check: fn(&[Arg]) -> CheckResult,
    /// Builds the DataFusion expression from bound arguments.
    pub lower: fn(Vec<Expr>, &[Arg]) -> datafusion::error::Result<Expr>,
}

impl fmt::Debug for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Function")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .finish()
    }
}

/// Every registered function: each module contributes its own table.
fn all() -> impl Iterator<Item = &'static Function> {
    [
        crate::convert::FUNCTIONS,
        crate::logic::FUNCTIONS,
        crate::text::FUNCTIONS,
        crate::text::rewrite::FUNCTIONS,
        crate::text::chars::FUNCTIONS,
        crate::text::numbers::FUNCTIONS,
        crate::text::lookup::FUNCTIONS,
        crate::text::punycode::FUNCTIONS,
        crate::math::FUNCTIONS,
        crate::math::ELEMENTARY_FUNCTIONS,
        crate::math::BITWISE_FUNCTIONS,
        crate::math::AROUND_FUNCTIONS,
        crate::math::BETA_FUNCTIONS,
        crate::units::FUNCTIONS,
        crate::datetime::FUNCTIONS,
        crate::dynamic::FUNCTIONS,
        crate::dynamic::COLLECTION_FUNCTIONS,
        crate::network::FUNCTIONS,
        crate::encoding::FUNCTIONS,
        crate::parsing::FUNCTIONS,
        crate::parsing::version::FUNCTIONS,
        crate::series::FUNCTIONS,
        crate::geo::FUNCTIONS,
    ]
    .into_iter()
    .flat_map(|s| s.iter())
}

/// Finds a function by name or alias (KQL function names are case-sensitive).
pub fn lookup(name: &str) -> Option<&'static Function> {
    all().find(|f| f.name == name || f.aliases.contains(&name))
}

/// Names of every function, for "did you mean" suggestions.
pub fn names() -> impl Iterator<Item = &'static str> {
    all().flat_map(|f| std::iter::once(f.name).chain(f.aliases.iter().copied()))
}

// ---------------------------------------------------------------------------------------
// Helpers for typing rules.

/// Fails unless `args.len()` is within `min..=max`.
pub fn expect_count(
    args: &[Arg],
    min: usize,
    max: usize,
    expected: &'static str,
) -> Result<(), ArgError> {
    if args.len() < min || args.len() > max {
        Err(ArgError::Count {
            expected,
            found: args.len(),
        })
    } else {
        Ok(())
    }
}

/// Fails unless argument `index` has one of `types`.
pub fn expect_type(
    args: &[Arg],
    index: usize,
    types: &[ScalarType],
    expected: &'static str,
) -> Result<(), ArgError> {
    match args.get(index) {
        Some(a) if types.contains(&a.ty) => Ok(()),
        Some(a) => Err(ArgError::Type {
            index,
            expected,
            found: a.ty,
        }),
        None => Ok(()),
    }
}

/// True for `int`, `long`, `real` and `decimal`.
pub fn is_numeric(ty: ScalarType) -> bool {
    matches!(
        ty,
        ScalarType::Int | ScalarType::Long | ScalarType::Real | ScalarType::Decimal
    )
}

/// The type two values of types `a` and `b` share, as `iff`, `case` and `coalesce` need:
/// the type itself when they agree, otherwise the wider numeric type (`int` < `long` <
/// `decimal` < `real`, as in KQL arithmetic: int + long → long). `None` if they have none.
pub fn common_type(a: ScalarType, b: ScalarType) -> Option<ScalarType> {
    use ScalarType::*;
    if a == b {
        return Some(a);
    }
    let rank = |t: ScalarType| match t {
        Int => Some(0),
        Long => Some(1),
        Decimal => Some(2),
        Real => Some(3),
        _ => None,
    };
    let (ra, rb) = (rank(a)?, rank(b)?);
    Some(if ra >= rb { a } else { b })
}

/// `expr` (of KQL type `from`) converted to the Arrow type of `to` by a cast; itself when
/// the types agree. Only for conversions a cast performs exactly (numeric widening).
pub fn cast_to(expr: Expr, from: ScalarType, to: ScalarType) -> Expr {
    if from == to || table_schemas::arrow_type(from) == table_schemas::arrow_type(to) {
        expr
    } else {
        datafusion::logical_expr::cast(expr, table_schemas::arrow_type(to))
    }
}

/// The type of argument `index` (`String` when absent: internal calls pass no types).
pub fn arg_type(args: &[Arg], index: usize) -> ScalarType {
    args.get(index).map_or(ScalarType::String, |a| a.ty)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_name_and_alias_is_unique() {
        let mut seen = HashSet::new();
        for name in names() {
            assert!(seen.insert(name), "{name} is registered twice");
        }
    }

    #[test]
    fn the_everyday_functions_and_legacy_spellings_are_registered() {
        let wanted = [
            "iff",
            "iif",
            "case",
            "coalesce",
            "not",
            "isnull",
            "isnotnull",
            "isempty",
            "isnotempty",
            "toint",
            "tolong",
            "toreal",
            "todouble",
            "todecimal",
            "tostring",
            "tobool",
            "toboolean",
            "todatetime",
            "totimespan",
            "toguid",
            "tolower",
            "toupper",
            "strcat",
            "strcat_delim",
            "strlen",
            "substring",
            "bin",
            "floor",
            "bin_at",
            "abs",
            "round",
            "datetime_add",
            "startofday",
            "startofweek",
            "startofmonth",
            "startofyear",
            "endofday",
            "endofweek",
            "endofmonth",
            "endofyear",
            "parse_json",
            "todynamic",
            "parsejson",
            "array_length",
            "arraylength",
            "bag_keys",
            "pack_array",
            "bag_pack",
            "pack",
            "set_has_element",
            "array_concat",
            "array_slice",
            "array_index_of",
            "gettype",
            "extract",
            "extract_all",
            "split",
            "replace_string",
            "replace_regex",
            "replace",
            "trim",
            "trim_start",
            "trim_end",
            "indexof",
            "countof",
            "strcat_array",
            "todynamic_value",
            "dynamic_get",
            "__list_to_dynamic",
            "__bag_merge_list",
        ];
        for name in wanted {
            assert!(lookup(name).is_some(), "{name} is not registered");
        }
        // Aliases resolve to their canonical entry; lookups are case-sensitive.
        assert_eq!(lookup("iif").map(|f| f.name), Some("iff"));
        assert_eq!(lookup("todynamic").map(|f| f.name), Some("parse_json"));
        assert_eq!(lookup("toreal").map(|f| f.name), Some("todouble"));
        assert!(lookup("ToInt").is_none());
        assert!(lookup("no_such_function").is_none());
    }

    #[test]
    fn the_detection_functions_and_their_legacy_spellings_are_registered() {
        // Functions Sentinel queries use (docs/kql-semantics.md §2.2) and the deprecated
        // spellings Kusto's function catalogue marks obsolete.
        let wanted = [
            ("ipv4_is_private", None),
            ("ipv4_is_in_range", None),
            ("ipv4_is_in_any_range", None),
            ("ipv4_is_match", None),
            ("ipv4_compare", None),
            ("ipv4_netmask_suffix", None),
            ("parse_ipv4", None),
            ("parse_ipv4_mask", None),
            ("format_ipv4", None),
            ("format_ipv4_mask", None),
            ("has_ipv4", None),
            ("has_ipv4_prefix", None),
            ("has_any_ipv4", None),
            ("has_any_ipv4_prefix", None),
            ("ipv6_compare", None),
            ("ipv6_is_match", None),
            ("parse_ipv6", None),
            ("datetime_diff", None),
            ("datepart", Some("datetime_part")),
            ("dayofweek", None),
            ("dayofmonth", None),
            ("dayofyear", None),
            ("hourofday", None),
            ("getyear", None),
            ("getmonth", Some("monthofyear")),
            ("weekofyear", Some("week_of_year")),
            ("format_datetime", None),
            ("format_timespan", None),
            ("unixtime_seconds_todatetime", None),
            ("unixtime_milliseconds_todatetime", None),
            ("unixtime_microseconds_todatetime", None),
            ("unixtime_nanoseconds_todatetime", None),
            ("datetime_utc_to_local", None),
            ("datetime_local_to_utc", None),
            ("make_datetime", None),
            ("make_timespan", None),
            ("parseurl", Some("parse_url")),
            ("parseurlquery", Some("parse_urlquery")),
            ("parse_path", None),
            ("parse_command_line", None),
            ("parse_csv", None),
            ("parse_xml", None),
            ("extractjson", Some("extract_json")),
            ("extractall", Some("extract_all")),
            ("url_decode", None),
            ("url_encode", None),
            ("base64_decodestring", Some("base64_decode_tostring")),
            ("base64_encodestring", Some("base64_encode_tostring")),
            ("base64_decode_toarray", None),
            ("hash_xxhash64", Some("hash")),
            ("hash_sha256", None),
            ("gzip_decompress_from_base64_string", None),
            ("zlib_decompress_from_base64_string", None),
            ("hash_md5", None),
            ("hash_sha1", None),
            ("has_any_index", None),
            ("reverse", None),
            ("strrep", None),
            ("tohex", None),
            ("translate", None),
            ("to_utf8", Some("unicode_codepoints_from_string")),
            ("make_string", Some("unicode_codepoints_to_string")),
            ("string_size", None),
            ("new_guid", None),
            ("set_union", None),
            ("set_intersect", None),
            ("set_difference", None),
            ("bag_merge", None),
            ("bag_remove_keys", None),
            ("bag_has_key", None),
            ("bag_set_key", None),
            ("pack_dictionary", Some("bag_pack")),
            ("array_strcat", Some("strcat_array")),
            ("array_reverse", None),
            ("array_sort_asc", None),
            ("array_sort_desc", None),
            ("array_sum", Some("series_sum")),
            ("series_subtract", None),
            ("series_fill_forward", None),
            ("array_split", None),
            ("array_shift_left", None),
            ("array_shift_right", None),
            ("array_iif", Some("array_iff")),
            ("zip", None),
            ("treepath", None),
            ("bag_zip", None),
            ("log", None),
            ("log10", None),
            ("log2", None),
            ("exp", None),
            ("exp2", None),
            ("exp10", None),
            ("pow", None),
            ("sqrt", None),
            ("sign", None),
            ("ceiling", None),
            ("min_of", None),
            ("max_of", None),
            ("isnan", None),
            ("isinf", None),
            ("isfinite", None),
            ("pi", None),
            ("rand", None),
            ("atan2", None),
            ("degrees", None),
            ("radians", None),
            ("binary_and", None),
            ("binary_or", None),
            ("binary_xor", None),
            ("binary_not", None),
            ("binary_shift_left", None),
            ("binary_shift_right", None),
        ];
        for (name, canonical) in wanted {
            let f = lookup(name).unwrap_or_else(|| panic!("{name} is not registered"));
            assert_eq!(f.name, canonical.unwrap_or(name), "{name}");
            assert_eq!(f.kind, FunctionKind::Scalar, "{name}");
        }
    }

    #[test]
    fn common_type_widens_numbers_only() {
        use ScalarType::*;
        assert_eq!(common_type(Int, Long), Some(Long));
        assert_eq!(common_type(Long, Int), Some(Long));
        assert_eq!(common_type(Long, Real), Some(Real));
        assert_eq!(common_type(Int, Decimal), Some(Decimal));
        assert_eq!(common_type(String, String), Some(String));
        assert_eq!(common_type(String, Dynamic), None);
        assert_eq!(common_type(DateTime, Long), None);
    }
}
