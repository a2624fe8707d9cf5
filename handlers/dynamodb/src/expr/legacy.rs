//! The legacy (pre-expression) parameters, mapped onto the expression trees so one
//! evaluator serves both: Expected, AttributeUpdates, KeyConditions, QueryFilter /
//! ScanFilter (with ConditionalOperator) and AttributesToGet.

use dynamodb_api::types::{
    AttributeAction, AttributeValue, AttributeValueUpdate, ComparisonOperator, ConditionalOperator,
    ExpectedAttributeValue,
};
use ferrostack_runtime as rt;

use super::key::{from_terms, Term};
use super::parser::short_type;
use super::*;

fn invalid(detail: impl std::fmt::Display) -> ExprError {
    ExprError::new(format!("One or more parameter values were invalid: {detail}"))
}

fn arg_count(op: &ComparisonOperator) -> ExprError {
    invalid(format!("Invalid number of argument(s) for the {} ComparisonOperator", op.as_str()))
}

fn not_valid_for(op: &ComparisonOperator, v: &AttributeValue) -> ExprError {
    invalid(format!("ComparisonOperator {} is not valid for {} AttributeValue type", op.as_str(), short_type(v)))
}

fn is_scalar(v: &AttributeValue) -> bool {
    matches!(v, AttributeValue::S(_) | AttributeValue::N(_) | AttributeValue::B(_))
}

/// One `{ComparisonOperator, AttributeValueList}` on attribute `name` as a condition.
fn comparison(name: &str, op: &ComparisonOperator, args: &[AttributeValue]) -> Result<Condition, ExprError> {
    use ComparisonOperator as C;
    // Values are checked (and numbers canonicalized) as stored values would be.
    let mut args = args.to_vec();
    for a in args.iter_mut() {
        super::check_value(a).map_err(ExprError::new)?;
    }
    let args = &args[..];
    let path = || Operand::Path(Path::attr(name));
    let want = match op {
        C::Null | C::NotNull => Some(0),
        C::Between => Some(2),
        C::In => None,
        C::Unknown(_) => return Err(invalid(format!("Unsupported ComparisonOperator: {}", op.as_str()))),
        _ => Some(1),
    };
    match want {
        Some(k) if args.len() != k => return Err(arg_count(op)),
        None if args.is_empty() => return Err(arg_count(op)),
        _ => {}
    }
    let val = |i: usize| Operand::Value(args[i].clone());
    let cmp = |o: CmpOp| -> Result<Condition, ExprError> {
        if !matches!(o, CmpOp::Eq | CmpOp::Ne) && !is_scalar(&args[0]) {
            return Err(not_valid_for(op, &args[0]));
        }
        Ok(Condition::Compare(path(), o, val(0)))
    };
    Ok(match op {
        C::Eq => cmp(CmpOp::Eq)?,
        C::Ne => cmp(CmpOp::Ne)?,
        C::Lt => cmp(CmpOp::Lt)?,
        C::Le => cmp(CmpOp::Le)?,
        C::Gt => cmp(CmpOp::Gt)?,
        C::Ge => cmp(CmpOp::Ge)?,
        C::Null => Condition::NotExists(Path::attr(name)),
        C::NotNull => Condition::Exists(Path::attr(name)),
        C::Contains | C::NotContains => {
            if !is_scalar(&args[0]) {
                return Err(not_valid_for(op, &args[0]));
            }
            let c = Condition::Contains(path(), val(0));
            if matches!(op, C::Contains) {
                c
            } else {
                Condition::Not(Box::new(c))
            }
        }
        C::BeginsWith => {
            if !matches!(args[0], AttributeValue::S(_) | AttributeValue::B(_)) {
                return Err(not_valid_for(op, &args[0]));
            }
            Condition::BeginsWith(path(), val(0))
        }
        C::Between => {
            for a in args {
                if !is_scalar(a) {
                    return Err(not_valid_for(op, a));
                }
            }
            if short_type(&args[0]) != short_type(&args[1]) {
                return Err(invalid("AttributeValues inside AttributeValueList must be of same type"));
            }
            if super::eval::compare_scalars(&args[0], &args[1]) == Some(std::cmp::Ordering::Greater) {
                return Err(invalid(
                    "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound",
                ));
            }
            Condition::Between(path(), val(0), val(1))
        }
        C::In => {
            for a in args {
                if !is_scalar(a) {
                    return Err(not_valid_for(op, a));
                }
            }
            Condition::In(path(), (0..args.len()).map(val).collect())
        }
        C::Unknown(_) => unreachable!("rejected above"),
    })
}

