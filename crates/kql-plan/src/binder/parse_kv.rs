//! `parse-kv Expr as (Key:type, ...) with (...)` (parse-kv-operator.md): the requested
//! keys become columns. One UDF reads every pair of the text into a hidden `dynamic` bag of
//! strings (see `udf::kv`); each column then takes its key's text, converted to its type as
//! `parse` converts (`tolong`, `todatetime`, ...). A missing key is `""` for a string column
//! and null for the others.

use super::names::column;
use super::{BResult, Binder, E_BAD_OPTION};
use crate::bound::{Col, Scalar, Tab};
use crate::udf::{KvSpec, OpKind};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder};
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{LiteralKind, NamedParam, ParamValue, ParseKv, ScalarType};

/// The hidden column holding the extracted pairs.
const PAIRS: &str = "__kqlhunt_kv";

impl Binder<'_> {
    pub fn bind_parse_kv(&mut self, input: Tab, p: &ParseKv, span: Span) -> BResult<Tab> {
        let spec = self.kv_spec(p)?;
        let source = self.bind_scalar(&p.expr, Some(&input))?;
        let source = if source.ty == ScalarType::String {
            source
        } else {
            self.call_registry("tostring", vec![source], p.expr.span)?
        };
        let pairs = self.op_udf(OpKind::ParseKv(spec), vec![source.expr], span)?;
        let mut tab =
            self.with_column(input, PAIRS, Scalar::new(pairs, ScalarType::Dynamic), span)?;
        for c in &p.columns {
            let text = self.call_registry(
                "dynamic_get",
                vec![
                    Scalar::new(column(PAIRS), ScalarType::Dynamic),
                    Scalar::constant(
                        ScalarValue::Utf8(Some(c.name.name.clone())),
                        ScalarType::String,
                    ),
                ],
                span,
            )?;
            let text = self.call_registry("tostring", vec![text], span)?;
            let v = match c.ty {
                ScalarType::String => text,
                ScalarType::Dynamic => self.call_registry("todynamic", vec![text], span)?,
                other => {
                    let f = match other {
                        ScalarType::Int => "toint",
                        ScalarType::Long => "tolong",
                        ScalarType::Real => "toreal",
                        ScalarType::Bool => "tobool",
                        ScalarType::DateTime => "todatetime",
                        ScalarType::Timespan => "totimespan",
                        ScalarType::Decimal => "todecimal",
                        _ => "toguid",
                    };
                    self.call_registry(f, vec![text], span)?
                }
            };
            tab = self.with_column(tab, &c.name.name, v, span)?;
        }
        let cols: Vec<Col> = tab
            .cols
            .iter()
            .filter(|c| c.name != PAIRS)
            .cloned()
            .collect();
        let exprs: Vec<DfExpr> = cols.iter().map(|c| column(&c.name)).collect();
        let plan = LogicalPlanBuilder::from(tab.plan)
            .project(exprs)
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let tab = Tab { plan, cols, ..tab };
        self.trace("parse-kv", &tab);
        Ok(tab)
    }

    /// The `with (...)` options as a [`KvSpec`].
    fn kv_spec(&mut self, p: &ParseKv) -> BResult<KvSpec> {
        let mut spec = KvSpec {
            keys: p.columns.iter().map(|c| c.name.name.clone()).collect(),
            pair_delimiter: None,
            kv_delimiter: None,
            quotes: Vec::new(),
            escapes: Vec::new(),
            greedy: false,
            regex: None,
        };
        for param in &p.params {
            let name = param.name.name.as_str();
            match name {
                "greedy" => spec.greedy = self.option_bool(std::slice::from_ref(param), name)?,
                _ => {
                    let text = self.kv_option_text(param)?;
                    let mut chars = text.chars();
                    match name {
                        "pair_delimiter" => spec.pair_delimiter = Some(text.clone()),
                        "kv_delimiter" => spec.kv_delimiter = Some(text.clone()),
                        "quote" => match (chars.next(), chars.next(), chars.next()) {
                            (Some(o), None, _) => spec.quotes.push((o, o)),
                            (Some(o), Some(c), None) => spec.quotes.push((o, c)),
                            _ => return Err(self.kv_bad(param, "one or two characters")),
                        },
                        "escape" => match (chars.next(), chars.next()) {
                            (Some(e), None) => spec.escapes.push(e),
                            _ => return Err(self.kv_bad(param, "one character")),
                        },
                        "regex" => {
                            let re = kql_functions::translate_re2(&text).into_owned();
                            match regex::Regex::new(&re) {
                                Ok(r) if r.captures_len() == 3 => spec.regex = Some(re),
                                _ => {
                                    return Err(self.kv_bad(
                                        param,
                                        "a regular expression with exactly two groups (key, value)",
                                    ));
                                }
                            }
                        }
                        _ => {
                            return Err(self.error(Diagnostic::error(
                                E_BAD_OPTION,
                                format!("unknown `parse-kv` option `{name}`"),
                                param.name.span,
                            )
                            .with_help(
                                "the options are pair_delimiter, kv_delimiter, quote, escape, greedy and regex",
                            )));
                        }
                    }
                }
            }
        }
        if spec.pair_delimiter.is_some() != spec.kv_delimiter.is_some() {
            return Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                "`parse-kv` needs both pair_delimiter and kv_delimiter, or neither",
                p.expr.span,
            )));
        }
        Ok(spec)
    }

    fn kv_option_text(&mut self, param: &NamedParam) -> BResult<String> {
        match &param.value {
            ParamValue::Literal(kql_syntax::Literal {
                kind: LiteralKind::String { value, .. },
                ..
            }) => Ok(value.clone()),
            _ => Err(self.kv_bad(param, "a string literal")),
        }
    }

    fn kv_bad(&mut self, param: &NamedParam, expected: &str) -> super::Reported {
        self.error(Diagnostic::error(
            E_BAD_OPTION,
            format!("`parse-kv` option `{}` must be {expected}", param.name.name),
            param.span,
        ))
    }
}
