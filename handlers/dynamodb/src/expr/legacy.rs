//! The legacy (pre-expression) parameters, mapped onto the expression trees so one
//! evaluator serves both: Expected, AttributeUpdates, KeyConditions, QueryFilter /
//! ScanFilter (with ConditionalOperator) and AttributesToGet.

use dynamodb_api::types::{AttributeValueUpdate, ConditionalOperator, ExpectedAttributeValue};
use ferrostack_runtime as rt;

use super::{Condition, ExprError, KeyCondition, Projection, Update};

/// `Expected` (with `ConditionalOperator`) as a condition; `None` when the map is empty.
pub fn expected_to_condition(
    expected: &rt::IndexMap<String, ExpectedAttributeValue>,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>, ExprError> {
    let _ = (expected, operator);
    Err(ExprError::new("not yet supported"))
}

/// `AttributeUpdates` as an update (PUT → SET, DELETE without a value → REMOVE, ADD, DELETE).
pub fn attribute_updates_to_update(updates: &rt::IndexMap<String, AttributeValueUpdate>) -> Result<Update, ExprError> {
    let _ = updates;
    Err(ExprError::new("not yet supported"))
}

/// `KeyConditions` against the key names of the table or index.
pub fn key_conditions_to_key_condition(
    conditions: &rt::IndexMap<String, dynamodb_api::types::Condition>,
    hash_key: &str,
    range_key: Option<&str>,
) -> Result<KeyCondition, ExprError> {
    let _ = (conditions, hash_key, range_key);
    Err(ExprError::new("not yet supported"))
}

/// `QueryFilter` / `ScanFilter` (with `ConditionalOperator`); `None` when the map is empty.
pub fn filter_to_condition(
    filter: &rt::IndexMap<String, dynamodb_api::types::Condition>,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>, ExprError> {
    let _ = (filter, operator);
    Err(ExprError::new("not yet supported"))
}

/// `AttributesToGet` as a projection of top-level attributes.
pub fn attributes_to_get_to_projection(names: &[String]) -> Projection {
    Projection { paths: names.iter().map(|n| super::Path::attr(n.clone())).collect() }
}
