//! Lexer and recursive-descent parser for DynamoDB's PartiQL subset.
//!
//! WHERE clauses become the same [`Condition`] trees as ConditionExpression, and SET /
//! REMOVE the same [`Update`], so evaluation is shared with the expression languages.

use dynamodb_api::types::AttributeValue;
use ferrostack_runtime as rt;

use super::*;
use crate::expr::{CmpOp, Operand, Path, PathElem, SetOperand, SetValue, UpdateAction};
use crate::number::Number;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    /// `"quoted identifier"`
    Quoted(String),
    Str(String),
    Num(String),
    Punct(&'static str),
    Param,
    Eof,
}

fn malformed(detail: impl std::fmt::Display) -> ExprError {
    ExprError::new(format!("Statement wasn't well formed, can't be processed: {detail}"))
}

fn lex(src: &str) -> Result<Vec<Tok>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        // Comments: `--` to end of line.
        if c == '-' && chars.get(i + 1) == Some(&'-') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '\'' || c == '"' {
            let mut s = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err(malformed("Unterminated literal")),
                    Some(&q) if q == c => {
                        if chars.get(i + 1) == Some(&c) {
                            s.push(c);
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(&x) => {
                        s.push(x);
                        i += 1;
                    }
                }
            }
            out.push(if c == '\'' { Tok::Str(s) } else { Tok::Quoted(s) });
            continue;
        }
        if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            if i < chars.len() && (chars[i] == 'e' || chars[i] == 'E') {
                i += 1;
                if i < chars.len() && (chars[i] == '+' || chars[i] == '-') {
                    i += 1;
                }
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
            }
            out.push(Tok::Num(chars[start..i].iter().collect()));
            continue;
        }
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(chars[start..i].iter().collect()));
            continue;
        }
        let next = chars.get(i + 1).copied();
        let (p, len) = match (c, next) {
            ('<', Some('<')) => ("<<", 2),
            ('>', Some('>')) => (">>", 2),
            ('<', Some('>')) => ("<>", 2),
            ('!', Some('=')) => ("<>", 2),
            ('<', Some('=')) => ("<=", 2),
            ('>', Some('=')) => (">=", 2),
            ('<', _) => ("<", 1),
            ('>', _) => (">", 1),
            ('=', _) => ("=", 1),
            ('(', _) => ("(", 1),
            (')', _) => (")", 1),
            ('[', _) => ("[", 1),
            (']', _) => ("]", 1),
            ('{', _) => ("{", 1),
            ('}', _) => ("}", 1),
            (',', _) => (",", 1),
            ('.', _) => (".", 1),
            (':', _) => (":", 1),
            ('*', _) => ("*", 1),
            ('+', _) => ("+", 1),
            ('-', _) => ("-", 1),
            (';', _) => (";", 1),
            ('?', _) => {
                out.push(Tok::Param);
                i += 1;
                continue;
            }
            (c, _) => return Err(malformed(format!("Unexpected character: {c}"))),
        };
        out.push(Tok::Punct(p));
        i += len;
    }
    // A trailing semicolon is accepted.
    if out.last() == Some(&Tok::Punct(";")) {
        out.pop();
    }
    out.push(Tok::Eof);
    Ok(out)
}

pub(crate) struct Parser<'p> {
    toks: Vec<Tok>,
    pos: usize,
    params: &'p [AttributeValue],
    next_param: usize,
    /// Current nesting of NOT, parentheses and literal values; bounded so hostile input
    /// cannot exhaust the stack.
    depth: usize,
}

/// Deepest nesting accepted: far beyond real statements (documents nest at most 32
/// levels), far below what exhausts a 2 MB thread stack in a debug build.
const MAX_NESTING: usize = 64;

