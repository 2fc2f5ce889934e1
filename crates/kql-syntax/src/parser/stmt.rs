//! Statements: `let` (values, tabular expressions and functions), `set`, `declare
//! query_parameters`, and the query expression; and the statement loop with its recovery.

use super::{Fail, PResult, Parser};
use crate::ast::{
    DeclareStmt, FunctionDef, Ident, LetStmt, LetValue, Param, ParamType, Query, SetStmt, Statement,
};
use crate::error::SyntaxErrorKind as K;
use crate::keywords::OPERATORS;
use crate::token::{Punct, Tok};
use kql_diagnostics::Span;

impl Parser<'_> {
    /// The whole input: statements separated by `;` (a trailing `;` is allowed).
    pub fn query(&mut self) -> Query {
        let mut statements = Vec::new();
        loop {
            while self.eat(Punct::Semi).is_some() {}
            if self.at_eof() {
                break;
            }
            match self.statement() {
                Ok(s) => {
                    let is_let = !matches!(s, Statement::Expr(_));
                    statements.push(s);
                    if self.eat(Punct::Semi).is_some() || self.at_eof() {
                        continue;
                    }
                    self.statement_end_error(is_let);
                    if self.give_up() {
                        break;
                    }
                    self.recover_to_statement_end();
                }
                Err(Fail) => {
                    if self.give_up() {
                        break;
                    }
                    self.recover_to_statement_end();
                }
            }
        }
        if statements.is_empty() && self.diags.is_empty() {
            let end = u32::try_from(self.src.len()).unwrap_or(u32::MAX);
            let d = self.error(K::EmptyQuery, "the query is empty", Span::new(0, end));
            d.helps
                .push("write a table name, e.g. `SecurityEvent | take 10`".into());
        }
        Query {
            statements,
            span: Span::new(0, u32::try_from(self.src.len()).unwrap_or(u32::MAX)),
        }
    }

    /// A statement ended but the next token is neither `;` nor the end.
    fn statement_end_error(&mut self, after_let: bool) {
        let t = self.peek().clone();
        if after_let {
            let d = self.error(
                K::MissingSemicolon,
                format!("expected `;` after the statement, found {}", t.describe()),
                t.span,
            );
            d.span_label = Some("expected `;` before this".into());
            d.helps.push("statements are separated by `;`".into());
            return;
        }
        let d = self.error(
            K::UnexpectedToken,
            format!("unexpected {}", t.describe()),
            t.span,
        );
        match t.kind {
            Tok::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                d.span_label = Some("no matching opening bracket".into());
            }
            Tok::Punct(Punct::Eq) => {
                d.span_label = Some("assignment is not allowed here".into());
                d.helps.push("compare with `==`".into());
            }
            Tok::Ident if OPERATORS.contains(&t.text) => {
                d.span_label = Some("expected `|` before an operator".into());
                d.helps
                    .push(format!("did you forget `|` before `{}`?", t.text));
            }
            Tok::Ident | Tok::Str { .. } | Tok::Long(_) | Tok::Real(_) | Tok::Timespan(_) => {
                d.span_label = Some("the statement ends before this".into());
                d.helps.push(format!(
                    "is a `,` or an operator missing before {}?",
                    t.describe()
                ));
            }
            _ => {
                d.span_label = Some("the statement ends before this".into());
            }
        }
    }

    fn statement(&mut self) -> PResult<Statement> {
        let next = self.peek_at(1).clone();
        let starts_name = matches!(next.kind, Tok::Ident) || next.is(Punct::LBracket);
        if self.at_word("let") && (starts_name || next.is(Punct::Eq)) {
            return Ok(Statement::Let(self.let_stmt()?));
        }
        if self.at_word("set") && next.kind == Tok::Ident {
            return self.set_stmt().map(Statement::Set);
        }
        if self.at_word("declare") && next.is_word("query_parameters") {
            return self.declare_stmt().map(Statement::DeclareQueryParameters);
        }
        Ok(Statement::Expr(self.pipe_expr_recovering()?))
    }

    /// `let Name = value` (without the `;`).
    fn let_stmt(&mut self) -> PResult<LetStmt> {
        let kw = self.bump().span;
        let name = self.name("a name after `let`")?;
        self.expect(Punct::Eq, &format!("after `let {}`", name.name))?;
        let value = if self.at(Punct::LParen) && self.function_ahead(0) {
            LetValue::Function(self.function_def()?)
        } else if self.at_word("view")
            && self.peek_at(1).is(Punct::LParen)
            && self.function_ahead(1)
        {
            // `view` only matters to `union *`, which kqlhunt does not expand to functions.
            self.bump();
            LetValue::Function(self.function_def()?)
        } else {
            LetValue::Expr(self.pipe_expr_recovering()?)
        };
        Ok(LetStmt {
            name,
            value,
            span: kw.to(self.prev_span()),
        })
    }

    /// True when the `(` `offset` tokens ahead closes into a `{`: a function definition
    /// rather than a parenthesised expression.
    fn function_ahead(&self, offset: usize) -> bool {
        let mut depth = 0usize;
        let mut i = offset;
        loop {
            let t = self.peek_at(i);
            match t.kind {
                Tok::Eof => return false,
                Tok::Punct(Punct::LParen | Punct::LBracket | Punct::LBrace) => depth += 1,
                Tok::Punct(Punct::RParen | Punct::RBracket | Punct::RBrace) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return self.peek_at(i + 1).is(Punct::LBrace);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }

    /// `(params) { [let ...;]* result [;] }`.
    fn function_def(&mut self) -> PResult<FunctionDef> {
        self.nested(|p| {
            let open = p.bump().span;
            let mut params = Vec::new();
            while !p.at(Punct::RParen) {
                params.push(p.param(true)?);
                if p.eat(Punct::Comma).is_none() {
                    break;
                }
            }
            p.close(Punct::RParen, open)?;
            let brace = p.expect(Punct::LBrace, "to open the function body")?;
            let mut body = Vec::new();
            let mut result = None;
            loop {
                while p.eat(Punct::Semi).is_some() {}
                if p.at(Punct::RBrace) || p.at_eof() {
                    break;
                }
                if result.is_some() {
                    let t = p.peek().clone();
                    let d = p.error(
                        K::MissingSemicolon,
                        format!(
                            "expected `}}` after the function's result, found {}",
                            t.describe()
                        ),
                        t.span,
                    );
                    d.span_label = Some("the function body should end here".into());
                    return Err(Fail);
                }
                let next = p.peek_at(1).clone();
                if p.at_word("let") && (next.kind == Tok::Ident || next.is(Punct::LBracket)) {
                    body.push(p.let_stmt()?);
                    if p.eat(Punct::Semi).is_none() && !p.at(Punct::RBrace) {
                        let t = p.peek().clone();
                        let d = p.error(
                            K::MissingSemicolon,
                            format!("expected `;` after the statement, found {}", t.describe()),
                            t.span,
                        );
                        d.span_label = Some("expected `;` before this".into());
                        return Err(Fail);
                    }
                } else {
                    result = Some(p.pipe_expr()?);
                }
            }
            let close = p.close(Punct::RBrace, brace)?;
            let Some(result) = result else {
                let d = p.error(
                    K::ExpectedExpression,
                    "the function body has no result expression",
                    brace.to(close),
                );
                d.helps
                    .push("end the body with the expression the function returns".into());
                return Err(Fail);
            };
            Ok(FunctionDef {
                params,
                body,
                result: Box::new(result),
                span: open.to(close),
            })
        })
    }

    /// `name:type [= default]`, or (when `tabular`) `T:(*)` / `T:(col:type, ...)`.
    pub fn param(&mut self, tabular: bool) -> PResult<Param> {
        let name = self.name("a parameter name")?;
        self.expect(
            Punct::Colon,
            &format!("and a type after the parameter `{}`", name.name),
        )?;
        let ty = if tabular && self.at(Punct::LParen) {
            let open = self.bump().span;
            if self.eat(Punct::Star).is_some() {
                self.close(Punct::RParen, open)?;
                ParamType::Tabular(None)
            } else {
                let mut cols = Vec::new();
                while !self.at(Punct::RParen) {
                    cols.push(self.column_decl()?);
                    if self.eat(Punct::Comma).is_none() {
                        break;
                    }
                }
                self.close(Punct::RParen, open)?;
                ParamType::Tabular(Some(cols))
            }
        } else {
            ParamType::Scalar(self.scalar_type()?.0)
        };
        let default = if self.eat(Punct::Eq).is_some() {
            Some(self.expr()?)
        } else {
            None
        };
        let span = name.span.to(self.prev_span());
        Ok(Param {
            name,
            ty,
            default,
            span,
        })
    }

    /// `set name [= value]`.
    fn set_stmt(&mut self) -> PResult<SetStmt> {
        let kw = self.bump().span;
        let first = self.bump();
        let mut text = first.text.to_string();
        let mut span = first.span;
        while self.at(Punct::Dot) && self.peek_at(1).kind == Tok::Ident {
            self.bump();
            let part = self.bump();
            text.push('.');
            text.push_str(part.text);
            span = span.to(part.span);
        }
        let name = Ident::new(text, span);
        let value = if self.eat(Punct::Eq).is_some() {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(SetStmt {
            name,
            value,
            span: kw.to(self.prev_span()),
        })
    }

    /// `declare query_parameters(name:type [= default], ...)`.
    fn declare_stmt(&mut self) -> PResult<DeclareStmt> {
        let kw = self.bump().span;
        self.bump();
        let open = self.expect(Punct::LParen, "after `declare query_parameters`")?;
        let mut params = Vec::new();
        while !self.at(Punct::RParen) {
            params.push(self.param(false)?);
            if self.eat(Punct::Comma).is_none() {
                break;
            }
        }
        let close = self.close(Punct::RParen, open)?;
        Ok(DeclareStmt {
            params,
            span: kw.to(close),
        })
    }
}