fn combine(conds: Vec<Condition>, operator: Option<&ConditionalOperator>) -> Result<Option<Condition>, ExprError> {
    let or = match operator {
        None | Some(ConditionalOperator::And) => false,
        Some(ConditionalOperator::Or) => true,
        Some(ConditionalOperator::Unknown(s)) => {
            return Err(ExprError::new(format!(
                "1 validation error detected: Value '{s}' at 'conditionalOperator' failed to satisfy constraint: Member must satisfy enum value set: [AND, OR]"
            )))
        }
    };
    Ok(conds.into_iter().reduce(|a, b| {
        if or {
            Condition::Or(Box::new(a), Box::new(b))
        } else {
            Condition::And(Box::new(a), Box::new(b))
        }
    }))
}

/// `Expected` (with `ConditionalOperator`) as a condition; `None` when the map is empty.
pub fn expected_to_condition(
    expected: &rt::IndexMap<String, ExpectedAttributeValue>,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>, ExprError> {
    let mut conds = Vec::new();
    for (name, e) in expected {
        let cond = if let Some(op) = &e.comparison_operator {
            if e.exists.is_some() {
                return Err(invalid(format!(
                    "Exists and ComparisonOperator cannot be used together for Attribute: {name}"
                )));
            }
            let args: Vec<AttributeValue> = match (&e.value, &e.attribute_value_list) {
                (Some(_), Some(_)) => {
                    return Err(invalid(format!(
                        "Value and AttributeValueList cannot be used together for Attribute: {name}"
                    )))
                }
                (Some(v), None) => vec![v.clone()],
                (None, Some(l)) => l.clone(),
                (None, None) => Vec::new(),
            };
            comparison(name, op, &args)?
        } else if e.attribute_value_list.is_some() {
            return Err(invalid(format!(
                "AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}"
            )));
        } else {
            match (e.exists, &e.value) {
                (Some(false), Some(_)) => {
                    return Err(invalid(format!("Value cannot be used when Exists is false for Attribute: {name}")))
                }
                (Some(false), None) => Condition::NotExists(Path::attr(name.clone())),
                (Some(true), None) => {
                    return Err(invalid(format!("Value must be provided when Exists is true for Attribute: {name}")))
                }
                (None, None) => {
                    return Err(invalid(format!("Value must be provided when Exists is null for Attribute: {name}")))
                }
                (_, Some(v)) => {
                    let mut v = v.clone();
                    super::check_value(&mut v).map_err(ExprError::new)?;
                    Condition::Compare(Operand::Path(Path::attr(name.clone())), CmpOp::Eq, Operand::Value(v))
                }
            }
        };
        conds.push(cond);
    }
    combine(conds, operator)
}

/// `AttributeUpdates` as an update (PUT → SET, DELETE without a value → REMOVE, ADD, DELETE;
/// ADD of a list appends to it, as the legacy API did).
pub fn attribute_updates_to_update(updates: &rt::IndexMap<String, AttributeValueUpdate>) -> Result<Update, ExprError> {
    let mut actions = Vec::new();
    for (name, u) in updates {
        let path = Path::attr(name.clone());
        let action = u.action.clone().unwrap_or(AttributeAction::Put);
        let action = match (&action, &u.value) {
            (AttributeAction::Delete, None) => UpdateAction::Remove(path),
            (_, None) => return Err(invalid("Only DELETE action is allowed when no attribute value is specified")),
            (AttributeAction::Put, Some(v)) => UpdateAction::Set(path, SetValue::Operand(SetOperand::Value(v.clone()))),
            (AttributeAction::Add, Some(v)) => match v {
                AttributeValue::N(_) | AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => {
                    UpdateAction::Add(path, v.clone())
                }
                AttributeValue::L(_) => UpdateAction::Set(
                    path.clone(),
                    SetValue::Operand(SetOperand::ListAppend(
                        Box::new(SetOperand::IfNotExists(path, Box::new(SetOperand::Value(AttributeValue::L(vec![]))))),
                        Box::new(SetOperand::Value(v.clone())),
                    )),
                ),
                other => {
                    return Err(invalid(format!("ADD action is not supported for the type {}", short_type(other))))
                }
            },
            (AttributeAction::Delete, Some(v)) => match v {
                AttributeValue::Ss(_) | AttributeValue::Ns(_) | AttributeValue::Bs(_) => {
                    UpdateAction::Delete(path, v.clone())
                }
                other => {
                    return Err(invalid(format!(
                        "DELETE action with value is not supported for the type {}",
                        short_type(other)
                    )))
                }
            },
            (AttributeAction::Unknown(s), _) => {
                return Err(ExprError::new(format!(
                    "1 validation error detected: Value '{s}' at 'attributeUpdates.{name}.member.action' failed to satisfy constraint: Member must satisfy enum value set: [ADD, PUT, DELETE]"
                )))
            }
        };
        actions.push(action);
    }
    Ok(Update { actions, legacy: true })
}

/// `KeyConditions` against the key names of the table or index.
pub fn key_conditions_to_key_condition(
    conditions: &rt::IndexMap<String, dynamodb_api::types::Condition>,
    hash_key: &str,
    range_key: Option<&str>,
) -> Result<KeyCondition, ExprError> {
    use ComparisonOperator as C;
    if conditions.len() > 2 {
        return Err(ExprError::new("Conditions can be of length 1 or 2 only"));
    }
    let mut terms = Vec::new();
    for (name, c) in conditions {
        let mut args = c.attribute_value_list.clone().unwrap_or_default();
        for a in args.iter_mut() {
            super::check_value(a).map_err(ExprError::new)?;
        }
        let op = &c.comparison_operator;
        let want = match op {
            C::Eq | C::Le | C::Lt | C::Ge | C::Gt | C::BeginsWith => 1,
            C::Between => 2,
            _ => return Err(ExprError::new("Attempted conditional constraint is not an indexable operation")),
        };
        if args.len() != want {
            return Err(arg_count(op));
        }
        for a in &args {
            if !is_scalar(a) {
                return Err(not_valid_for(op, a));
            }
        }
        if matches!(op, C::BeginsWith) && matches!(args[0], AttributeValue::N(_)) {
            return Err(not_valid_for(op, &args[0]));
        }
        let v = args[0].clone();
        let cond = match op {
            C::Eq => RangeCondition::Eq(v),
            C::Le => RangeCondition::Le(v),
            C::Lt => RangeCondition::Lt(v),
            C::Ge => RangeCondition::Ge(v),
            C::Gt => RangeCondition::Gt(v),
            C::BeginsWith => RangeCondition::BeginsWith(v),
            _ => RangeCondition::Between(v, args[1].clone()),
        };
        terms.push(Term { name: name.clone(), cond });
    }
    from_terms(terms, hash_key, range_key)
}

/// `QueryFilter` / `ScanFilter` (with `ConditionalOperator`); `None` when the map is empty.
pub fn filter_to_condition(
    filter: &rt::IndexMap<String, dynamodb_api::types::Condition>,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>, ExprError> {
    let mut conds = Vec::new();
    for (name, c) in filter {
        conds.push(comparison(name, &c.comparison_operator, c.attribute_value_list.as_deref().unwrap_or(&[]))?);
    }
    combine(conds, operator)
}

/// `AttributesToGet` as a projection of top-level attributes.
pub fn attributes_to_get_to_projection(names: &[String]) -> Projection {
    Projection { paths: names.iter().map(|n| super::Path::attr(n.clone())).collect() }
}

#[cfg(test)]
mod tests {
    use dynamodb_api::types::{AttributeValue as V, Condition as LegacyCondition};

    use super::*;
    use crate::expr::tests::{item, n, s};

    fn cond(op: ComparisonOperator, args: Vec<V>) -> LegacyCondition {
        LegacyCondition { comparison_operator: op, attribute_value_list: Some(args) }
    }

    fn map<T>(x: Vec<(&str, T)>) -> rt::IndexMap<String, T> {
        x.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    #[test]
    fn filters_and_operators() {
        use ComparisonOperator as C;
        let it = item(vec![("a", n("5")), ("s", s("hello")), ("set", V::Ss(vec!["x".into()]))]);
        let check = |f: Vec<(&str, LegacyCondition)>, op: Option<ConditionalOperator>| {
            let c = filter_to_condition(&map(f), op.as_ref()).unwrap().unwrap();
            eval_condition(&c, &it).unwrap()
        };
        assert!(check(vec![("a", cond(C::Eq, vec![n("5")]))], None));
        assert!(check(vec![("a", cond(C::Ne, vec![n("4")]))], None));
        assert!(check(vec![("zz", cond(C::Ne, vec![n("4")]))], None));
        assert!(check(vec![("a", cond(C::Lt, vec![n("10")]))], None));
        assert!(check(vec![("a", cond(C::Ge, vec![n("5")]))], None));
        assert!(check(vec![("a", cond(C::Between, vec![n("1"), n("5")]))], None));
        assert!(check(vec![("a", cond(C::In, vec![n("1"), n("5")]))], None));
        assert!(check(vec![("a", cond(C::NotNull, vec![]))], None));
        assert!(check(vec![("zz", cond(C::Null, vec![]))], None));
        assert!(check(vec![("s", cond(C::BeginsWith, vec![s("he")]))], None));
        assert!(check(vec![("s", cond(C::Contains, vec![s("ll")]))], None));
        assert!(check(vec![("set", cond(C::Contains, vec![s("x")]))], None));
        assert!(check(vec![("set", cond(C::NotContains, vec![s("y")]))], None));
        assert!(!check(vec![("a", cond(C::Eq, vec![n("5")])), ("s", cond(C::Eq, vec![s("x")]))], None));
        assert!(check(
            vec![("a", cond(C::Eq, vec![n("5")])), ("s", cond(C::Eq, vec![s("x")]))],
            Some(ConditionalOperator::Or)
        ));
        assert!(filter_to_condition(&map(vec![]), None).unwrap().is_none());
        let e = filter_to_condition(&map(vec![("a", cond(C::Eq, vec![n("x1")]))]), None).unwrap_err();
        assert_eq!(e.message(), "The parameter cannot be converted to a numeric value: x1");
        let c = filter_to_condition(&map(vec![("a", cond(C::Eq, vec![n("5.0")]))]), None).unwrap().unwrap();
        assert_eq!(c, Condition::Compare(Operand::Path(Path::attr("a")), CmpOp::Eq, Operand::Value(n("5"))));
        let e = filter_to_condition(&map(vec![("a", cond(C::Eq, vec![]))]), None).unwrap_err();
        assert_eq!(
            e.message(),
            "One or more parameter values were invalid: Invalid number of argument(s) for the EQ ComparisonOperator"
        );
        let e = filter_to_condition(&map(vec![("a", cond(C::Lt, vec![V::Ss(vec!["x".into()])]))]), None).unwrap_err();
        assert_eq!(
            e.message(),
            "One or more parameter values were invalid: ComparisonOperator LT is not valid for SS AttributeValue type"
        );
    }

    #[test]
    fn expected() {
        let it = item(vec![("a", n("5"))]);
        let ev = |value: Option<V>, exists: Option<bool>| ExpectedAttributeValue {
            value,
            exists,
            comparison_operator: None,
            attribute_value_list: None,
        };
        let run = |e: Vec<(&str, ExpectedAttributeValue)>| {
            let c = expected_to_condition(&map(e), None)?.unwrap();
            eval_condition(&c, &it)
        };
        assert!(run(vec![("a", ev(Some(n("5")), None))]).unwrap());
        assert!(run(vec![("a", ev(Some(n("5")), Some(true)))]).unwrap());
        assert!(!run(vec![("a", ev(Some(n("6")), None))]).unwrap());
        assert!(run(vec![("b", ev(None, Some(false)))]).unwrap());
        assert!(!run(vec![("a", ev(None, Some(false)))]).unwrap());
        assert_eq!(
            run(vec![("a", ev(None, Some(true)))]).unwrap_err().message(),
            "One or more parameter values were invalid: Value must be provided when Exists is true for Attribute: a"
        );
        assert_eq!(
            run(vec![("a", ev(Some(n("1")), Some(false)))]).unwrap_err().message(),
            "One or more parameter values were invalid: Value cannot be used when Exists is false for Attribute: a"
        );
        let with_op = ExpectedAttributeValue {
            value: None,
            exists: None,
            comparison_operator: Some(ComparisonOperator::Gt),
            attribute_value_list: Some(vec![n("4")]),
        };
        assert!(run(vec![("a", with_op)]).unwrap());
    }

    #[test]
    fn attribute_updates() {
        let mut it = item(vec![("a", n("5")), ("l", V::L(vec![n("1")])), ("s", V::Ss(vec!["x".into(), "y".into()]))]);
        let u = |action: AttributeAction, value: Option<V>| AttributeValueUpdate { value, action: Some(action) };
        let upd = attribute_updates_to_update(&map(vec![
            ("a", u(AttributeAction::Add, Some(n("2")))),
            ("l", u(AttributeAction::Add, Some(V::L(vec![n("2")])))),
            ("s", u(AttributeAction::Delete, Some(V::Ss(vec!["x".into()])))),
            ("p", u(AttributeAction::Put, Some(s("new")))),
            ("gone", u(AttributeAction::Delete, None)),
        ]))
        .unwrap();
        apply_update(&upd, &mut it).unwrap();
        assert_eq!(it["a"], n("7"));
        assert_eq!(it["l"], V::L(vec![n("1"), n("2")]));
        assert_eq!(it["s"], V::Ss(vec!["y".into()]));
        assert_eq!(it["p"], s("new"));
        let e = attribute_updates_to_update(&map(vec![("a", u(AttributeAction::Put, None))])).unwrap_err();
        assert_eq!(
            e.message(),
            "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"
        );
        let e = attribute_updates_to_update(&map(vec![("a", u(AttributeAction::Add, Some(s("x"))))])).unwrap_err();
        assert_eq!(
            e.message(),
            "One or more parameter values were invalid: ADD action is not supported for the type S"
        );
    }

    #[test]
    fn key_conditions() {
        use ComparisonOperator as C;
        let k = key_conditions_to_key_condition(
            &map(vec![("pk", cond(C::Eq, vec![s("a")])), ("sk", cond(C::Between, vec![n("1"), n("3")]))]),
            "pk",
            Some("sk"),
        )
        .unwrap();
        assert_eq!(k.hash_value, s("a"));
        assert!(k.range.unwrap().matches(&n("2")));
        let e = |c: Vec<(&str, LegacyCondition)>| {
            key_conditions_to_key_condition(&map(c), "pk", Some("sk")).unwrap_err().into_message()
        };
        assert_eq!(e(vec![("sk", cond(C::Eq, vec![n("1")]))]), "Query condition missed key schema element: pk");
        assert_eq!(
            e(vec![("pk", cond(C::Ne, vec![n("1")]))]),
            "Attempted conditional constraint is not an indexable operation"
        );
        assert_eq!(e(vec![("pk", cond(C::Gt, vec![n("1")]))]), "Query key condition not supported");
        assert_eq!(
            e(vec![
                ("pk", cond(C::Eq, vec![n("1")])),
                ("sk", cond(C::Eq, vec![n("1")])),
                ("x", cond(C::Eq, vec![n("1")]))
            ]),
            "Conditions can be of length 1 or 2 only"
        );
    }
}
