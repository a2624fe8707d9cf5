//! Parsed expressions. Placeholders (`#n`, `:v`) are resolved while parsing, so these trees
//! hold real attribute names and values and evaluate without the request's maps.

use std::fmt;

use dynamodb_api::types::AttributeValue;

/// One step of a document path: a map key (or top-level attribute name) or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathElem {
    Name(String),
    Index(usize),
}

/// A document path such as `a.b[2].c`. The first element is always a `Name`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path(pub Vec<PathElem>);

impl Path {
    pub fn attr(name: impl Into<String>) -> Path {
        Path(vec![PathElem::Name(name.into())])
    }

    /// The top-level attribute the path starts at.
    pub fn root(&self) -> &str {
        match self.0.first() {
            Some(PathElem::Name(n)) => n,
            _ => "",
        }
    }

    pub fn is_top_level(&self) -> bool {
        self.0.len() == 1
    }
}

impl fmt::Display for Path {
    /// AWS's rendering in overlap errors: `[a, b, [2]]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[")?;
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            match e {
                PathElem::Name(n) => f.write_str(n)?,
                PathElem::Index(i) => write!(f, "[{i}]")?,
            }
        }
        f.write_str("]")
    }
}

/// A value in a condition: an attribute of the item, a literal, or `size(path)`.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Path(Path),
    Value(AttributeValue),
    Size(Path),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "<>",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// ConditionExpression / FilterExpression (and PartiQL WHERE, and the legacy Expected,
/// QueryFilter and ScanFilter once translated).
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Compare(Operand, CmpOp, Operand),
    Between(Operand, Operand, Operand),
    In(Operand, Vec<Operand>),
    And(Box<Condition>, Box<Condition>),
    Or(Box<Condition>, Box<Condition>),
    Not(Box<Condition>),
    Exists(Path),
    NotExists(Path),
    /// `attribute_type(path, :t)`; the type name was validated when parsing.
    AttributeType(Path, Operand),
    BeginsWith(Operand, Operand),
    Contains(Operand, Operand),
    /// Always true; the legacy forms use it for an empty filter.
    True,
}

/// A right-hand side of SET.
#[derive(Debug, Clone, PartialEq)]
pub enum SetValue {
    Operand(SetOperand),
    Plus(SetOperand, SetOperand),
    Minus(SetOperand, SetOperand),
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetOperand {
    Path(Path),
    Value(AttributeValue),
    IfNotExists(Path, Box<SetOperand>),
    ListAppend(Box<SetOperand>, Box<SetOperand>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum UpdateAction {
    Set(Path, SetValue),
    Remove(Path),
    /// ADD: a number to add or a set to union (or the value to create).
    Add(Path, AttributeValue),
    /// DELETE: a set of members to take away.
    Delete(Path, AttributeValue),
}

/// UpdateExpression (or legacy AttributeUpdates, or PartiQL UPDATE's SET/REMOVE).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Update {
    pub actions: Vec<UpdateAction>,
    /// PUT of a whole attribute through legacy AttributeUpdates (no path validation).
    pub legacy: bool,
}

impl Update {
    /// The paths this update writes or removes, in order; ReturnValues UPDATED_OLD /
    /// UPDATED_NEW project the item on their top-level attributes (as AWS does).
    pub fn paths(&self) -> impl Iterator<Item = &Path> {
        self.actions.iter().map(|a| match a {
            UpdateAction::Set(p, _)
            | UpdateAction::Remove(p)
            | UpdateAction::Add(p, _)
            | UpdateAction::Delete(p, _) => p,
        })
    }
}

/// ProjectionExpression / AttributesToGet.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Projection {
    pub paths: Vec<Path>,
}

/// The sort-key half of a key condition.
#[derive(Debug, Clone, PartialEq)]
pub enum RangeCondition {
    Eq(AttributeValue),
    Lt(AttributeValue),
    Le(AttributeValue),
    Gt(AttributeValue),
    Ge(AttributeValue),
    Between(AttributeValue, AttributeValue),
    BeginsWith(AttributeValue),
}

/// KeyConditionExpression / legacy KeyConditions: equality on the partition key and at
/// most one condition on the sort key.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCondition {
    pub hash_key: String,
    pub hash_value: AttributeValue,
    /// The sort key's name; set when `range` is.
    pub range_key: Option<String>,
    pub range: Option<RangeCondition>,
}
