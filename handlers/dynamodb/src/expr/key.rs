//! KeyConditionExpression: equality on the partition key, at most one condition on the sort key.

use dynamodb_api::types::AttributeValue;

use super::{ExprContext, ExprError, KeyCondition, RangeCondition};

/// Parses a KeyConditionExpression for a table or index keyed on `hash_key` (and `range_key`).
pub fn parse_key_condition(
    expression: &str,
    cx: &mut ExprContext,
    hash_key: &str,
    range_key: Option<&str>,
) -> Result<KeyCondition, ExprError> {
    let _ = (expression, cx, hash_key, range_key);
    Err(ExprError::new("not yet supported"))
}

impl RangeCondition {
    /// Whether a sort-key value satisfies the condition.
    pub fn matches(&self, value: &AttributeValue) -> bool {
        let _ = value;
        false
    }
}

impl KeyCondition {
    /// Checks the condition's values against the key attributes' declared types ("S", "N",
    /// "B"): "One or more parameter values were invalid: Condition parameter type does not
    /// match schema type".
    pub fn check_types(&self, hash_type: &str, range_type: Option<&str>) -> Result<(), ExprError> {
        let _ = (hash_type, range_type);
        Ok(())
    }
}
