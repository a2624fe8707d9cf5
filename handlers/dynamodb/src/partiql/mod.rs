//! PartiQL for DynamoDB: the SELECT / INSERT / UPDATE / DELETE forms that
//! ExecuteStatement, BatchExecuteStatement and ExecuteTransaction accept.
//!
//! # Contract for the data plane
//!
//! ```ignore
//! let stmt = partiql::parse(&input.statement, input.parameters.as_deref().unwrap_or(&[]))?;
//! // look up stmt.table() (ResourceNotFoundException "Requested resource not found" if absent)
//! match &stmt {
//!     Statement::Select(sel) => {
//!         // With a partition-key equality in WHERE, read that partition only:
//!         //   sel.key_condition(hash, range) -> Option<KeyCondition> (like a Query)
//!         // otherwise scan the table (or sel.index). Keep items for which
//!         // sel.matches(item) is true and hand back sel.output(item) (projection).
//!         // sel.descending: ORDER BY <sort key> DESC.
//!     }
//!     _ => {
//!         let key = partiql::write_key(&stmt, hash, range)?;         // ValidationException
//!         let existing = storage.get(&key);
//!         let outcome = partiql::apply_write(&stmt, hash, range, existing)?; // WriteError
//!         match outcome.action { WriteAction::Put(item) => .., WriteAction::Delete => .., WriteAction::Nothing => {} }
//!         // outcome.returned: items for the response (UPDATE/DELETE ... RETURNING)
//!     }
//! }
//! ```
//! `Statement::Exists` (`[NOT] EXISTS(SELECT ...)`, ExecuteTransaction's condition check)
//! goes the write way too: its key from `write_key`, and `apply_write` answers `Nothing`
//! or `ConditionalCheckFailed`.
//! `WriteError::ConditionalCheckFailed` → ConditionalCheckFailedException "The conditional
//! request failed"; `WriteError::DuplicateItem` → DuplicateItemException "Duplicate primary
//! key exists in table"; `WriteError::Invalid(e)` → ValidationException `e.message()`.

use dynamodb_api::types::AttributeValue;

mod parser;
#[cfg(test)]
mod tests;

use crate::expr::{
    eval_condition, CmpOp, Condition, ExprError, Item, KeyCondition, Operand, Path, Projection, RangeCondition, Update,
};

/// A parsed statement with its `?` parameters bound.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Select(Select),
    Insert(Insert),
    Update(UpdateStatement),
    Delete(Delete),
    /// `[NOT] EXISTS(SELECT ...)`: a condition check in ExecuteTransaction. It writes
    /// nothing: `apply_write` answers `Nothing` when the check holds and
    /// `ConditionalCheckFailed` when it does not.
    Exists(Exists),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exists {
    pub select: Select,
    /// `NOT EXISTS(...)`.
    pub negated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub table: String,
    /// `FROM "table"."index"`.
    pub index: Option<String>,
    /// `None` for `SELECT *`.
    pub projection: Option<Projection>,
    pub filter: Option<Condition>,
    /// `ORDER BY <sort key> DESC`: read the partition in descending sort-key order.
    pub descending: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    pub table: String,
    pub item: Item,
}

/// What `RETURNING` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returning {
    AllOld,
    ModifiedOld,
    AllNew,
    ModifiedNew,
}

