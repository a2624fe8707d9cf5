//! KeyConditionExpression: equality on the partition key, at most one condition on the
//! sort key, AND-ed; anything else is refused with AWS's messages.

use std::cmp::Ordering;

use dynamodb_api::types::AttributeValue;

use super::eval::compare_scalars;
use super::parser::Parser;
use super::*;

/// Parses a KeyConditionExpression for a table or index keyed on `hash_key` (and `range_key`).
pub fn parse_key_condition(
    expression: &str,
    cx: &mut ExprContext,
    hash_key: &str,
    range_key: Option<&str>,
) -> Result<KeyCondition, ExprError> {
    let cond = Parser::new(expression, cx, ExprKind::KeyCondition).condition()?;
    let mut parts = Vec::new();
    flatten(&cond, &mut parts)?;
    let mut terms = Vec::new();
    for c in parts {
        terms.push(term(c)?);
    }
    from_terms(terms, hash_key, range_key)
}

fn invalid_operator(op: &str) -> ExprError {
    ExprError::new(format!("Invalid operator used in KeyConditionExpression: {op}"))
}

fn flatten<'c>(c: &'c Condition, out: &mut Vec<&'c Condition>) -> Result<(), ExprError> {
    match c {
        Condition::And(a, b) => {
            flatten(a, out)?;
            flatten(b, out)
        }
        Condition::Or(..) => Err(invalid_operator("OR")),
        Condition::Not(..) => Err(invalid_operator("NOT")),
        other => {
            out.push(other);
            Ok(())
        }
    }
}

/// One key term: the attribute it constrains and how.
pub(crate) struct Term {
    pub name: String,
    pub cond: RangeCondition,
}

fn key_path(o: &Operand) -> Result<Option<String>, ExprError> {
    match o {
        Operand::Path(p) if p.is_top_level() => Ok(Some(p.root().to_string())),
        Operand::Path(_) => Err(ExprError::new("KeyConditionExpressions cannot have conditions on nested attributes")),
        Operand::Size(_) => Err(invalid_operator("size")),
        Operand::Value(_) => Ok(None),
    }
}

fn value_of(o: &Operand) -> Option<AttributeValue> {
    match o {
        Operand::Value(v) => Some(v.clone()),
        _ => None,
    }
}

fn unsupported() -> ExprError {
    ExprError::new("Query key condition not supported")
}

fn term(c: &Condition) -> Result<Term, ExprError> {
    match c {
        Condition::Compare(l, op, r) => {
            let (name, value, op) = match (key_path(l)?, key_path(r)?) {
                (Some(n), None) => (n, value_of(r), *op),
                // `:v < k` is `k > :v`.
                (None, Some(n)) => (
                    n,
                    value_of(l),
                    match op {
                        CmpOp::Lt => CmpOp::Gt,
                        CmpOp::Le => CmpOp::Ge,
                        CmpOp::Gt => CmpOp::Lt,
                        CmpOp::Ge => CmpOp::Le,
                        o => *o,
                    },
                ),
                _ => return Err(unsupported()),
            };
            let v = value.ok_or_else(unsupported)?;
            let cond = match op {
                CmpOp::Eq => RangeCondition::Eq(v),
                CmpOp::Lt => RangeCondition::Lt(v),
                CmpOp::Le => RangeCondition::Le(v),
                CmpOp::Gt => RangeCondition::Gt(v),
                CmpOp::Ge => RangeCondition::Ge(v),
                CmpOp::Ne => return Err(invalid_operator("<>")),
            };
            Ok(Term { name, cond })
        }
        Condition::Between(k, lo, hi) => {
            let name = key_path(k)?.ok_or_else(unsupported)?;
            let (lo, hi) = (value_of(lo).ok_or_else(unsupported)?, value_of(hi).ok_or_else(unsupported)?);
            Ok(Term { name, cond: RangeCondition::Between(lo, hi) })
        }
        Condition::BeginsWith(k, p) => {
            let name = key_path(k)?.ok_or_else(unsupported)?;
            let p = value_of(p).ok_or_else(unsupported)?;
            Ok(Term { name, cond: RangeCondition::BeginsWith(p) })
        }
        Condition::In(..) => Err(invalid_operator("IN")),
        Condition::Exists(_) => Err(invalid_operator("attribute_exists")),
        Condition::NotExists(_) => Err(invalid_operator("attribute_not_exists")),
        Condition::AttributeType(..) => Err(invalid_operator("attribute_type")),
        Condition::Contains(..) => Err(invalid_operator("contains")),
        _ => Err(unsupported()),
    }
}

