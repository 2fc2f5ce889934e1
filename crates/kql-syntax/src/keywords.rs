//! Word lists shared by the lexer, the parser and the printer.
//!
//! Kept in one place so that the three agree: a word the parser treats as syntax in some
//! position is a word the printer must quote when it is a column name.

/// Tabular operators accepted after `|` (and aliases), for dispatch and "did you mean".
pub(crate) const OPERATORS: &[&str] = &[
    "as",
    "consume",
    "count",
    "distinct",
    "evaluate",
    "extend",
    "facet",
    "filter",
    "fork",
    "getschema",
    "invoke",
    "join",
    "limit",
    "lookup",
    "make-series",
    "mv-apply",
    "mv-expand",
    "mvapply",
    "mvexpand",
    "order",
    "parse",
    "parse-kv",
    "parse-where",
    "partition",
    "project",
    "project-away",
    "project-keep",
    "project-by-names",
    "project-rename",
    "project-reorder",
    "project-smart",
    "reduce",
    "render",
    "sample",
    "sample-distinct",
    "scan",
    "search",
    "serialize",
    "sort",
    "summarize",
    "take",
    "top",
    "top-nested",
    "union",
    "where",
    "__executeAndCache",
];

/// Kusto operators that kqlhunt does not support; named in the error instead of "unknown".
pub(crate) const UNSUPPORTED_OPERATORS: &[&str] = &[
    "assert-schema",
    "graph-mark-components",
    "graph-match",
    "graph-shortest-paths",
    "graph-to-table",
    "macro-expand",
    "make-graph",
    "top-hitters",
];

/// Keywords written with hyphens; the lexer glues `project` `-` `away` into one word when
/// written without spaces, as Kusto does.
pub(crate) const HYPHENATED: &[&str] = &[
    "assert-schema",
    "graph-mark-components",
    "graph-match",
    "graph-shortest-paths",
    "graph-to-table",
    "granny-asc",
    "granny-desc",
    "macro-expand",
    "make-graph",
    "make-series",
    "mv-apply",
    "mv-expand",
    "parse-kv",
    "parse-where",
    "project-away",
    "project-by-names",
    "project-keep",
    "project-rename",
    "project-reorder",
    "project-smart",
    "sample-distinct",
    "top-hitters",
    "top-nested",
];

/// Kusto's fixed option names (`strictQueryOperatorParameter` in `Kql.g4`), besides `hint.*`.
/// Operators whose arguments may be `Name = expr` (`mv-expand`, `make-series`) accept only
/// these as options, and the printer quotes a column with one of these names there.
pub(crate) const STRICT_OPTIONS: &[&str] = &[
    "bagexpansion",
    "bin_legacy",
    "decodeblocks",
    "expandoutput",
    "isfuzzy",
    "kind",
    "with_itemindex",
    "with_match_id",
    "with_step_name",
    "withsource",
    "with_source",
];

/// Words that may follow `!` to form a negated operator (`!has`, `!in~` is handled apart).
pub(crate) const NEGATABLE: &[&str] = &[
    "between",
    "contains",
    "contains_cs",
    "endswith",
    "endswith_cs",
    "has",
    "has_cs",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "in",
    "startswith",
    "startswith_cs",
];

/// Keywords that start a literal whose content is raw text: `datetime(2024-01-01 10:00)`.
pub(crate) const TYPED_LITERALS: &[&str] = &[
    "bool", "boolean", "date", "datetime", "decimal", "double", "guid", "int", "long", "real",
    "string", "time", "timespan", "typeof", "uniqueid", "uuid",
];

/// Words the parser reads as syntax when they stand where an expression starts (`true`,
/// `dynamic(`, `datatable(`, a source like `union` at the start of a query, `and`), so a column
/// with this name must be printed bracket-quoted (`['union']`) to parse back as a name. Other
/// keywords (`count`, `kind`, `title`, `by`) are only keywords after an expression or an
/// operator name, and print bare.
pub(crate) const RESERVED_NAMES: &[&str] = &[
    "and",
    "datatable",
    "dynamic",
    "external_data",
    "externaldata",
    "false",
    "False",
    "FALSE",
    "find",
    "or",
    "print",
    "range",
    "search",
    "true",
    "True",
    "TRUE",
    "union",
];

/// Timespan units and their length in ticks (100 ns); nanoseconds are handled apart because a
/// nanosecond is a hundredth of a tick.
pub(crate) const TIMESPAN_UNITS: &[(&str, i64)] = &[
    ("d", 864_000_000_000),
    ("day", 864_000_000_000),
    ("days", 864_000_000_000),
    ("h", 36_000_000_000),
    ("hr", 36_000_000_000),
    ("hrs", 36_000_000_000),
    ("hour", 36_000_000_000),
    ("hours", 36_000_000_000),
    ("m", 600_000_000),
    ("min", 600_000_000),
    ("minute", 600_000_000),
    ("minutes", 600_000_000),
    ("s", 10_000_000),
    ("sec", 10_000_000),
    ("second", 10_000_000),
    ("seconds", 10_000_000),
    ("ms", 10_000),
    ("milli", 10_000),
    ("millis", 10_000),
    ("millisec", 10_000),
    ("millisecond", 10_000),
    ("milliseconds", 10_000),
    ("micro", 10),
    ("micros", 10),
    ("microsec", 10),
    ("microsecond", 10),
    ("microseconds", 10),
    ("tick", 1),
    ("ticks", 1),
];

/// Nanosecond spellings (a hundredth of a tick each).
pub(crate) const NANO_UNITS: &[&str] = &["nano", "nanos", "nanosec", "nanosecond", "nanoseconds"];

/// Ticks per unit, or `None`; for nanoseconds returns 0 (the caller divides by 100).
pub(crate) fn timespan_unit(word: &str) -> Option<i64> {
    if NANO_UNITS.contains(&word) {
        return Some(0);
    }
    TIMESPAN_UNITS
        .iter()
        .find(|(u, _)| *u == word)
        .map(|(_, t)| *t)
}

/// Every unit spelling, for "did you mean" help.
pub(crate) fn all_units() -> impl Iterator<Item = &'static str> {
    TIMESPAN_UNITS
        .iter()
        .map(|(u, _)| *u)
        .chain(NANO_UNITS.iter().copied())
}

/// Type names accepted in schemas, for "did you mean" help.
pub(crate) const TYPE_NAMES: &[&str] = &[
    "bool", "boolean", "datetime", "date", "decimal", "double", "dynamic", "guid", "int", "long",
    "real", "string", "time", "timespan", "uniqueid",
];
