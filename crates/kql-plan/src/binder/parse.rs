//! `parse` and `parse-where`: a pattern of literals, `*` and typed columns, matched with one
//! regular expression.
//!
//! Translation (Kusto `parse-operator.md`): `*` becomes `.*?`; a `string` column `(.*?)` in
//! the `simple` and `relaxed` kinds and `(.*)` in the `regex` kind (where flags such as `U`
//! switch greediness); `int`/`long` columns `(-?\d+)`; `real` columns a decimal number;
//! other types `(.*?)` converted afterwards. `simple` and `relaxed` match the whole string
//! with literal delimiters; `regex` searches with the pattern's own regular expressions.
//! A value that does not match gives null columns (`""` for strings); `parse-where` drops
//! those rows instead. `relaxed` keeps the columns that converted and nulls the others;
//! `simple` nulls every column of a row whose typed columns do not convert.

use super::{BResult, Binder, E_BAD_LITERAL};
use crate::bound::{Scalar, Tab};
use crate::udf::OpKind;
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, lit};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Parse, ParseKind, ParsePart, ScalarType};

impl Binder<'_> {
    pub fn bind_parse(&mut self, input: Tab, p: &Parse, span: Span) -> BResult<Tab> {
        let source = self.bind_scalar(&p.expr, Some(&input))?;
        let source = if source.ty == ScalarType::String {
            source
        } else {
            self.call_registry("tostring", vec![source], p.expr.span)?
        };
        let regex = self.parse_regex(p)?;
        let regex = kql_functions::translate_re2(&regex).into_owned();
        let compiled = match regex::Regex::new(&regex) {
            Ok(r) => r,
            Err(e) => {
                return Err(self.error(
                    Diagnostic::error(
                        E_BAD_LITERAL,
                        "the parse pattern is not a valid regular expression",
                        span,
                    )
                    .with_note(e.to_string()),
                ));
            }
        };
        let group_of = |i: usize| {
            let name = column_group(i);
            compiled
                .capture_names()
                .position(|n| n == Some(name.as_str()))
                .unwrap_or(i + 1)
        };
        let columns: Vec<(String, ScalarType)> = p
            .pattern
            .iter()
            .filter_map(|part| match part {
                ParsePart::Column { name, ty } => {
                    Some((name.name.clone(), ty.unwrap_or(ScalarType::String)))
                }
                _ => None,
            })
            .collect();
        let mut tab = input;
        if p.where_ {
            let m = self.op_udf(
                OpKind::RegexMatches {
                    pattern: regex.clone(),
                },
                vec![source.expr.clone()],
                span,
            )?;
            tab = self.filter(tab, m, span)?;
        }
        // Raw captures, then typed values.
        let mut typed: Vec<(String, Scalar)> = Vec::new();
        for (i, (name, ty)) in columns.iter().enumerate() {
            let raw = self.op_udf(
                OpKind::RegexGroup {
                    pattern: regex.clone(),
                    group: group_of(i),
                },
                vec![source.expr.clone()],
                span,
            )?;
            let raw = Scalar::new(raw, ScalarType::String);
            let v = match ty {
                ScalarType::String => Scalar::new(
                    datafusion::functions::expr_fn::coalesce(vec![raw.expr, lit("")]),
                    ScalarType::String,
                ),
                other => {
                    let f = match other {
                        ScalarType::Int => "toint",
                        ScalarType::Long => "tolong",
                        ScalarType::Real => "toreal",
                        ScalarType::Bool => "tobool",
                        ScalarType::DateTime => "todatetime",
                        ScalarType::Timespan => "totimespan",
                        ScalarType::Decimal => "todecimal",
                        ScalarType::Guid => "toguid",
                        _ => "todynamic",
                    };
                    self.call_registry(f, vec![raw], span)?
                }
            };
            typed.push((name.clone(), v));
        }
        // `simple`: a typed column that does not convert voids the whole match.
        if p.kind == ParseKind::Simple && !p.where_ {
            let all_ok: Option<DfExpr> = typed
                .iter()
                .filter(|(_, v)| v.ty != ScalarType::String)
                .map(|(_, v)| v.expr.clone().is_not_null())
                .reduce(|a, b| a.and(b));
            if let Some(ok) = all_ok {
                for (_, v) in &mut typed {
                    let null = if v.ty == ScalarType::String {
                        lit("")
                    } else {
                        lit(crate::literal::null_of(v.ty))
                    };
                    v.expr = datafusion::logical_expr::when(ok.clone(), v.expr.clone())
                        .otherwise(null)
                        .map_err(|e| self.plan_error(e, span))?;
                }
            }
        }
        // `parse-where` also drops rows whose typed columns do not convert
        // (parse-where-operator.md: `releaseTime=invalid_datetime` filters its row out).
        if p.where_ {
            let converted: Option<DfExpr> = typed
                .iter()
                .filter(|(_, v)| !matches!(v.ty, ScalarType::String | ScalarType::Dynamic))
                .map(|(_, v)| v.expr.clone().is_not_null())
                .reduce(|a, b| a.and(b));
            if let Some(ok) = converted {
                tab = self.filter(tab, ok, span)?;
            }
        }
        for (name, v) in typed {
            tab = self.with_column(tab, &name, v, span)?;
        }
        self.trace(if p.where_ { "parse-where" } else { "parse" }, &tab);
        Ok(tab)
    }

    /// Adds a filter to a tabular value.
    pub fn filter(&mut self, tab: Tab, predicate: DfExpr, span: Span) -> BResult<Tab> {
        let plan = LogicalPlanBuilder::from(tab.plan)
            .filter(predicate)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab { plan, ..tab })
    }

    /// The regular expression a `parse` pattern stands for.
    fn parse_regex(&mut self, p: &Parse) -> BResult<String> {
        let regex_kind = p.kind == ParseKind::Regex;
        let mut re = String::new();
        let mut columns = 0;
        if let Some(flags) = &p.flags {
            if !flags.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(self.error(Diagnostic::error(
                    E_BAD_LITERAL,
                    format!("invalid regex flags `{flags}`"),
                    p.expr.span,
                )));
            }
            re.push_str(&format!("(?{flags})"));
        }
        if !regex_kind {
            re.push('^');
        }
        for part in &p.pattern {
            match part {
                ParsePart::Star(_) => re.push_str(".*?"),
                ParsePart::Text { value, .. } => {
                    if regex_kind {
                        re.push_str(value);
                    } else {
                        re.push_str(&regex::escape(value));
                    }
                }
                ParsePart::Column { ty, .. } => {
                    // Named groups, so groups the pattern text itself opens (`kind=regex`)
                    // do not shift the columns' group numbers.
                    let typed = match ty.unwrap_or(ScalarType::String) {
                        ScalarType::Int | ScalarType::Long => Some(r"-?\d+"),
                        ScalarType::Real | ScalarType::Decimal => {
                            Some(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
                        }
                        _ => None,
                    };
                    let body = match typed {
                        // `relaxed`: a typed column takes its type's text if it can, else
                        // any text, which then fails to convert and becomes null.
                        Some(t) if p.kind == ParseKind::Relaxed => format!("{t}|.*?"),
                        Some(t) => t.to_string(),
                        None if regex_kind => ".*".to_string(),
                        None => ".*?".to_string(),
                    };
                    re.push_str(&format!("(?P<{}>{body})", column_group(columns)));
                    columns += 1;
                }
            }
        }
        if !regex_kind {
            re.push('$');
        }
        Ok(re)
    }
}

/// The name of the regex group capturing column `i`.
fn column_group(i: usize) -> String {
    format!("kqlhunt_col{i}")
}
