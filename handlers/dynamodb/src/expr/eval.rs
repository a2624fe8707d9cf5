//! Evaluating conditions against an item.
//!
//! DynamoDB's rules: a comparison between values of different types (or with a missing
//! attribute) is simply false, never an error; `<>` is the negation of `=`; ordering
//! comparisons exist for N (numerically), S and B (bytewise) only.

use std::borrow::Cow;
use std::cmp::Ordering;

use dynamodb_api::types::AttributeValue;

use super::{CmpOp, Condition, ExprError, Item, Operand, Path, PathElem};
use crate::number::Number;

/// Whether `item` satisfies `cond`. A false condition is `Ok(false)`.
pub fn eval_condition(cond: &Condition, item: &Item) -> Result<bool, ExprError> {
    Ok(eval(cond, item))
}

fn eval(cond: &Condition, item: &Item) -> bool {
    match cond {
        Condition::True => true,
        Condition::And(a, b) => eval(a, item) && eval(b, item),
        Condition::Or(a, b) => eval(a, item) || eval(b, item),
        Condition::Not(c) => !eval(c, item),
        Condition::Exists(p) => lookup(item, p).is_some(),
        Condition::NotExists(p) => lookup(item, p).is_none(),
        Condition::Compare(l, op, r) => {
            let (l, r) = (operand(l, item), operand(r, item));
            match op {
                CmpOp::Eq => matches!((&l, &r), (Some(a), Some(b)) if values_equal(a, b)),
                CmpOp::Ne => !matches!((&l, &r), (Some(a), Some(b)) if values_equal(a, b)),
                _ => {
                    let (Some(a), Some(b)) = (l, r) else { return false };
                    let Some(ord) = compare_scalars(&a, &b) else { return false };
                    match op {
                        CmpOp::Lt => ord == Ordering::Less,
                        CmpOp::Le => ord != Ordering::Greater,
                        CmpOp::Gt => ord == Ordering::Greater,
                        _ => ord != Ordering::Less,
                    }
                }
            }
        }
        Condition::Between(v, lo, hi) => {
            let (Some(v), Some(lo), Some(hi)) = (operand(v, item), operand(lo, item), operand(hi, item)) else {
                return false;
            };
            matches!(compare_scalars(&v, &lo), Some(Ordering::Greater | Ordering::Equal))
                && matches!(compare_scalars(&v, &hi), Some(Ordering::Less | Ordering::Equal))
        }
        Condition::In(v, list) => {
            let Some(v) = operand(v, item) else { return false };
            list.iter().any(|o| operand(o, item).is_some_and(|x| values_equal(&v, &x)))
        }
        Condition::AttributeType(p, t) => {
            let (Some(v), Some(t)) = (lookup(item, p), operand(t, item)) else { return false };
            matches!(&*t, AttributeValue::S(name) if name == super::parser::short_type(v))
        }
        Condition::BeginsWith(a, b) => {
            let (Some(a), Some(b)) = (operand(a, item), operand(b, item)) else { return false };
            match (&*a, &*b) {
                (AttributeValue::S(s), AttributeValue::S(p)) => s.starts_with(p.as_str()),
                (AttributeValue::B(s), AttributeValue::B(p)) => s.starts_with(p),
                _ => false,
            }
        }
        Condition::Contains(a, b) => {
            let (Some(a), Some(b)) = (operand(a, item), operand(b, item)) else { return false };
            contains(&a, &b)
        }
    }
}

fn contains(haystack: &AttributeValue, needle: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (haystack, needle) {
        (V::S(s), V::S(n)) => s.contains(n.as_str()),
        (V::B(s), V::B(n)) => n.is_empty() || s.windows(n.len()).any(|w| w == &n[..]),
        (V::Ss(set), V::S(n)) => set.iter().any(|x| x == n),
        (V::Ns(set), V::N(n)) => set.iter().any(|x| crate::number::cmp_str(x, n) == Ordering::Equal),
        (V::Bs(set), V::B(n)) => set.iter().any(|x| x == n),
        (V::L(list), n) => list.iter().any(|x| values_equal(x, n)),
        _ => false,
    }
}

fn operand<'i>(o: &'i Operand, item: &'i Item) -> Option<Cow<'i, AttributeValue>> {
    match o {
        Operand::Value(v) => Some(Cow::Borrowed(v)),
        Operand::Path(p) => lookup(item, p).map(Cow::Borrowed),
        Operand::Size(p) => size(lookup(item, p)?).map(|n| Cow::Owned(AttributeValue::N(n.to_string()))),
    }
}

/// `size()`: characters of S, bytes of B, members of sets, entries of M and L. Other types
/// have no size, so conditions on it are false.
pub(crate) fn size(v: &AttributeValue) -> Option<usize> {
    use AttributeValue as V;
    Some(match v {
        V::S(s) => s.chars().count(),
        V::B(b) => b.len(),
        V::Ss(x) | V::Ns(x) => x.len(),
        V::Bs(x) => x.len(),
        V::M(m) => m.len(),
        V::L(l) => l.len(),
        _ => return None,
    })
}

/// The value at `path`, if every step exists and has the right type.
pub(crate) fn lookup<'i>(item: &'i Item, path: &Path) -> Option<&'i AttributeValue> {
    let mut elems = path.0.iter();
    let Some(PathElem::Name(first)) = elems.next() else { return None };
    let mut cur = item.get(first)?;
    for e in elems {
        cur = match (e, cur) {
            (PathElem::Name(n), AttributeValue::M(m)) => m.get(n)?,
            (PathElem::Index(i), AttributeValue::L(l)) => l.get(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Ordering of two N, S or B values of the same type; `None` otherwise.
pub(crate) fn compare_scalars(a: &AttributeValue, b: &AttributeValue) -> Option<Ordering> {
    use AttributeValue as V;
    match (a, b) {
        (V::N(x), V::N(y)) => Some(crate::number::cmp_str(x, y)),
        (V::S(x), V::S(y)) => Some(x.as_bytes().cmp(y.as_bytes())),
        (V::B(x), V::B(y)) => Some(x[..].cmp(&y[..])),
        _ => None,
    }
}

/// DynamoDB's equality: N numerically, sets regardless of order, maps regardless of key order.
pub fn values_equal(a: &AttributeValue, b: &AttributeValue) -> bool {
    use AttributeValue as V;
    match (a, b) {
        (V::N(x), V::N(y)) => crate::number::cmp_str(x, y) == Ordering::Equal,
        (V::Ss(x), V::Ss(y)) => x.len() == y.len() && x.iter().all(|e| y.contains(e)),
        (V::Bs(x), V::Bs(y)) => x.len() == y.len() && x.iter().all(|e| y.contains(e)),
        (V::Ns(x), V::Ns(y)) => {
            let parse =
                |s: &Vec<String>| -> Vec<Result<Number, String>> { s.iter().map(|n| Number::parse(n)).collect() };
            let (px, py) = (parse(x), parse(y));
            x.len() == y.len() && px.iter().all(|e| py.contains(e))
        }
        (V::L(x), V::L(y)) => x.len() == y.len() && x.iter().zip(y).all(|(a, b)| values_equal(a, b)),
        (V::M(x), V::M(y)) => x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| values_equal(v, w))),
        _ => a == b,
    }
}

/// Order of key values: N numerically, S and B bytewise (values of different types are
/// ordered by type, which never happens for one key attribute).
pub fn key_order(a: &AttributeValue, b: &AttributeValue) -> Ordering {
    compare_scalars(a, b).unwrap_or_else(|| super::parser::short_type(a).cmp(super::parser::short_type(b)))
}