impl Returning {
    /// As written after RETURNING.
    pub fn clause(self) -> &'static str {
        match self {
            Returning::AllOld => "ALL OLD *",
            Returning::ModifiedOld => "MODIFIED OLD *",
            Returning::AllNew => "ALL NEW *",
            Returning::ModifiedNew => "MODIFIED NEW *",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct UpdateStatement {
    pub table: String,
    pub update: Update,
    pub filter: Condition,
    pub returning: Option<Returning>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Delete {
    pub table: String,
    pub filter: Condition,
    pub returning: Option<Returning>,
}

impl Statement {
    pub fn table(&self) -> &str {
        match self {
            Statement::Select(s) => &s.table,
            Statement::Insert(s) => &s.table,
            Statement::Update(s) => &s.table,
            Statement::Delete(s) => &s.table,
            Statement::Exists(s) => &s.select.table,
        }
    }

    pub fn is_read(&self) -> bool {
        matches!(self, Statement::Select(_))
    }
}

impl Select {
    /// A key condition when WHERE pins the partition key with `=` (AND-ed at the top level),
    /// so the data plane can read one partition instead of scanning.
    pub fn key_condition(&self, hash_key: &str, range_key: Option<&str>) -> Option<KeyCondition> {
        let mut terms = Vec::new();
        conjuncts(self.filter.as_ref()?, &mut terms);
        let hash_value = terms.iter().find_map(|c| equality_on(c, hash_key))?;
        // At most one usable sort-key term; others stay in the filter, which is applied anyway.
        let range = range_key.and_then(|r| terms.iter().find_map(|c| range_term(c, r)));
        Some(KeyCondition {
            hash_key: hash_key.to_string(),
            hash_value,
            range_key: range.as_ref().and(range_key.map(str::to_string)),
            range,
        })
    }

    /// Whether an item satisfies the WHERE clause.
    pub fn matches(&self, item: &Item) -> bool {
        match &self.filter {
            Some(c) => crate::expr::eval_condition(c, item).unwrap_or(false),
            None => true,
        }
    }

    /// The item as the statement returns it. Unlike ProjectionExpression, PartiQL names
    /// each selected value after the last attribute name of its path (`SELECT m.nested`
    /// answers `{"nested": ...}`), as DynamoDB does.
    pub fn output(&self, item: &Item) -> Item {
        let Some(p) = &self.projection else { return item.clone() };
        let mut out = Item::new();
        for path in &p.paths {
            let Some(v) = crate::expr::eval::lookup(item, path) else { continue };
            let name = path.0.iter().rev().find_map(|e| match e {
                crate::expr::PathElem::Name(n) => Some(n.clone()),
                _ => None,
            });
            if let Some(name) = name {
                out.insert(name, v.clone());
            }
        }
        out
    }
}

/// Parses a statement and binds its `?` parameters in order.
pub fn parse(statement: &str, parameters: &[AttributeValue]) -> Result<Statement, ExprError> {
    parser::Parser::new(statement, parameters)?.statement()
}

/// The AND-ed terms at the top of a condition.
fn conjuncts<'c>(c: &'c Condition, out: &mut Vec<&'c Condition>) {
    match c {
        Condition::And(a, b) => {
            conjuncts(a, out);
            conjuncts(b, out);
        }
        other => out.push(other),
    }
}

fn top_level(o: &Operand, name: &str) -> bool {
    matches!(o, Operand::Path(p) if p.is_top_level() && p.root() == name)
}

/// The value of `name = value` (either way round).
fn equality_on(c: &Condition, name: &str) -> Option<AttributeValue> {
    match c {
        Condition::Compare(l, CmpOp::Eq, Operand::Value(v)) if top_level(l, name) => Some(v.clone()),
        Condition::Compare(Operand::Value(v), CmpOp::Eq, r) if top_level(r, name) => Some(v.clone()),
        _ => None,
    }
}

fn range_term(c: &Condition, name: &str) -> Option<RangeCondition> {
    match c {
        Condition::Compare(l, op, Operand::Value(v)) if top_level(l, name) => Some(match op {
            CmpOp::Eq => RangeCondition::Eq(v.clone()),
            CmpOp::Lt => RangeCondition::Lt(v.clone()),
            CmpOp::Le => RangeCondition::Le(v.clone()),
            CmpOp::Gt => RangeCondition::Gt(v.clone()),
            CmpOp::Ge => RangeCondition::Ge(v.clone()),
            CmpOp::Ne => return None,
        }),
        Condition::Between(k, Operand::Value(lo), Operand::Value(hi)) if top_level(k, name) => {
            Some(RangeCondition::Between(lo.clone(), hi.clone()))
        }
        Condition::BeginsWith(k, Operand::Value(p)) if top_level(k, name) => {
            Some(RangeCondition::BeginsWith(p.clone()))
        }
        _ => None,
    }
}

fn key_names<'k>(hash_key: &'k str, range_key: Option<&'k str>) -> impl Iterator<Item = &'k str> {
    std::iter::once(hash_key).chain(range_key)
}

/// The key given by a WHERE clause's equalities, and whether anything else is in it.
fn key_from_where(filter: &Condition, hash_key: &str, range_key: Option<&str>) -> Result<(Item, bool), ExprError> {
    let mut terms = Vec::new();
    conjuncts(filter, &mut terms);
    let mut key = Item::new();
    let mut used = 0;
    for name in key_names(hash_key, range_key) {
        let Some(v) = terms.iter().find_map(|c| equality_on(c, name)) else {
            return Err(ExprError::new("Where clause does not contain a mandatory equality on all key attributes"));
        };
        used += 1;
        key.insert(name.to_string(), v);
    }
    Ok((key, terms.len() > used))
}

/// The primary key a write statement addresses: INSERT's item key, or UPDATE / DELETE's
/// WHERE equalities on every key attribute ("Where clause does not contain a mandatory
/// equality on all key attributes" otherwise).
pub fn write_key(stmt: &Statement, hash_key: &str, range_key: Option<&str>) -> Result<Item, ExprError> {
    match stmt {
        Statement::Insert(i) => {
            let mut key = Item::new();
            for name in key_names(hash_key, range_key) {
                let Some(v) = i.item.get(name) else {
                    return Err(ExprError::new(format!(
                        "One or more parameter values were invalid: Missing the key {name} in the item"
                    )));
                };
                key.insert(name.to_string(), v.clone());
            }
            Ok(key)
        }
        Statement::Update(u) => {
            for p in u.update.paths() {
                if key_names(hash_key, range_key).any(|k| k == p.root()) {
                    return Err(ExprError::new(format!(
                        "One or more parameter values were invalid: Cannot update attribute {}. This attribute is part of the key",
                        p.root()
                    )));
                }
            }
            Ok(key_from_where(&u.filter, hash_key, range_key)?.0)
        }
        Statement::Delete(d) => Ok(key_from_where(&d.filter, hash_key, range_key)?.0),
        Statement::Exists(e) => match &e.select.filter {
            Some(f) => Ok(key_from_where(f, hash_key, range_key)?.0),
            None => Err(ExprError::new("Where clause does not contain a mandatory equality on all key attributes")),
        },
        Statement::Select(_) => Err(ExprError::new("A SELECT statement does not write")),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum WriteAction {
    Put(Item),
    Delete,
    Nothing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WriteOutcome {
    pub action: WriteAction,
    /// The item RETURNING asks for, if any.
    pub returned: Option<Item>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum WriteError {
    Invalid(ExprError),
    ConditionalCheckFailed,
    DuplicateItem,
}

impl From<ExprError> for WriteError {
    fn from(e: ExprError) -> Self {
        WriteError::Invalid(e)
    }
}

fn returned(returning: Option<Returning>, update: Option<&Update>, old: &Item, new: Option<&Item>) -> Option<Item> {
    let modified = |item: &Item| -> Item {
        let roots: Vec<&str> = update.map(|u| u.paths().map(Path::root).collect()).unwrap_or_default();
        item.iter().filter(|(k, _)| roots.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    match returning? {
        Returning::AllOld => Some(old.clone()),
        Returning::AllNew => new.cloned(),
        Returning::ModifiedOld => Some(modified(old)),
        Returning::ModifiedNew => new.map(modified),
    }
}

/// What a write statement does to the item stored under its key (`existing`).
pub fn apply_write(
    stmt: &Statement,
    hash_key: &str,
    range_key: Option<&str>,
    existing: Option<&Item>,
) -> Result<WriteOutcome, WriteError> {
    match stmt {
        Statement::Insert(i) => {
            if existing.is_some() {
                return Err(WriteError::DuplicateItem);
            }
            Ok(WriteOutcome { action: WriteAction::Put(i.item.clone()), returned: None })
        }
        Statement::Update(u) => {
            let Some(old) = existing else { return Err(WriteError::ConditionalCheckFailed) };
            if !eval_condition(&u.filter, old)? {
                return Err(WriteError::ConditionalCheckFailed);
            }
            let mut new = old.clone();
            crate::expr::apply_update(&u.update, &mut new)?;
            let returned = returned(u.returning, Some(&u.update), old, Some(&new));
            Ok(WriteOutcome { action: WriteAction::Put(new), returned })
        }
        Statement::Delete(d) => {
            let (_, has_condition) = key_from_where(&d.filter, hash_key, range_key)?;
            let Some(old) = existing else {
                // Deleting an absent item is fine unless the WHERE asked more than the key.
                return if has_condition {
                    Err(WriteError::ConditionalCheckFailed)
                } else {
                    Ok(WriteOutcome { action: WriteAction::Nothing, returned: None })
                };
            };
            if !eval_condition(&d.filter, old)? {
                return Err(WriteError::ConditionalCheckFailed);
            }
            Ok(WriteOutcome { action: WriteAction::Delete, returned: returned(d.returning, None, old, None) })
        }
        Statement::Exists(e) => {
            let found = existing.is_some_and(|i| e.select.matches(i));
            if found == e.negated {
                return Err(WriteError::ConditionalCheckFailed);
            }
            Ok(WriteOutcome { action: WriteAction::Nothing, returned: None })
        }
        Statement::Select(_) => Err(WriteError::Invalid(ExprError::new("A SELECT statement does not write"))),
    }
}
