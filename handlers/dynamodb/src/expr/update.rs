//! Applying an UpdateExpression to an item.
//!
//! Every right-hand side is computed against the item as it was before the update (so
//! `SET a = b, b = a` swaps), then the actions are applied. REMOVEs of list elements use
//! the original indexes, so they are applied from the highest index down.

use dynamodb_api::types::AttributeValue;

use super::eval::{lookup, values_equal};
use super::{ExprError, Item, Path, PathElem, SetOperand, SetValue, Update, UpdateAction};
use crate::number::Number;

pub const INVALID_PATH: &str = "The document path provided in the update expression is invalid for update";
pub const WRONG_TYPE: &str = "An operand in the update expression has an incorrect data type";
pub const MISSING: &str = "The provided expression refers to an attribute that does not exist in the item";

/// Applies `update` to `item` in place. On error the item may be partly changed: callers
/// apply it to a copy.
pub fn apply_update(update: &Update, item: &mut Item) -> Result<(), ExprError> {
    // Values first, against the original item.
    let mut sets = Vec::new();
    for action in &update.actions {
        if let UpdateAction::Set(path, value) = action {
            sets.push((path, set_value(value, item)?));
        }
    }
    // Several SETs past the end of one list append in element-number order, as on AWS.
    sets.sort_by_key(|(a, _)| index_key(a));
    for (path, value) in sets {
        assign(item, path, value)?;
    }
    let mut removes: Vec<&Path> = update
        .actions
        .iter()
        .filter_map(|a| match a {
            UpdateAction::Remove(p) => Some(p),
            _ => None,
        })
        .collect();
    // Highest list index first, so earlier indexes still mean what they meant.
    removes.sort_by_key(|p| std::cmp::Reverse(index_key(p)));
    for p in removes {
        remove(item, p)?;
    }
    for action in &update.actions {
        match action {
            UpdateAction::Add(path, value) => add(item, path, value)?,
            UpdateAction::Delete(path, value) => delete(item, path, value)?,
            _ => {}
        }
    }
    Ok(())
}

fn index_key(p: &Path) -> Vec<(u8, usize)> {
    p.0.iter()
        .map(|e| match e {
            PathElem::Name(_) => (0, 0),
            PathElem::Index(i) => (1, *i),
        })
        .collect()
}

fn err(m: &str) -> ExprError {
    ExprError::new(m)
}

fn set_value(v: &SetValue, item: &Item) -> Result<AttributeValue, ExprError> {
    match v {
        SetValue::Operand(o) => set_operand(o, item),
        SetValue::Plus(a, b) | SetValue::Minus(a, b) => {
            let (a, b) = (set_operand(a, item)?, set_operand(b, item)?);
            let (AttributeValue::N(a), AttributeValue::N(b)) = (&a, &b) else {
                return Err(err(WRONG_TYPE));
            };
            let (a, b) = (Number::parse(a).map_err(ExprError::new)?, Number::parse(b).map_err(ExprError::new)?);
            let r = if matches!(v, SetValue::Plus(..)) { a.checked_add(&b) } else { a.checked_sub(&b) };
            Ok(AttributeValue::N(r.map_err(ExprError::new)?.to_string()))
        }
    }
}

fn set_operand(o: &SetOperand, item: &Item) -> Result<AttributeValue, ExprError> {
    match o {
        SetOperand::Value(v) => Ok(v.clone()),
        SetOperand::Path(p) => lookup(item, p).cloned().ok_or_else(|| err(MISSING)),
        SetOperand::IfNotExists(p, default) => match lookup(item, p) {
            Some(v) => Ok(v.clone()),
            None => set_operand(default, item),
        },
        SetOperand::ListAppend(a, b) => {
            let (a, b) = (set_operand(a, item)?, set_operand(b, item)?);
            let (AttributeValue::L(mut a), AttributeValue::L(b)) = (a, b) else {
                return Err(err(WRONG_TYPE));
            };
            a.extend(b);
            Ok(AttributeValue::L(a))
        }
    }
}

/// The container holding the last element of `path`, created nowhere: every parent must exist.
fn parent_mut<'i>(item: &'i mut Item, path: &Path) -> Result<Option<&'i mut AttributeValue>, ExprError> {
    let elems = &path.0;
    if elems.len() == 1 {
        return Ok(None);
    }
    let PathElem::Name(first) = &elems[0] else { return Err(err(INVALID_PATH)) };
    let mut cur = item.get_mut(first).ok_or_else(|| err(INVALID_PATH))?;
    for e in &elems[1..elems.len() - 1] {
        cur = match (e, cur) {
            (PathElem::Name(n), AttributeValue::M(m)) => m.get_mut(n).ok_or_else(|| err(INVALID_PATH))?,
            (PathElem::Index(i), AttributeValue::L(l)) => l.get_mut(*i).ok_or_else(|| err(INVALID_PATH))?,
            _ => return Err(err(INVALID_PATH)),
        };
    }
    Ok(Some(cur))
}