impl<'p> Parser<'p> {
    pub(crate) fn new(src: &str, params: &'p [AttributeValue]) -> Result<Self, ExprError> {
        Ok(Parser { toks: lex(src)?, pos: 0, params, next_param: 0, depth: 0 })
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos]
    }

    /// The token after the next one (Eof past the end).
    fn peek2(&self) -> Tok {
        self.toks.get(self.pos + 1).cloned().unwrap_or(Tok::Eof)
    }

    fn advance(&mut self) -> Tok {
        let t = self.toks[self.pos].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn unexpected(&self) -> ExprError {
        match self.peek() {
            Tok::Eof => malformed("Unexpected end of statement"),
            Tok::Word(w) => malformed(format!("Unexpected keyword or identifier: {w}")),
            Tok::Quoted(w) => malformed(format!("Unexpected identifier: \"{w}\"")),
            Tok::Str(s) => malformed(format!("Unexpected literal: '{s}'")),
            Tok::Num(n) => malformed(format!("Unexpected literal: {n}")),
            Tok::Punct(p) => malformed(format!("Unexpected token: {p}")),
            Tok::Param => malformed("Unexpected parameter: ?"),
        }
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> Result<(), ExprError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        if self.is_punct(p) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_punct(&mut self, p: &str) -> Result<(), ExprError> {
        if self.eat_punct(p) {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn param(&mut self) -> Result<AttributeValue, ExprError> {
        let v = self.params.get(self.next_param).cloned();
        self.next_param += 1;
        v.ok_or_else(params_mismatch)
    }

    pub(crate) fn statement(mut self) -> Result<Statement, ExprError> {
        let stmt = if self.eat_kw("SELECT") {
            self.select()?
        } else if self.is_kw("EXISTS") || (self.is_kw("NOT") && self.peek2() == Tok::Word("EXISTS".into())) {
            self.exists()?
        } else if self.eat_kw("INSERT") {
            self.insert()?
        } else if self.eat_kw("UPDATE") {
            self.update()?
        } else if self.eat_kw("DELETE") {
            self.delete()?
        } else {
            return Err(self.unexpected());
        };
        if *self.peek() != Tok::Eof {
            return Err(self.unexpected());
        }
        if self.next_param != self.params.len() {
            return Err(params_mismatch());
        }
        Ok(stmt)
    }

    fn identifier(&mut self) -> Result<String, ExprError> {
        match self.peek().clone() {
            Tok::Word(w) | Tok::Quoted(w) => {
                self.advance();
                Ok(w)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn table(&mut self) -> Result<(String, Option<String>), ExprError> {
        let mut parts = vec![self.identifier()?];
        while self.eat_punct(".") {
            parts.push(self.identifier()?);
        }
        if parts.len() > 2 {
            return Err(ExprError::new("A path may contain at most 2 components in the FROM clause"));
        }
        if parts.iter().any(String::is_empty) {
            return Err(ExprError::new("Path component cannot be an empty string"));
        }
        let index = if parts.len() == 2 { parts.pop() } else { None };
        Ok((parts.pop().unwrap_or_default(), index))
    }

    fn select(&mut self) -> Result<Statement, ExprError> {
        let projection = if self.eat_punct("*") {
            None
        } else {
            let mut paths = vec![self.path()?];
            while self.eat_punct(",") {
                paths.push(self.path()?);
            }
            Some(Projection { paths })
        };
        self.expect_kw("FROM")?;
        let (table, index) = self.table()?;
        let filter = if self.eat_kw("WHERE") { Some(self.or()?) } else { None };
        let mut descending = false;
        if self.eat_kw("ORDER") {
            self.expect_kw("BY")?;
            self.path()?;
            if self.eat_kw("DESC") {
                descending = true;
            } else {
                self.eat_kw("ASC");
            }
        }
        Ok(Statement::Select(Select { table, index, projection, filter, descending }))
    }

    /// `[NOT] EXISTS(SELECT * FROM "t" WHERE <key> [AND ...])`: a condition check inside
    /// ExecuteTransaction.
    fn exists(&mut self) -> Result<Statement, ExprError> {
        let negated = self.eat_kw("NOT");
        self.expect_kw("EXISTS")?;
        self.expect_punct("(")?;
        self.expect_kw("SELECT")?;
        let Statement::Select(select) = self.select()? else {
            return Err(self.unexpected());
        };
        self.expect_punct(")")?;
        if select.filter.is_none() {
            return Err(ExprError::new("Where clause does not contain a mandatory equality on all key attributes"));
        }
        Ok(Statement::Exists(Exists { select, negated }))
    }

    fn insert(&mut self) -> Result<Statement, ExprError> {
        self.expect_kw("INTO")?;
        let table = self.identifier()?;
        self.expect_kw("VALUE")?;
        let item = match self.value()? {
            AttributeValue::M(m) => m,
            _ => return Err(malformed("INSERT VALUE must be a tuple: {'attribute': value, ...}")),
        };
        Ok(Statement::Insert(Insert { table, item }))
    }

    fn update(&mut self) -> Result<Statement, ExprError> {
        let table = self.identifier()?;
        let mut actions = Vec::new();
        loop {
            if self.eat_kw("SET") {
                loop {
                    actions.push(self.assignment()?);
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            } else if self.eat_kw("REMOVE") {
                loop {
                    actions.push(UpdateAction::Remove(self.path()?));
                    if !self.eat_punct(",") {
                        break;
                    }
                }
            } else {
                break;
            }
        }
        if actions.is_empty() {
            return Err(self.unexpected());
        }
        self.expect_kw("WHERE")?;
        let filter = self.or()?;
        let returning = self.returning()?;
        Ok(Statement::Update(UpdateStatement { table, update: Update { actions, legacy: false }, filter, returning }))
    }

    fn delete(&mut self) -> Result<Statement, ExprError> {
        self.expect_kw("FROM")?;
        let table = self.identifier()?;
        self.expect_kw("WHERE")?;
        let filter = self.or()?;
        let returning = self.returning()?;
        if let Some(r) = returning.filter(|r| *r != Returning::AllOld) {
            return Err(ExprError::new(format!(
                "Invalid returning clause: RETURNING {}. Only RETURNING ALL OLD * is allowed in DELETE statements.",
                r.clause()
            )));
        }
        Ok(Statement::Delete(Delete { table, filter, returning }))
    }

    fn returning(&mut self) -> Result<Option<Returning>, ExprError> {
        if !self.eat_kw("RETURNING") {
            return Ok(None);
        }
        let all = if self.eat_kw("ALL") {
            true
        } else if self.eat_kw("MODIFIED") {
            false
        } else {
            return Err(self.unexpected());
        };
        let old = if self.eat_kw("OLD") {
            true
        } else if self.eat_kw("NEW") {
            false
        } else {
            return Err(self.unexpected());
        };
        self.expect_punct("*")?;
        Ok(Some(match (all, old) {
            (true, true) => Returning::AllOld,
            (true, false) => Returning::AllNew,
            (false, true) => Returning::ModifiedOld,
            (false, false) => Returning::ModifiedNew,
        }))
    }

    fn assignment(&mut self) -> Result<UpdateAction, ExprError> {
        let path = self.path()?;
        self.expect_punct("=")?;
        // set_add(path, <<...>>) / set_delete(path, <<...>>) are ADD / DELETE on the path.
        if let (Tok::Word(w), Tok::Punct("(")) = (self.peek().clone(), self.peek2()) {
            let name = w.to_ascii_lowercase();
            if name == "set_add" || name == "set_delete" {
                self.advance();
                self.advance();
                self.path()?;
                self.expect_punct(",")?;
                let v = self.value()?;
                self.expect_punct(")")?;
                if !matches!(v, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)) {
                    return Err(malformed(format!("{name} needs a set as its second argument")));
                }
                return Ok(if name == "set_add" { UpdateAction::Add(path, v) } else { UpdateAction::Delete(path, v) });
            }
        }
        let left = self.set_operand()?;
        let value = if self.eat_punct("+") {
            SetValue::Plus(left, self.set_operand()?)
        } else if self.eat_punct("-") {
            SetValue::Minus(left, self.set_operand()?)
        } else {
            SetValue::Operand(left)
        };
        Ok(UpdateAction::Set(path, value))
    }

    fn set_operand(&mut self) -> Result<SetOperand, ExprError> {
        if self.depth >= MAX_NESTING {
            return Err(malformed("Nesting too deep"));
        }
        self.depth += 1;
        let o = self.set_operand_inner();
        self.depth -= 1;
        o
    }

    fn set_operand_inner(&mut self) -> Result<SetOperand, ExprError> {
        if let (Tok::Word(w), Tok::Punct("(")) = (self.peek().clone(), self.peek2()) {
            let name = w.to_ascii_lowercase();
            self.advance();
            self.advance();
            let first = self.set_operand()?;
            self.expect_punct(",")?;
            let second = self.set_operand()?;
            self.expect_punct(")")?;
            return match name.as_str() {
                "list_append" => Ok(SetOperand::ListAppend(Box::new(first), Box::new(second))),
                "if_not_exists" => match first {
                    SetOperand::Path(p) => Ok(SetOperand::IfNotExists(p, Box::new(second))),
                    _ => Err(malformed("if_not_exists needs a path as its first argument")),
                },
                _ => Err(malformed(format!("Unsupported function: {w}"))),
            };
        }
        if matches!(self.peek(), Tok::Word(w) if !is_literal_word(w)) || matches!(self.peek(), Tok::Quoted(_)) {
            return Ok(SetOperand::Path(self.path()?));
        }
        Ok(SetOperand::Value(self.value()?))
    }

    fn path(&mut self) -> Result<Path, ExprError> {
        let mut elems = vec![PathElem::Name(self.identifier()?)];
        loop {
            if self.eat_punct(".") {
                elems.push(PathElem::Name(self.identifier()?));
            } else if self.eat_punct("[") {
                match self.advance() {
                    Tok::Num(n) => {
                        let i = n.parse::<usize>().map_err(|_| malformed(format!("Invalid list index: {n}")))?;
                        elems.push(PathElem::Index(i));
                    }
                    Tok::Str(s) => elems.push(PathElem::Name(s)),
                    _ => return Err(malformed("Expected a list index or key")),
                }
                self.expect_punct("]")?;
            } else {
                break;
            }
        }
        Ok(Path(elems))
    }

    /// A literal value (or `?`).
    fn value(&mut self) -> Result<AttributeValue, ExprError> {
        if self.depth >= MAX_NESTING {
            return Err(malformed("Nesting too deep"));
        }
        self.depth += 1;
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    /// The comma-separated values of a list or bag literal, up to and including `close`.
    fn values_until(&mut self, close: &str) -> Result<Vec<AttributeValue>, ExprError> {
        let mut values = Vec::new();
        if !self.eat_punct(close) {
            loop {
                values.push(self.value()?);
                if self.eat_punct(close) {
                    break;
                }
                self.expect_punct(",")?;
            }
        }
        Ok(values)
    }

    fn value_inner(&mut self) -> Result<AttributeValue, ExprError> {
        let start = self.pos;
        match self.advance() {
            Tok::Param => self.param(),
            Tok::Str(s) => Ok(AttributeValue::S(s)),
            Tok::Num(n) => number(&n),
            Tok::Punct("-") => match self.advance() {
                Tok::Num(n) => number(&format!("-{n}")),
                _ => Err(malformed("Expected a number after -")),
            },
            Tok::Word(w) if w.eq_ignore_ascii_case("true") => Ok(AttributeValue::Bool(true)),
            Tok::Word(w) if w.eq_ignore_ascii_case("false") => Ok(AttributeValue::Bool(false)),
            Tok::Word(w) if w.eq_ignore_ascii_case("null") => Ok(AttributeValue::Null(true)),
            Tok::Punct("{") => {
                let mut m = rt::IndexMap::new();
                if !self.eat_punct("}") {
                    loop {
                        let key = match self.advance() {
                            Tok::Str(s) | Tok::Quoted(s) => s,
                            Tok::Param => match self.param()? {
                                AttributeValue::S(s) => s,
                                _ => return Err(malformed("Tuple keys must be strings")),
                            },
                            _ => return Err(malformed("Expected a string key in the tuple")),
                        };
                        self.expect_punct(":")?;
                        let v = self.value()?;
                        m.insert(key, v);
                        if self.eat_punct("}") {
                            break;
                        }
                        self.expect_punct(",")?;
                    }
                }
                Ok(AttributeValue::M(m))
            }
            Tok::Punct("[") => Ok(AttributeValue::L(self.values_until("]")?)),
            Tok::Punct("<<") => set_of(self.values_until(">>")?),
            _ => {
                self.pos = start;
                Err(self.unexpected())
            }
        }
    }

    // ---- WHERE ----

    fn or(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.and()?;
        while self.eat_kw("OR") {
            left = Condition::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.not()?;
        while self.eat_kw("AND") {
            left = Condition::And(Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, ExprError> {
        if self.depth >= MAX_NESTING {
            return Err(malformed("Nesting too deep"));
        }
        self.depth += 1;
        let c = if self.eat_kw("NOT") { self.not().map(|c| Condition::Not(Box::new(c))) } else { self.primary() };
        self.depth -= 1;
        c
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        if let (Tok::Word(w), Tok::Punct("(")) = (self.peek().clone(), self.peek2()) {
            if w.eq_ignore_ascii_case("size") {
                self.advance();
                self.advance();
                let p = self.path()?;
                self.expect_punct(")")?;
                return Ok(Operand::Size(p));
            }
            return Err(malformed(format!("Unsupported function in this position: {w}")));
        }
        if matches!(self.peek(), Tok::Word(w) if !is_literal_word(w)) || matches!(self.peek(), Tok::Quoted(_)) {
            return Ok(Operand::Path(self.path()?));
        }
        Ok(Operand::Value(self.value()?))
    }

    fn primary(&mut self) -> Result<Condition, ExprError> {
        if self.eat_punct("(") {
            let c = self.or()?;
            self.expect_punct(")")?;
            return Ok(c);
        }
        if let (Tok::Word(w), Tok::Punct("(")) = (self.peek().clone(), self.peek2()) {
            let name = w.to_ascii_lowercase();
            if name != "size" {
                self.advance();
                self.advance();
                let mut args = vec![self.operand()?];
                while self.eat_punct(",") {
                    args.push(self.operand()?);
                }
                self.expect_punct(")")?;
                let path = |o: &Operand| match o {
                    Operand::Path(p) => Ok(p.clone()),
                    _ => Err(malformed(format!("{name} needs a path as its first argument"))),
                };
                let want = |n: usize| {
                    if args.len() == n {
                        Ok(())
                    } else {
                        Err(malformed(format!("Wrong number of arguments to {name}")))
                    }
                };
                return match name.as_str() {
                    "begins_with" => {
                        want(2)?;
                        Ok(Condition::BeginsWith(args[0].clone(), args[1].clone()))
                    }
                    "contains" => {
                        want(2)?;
                        Ok(Condition::Contains(args[0].clone(), args[1].clone()))
                    }
                    "attribute_type" => {
                        want(2)?;
                        Ok(Condition::AttributeType(path(&args[0])?, args[1].clone()))
                    }
                    "exists" | "attribute_exists" => {
                        want(1)?;
                        Ok(Condition::Exists(path(&args[0])?))
                    }
                    "attribute_not_exists" => {
                        want(1)?;
                        Ok(Condition::NotExists(path(&args[0])?))
                    }
                    _ => Err(malformed(format!("Unsupported function: {w}"))),
                };
            }
        }
        let left = self.operand()?;
        if self.eat_kw("IS") {
            let negated = self.eat_kw("NOT");
            let Operand::Path(p) = left else {
                return Err(malformed("IS needs an attribute on its left"));
            };
            let c = if self.eat_kw("MISSING") {
                Condition::NotExists(p)
            } else if self.eat_kw("NULL") {
                Condition::Or(
                    Box::new(Condition::NotExists(p.clone())),
                    Box::new(Condition::AttributeType(p, Operand::Value(AttributeValue::S("NULL".into())))),
                )
            } else {
                return Err(self.unexpected());
            };
            return Ok(if negated { Condition::Not(Box::new(c)) } else { c });
        }
        if self.eat_kw("BETWEEN") {
            let lo = self.operand()?;
            self.expect_kw("AND")?;
            let hi = self.operand()?;
            check_ordered("BETWEEN", &[&left, &lo, &hi])?;
            return Ok(Condition::Between(left, lo, hi));
        }
        if self.eat_kw("IN") {
            let close = if self.eat_punct("[") {
                "]"
            } else if self.eat_punct("(") {
                ")"
            } else {
                return Err(self.unexpected());
            };
            let mut list = vec![self.operand()?];
            while self.eat_punct(",") {
                list.push(self.operand()?);
            }
            self.expect_punct(close)?;
            return Ok(Condition::In(left, list));
        }
        let op = match self.peek() {
            Tok::Punct("=") => CmpOp::Eq,
            Tok::Punct("<>") => CmpOp::Ne,
            Tok::Punct("<") => CmpOp::Lt,
            Tok::Punct("<=") => CmpOp::Le,
            Tok::Punct(">") => CmpOp::Gt,
            Tok::Punct(">=") => CmpOp::Ge,
            _ => return Err(self.unexpected()),
        };
        self.advance();
        let right = self.operand()?;
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            check_ordered(op.as_str(), &[&left, &right])?;
        }
        Ok(Condition::Compare(left, op, right))
    }
}

/// Ordering comparisons take N, S or B; any other literal is refused before the table is
/// even looked up.
fn check_ordered(op: &str, operands: &[&Operand]) -> Result<(), ExprError> {
    for o in operands {
        if let Operand::Value(v) = o {
            if !matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_)) {
                return Err(ExprError::new(format!(
                    "Incorrect operand type for operator or function; operator or function: {op}, operand type: {}",
                    crate::expr::short_type(v)
                )));
            }
        }
    }
    Ok(())
}

fn is_literal_word(w: &str) -> bool {
    ["true", "false", "null"].iter().any(|k| w.eq_ignore_ascii_case(k))
}

pub(crate) fn params_mismatch() -> ExprError {
    ExprError::new("Number of parameters in request and statement don't match.")
}

fn number(text: &str) -> Result<AttributeValue, ExprError> {
    Number::parse(text).map(|n| AttributeValue::N(n.to_string())).map_err(ExprError::new)
}

/// `<<...>>`: a string, number or binary set; members must share one type.
fn set_of(members: Vec<AttributeValue>) -> Result<AttributeValue, ExprError> {
    let mismatch = || malformed("Set members must all be strings, all numbers or all binary");
    match members.first() {
        None => Err(malformed("Sets may not be empty")),
        Some(AttributeValue::S(_)) => members
            .into_iter()
            .map(|m| if let AttributeValue::S(s) = m { Ok(s) } else { Err(mismatch()) })
            .collect::<Result<_, _>>()
            .map(AttributeValue::Ss),
        Some(AttributeValue::N(_)) => members
            .into_iter()
            .map(|m| if let AttributeValue::N(s) = m { Ok(s) } else { Err(mismatch()) })
            .collect::<Result<_, _>>()
            .map(AttributeValue::Ns),
        Some(AttributeValue::B(_)) => members
            .into_iter()
            .map(|m| if let AttributeValue::B(s) = m { Ok(s) } else { Err(mismatch()) })
            .collect::<Result<_, _>>()
            .map(AttributeValue::Bs),
        _ => Err(mismatch()),
    }
}
