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
//!     }
//!     _ => {
//!         let key = partiql::write_key(&stmt, hash, range)?;         // ValidationException
//!         let existing = storage.get(&key);
//!         let outcome = partiql::apply_write(&stmt, existing)?;       // WriteError
//!         match outcome.action { WriteAction::Put(item) => .., WriteAction::Delete => .., WriteAction::Nothing => {} }
//!         // outcome.returned: items for the response (UPDATE/DELETE ... RETURNING)
//!     }
//! }
//! ```
//! `WriteError::ConditionalCheckFailed` → ConditionalCheckFailedException "The conditional
//! request failed"; `WriteError::DuplicateItem` → DuplicateItemException "Duplicate primary
//! key exists in table"; `WriteError::Invalid(e)` → ValidationException `e.message()`.

use dynamodb_api::types::AttributeValue;

use crate::expr::{Condition, ExprError, Item, KeyCondition, Projection, Update};

/// A parsed statement with its `?` parameters bound.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    Select(Select),
    Insert(Insert),
    Update(UpdateStatement),
    Delete(Delete),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    pub table: String,
    /// `FROM "table"."index"`.
    pub index: Option<String>,
    /// `None` for `SELECT *`.
    pub projection: Option<Projection>,
    pub filter: Option<Condition>,
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
        let _ = (hash_key, range_key);
        None
    }

    /// Whether an item satisfies the WHERE clause.
    pub fn matches(&self, item: &Item) -> bool {
        match &self.filter {
            Some(c) => crate::expr::eval_condition(c, item).unwrap_or(false),
            None => true,
        }
    }

    /// The item as the statement returns it (projection applied).
    pub fn output(&self, item: &Item) -> Item {
        match &self.projection {
            Some(p) => crate::expr::project(p, item),
            None => item.clone(),
        }
    }
}

/// Parses a statement and binds its `?` parameters in order.
pub fn parse(statement: &str, parameters: &[AttributeValue]) -> Result<Statement, ExprError> {
    let _ = (statement, parameters);
    Err(ExprError::new("not yet supported"))
}

/// The primary key a write statement addresses: INSERT's item key, or UPDATE / DELETE's
/// WHERE equalities on every key attribute ("Where clause does not contain a mandatory
/// equality on all key attributes" otherwise).
pub fn write_key(stmt: &Statement, hash_key: &str, range_key: Option<&str>) -> Result<Item, ExprError> {
    let _ = (stmt, hash_key, range_key);
    Err(ExprError::new("not yet supported"))
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

/// What a write statement does to the item stored under its key (`existing`).
pub fn apply_write(stmt: &Statement, existing: Option<&Item>) -> Result<WriteOutcome, WriteError> {
    let _ = (stmt, existing);
    Err(WriteError::Invalid(ExprError::new("not yet supported")))
}