fn assign(item: &mut Item, path: &Path, value: AttributeValue) -> Result<(), ExprError> {
    let last = path.0.last().ok_or_else(|| err(INVALID_PATH))?;
    match (parent_mut(item, path)?, last) {
        (None, PathElem::Name(n)) => {
            item.insert(n.clone(), value);
        }
        (Some(AttributeValue::M(m)), PathElem::Name(n)) => {
            m.insert(n.clone(), value);
        }
        (Some(AttributeValue::L(l)), PathElem::Index(i)) => {
            // Past the end appends, as on AWS.
            if *i < l.len() {
                l[*i] = value;
            } else {
                l.push(value);
            }
        }
        _ => return Err(err(INVALID_PATH)),
    }
    Ok(())
}

fn remove(item: &mut Item, path: &Path) -> Result<(), ExprError> {
    let last = path.0.last().ok_or_else(|| err(INVALID_PATH))?;
    match (parent_mut(item, path)?, last) {
        (None, PathElem::Name(n)) => {
            item.shift_remove(n);
        }
        (Some(AttributeValue::M(m)), PathElem::Name(n)) => {
            m.shift_remove(n);
        }
        (Some(AttributeValue::L(l)), PathElem::Index(i)) => {
            if *i < l.len() {
                l.remove(*i);
            }
        }
        _ => return Err(err(INVALID_PATH)),
    }
    Ok(())
}

fn get_mut<'i>(item: &'i mut Item, path: &Path) -> Result<Option<&'i mut AttributeValue>, ExprError> {
    let last = path.0.last().ok_or_else(|| err(INVALID_PATH))?;
    if let (1, PathElem::Name(n)) = (path.0.len(), last) {
        return Ok(item.get_mut(n));
    }
    Ok(match (parent_mut(item, path)?, last) {
        (Some(AttributeValue::M(m)), PathElem::Name(n)) => m.get_mut(n),
        (Some(AttributeValue::L(l)), PathElem::Index(i)) => l.get_mut(*i),
        _ => return Err(err(INVALID_PATH)),
    })
}

fn add(item: &mut Item, path: &Path, value: &AttributeValue) -> Result<(), ExprError> {
    use AttributeValue as V;
    let Some(cur) = get_mut(item, path)? else {
        return assign(item, path, value.clone());
    };
    match (cur, value) {
        (V::N(a), V::N(b)) => {
            let sum = Number::parse(a).and_then(|a| a.checked_add(&Number::parse(b)?)).map_err(ExprError::new)?;
            *a = sum.to_string();
        }
        (V::Ss(a), V::Ss(b)) => union(a, b, |x, y| x == y),
        (V::Bs(a), V::Bs(b)) => union(a, b, |x, y| x == y),
        (V::Ns(a), V::Ns(b)) => union(a, b, |x, y| crate::number::cmp_str(x, y).is_eq()),
        _ => return Err(err(WRONG_TYPE)),
    }
    Ok(())
}

fn union<T: Clone>(a: &mut Vec<T>, b: &[T], eq: impl Fn(&T, &T) -> bool) {
    for x in b {
        if !a.iter().any(|y| eq(x, y)) {
            a.push(x.clone());
        }
    }
}

fn delete(item: &mut Item, path: &Path, value: &AttributeValue) -> Result<(), ExprError> {
    use AttributeValue as V;
    let Some(cur) = get_mut(item, path)? else {
        return Ok(());
    };
    let empty = match (cur, value) {
        (V::Ss(a), V::Ss(b)) => {
            a.retain(|x| !b.contains(x));
            a.is_empty()
        }
        (V::Bs(a), V::Bs(b)) => {
            a.retain(|x| !b.contains(x));
            a.is_empty()
        }
        (V::Ns(a), V::Ns(b)) => {
            a.retain(|x| !b.iter().any(|y| values_equal(&V::N(x.clone()), &V::N(y.clone()))));
            a.is_empty()
        }
        _ => return Err(err(WRONG_TYPE)),
    };
    // DynamoDB has no empty sets: deleting the last member removes the attribute.
    if empty {
        remove(item, path)?;
    }
    Ok(())
}
