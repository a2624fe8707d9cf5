//! Recursive-descent parsers for the condition, update and projection languages.
//!
//! Precedence, loosest first: OR, AND, NOT, then comparisons / BETWEEN / IN / functions.
//! Placeholders are resolved on the way, so every error about them (undefined name or
//! value) names the expression kind, as AWS's messages do.

use std::collections::HashSet;

use dynamodb_api::types::AttributeValue;

use super::lexer::{lex, Tok, Token};
use super::reserved::is_reserved;
use super::*;

/// AWS's cap on document-path depth.
const MAX_DEPTH: usize = 32;
/// Deepest nesting of NOT and parentheses accepted: far beyond real expressions, far
/// below what exhausts a 2 MB thread stack in a debug build.
const MAX_NESTING: usize = 64;
/// AWS's cap on the length of one expression.
const MAX_EXPRESSION_BYTES: usize = 4096;
/// AWS's cap on the operands of IN.
const MAX_IN: usize = 100;

/// DynamoDB's short type names, used in "operand type" details of condition errors.
pub fn short_type(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "S",
        AttributeValue::N(_) => "N",
        AttributeValue::B(_) => "B",
        AttributeValue::Ss(_) => "SS",
        AttributeValue::Ns(_) => "NS",
        AttributeValue::Bs(_) => "BS",
        AttributeValue::M(_) => "M",
        AttributeValue::L(_) => "L",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::Bool(_) => "BOOL",
        AttributeValue::Unknown => "UNKNOWN",
    }
}

/// The long names UpdateExpression's ADD / DELETE errors use.
pub(crate) fn long_type(v: &AttributeValue) -> &'static str {
    match v {
        AttributeValue::S(_) => "STRING",
        AttributeValue::N(_) => "NUMBER",
        AttributeValue::B(_) => "BINARY",
        AttributeValue::Ss(_) => "STRING SET",
        AttributeValue::Ns(_) => "NUMBER SET",
        AttributeValue::Bs(_) => "BINARY SET",
        AttributeValue::M(_) => "MAP",
        AttributeValue::L(_) => "LIST",
        AttributeValue::Null(_) => "NULL",
        AttributeValue::Bool(_) => "BOOLEAN",
        AttributeValue::Unknown => "UNKNOWN",
    }
}

pub(crate) const TYPE_NAMES: &[&str] = &["S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M"];

fn operand_type_error(kind: ExprKind, function: &str, v: &AttributeValue) -> ExprError {
    kind.invalid(format!(
        "Incorrect operand type for operator or function; operator or function: {function}, operand type: {}",
        short_type(v)
    ))
}

fn requires_path(kind: ExprKind, function: &str) -> ExprError {
    kind.invalid(format!("Operator or function requires a document path; operator or function: {function}"))
}

fn operand_count_error(kind: ExprKind, function: &str, n: usize) -> ExprError {
    kind.invalid(format!(
        "Incorrect number of operands for operator or function; operator or function: {function}, number of operands: {n}"
    ))
}

/// One argument of a function call, before the function decides what it accepts.
enum Arg {
    Path(Path),
    Value(AttributeValue),
    Size(Path),
    /// An update-only function nested as an argument (`list_append(if_not_exists(..), :v)`).
    Set(SetOperand),
}

pub(crate) struct Parser<'s, 'c, 'a> {
    src: &'s str,
    toks: Vec<Token>,
    pos: usize,
    cx: &'c mut ExprContext<'a>,
    kind: ExprKind,
    /// Parenthesised groups seen, by (open, close) token index, to spot `((...))`.
    groups: HashSet<(usize, usize)>,
    /// Current nesting of NOT and parentheses; bounded so hostile input cannot exhaust
    /// the stack.
    depth: usize,
}

