//! The kinds of syntax error, each with its stable code and an input that triggers it.
//!
//! Codes are part of kqlhunt's interface: tests, rule linters and users refer to a kind of
//! problem by its code, independently of the message wording. `KQL01xx` codes come from the
//! lexer, `KQL02xx` from the parser. A test parses every [`SyntaxErrorKind::example`] and
//! checks that it reports that kind, so this table cannot drift from the code.

/// A kind of syntax error. Each variant's documentation shows an input that triggers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SyntaxErrorKind {
    /// A string literal without its closing quote: `T | where x == "abc`.
    UnterminatedString,
    /// A character that starts no token: `T | where x # 1`.
    UnexpectedChar,
    /// A backslash escape KQL does not define: `print "\q"`.
    InvalidEscape,
    /// A number followed by a word that is almost a timespan unit: `print ago(5mins)`.
    UnknownTimespanUnit,
    /// A number too large for its type: `print 99999999999999999999`.
    NumberOutOfRange,
    /// A ```` ``` ```` string without its closing fence: ```` print ```abc ````.
    UnterminatedMultiLineString,
    /// `datetime(`, `time(`, `guid(`... without the closing parenthesis: `print datetime(2024`.
    UnterminatedTypedLiteral,
    /// A `!` that is not part of `!=`, `!~` or a negated operator: `T | where !x`.
    StrayBang,
    /// An expression is missing: `T | where`.
    ExpectedExpression,
    /// A `(`, `[` or `{` is never closed: `T | where (x > 1`.
    UnclosedDelimiter,
    /// A word after `|` that is no tabular operator: `T | wher x > 1`.
    UnknownOperator,
    /// A token that cannot continue the query: `T | take 1 )`.
    UnexpectedToken,
    /// A required keyword or punctuation is missing: `T | sort x`.
    ExpectedToken,
    /// A name is missing: `let = 1; T`.
    ExpectedName,
    /// A type name KQL does not define: `datatable(x:strng) []`.
    UnknownType,
    /// The content of a typed literal is malformed: `print int(abc)`.
    InvalidLiteral,
    /// The query nests deeper than kqlhunt accepts: `print ((((((...1...))))))` (hundreds deep).
    NestingTooDeep,
    /// The text holds no statement: `// only a comment`.
    EmptyQuery,
    /// Comparisons chained without parentheses: `T | where a < b < c`.
    ChainedComparison,
    /// A `dynamic(...)` literal that is not JSON extended with KQL literals:
    /// `print dynamic({a: 1})`.
    InvalidDynamic,
    /// Two statements without `;` between them: `let x = 1 T`.
    MissingSemicolon,
    /// A Kusto operator kqlhunt does not support: `T | make-graph a --> b`.
    UnsupportedOperator,
    /// `=` where a comparison was meant: `T | where x = 1`.
    AssignmentInPredicate,
    /// A query that starts with a tabular operator instead of a table: `where x > 1`.
    OperatorWithoutInput,
    /// Nothing after a `|`: `T | | take 1`.
    ExpectedOperator,
    /// An operator option with a value the operator does not know: `T | parse kind=fuzzy x with *`.
    InvalidOptionValue,
    /// `$left`/`$right` without a column: `T | join (U) on $left == $right.x`.
    IncompleteJoinSide,
}

impl SyntaxErrorKind {
    /// Every kind, in code order.
    pub const ALL: &'static [SyntaxErrorKind] = &[
        Self::UnterminatedString,
        Self::UnexpectedChar,
        Self::InvalidEscape,
        Self::UnknownTimespanUnit,
        Self::NumberOutOfRange,
        Self::UnterminatedMultiLineString,
        Self::UnterminatedTypedLiteral,
        Self::StrayBang,
        Self::ExpectedExpression,
        Self::UnclosedDelimiter,
        Self::UnknownOperator,
        Self::UnexpectedToken,
        Self::ExpectedToken,
        Self::ExpectedName,
        Self::UnknownType,
        Self::InvalidLiteral,
        Self::NestingTooDeep,
        Self::EmptyQuery,
        Self::ChainedComparison,
        Self::InvalidDynamic,
        Self::MissingSemicolon,
        Self::UnsupportedOperator,
        Self::AssignmentInPredicate,
        Self::OperatorWithoutInput,
        Self::ExpectedOperator,
        Self::InvalidOptionValue,
        Self::IncompleteJoinSide,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        use SyntaxErrorKind::*;
        match self {
            UnterminatedString => "KQL0101",
            UnexpectedChar => "KQL0102",
            InvalidEscape => "KQL0103",
            UnknownTimespanUnit => "KQL0104",
            NumberOutOfRange => "KQL0105",
            UnterminatedMultiLineString => "KQL0106",
            UnterminatedTypedLiteral => "KQL0107",
            StrayBang => "KQL0108",
            ExpectedExpression => "KQL0201",
            UnclosedDelimiter => "KQL0202",
            UnknownOperator => "KQL0203",
            UnexpectedToken => "KQL0204",
            ExpectedToken => "KQL0205",
            ExpectedName => "KQL0206",
            UnknownType => "KQL0207",
            InvalidLiteral => "KQL0208",
            NestingTooDeep => "KQL0209",
            EmptyQuery => "KQL0210",
            ChainedComparison => "KQL0211",
            InvalidDynamic => "KQL0212",
            MissingSemicolon => "KQL0213",
            UnsupportedOperator => "KQL0214",
            AssignmentInPredicate => "KQL0215",
            OperatorWithoutInput => "KQL0216",
            ExpectedOperator => "KQL0217",
            InvalidOptionValue => "KQL0218",
            IncompleteJoinSide => "KQL0219",
        }
    }

    /// An input that triggers this kind (the one in the variant's documentation).
    pub fn example(self) -> String {
        use SyntaxErrorKind::*;
        match self {
            UnterminatedString => "T | where x == \"abc".into(),
            UnexpectedChar => "T | where x # 1".into(),
            InvalidEscape => "print \"\\q\"".into(),
            UnknownTimespanUnit => "print ago(5mins)".into(),
            NumberOutOfRange => "print 99999999999999999999".into(),
            UnterminatedMultiLineString => "print ```abc".into(),
            UnterminatedTypedLiteral => "print datetime(2024".into(),
            StrayBang => "T | where !x".into(),
            ExpectedExpression => "T | where".into(),
            UnclosedDelimiter => "T | where (x > 1".into(),
            UnknownOperator => "T | wher x > 1".into(),
            UnexpectedToken => "T | take 1 )".into(),
            ExpectedToken => "T | sort x".into(),
            ExpectedName => "let = 1; T".into(),
            UnknownType => "datatable(x:strng) []".into(),
            InvalidLiteral => "print int(abc)".into(),
            NestingTooDeep => format!("print {}1{}", "(".repeat(500), ")".repeat(500)),
            EmptyQuery => "// only a comment".into(),
            ChainedComparison => "T | where a < b < c".into(),
            InvalidDynamic => "print dynamic({a: 1})".into(),
            MissingSemicolon => "let x = 1 T".into(),
            UnsupportedOperator => "T | make-graph a --> b".into(),
            AssignmentInPredicate => "T | where x = 1".into(),
            OperatorWithoutInput => "where x > 1".into(),
            ExpectedOperator => "T | | take 1".into(),
            InvalidOptionValue => "T | parse kind=fuzzy x with *".into(),
            IncompleteJoinSide => "T | join (U) on $left == $right.x".into(),
        }
    }

    /// The kind with this code, if any.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}
