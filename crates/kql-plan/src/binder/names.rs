//! Name resolution: columns first, then `let` names; "did you mean" help on failure.

use super::{BResult, Binder, Binding, E_KIND, E_UNKNOWN_COLUMN};
use crate::bound::{Scalar, Tab};
use datafusion::common::Column;
use datafusion::logical_expr::Expr as DfExpr;
use datafusion::scalar::ScalarValue;
use kql_diagnostics::{Diagnostic, suggest};
use kql_syntax::{Ident, ScalarType};

/// An unqualified column reference. Never parses dots: KQL column names may contain them.
pub(crate) fn column(name: &str) -> DfExpr {
    DfExpr::Column(Column::new_unqualified(name))
}

impl Binder<'_> {
    /// Resolves a bare name in scalar position.
    pub fn resolve_scalar_name(&mut self, id: &Ident, input: Option<&Tab>) -> BResult<Scalar> {
        if let Some(c) = input.and_then(|t| t.find(&id.name)) {
            return Ok(Scalar::new(column(&c.name), c.ty));
        }
        match self.scope.get(&id.name).cloned() {
            Some(Binding::Scalar(s)) => return Ok(s),
            Some(Binding::Failed) => return Err(super::Reported),
            Some(Binding::Tabular(_)) => {
                return Err(self.error(
                    Diagnostic::error(
                        E_KIND,
                        format!(
                            "`{}` is a table, but a scalar value is needed here",
                            id.name
                        ),
                        id.span,
                    )
                    .with_help(format!(
                        "use `toscalar({})` to take its first value",
                        id.name
                    )),
                ));
            }
            Some(Binding::Function(..)) => {
                return Err(self.error(
                    Diagnostic::error(
                        E_KIND,
                        format!("`{}` is a function; call it with parentheses", id.name),
                        id.span,
                    )
                    .with_help(format!("`{}()`", id.name)),
                ));
            }
            None => {}
        }
        // AzureDiagnostics carries each Azure service's fields as custom columns named with a
        // type suffix; one not in kqlhunt's schema reads as an empty column of that type.
        if let Some(t) = input.filter(|t| t.custom_fields)
            && let Some(ty) = custom_field_type(&id.name)
        {
            self.warnings.push(
                Diagnostic::warning(
                    E_UNKNOWN_COLUMN,
                    format!("`{}` is not a column of kqlhunt's {} schema; it reads as empty", id.name, "AzureDiagnostics"),
                    id.span,
                )
                .with_note("AzureDiagnostics has one custom column per field of each Azure service, named with a type suffix"),
            );
            let _ = t;
            let v = if ty == ScalarType::String {
                ScalarValue::Utf8(Some(String::new()))
            } else {
                crate::literal::null_of(ty)
            };
            return Ok(Scalar::constant(v, ty));
        }
        // After a data-dependent operator whose columns are not discovered yet, any name
        // may be one of them: bind it as a dynamic null for this planning pass.
        if !self.discoveries.is_empty() && input.is_some() {
            return Ok(Scalar::constant(
                ScalarValue::Utf8(None),
                ScalarType::Dynamic,
            ));
        }
        let mut candidates: Vec<String> = input
            .map(|t| t.names().map(str::to_string).collect())
            .unwrap_or_default();
        let scalar_lets: Vec<String> = self
            .scope
            .all_names()
            .into_iter()
            .filter(|n| matches!(self.scope.get(n), Some(Binding::Scalar(_))))
            .collect();
        candidates.extend(scalar_lets);
        let mut d = match input {
            Some(_) => Diagnostic::error(
                E_UNKNOWN_COLUMN,
                format!("unknown column or variable `{}`", id.name),
                id.span,
            )
            .with_span_label("not a column of this operator's input, nor a `let` name"),
            None => Diagnostic::error(
                E_UNKNOWN_COLUMN,
                format!("unknown name `{}`", id.name),
                id.span,
            )
            .with_span_label("no `let` defines it"),
        };
        if let Some(s) = suggest(&id.name, candidates.iter().map(String::as_str)) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        Err(self.error(d))
    }

    /// Resolves a column of `tab` by name (for operators that take bare column names, such
    /// as `project-away` or `sort by`), with a "did you mean" diagnostic.
    pub fn resolve_column<'t>(
        &mut self,
        tab: &'t Tab,
        id: &Ident,
    ) -> BResult<&'t crate::bound::Col> {
        if let Some(c) = tab.find(&id.name) {
            return Ok(c);
        }
        let mut d = Diagnostic::error(
            E_UNKNOWN_COLUMN,
            format!("unknown column `{}`", id.name),
            id.span,
        )
        .with_span_label("not a column of this operator's input");
        if let Some(s) = suggest(&id.name, tab.names()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        Err(self.error(d))
    }
}

/// Picks an output name not already in `taken`: `name`, then `name1`, `name2`, ... (Kusto's
/// rule for clashing column names, e.g. a join's right-side `Key` becomes `Key1`).
pub(crate) fn unique_name(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_string();
    }
    (1..)
        .map(|i| format!("{name}{i}"))
        .find(|cand| !taken.iter().any(|t| t == cand))
        .unwrap_or_else(|| name.to_string())
}

/// The name Kusto gives an unnamed column computed from `e` (see `crate::naming`), or
/// `fallback` (`Column1`, `print_0`, ...) when Kusto infers none.
pub(crate) fn default_name(e: &kql_syntax::Expr, fallback: &str) -> String {
    crate::naming::result_name(e).unwrap_or_else(|| fallback.to_string())
}

/// The type a Log Analytics custom field's suffix gives (`_s` string, `_d` real, `_b` bool,
/// `_g` guid, `_t` datetime).
fn custom_field_type(name: &str) -> Option<ScalarType> {
    let (stem, suffix) = name.rsplit_once('_')?;
    if stem.is_empty() {
        return None;
    }
    Some(match suffix {
        "s" => ScalarType::String,
        "d" => ScalarType::Real,
        "b" => ScalarType::Bool,
        "g" => ScalarType::Guid,
        "t" => ScalarType::DateTime,
        _ => return None,
    })
}
