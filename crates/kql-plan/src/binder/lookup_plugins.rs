//! The lookup plugins of `evaluate`: `ipv4_lookup`, `ipv6_lookup`, `geo_polygon_lookup`
//! and `geo_line_lookup`. Each joins the input with a (small) lookup table on a predicate
//! over both sides (an address in a range, a point in or near a polygon or line) rather
//! than on equal keys, so all four share [`Binder::predicate_lookup`].

use super::{BResult, Binder, E_ARG_COUNT, E_BAD_OPTION};
use crate::bound::{Col, Scalar, Tab};
use datafusion::common::{Column, JoinType, NullEquality};
use datafusion::logical_expr::{Expr as DfExpr, LogicalPlanBuilder, lit};
use kql_diagnostics::{Diagnostic, Span};
use kql_syntax::{Call, ExprKind, ScalarType};

/// A column of the input (`__kql_left`) or of the lookup table (`__kql_right`).
fn l(n: &str) -> DfExpr {
    DfExpr::Column(Column::new(Some("__kql_left"), n))
}
fn r(n: &str) -> DfExpr {
    DfExpr::Column(Column::new(Some("__kql_right"), n))
}

impl Binder<'_> {
    /// `ipv4_lookup(LookupTable, SourceIP, LookupRange [, ExtraKey...] [, return_unmatched])`
    /// (ipv4-lookup-plugin.md): each row joined with the lookup rows whose IPv4 range
    /// (address or CIDR) holds its address, and whose extra keys are equal; unmatched rows
    /// are dropped unless `return_unmatched` is true. `ipv6_lookup` likewise with IPv6
    /// ranges (IPv4 addresses match as IPv4-mapped IPv6); its documented output puts the
    /// lookup columns first (ipv6-lookup-plugin.md).
    pub(super) fn bind_ip_lookup(
        &mut self,
        input: Tab,
        call: &Call,
        span: Span,
        v6: bool,
    ) -> BResult<Tab> {
        let plugin = if v6 { "ipv6_lookup" } else { "ipv4_lookup" };
        use kql_syntax::ExprKind;
        if call.args.len() < 3 {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{plugin}` needs the lookup table, the address column and the range column"
                ),
                call.span,
            )));
        }
        let lookup = self.bind_tabular(&call.args[0].value)?;
        let mut rest: Vec<&kql_syntax::Expr> = call.args[1..].iter().map(|a| &a.value).collect();
        let mut unmatched = false;
        if let Some(last) = rest.last()
            && let ExprKind::Literal(kql_syntax::Literal {
                kind: kql_syntax::LiteralKind::Bool(b),
                ..
            }) = &last.kind
        {
            unmatched = *b;
            rest.pop();
        }
        let name_of = |b: &mut Self, e: &kql_syntax::Expr, what: &str| -> BResult<String> {
            match &e.kind {
                ExprKind::Name(id) => Ok(id.name.clone()),
                _ => Err(b.error(Diagnostic::error(
                    E_BAD_OPTION,
                    format!("`{plugin}`: the {what} must be a column name"),
                    e.span,
                ))),
            }
        };
        let src = name_of(self, rest[0], "address column")?;
        let range = name_of(self, rest[1], "range column")?;
        let src_col = self
            .resolve_column(&input, &kql_syntax::Ident::new(src.clone(), rest[0].span))?
            .clone();
        let range_col = self
            .resolve_column(
                &lookup,
                &kql_syntax::Ident::new(range.clone(), rest[1].span),
            )?
            .clone();
        let in_range = self.call_registry(
            if v6 {
                "ipv6_is_in_range"
            } else {
                "ipv4_is_in_range"
            },
            vec![
                crate::bound::Scalar::new(l(&src_col.name), src_col.ty),
                crate::bound::Scalar::new(r(&range_col.name), range_col.ty),
            ],
            span,
        )?;
        let mut cond = datafusion::functions::expr_fn::coalesce(vec![
            in_range.expr,
            datafusion::logical_expr::lit(false),
        ]);
        for extra in &rest[2..] {
            let k = name_of(self, extra, "extra key")?;
            self.resolve_column(&input, &kql_syntax::Ident::new(k.clone(), extra.span))?;
            self.resolve_column(&lookup, &kql_syntax::Ident::new(k.clone(), extra.span))?;
            cond = cond.and(l(&k).eq(r(&k)));
        }
        let tab = self.predicate_lookup(input, lookup, cond, unmatched, None, v6, span)?;
        self.trace(plugin, &tab);
        Ok(tab)
    }

    /// `geo_polygon_lookup(LookupTable, Polygon, Lng, Lat [, radius] [, return_unmatched]
    /// [, lookup_area_radius] [, return_lookup_key])` (geo-polygon-lookup-plugin.md): rows
    /// joined with the polygons containing their point (`geo_point_in_polygon`), or, with a
    /// radius, within that many meters of it (`geo_distance_point_to_polygon`).
    /// `geo_line_lookup(LookupTable, Line, Lng, Lat, radius, ...)` (geo-line-lookup-plugin.md)
    /// likewise with lines within the radius (`geo_distance_point_to_line`). The lookup key
    /// column is returned only with `return_lookup_key`; `lookup_area_radius` only tunes
    /// Kusto's index and does not change results, so it is read and ignored.
    pub(super) fn bind_geo_lookup(
        &mut self,
        input: Tab,
        call: &Call,
        span: Span,
        lines: bool,
    ) -> BResult<Tab> {
        let plugin = if lines {
            "geo_line_lookup"
        } else {
            "geo_polygon_lookup"
        };
        let names = [
            "LookupTable",
            "LookupKey",
            "SourceLongitude",
            "SourceLatitude",
            "radius",
            "return_unmatched",
            "lookup_area_radius",
            "return_lookup_key",
        ];
        // Positional arguments fill the parameters in order; named ones go to their place.
        let mut slots: Vec<Option<&kql_syntax::Expr>> = vec![None; names.len()];
        let mut next = 0;
        for a in &call.args {
            let i = match &a.name {
                Some(n) => match names.iter().position(|p| p.eq_ignore_ascii_case(&n.name)) {
                    Some(i) => i,
                    None => {
                        return Err(self.error(Diagnostic::error(
                            E_BAD_OPTION,
                            format!("`{plugin}` has no parameter `{}`", n.name),
                            n.span,
                        )));
                    }
                },
                None => {
                    next += 1;
                    next - 1
                }
            };
            if i >= slots.len() {
                return Err(self.error(Diagnostic::error(
                    E_ARG_COUNT,
                    format!("`{plugin}` takes at most {} arguments", names.len()),
                    a.value.span,
                )));
            }
            slots[i] = Some(&a.value);
        }
        let required = if lines { 5 } else { 4 };
        if slots[..required].iter().any(Option::is_none) {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!(
                    "`{plugin}` needs the lookup table, its {} column, the longitude and latitude columns{}",
                    if lines { "line" } else { "polygon" },
                    if lines { " and a radius" } else { "" }
                ),
                call.span,
            )));
        }
        let Some(table) = slots[0] else {
            return Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!("`{plugin}` needs a lookup table"),
                call.span,
            )));
        };
        let lookup = self.bind_tabular(table)?;
        let key = self.plugin_column(slots[1], plugin, "lookup key")?;
        let lng = self.plugin_column(slots[2], plugin, "longitude")?;
        let lat = self.plugin_column(slots[3], plugin, "latitude")?;
        let key_col = self
            .resolve_column(&lookup, &kql_syntax::Ident::new(key.clone(), call.span))?
            .clone();
        let lng_col = self
            .resolve_column(&input, &kql_syntax::Ident::new(lng.clone(), call.span))?
            .clone();
        let lat_col = self
            .resolve_column(&input, &kql_syntax::Ident::new(lat.clone(), call.span))?
            .clone();
        let radius = match slots[4] {
            Some(e) => Some(self.bind_scalar(e, None)?),
            None => None,
        };
        let unmatched = self.plugin_bool(slots[5], plugin)?;
        if let Some(e) = slots[6] {
            self.bind_scalar(e, None)?;
        }
        let return_key = self.plugin_bool(slots[7], plugin)?;
        let point = vec![
            Scalar::new(l(&lng_col.name), lng_col.ty),
            Scalar::new(l(&lat_col.name), lat_col.ty),
            Scalar::new(r(&key_col.name), key_col.ty),
        ];
        // A line lookup always has a radius (checked with the required arguments).
        let cond = match &radius {
            None => {
                self.call_registry("geo_point_in_polygon", point, span)?
                    .expr
            }
            Some(radius) => {
                let f = if lines {
                    "geo_distance_point_to_line"
                } else {
                    "geo_distance_point_to_polygon"
                };
                let d = self.call_registry(f, point, span)?;
                let radius = self.convert(radius.clone(), ScalarType::Real, span)?;
                d.expr.lt_eq(radius.expr)
            }
        };
        let cond = datafusion::functions::expr_fn::coalesce(vec![cond, lit(false)]);
        let exclude = (!return_key).then_some(key_col.name.as_str());
        let tab = self.predicate_lookup(input, lookup, cond, unmatched, exclude, false, span)?;
        self.trace(plugin, &tab);
        Ok(tab)
    }

    /// A plugin argument that must name a column.
    fn plugin_column(
        &mut self,
        e: Option<&kql_syntax::Expr>,
        plugin: &str,
        what: &str,
    ) -> BResult<String> {
        match e.map(|e| (&e.kind, e.span)) {
            Some((ExprKind::Name(id), _)) => Ok(id.name.clone()),
            Some((_, span)) => Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                format!("`{plugin}`: the {what} must be a column name"),
                span,
            ))),
            None => Err(self.error(Diagnostic::error(
                E_ARG_COUNT,
                format!("`{plugin}` needs the {what}"),
                Span::default(),
            ))),
        }
    }

    /// An optional constant bool argument (false when absent).
    fn plugin_bool(&mut self, e: Option<&kql_syntax::Expr>, plugin: &str) -> BResult<bool> {
        let Some(e) = e else { return Ok(false) };
        let v = self.bind_scalar(e, None)?;
        match self.fold(v).constant {
            Some(datafusion::scalar::ScalarValue::Boolean(Some(b))) => Ok(b),
            _ => Err(self.error(Diagnostic::error(
                E_BAD_OPTION,
                format!("`{plugin}`: this flag must be a constant bool"),
                e.span,
            ))),
        }
    }

    /// Joins `input` with `lookup` on `cond` (over `__kql_left`/`__kql_right` columns):
    /// input columns then lookup columns (minus `exclude`; lookup first when
    /// `lookup_first`), unmatched input rows kept with empty lookup columns when
    /// `unmatched`.
    #[allow(clippy::too_many_arguments)]
    fn predicate_lookup(
        &mut self,
        input: Tab,
        lookup: Tab,
        cond: DfExpr,
        unmatched: bool,
        exclude: Option<&str>,
        lookup_first: bool,
        span: Span,
    ) -> BResult<Tab> {
        let right = LogicalPlanBuilder::from(lookup.plan.clone())
            .alias("__kql_right")
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        let join_type = if unmatched {
            JoinType::Left
        } else {
            JoinType::Inner
        };
        let mut exprs = Vec::new();
        let mut cols = Vec::new();
        let mut taken: Vec<String> = Vec::new();
        for c in &input.cols {
            exprs.push(l(&c.name).alias(&c.name));
            taken.push(c.name.clone());
            cols.push(c.clone());
        }
        let input_count = exprs.len();
        for c in lookup
            .cols
            .iter()
            .filter(|c| Some(c.name.as_str()) != exclude)
        {
            let name = super::names::unique_name(&c.name, &taken);
            let e = if unmatched && c.ty == ScalarType::String {
                datafusion::functions::expr_fn::coalesce(vec![r(&c.name), lit("")])
            } else {
                r(&c.name)
            };
            exprs.push(e.alias(&name));
            taken.push(name.clone());
            cols.push(Col { name, ty: c.ty });
        }
        if lookup_first {
            exprs.rotate_left(input_count);
            cols.rotate_left(input_count);
        }
        let plan = LogicalPlanBuilder::from(input.plan)
            .alias("__kql_left")
            .and_then(|b| {
                b.join_detailed(
                    right,
                    join_type,
                    (Vec::<Column>::new(), Vec::<Column>::new()),
                    Some(cond),
                    NullEquality::NullEqualsNothing,
                )
            })
            .and_then(|b| b.project(exprs))
            .and_then(|b| b.build())
            .map_err(|e| self.plan_error(e, span))?;
        Ok(Tab::new(plan, cols))
    }
}