/// Assembles terms (from an expression or legacy KeyConditions) into a key condition.
pub(crate) fn from_terms(terms: Vec<Term>, hash_key: &str, range_key: Option<&str>) -> Result<KeyCondition, ExprError> {
    let mut hash = None;
    let mut range = None;
    let mut other_attribute = false;
    for t in terms {
        let slot = if t.name == hash_key {
            &mut hash
        } else if Some(t.name.as_str()) == range_key {
            &mut range
        } else {
            other_attribute = true;
            continue;
        };
        if slot.is_some() {
            return Err(ExprError::new("KeyConditionExpressions must only contain one condition per key"));
        }
        *slot = Some(t.cond);
    }
    if other_attribute && hash.is_some() {
        return Err(unsupported());
    }
    let Some(hash) = hash else {
        return Err(ExprError::new(format!("Query condition missed key schema element: {hash_key}")));
    };
    let RangeCondition::Eq(hash_value) = hash else {
        return Err(unsupported());
    };
    Ok(KeyCondition {
        hash_key: hash_key.to_string(),
        hash_value,
        range_key: range.as_ref().and(range_key.map(str::to_string)),
        range,
    })
}

impl RangeCondition {
    /// Whether a sort-key value satisfies the condition.
    pub fn matches(&self, value: &AttributeValue) -> bool {
        let cmp = |b: &AttributeValue| compare_scalars(value, b);
        match self {
            RangeCondition::Eq(v) => cmp(v) == Some(Ordering::Equal),
            RangeCondition::Lt(v) => cmp(v) == Some(Ordering::Less),
            RangeCondition::Le(v) => matches!(cmp(v), Some(Ordering::Less | Ordering::Equal)),
            RangeCondition::Gt(v) => cmp(v) == Some(Ordering::Greater),
            RangeCondition::Ge(v) => matches!(cmp(v), Some(Ordering::Greater | Ordering::Equal)),
            RangeCondition::Between(lo, hi) => {
                matches!(cmp(lo), Some(Ordering::Greater | Ordering::Equal))
                    && matches!(cmp(hi), Some(Ordering::Less | Ordering::Equal))
            }
            RangeCondition::BeginsWith(p) => match (value, p) {
                (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
                (AttributeValue::B(s), AttributeValue::B(p)) => s.starts_with(p),
                _ => false,
            },
        }
    }

    /// The values the condition compares with.
    pub fn values(&self) -> Vec<&AttributeValue> {
        match self {
            RangeCondition::Eq(v)
            | RangeCondition::Lt(v)
            | RangeCondition::Le(v)
            | RangeCondition::Gt(v)
            | RangeCondition::Ge(v)
            | RangeCondition::BeginsWith(v) => vec![v],
            RangeCondition::Between(a, b) => vec![a, b],
        }
    }
}

impl KeyCondition {
    /// Checks the condition's values against the key attributes' declared types ("S", "N",
    /// "B"): "One or more parameter values were invalid: Condition parameter type does not
    /// match schema type".
    pub fn check_types(&self, hash_type: &str, range_type: Option<&str>) -> Result<(), ExprError> {
        let mismatch = || {
            ExprError::new(
                "One or more parameter values were invalid: Condition parameter type does not match schema type",
            )
        };
        if super::parser::short_type(&self.hash_value) != hash_type {
            return Err(mismatch());
        }
        if let (Some(r), Some(t)) = (&self.range, range_type) {
            if r.values().iter().any(|v| super::parser::short_type(v) != t) {
                return Err(mismatch());
            }
            if matches!(r, RangeCondition::BeginsWith(_)) && t == "N" {
                return Err(ExprError::new(
                    "Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N",
                ));
            }
        }
        Ok(())
    }
}