impl<'s, 'c, 'a> Parser<'s, 'c, 'a> {
    pub(crate) fn new(src: &'s str, cx: &'c mut ExprContext<'a>, kind: ExprKind) -> Self {
        cx.begin_expression();
        Parser { src, toks: lex(src), pos: 0, cx, kind, groups: HashSet::new(), depth: 0 }
    }

    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }

    fn peek_at(&self, n: usize) -> &Tok {
        &self.toks[(self.pos + n).min(self.toks.len() - 1)].tok
    }

    fn advance(&mut self) {
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn syntax_error(&self) -> ExprError {
        let tok = &self.toks[self.pos];
        let start = if self.pos > 0 { self.toks[self.pos - 1].start } else { tok.start };
        let end = self.toks.get(self.pos + 1).map_or(tok.end, |t| t.end);
        self.kind.invalid(format!(
            "Syntax error; token: \"{}\", near: \"{}\"",
            tok.text(self.src),
            &self.src[start.min(end)..end]
        ))
    }

    fn expect_punct(&mut self, p: &str) -> Result<(), ExprError> {
        if self.is_punct(p) {
            self.advance();
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    fn expect_eof(&self) -> Result<(), ExprError> {
        if *self.peek() == Tok::Eof {
            Ok(())
        } else {
            Err(self.syntax_error())
        }
    }

    fn check_not_empty(&self) -> Result<(), ExprError> {
        if self.toks.len() == 1 {
            return Err(self.kind.invalid("The expression can not be empty;"));
        }
        if self.src.len() > MAX_EXPRESSION_BYTES {
            return Err(self.kind.invalid(format!(
                "Expression size has exceeded the maximum allowed size; expression size: {}",
                self.src.len()
            )));
        }
        Ok(())
    }

    // ---- paths ----

    fn path_name(&mut self) -> Result<String, ExprError> {
        match self.peek().clone() {
            Tok::Ident(w) => {
                if is_reserved(&w) {
                    return Err(self
                        .kind
                        .invalid(format!("Attribute name is a reserved keyword; reserved keyword: {w}")));
                }
                self.advance();
                Ok(w)
            }
            Tok::Name(n) => {
                let name = self.cx.name(&n, self.kind)?;
                self.advance();
                Ok(name)
            }
            _ => Err(self.syntax_error()),
        }
    }

    pub(crate) fn path(&mut self) -> Result<Path, ExprError> {
        let mut elems = vec![PathElem::Name(self.path_name()?)];
        loop {
            if self.is_punct(".") {
                self.advance();
                elems.push(PathElem::Name(self.path_name()?));
            } else if self.is_punct("[") {
                self.advance();
                let Tok::Number(n) = self.peek().clone() else {
                    return Err(self.syntax_error());
                };
                let Ok(i) = n.parse::<usize>() else {
                    return Err(self.syntax_error());
                };
                self.advance();
                self.expect_punct("]")?;
                elems.push(PathElem::Index(i));
            } else {
                break;
            }
        }
        if elems.len() > MAX_DEPTH {
            return Err(self
                .kind
                .invalid(format!("The document path has too many nesting levels; nesting levels: {}", elems.len())));
        }
        Ok(Path(elems))
    }

    fn at_function(&self) -> bool {
        matches!(self.peek(), Tok::Ident(_)) && matches!(self.peek_at(1), Tok::Punct("("))
    }

    /// `name(arg, ...)`; returns the name and raw arguments.
    fn call(&mut self) -> Result<(String, Vec<Arg>), ExprError> {
        if self.depth >= MAX_NESTING {
            return Err(self.syntax_error());
        }
        self.depth += 1;
        let r = self.call_inner();
        self.depth -= 1;
        r
    }

    fn call_inner(&mut self) -> Result<(String, Vec<Arg>), ExprError> {
        let Tok::Ident(name) = self.peek().clone() else {
            return Err(self.syntax_error());
        };
        self.advance();
        self.expect_punct("(")?;
        let mut args = Vec::new();
        if !self.is_punct(")") {
            loop {
                args.push(self.arg()?);
                if self.is_punct(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        self.expect_punct(")")?;
        Ok((name, args))
    }

    fn arg(&mut self) -> Result<Arg, ExprError> {
        match self.peek().clone() {
            Tok::Value(v) => {
                let value = self.cx.value(&v, self.kind)?;
                self.advance();
                Ok(Arg::Value(value))
            }
            Tok::Ident(_) if self.at_function() => {
                let (name, args) = self.call()?;
                match name.as_str() {
                    "size" => Ok(match self.size_arg(args)? {
                        Operand::Size(p) => Arg::Size(p),
                        Operand::Value(v) => Arg::Value(v),
                        Operand::Path(p) => Arg::Path(p),
                    }),
                    "if_not_exists" | "list_append" if self.kind == ExprKind::Update => {
                        Ok(Arg::Set(self.update_function(&name, args)?))
                    }
                    _ => Err(self.function_misuse(&name)),
                }
            }
            Tok::Ident(_) | Tok::Name(_) => Ok(Arg::Path(self.path()?)),
            _ => Err(self.syntax_error()),
        }
    }

    fn function_misuse(&self, name: &str) -> ExprError {
        if is_known_function(name) {
            self.kind
                .invalid(format!("The function is not allowed to be used this way in an expression; function: {name}"))
        } else {
            self.kind.invalid(format!("Invalid function name; function: {name}"))
        }
    }

    /// `size(x)`: of a path, computed per item; of a literal value (which DynamoDB also
    /// accepts), computed now. A value without a size (N, BOOL, NULL, or another size())
    /// is an error in the expression itself.
    fn size_arg(&self, args: Vec<Arg>) -> Result<Operand, ExprError> {
        if args.len() != 1 {
            return Err(operand_count_error(self.kind, "size", args.len()));
        }
        match args.into_iter().next() {
            Some(Arg::Path(p)) => Ok(Operand::Size(p)),
            Some(Arg::Value(v)) => match eval::size(&v) {
                Some(n) => Ok(Operand::Value(AttributeValue::N(n.to_string()))),
                None => Err(operand_type_error(self.kind, "size", &v)),
            },
            Some(Arg::Size(_)) => Err(operand_type_error(self.kind, "size", &AttributeValue::N("0".into()))),
            _ => Err(self
                .kind
                .invalid("The function is not allowed to be used this way in an expression; function: size")),
        }
    }

    // ---- conditions ----

    pub(crate) fn condition(&mut self) -> Result<Condition, ExprError> {
        self.check_not_empty()?;
        let c = self.or()?;
        self.expect_eof()?;
        Ok(c)
    }

    fn or(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.and()?;
        while self.is_kw("OR") {
            self.advance();
            let right = self.and()?;
            left = Condition::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Condition, ExprError> {
        let mut left = self.not()?;
        while self.is_kw("AND") {
            self.advance();
            let right = self.not()?;
            left = Condition::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Condition, ExprError> {
        if self.depth >= MAX_NESTING {
            return Err(self.syntax_error());
        }
        self.depth += 1;
        let c = if self.is_kw("NOT") {
            self.advance();
            self.not().map(|c| Condition::Not(Box::new(c)))
        } else {
            self.primary()
        };
        self.depth -= 1;
        c
    }

    /// Whether the `(` here wraps an operand (`(size(a)) < :v`, which DynamoDB accepts)
    /// rather than a condition: the token after its matching `)` is a comparator,
    /// BETWEEN or IN.
    fn paren_is_operand(&self) -> bool {
        let mut depth = 0usize;
        for (i, t) in self.toks[self.pos..].iter().enumerate() {
            match t.tok {
                Tok::Punct("(") => depth += 1,
                Tok::Punct(")") => {
                    depth -= 1;
                    if depth == 0 {
                        return match &self.toks.get(self.pos + i + 1).map(|t| &t.tok) {
                            Some(Tok::Punct(p)) => matches!(*p, "=" | "<>" | "<" | "<=" | ">" | ">="),
                            Some(Tok::Ident(w)) => w.eq_ignore_ascii_case("BETWEEN") || w.eq_ignore_ascii_case("IN"),
                            _ => false,
                        };
                    }
                }
                Tok::Eof => return false,
                _ => {}
            }
        }
        false
    }

    fn primary(&mut self) -> Result<Condition, ExprError> {
        if self.is_punct("(") && !self.paren_is_operand() {
            let open = self.pos;
            self.advance();
            let inner = self.or()?;
            if !self.is_punct(")") {
                return Err(self.syntax_error());
            }
            let close = self.pos;
            self.advance();
            // AWS refuses `((...))` in conditions and filters, but accepts it in key conditions.
            if self.kind != ExprKind::KeyCondition && self.groups.contains(&(open + 1, close - 1)) {
                return Err(self.kind.invalid("The expression has redundant parentheses;"));
            }
            self.groups.insert((open, close));
            return Ok(inner);
        }
        let left = if self.at_function() {
            let (name, args) = self.call()?;
            match name.as_str() {
                "size" => self.size_arg(args)?,
                _ => return self.condition_function(&name, args),
            }
        } else {
            self.operand()?
        };
        self.comparison(left)
    }

    fn operand(&mut self) -> Result<Operand, ExprError> {
        if self.is_punct("(") {
            if self.depth >= MAX_NESTING {
                return Err(self.syntax_error());
            }
            self.depth += 1;
            self.advance();
            let o = self.operand();
            self.depth -= 1;
            let o = o?;
            self.expect_punct(")")?;
            return Ok(o);
        }
        match self.arg()? {
            Arg::Path(p) => Ok(Operand::Path(p)),
            Arg::Value(v) => Ok(Operand::Value(v)),
            Arg::Size(p) => Ok(Operand::Size(p)),
            Arg::Set(_) => Err(self.syntax_error()),
        }
    }

    fn comparison(&mut self, left: Operand) -> Result<Condition, ExprError> {
        let op = match self.peek() {
            Tok::Punct("=") => Some(CmpOp::Eq),
            Tok::Punct("<>") => Some(CmpOp::Ne),
            Tok::Punct("<") => Some(CmpOp::Lt),
            Tok::Punct("<=") => Some(CmpOp::Le),
            Tok::Punct(">") => Some(CmpOp::Gt),
            Tok::Punct(">=") => Some(CmpOp::Ge),
            _ => None,
        };
        if let Some(op) = op {
            self.advance();
            let right = self.operand()?;
            self.check_distinct(op.as_str(), &left, std::slice::from_ref(&right))?;
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                for o in [&left, &right] {
                    if let Operand::Value(v) = o {
                        if !is_scalar_key_type(v) {
                            return Err(operand_type_error(self.kind, op.as_str(), v));
                        }
                    }
                }
            }
            return Ok(Condition::Compare(left, op, right));
        }
        if self.is_kw("BETWEEN") {
            self.advance();
            let lo = self.operand()?;
            if !self.is_kw("AND") {
                return Err(self.syntax_error());
            }
            self.advance();
            let hi = self.operand()?;
            self.check_distinct("BETWEEN", &left, &[lo.clone(), hi.clone()])?;
            self.check_between(&lo, &hi)?;
            return Ok(Condition::Between(left, lo, hi));
        }
        if self.is_kw("IN") {
            self.advance();
            self.expect_punct("(")?;
            let mut list = vec![self.operand()?];
            while self.is_punct(",") {
                self.advance();
                list.push(self.operand()?);
            }
            self.expect_punct(")")?;
            if list.len() > MAX_IN {
                return Err(self.kind.invalid(format!(
                    "The IN operator is provided with too many operands; number of operands: {}",
                    list.len()
                )));
            }
            self.check_distinct("IN", &left, &list)?;
            return Ok(Condition::In(left, list));
        }
        Err(self.syntax_error())
    }

    /// `a = a` and the like are rejected by AWS.
    fn check_distinct(&self, op: &str, first: &Operand, rest: &[Operand]) -> Result<(), ExprError> {
        if let Operand::Path(p) = first {
            if rest.iter().any(|o| matches!(o, Operand::Path(q) if q == p)) {
                return Err(self.kind.invalid(format!(
                    "The first operand must be distinct from the remaining operands for this operator or function; operator: {op}, first operand: {p}"
                )));
            }
        }
        Ok(())
    }

    fn check_between(&self, lo: &Operand, hi: &Operand) -> Result<(), ExprError> {
        for o in [lo, hi] {
            if let Operand::Value(v) = o {
                if !is_scalar_key_type(v) {
                    return Err(operand_type_error(self.kind, "BETWEEN", v));
                }
            }
        }
        if let (Operand::Value(l), Operand::Value(h)) = (lo, hi) {
            if short_type(l) != short_type(h) {
                return Err(self.kind.invalid(format!(
                    "The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {{{}}}, upper bound operand: AttributeValue: {{{}}}",
                    render(l),
                    render(h)
                )));
            }
            if eval::compare_scalars(l, h) == Some(std::cmp::Ordering::Greater) {
                return Err(self.kind.invalid(format!(
                    "The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {{{}}}, upper bound operand: AttributeValue: {{{}}}",
                    render(l),
                    render(h)
                )));
            }
        }
        Ok(())
    }

    fn condition_function(&mut self, name: &str, args: Vec<Arg>) -> Result<Condition, ExprError> {
        let kind = self.kind;
        let want = match name {
            "attribute_exists" | "attribute_not_exists" => 1,
            "attribute_type" | "begins_with" | "contains" => 2,
            _ => return Err(self.function_misuse(name)),
        };
        if args.len() != want {
            return Err(operand_count_error(kind, name, args.len()));
        }
        let mut ops = Vec::with_capacity(2);
        for a in args {
            ops.push(match a {
                Arg::Path(p) => Operand::Path(p),
                Arg::Value(v) => Operand::Value(v),
                Arg::Size(p) => Operand::Size(p),
                Arg::Set(_) => return Err(self.function_misuse(name)),
            });
        }
        let mut ops = ops.into_iter();
        let first = ops.next().unwrap_or(Operand::Value(AttributeValue::Null(true)));
        let second = ops.next();
        let path_of = |o: Operand| -> Result<Path, ExprError> {
            match o {
                Operand::Path(p) => Ok(p),
                Operand::Value(_) | Operand::Size(_) => Err(requires_path(kind, name)),
            }
        };
        match name {
            "attribute_exists" => Ok(Condition::Exists(path_of(first)?)),
            "attribute_not_exists" => Ok(Condition::NotExists(path_of(first)?)),
            "attribute_type" => {
                let path = path_of(first)?;
                let t = second.unwrap_or(Operand::Value(AttributeValue::Null(true)));
                match &t {
                    Operand::Value(AttributeValue::S(s)) if TYPE_NAMES.contains(&s.as_str()) => {}
                    Operand::Value(AttributeValue::S(s)) => {
                        return Err(kind.invalid(format!(
                            "Invalid attribute type name found; type: {s}, valid types: {{ B,NULL,SS,BOOL,L,BS,N,NS,S,M }}"
                        )));
                    }
                    Operand::Value(v) => return Err(operand_type_error(kind, name, v)),
                    _ => {}
                }
                Ok(Condition::AttributeType(path, t))
            }
            "begins_with" => {
                let second = second.unwrap_or(Operand::Value(AttributeValue::Null(true)));
                for o in [&first, &second] {
                    if let Operand::Value(v) = o {
                        if !matches!(v, AttributeValue::S(_) | AttributeValue::B(_)) {
                            return Err(operand_type_error(kind, name, v));
                        }
                    }
                }
                Ok(Condition::BeginsWith(first, second))
            }
            _ => {
                let second = second.unwrap_or(Operand::Value(AttributeValue::Null(true)));
                self.check_distinct(name, &first, std::slice::from_ref(&second))?;
                Ok(Condition::Contains(first, second))
            }
        }
    }

    // ---- update ----

    pub(crate) fn update(&mut self) -> Result<Update, ExprError> {
        self.check_not_empty()?;
        let mut actions = Vec::new();
        let mut seen: Vec<&'static str> = Vec::new();
        while *self.peek() != Tok::Eof {
            let section = match self.peek() {
                Tok::Ident(w) if w.eq_ignore_ascii_case("SET") => "SET",
                Tok::Ident(w) if w.eq_ignore_ascii_case("REMOVE") => "REMOVE",
                Tok::Ident(w) if w.eq_ignore_ascii_case("ADD") => "ADD",
                Tok::Ident(w) if w.eq_ignore_ascii_case("DELETE") => "DELETE",
                _ => return Err(self.syntax_error()),
            };
            if seen.contains(&section) {
                return Err(self
                    .kind
                    .invalid(format!("The \"{section}\" section can only be used once in an update expression;")));
            }
            seen.push(section);
            self.advance();
            loop {
                actions.push(self.update_action(section)?);
                if self.is_punct(",") {
                    self.advance();
                } else {
                    break;
                }
            }
        }
        let paths: Vec<&Path> = actions
            .iter()
            .map(|a| match a {
                UpdateAction::Set(p, _)
                | UpdateAction::Remove(p)
                | UpdateAction::Add(p, _)
                | UpdateAction::Delete(p, _) => p,
            })
            .collect();
        check_overlaps(&paths, self.kind)?;
        Ok(Update { actions, legacy: false })
    }

    fn update_action(&mut self, section: &str) -> Result<UpdateAction, ExprError> {
        let path = self.path()?;
        match section {
            "SET" => {
                self.expect_punct("=")?;
                let left = self.set_operand()?;
                let value = if self.is_punct("+") || self.is_punct("-") {
                    let plus = self.is_punct("+");
                    let op = if plus { "+" } else { "-" };
                    self.advance();
                    let right = self.set_operand()?;
                    for o in [&left, &right] {
                        if let SetOperand::Value(v) = o {
                            if !matches!(v, AttributeValue::N(_)) {
                                return Err(operand_type_error(self.kind, op, v));
                            }
                        }
                    }
                    if plus {
                        SetValue::Plus(left, right)
                    } else {
                        SetValue::Minus(left, right)
                    }
                } else {
                    SetValue::Operand(left)
                };
                Ok(UpdateAction::Set(path, value))
            }
            "REMOVE" => Ok(UpdateAction::Remove(path)),
            _ => {
                let Tok::Value(v) = self.peek().clone() else {
                    return Err(self.syntax_error());
                };
                let value = self.cx.value(&v, self.kind)?;
                self.advance();
                let ok = match section {
                    "ADD" => matches!(
                        value,
                        AttributeValue::N(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)
                    ),
                    _ => matches!(value, AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_)),
                };
                if !ok {
                    return Err(self.kind.invalid(format!(
                        "Incorrect operand type for operator or function; operator: {section}, operand type: {}",
                        long_type(&value)
                    )));
                }
                Ok(if section == "ADD" { UpdateAction::Add(path, value) } else { UpdateAction::Delete(path, value) })
            }
        }
    }

    fn set_operand(&mut self) -> Result<SetOperand, ExprError> {
        if self.at_function() {
            let (name, args) = self.call()?;
            return match name.as_str() {
                "if_not_exists" | "list_append" => self.update_function(&name, args),
                _ => Err(self.function_misuse(&name)),
            };
        }
        match self.arg()? {
            Arg::Path(p) => Ok(SetOperand::Path(p)),
            Arg::Value(v) => Ok(SetOperand::Value(v)),
            Arg::Set(s) => Ok(s),
            Arg::Size(_) => Err(self.function_misuse("size")),
        }
    }

    fn update_function(&self, name: &str, args: Vec<Arg>) -> Result<SetOperand, ExprError> {
        if args.len() != 2 {
            return Err(operand_count_error(self.kind, name, args.len()));
        }
        let mut ops = Vec::with_capacity(2);
        for a in args {
            ops.push(match a {
                Arg::Path(p) => SetOperand::Path(p),
                Arg::Value(v) => SetOperand::Value(v),
                Arg::Set(s) => s,
                Arg::Size(_) => return Err(self.function_misuse("size")),
            });
        }
        let second = ops.pop().unwrap_or(SetOperand::Value(AttributeValue::Null(true)));
        let first = ops.pop().unwrap_or(SetOperand::Value(AttributeValue::Null(true)));
        if name == "if_not_exists" {
            let SetOperand::Path(p) = first else {
                return Err(requires_path(self.kind, name));
            };
            Ok(SetOperand::IfNotExists(p, Box::new(second)))
        } else {
            // DynamoDB refuses list_append directly inside list_append.
            if [&first, &second].iter().any(|o| matches!(o, SetOperand::ListAppend(..))) {
                return Err(self.function_misuse(name));
            }
            for o in [&first, &second] {
                if let SetOperand::Value(v) = o {
                    if !matches!(v, AttributeValue::L(_)) {
                        return Err(operand_type_error(self.kind, name, v));
                    }
                }
            }
            Ok(SetOperand::ListAppend(Box::new(first), Box::new(second)))
        }
    }

    // ---- projection ----

    pub(crate) fn projection(&mut self) -> Result<Projection, ExprError> {
        self.check_not_empty()?;
        let mut paths = vec![self.path()?];
        while self.is_punct(",") {
            self.advance();
            paths.push(self.path()?);
        }
        self.expect_eof()?;
        let refs: Vec<&Path> = paths.iter().collect();
        check_overlaps(&refs, self.kind)?;
        Ok(Projection { paths })
    }
}

fn is_known_function(name: &str) -> bool {
    matches!(
        name,
        "attribute_exists"
            | "attribute_not_exists"
            | "attribute_type"
            | "begins_with"
            | "contains"
            | "size"
            | "if_not_exists"
            | "list_append"
    )
}

fn is_scalar_key_type(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_))
}

/// `N:5`, `S:abc` as AWS renders a value inside BETWEEN errors.
fn render(v: &AttributeValue) -> String {
    match v {
        AttributeValue::S(s) => format!("S:{s}"),
        AttributeValue::N(n) => format!("N:{n}"),
        other => short_type(other).to_string(),
    }
}

/// Rejects paths that overlap (one is a prefix of the other) or conflict (one indexes a
/// list where the other names a map key), as AWS does for updates and projections.
pub(crate) fn check_overlaps(paths: &[&Path], kind: ExprKind) -> Result<(), ExprError> {
    for (i, a) in paths.iter().enumerate() {
        for b in &paths[i + 1..] {
            let mut related = true;
            for (x, y) in a.0.iter().zip(b.0.iter()) {
                if x != y {
                    related = false;
                    if matches!(
                        (x, y),
                        (PathElem::Name(_), PathElem::Index(_)) | (PathElem::Index(_), PathElem::Name(_))
                    ) {
                        return Err(kind.invalid(format!(
                            "Two document paths conflict with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}"
                        )));
                    }
                    break;
                }
            }
            if related {
                return Err(kind.invalid(format!(
                    "Two document paths overlap with each other; must remove or rewrite one of these paths; path one: {a}, path two: {b}"
                )));
            }
        }
    }
    Ok(())
}

pub(crate) fn condition(expression: &str, cx: &mut ExprContext, kind: ExprKind) -> Result<Condition, ExprError> {
    Parser::new(expression, cx, kind).condition()
}

pub(crate) fn update(expression: &str, cx: &mut ExprContext) -> Result<Update, ExprError> {
    Parser::new(expression, cx, ExprKind::Update).update()
}

pub(crate) fn projection(expression: &str, cx: &mut ExprContext) -> Result<Projection, ExprError> {
    Parser::new(expression, cx, ExprKind::Projection).projection()
}
