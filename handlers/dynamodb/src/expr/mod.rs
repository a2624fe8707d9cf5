//! DynamoDB's expression languages: ConditionExpression, FilterExpression,
//! KeyConditionExpression, UpdateExpression and ProjectionExpression, plus the legacy
//! parameters (Expected, AttributeUpdates, KeyConditions, QueryFilter, ScanFilter,
//! AttributesToGet) mapped onto the same trees.
//!
//! # Contract for the data plane
//!
//! One request = one [`ExprContext`]: build it from the request's ExpressionAttributeNames
//! and ExpressionAttributeValues, parse every expression of the request with it, then call
//! [`ExprContext::finish`] — it reports placeholders that no expression used (and empty or
//! misplaced maps) with AWS's exact text. Parsing resolves placeholders, so the trees hold
//! real names and values and can be evaluated many times (per item of a Query or Scan).
//! Values are validated and their numbers canonicalized as they are resolved. Each kind of
//! expression has its parser so errors name the right parameter: [`parse_condition`],
//! [`parse_filter`], [`parse_key_condition`], [`parse_update`], [`parse_projection`].
//!
//! ```ignore
//! let mut cx = ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
//! let cond = input.condition_expression.as_deref().map(|e| expr::parse_condition(e, &mut cx)).transpose()?;
//! let update = expr::parse_update(&input.update_expression.unwrap(), &mut cx)?;
//! cx.finish()?;
//! if let Some(c) = &cond { if !expr::eval_condition(c, &old_item)? { /* ConditionalCheckFailedException */ } }
//! let mut new_item = old_item.clone();
//! expr::apply_update(&update, &mut new_item)?; // then check key attributes unchanged
//! ```
//!
//! Every [`ExprError`] is a ValidationException whose message is [`ExprError::message`]
//! (`From<ExprError> for rt::CommonError` does that). A condition that is merely false is
//! `Ok(false)` from [`eval_condition`], never an error: callers raise
//! ConditionalCheckFailedException themselves.
//!
//! Key conditions: [`parse_key_condition`] checks the condition against the table's (or
//! index's) key names; [`KeyCondition::check_types`] against their declared types.
//! [`RangeCondition::matches`] tests a sort-key value, [`key_order`] orders key values (N
//! numerically, S and B bytewise) for storage and Query ordering.
//!
//! Numbers: [`crate::number::Number`] and [`crate::number::normalize_value`] (validate and
//! canonicalize every N/NS in an item before storing it).

pub mod ast;
pub(crate) mod eval;
mod key;
pub mod legacy;
mod lexer;
pub(crate) mod parser;
mod projection;
mod reserved;
mod update;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
pub(crate) mod tests;

use std::collections::HashSet;
use std::fmt;

use dynamodb_api::types::AttributeValue;
use ferrostack_runtime as rt;

pub use ast::*;
pub use eval::{eval_condition, key_order, values_equal};
pub use key::parse_key_condition;
pub use parser::short_type;
pub use projection::project;
pub use update::apply_update;

/// An item: attribute name → value, in the order the client sent them.
pub type Item = rt::IndexMap<String, AttributeValue>;

/// A ValidationException raised by an expression, with AWS's exact message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    message: String,
}

impl ExprError {
    pub fn new(message: impl Into<String>) -> ExprError {
        ExprError { message: message.into() }
    }

    /// The ValidationException message.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn into_message(self) -> String {
        self.message
    }
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ExprError {}

impl From<ExprError> for rt::CommonError {
    fn from(e: ExprError) -> Self {
        rt::CommonError::Validation(e.message)
    }
}

/// Which parameter an expression came from; its name starts AWS's messages
/// ("Invalid ConditionExpression: ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExprKind {
    Condition,
    Filter,
    KeyCondition,
    Update,
    Projection,
}

impl ExprKind {
    pub fn parameter(self) -> &'static str {
        match self {
            ExprKind::Condition => "ConditionExpression",
            ExprKind::Filter => "FilterExpression",
            ExprKind::KeyCondition => "KeyConditionExpression",
            ExprKind::Update => "UpdateExpression",
            ExprKind::Projection => "ProjectionExpression",
        }
    }

    /// `Invalid <Parameter>: <detail>`.
    pub(crate) fn invalid(self, detail: impl fmt::Display) -> ExprError {
        ExprError::new(format!("Invalid {}: {detail}", self.parameter()))
    }
}

/// The placeholders of one request and which of them its expressions used.
pub struct ExprContext<'a> {
    names: Option<&'a rt::IndexMap<String, String>>,
    values: Option<&'a rt::IndexMap<String, AttributeValue>>,
    used_names: HashSet<String>,
    used_values: HashSet<String>,
    expressions: usize,
}

impl<'a> ExprContext<'a> {
    pub fn new(
        names: Option<&'a rt::IndexMap<String, String>>,
        values: Option<&'a rt::IndexMap<String, AttributeValue>>,
    ) -> ExprContext<'a> {
        ExprContext { names, values, used_names: HashSet::new(), used_values: HashSet::new(), expressions: 0 }
    }

    /// A context without placeholders (legacy parameters, PartiQL).
    pub fn empty() -> ExprContext<'static> {
        ExprContext::new(None, None)
    }

    pub(crate) fn begin_expression(&mut self) {
        self.expressions += 1;
    }

    /// Resolves `#name`.
    pub(crate) fn name(&mut self, placeholder: &str, kind: ExprKind) -> Result<String, ExprError> {
        match self.names.and_then(|m| m.get(placeholder)) {
            Some(n) => {
                self.used_names.insert(placeholder.to_string());
                Ok(n.clone())
            }
            None => Err(kind.invalid(format!(
                "An expression attribute name used in the document path is not defined; attribute name: {placeholder}"
            ))),
        }
    }

    /// Resolves `:value`.
    pub(crate) fn value(&mut self, placeholder: &str, kind: ExprKind) -> Result<AttributeValue, ExprError> {
        match self.values.and_then(|m| m.get(placeholder)) {
            Some(v) => {
                self.used_values.insert(placeholder.to_string());
                let mut v = v.clone();
                check_value(&mut v).map_err(|m| {
                    ExprError::new(format!(
                        "ExpressionAttributeValues contains invalid value: {m} for key {placeholder}"
                    ))
                })?;
                Ok(v)
            }
            None => Err(kind.invalid(format!(
                "An expression attribute value used in expression is not defined; attribute value: {placeholder}"
            ))),
        }
    }

    /// Call once every expression of the request was parsed: AWS rejects empty maps, maps
    /// given without any expression, and placeholders no expression used.
    pub fn finish(&self) -> Result<(), ExprError> {
        let maps = [
            ("ExpressionAttributeNames", self.names.map(|m| m.keys().collect::<Vec<_>>()), '#', &self.used_names),
            ("ExpressionAttributeValues", self.values.map(|m| m.keys().collect::<Vec<_>>()), ':', &self.used_values),
        ];
        // Each check runs over both maps before the next begins, which fixes the error a
        // request with several faults gets: a malformed key, then an empty or needless map,
        // then an unused placeholder.
        for (map, keys, sigil, _) in &maps {
            for k in keys.iter().flatten() {
                let mut chars = k.chars();
                let ok = chars.next() == Some(*sigil)
                    && !k[1..].is_empty()
                    && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    return Err(ExprError::new(format!("{map} contains invalid key: Syntax error; key: \"{k}\"")));
                }
            }
        }
        for (map, keys, _, _) in &maps {
            let Some(keys) = keys else { continue };
            if keys.is_empty() {
                return Err(ExprError::new(format!("{map} must not be empty")));
            }
            if self.expressions == 0 {
                return Err(ExprError::new(format!("{map} can only be specified when using expressions")));
            }
        }
        for (map, keys, _, used) in &maps {
            let unused: Vec<&str> =
                keys.iter().flatten().filter(|k| !used.contains(k.as_str())).map(|k| k.as_str()).collect();
            if !unused.is_empty() {
                return Err(ExprError::new(format!(
                    "Value provided in {map} unused in expressions: keys: {{{}}}",
                    unused.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// Validates a value given in ExpressionAttributeValues and puts its numbers in canonical
/// form, so comparisons and arithmetic see what storage would.
pub(crate) fn check_value(v: &mut AttributeValue) -> Result<(), String> {
    const INVALID: &str = "One or more parameter values were invalid:";
    match v {
        AttributeValue::Ss(x) if x.is_empty() => Err(format!("{INVALID} An string set  may not be empty")),
        AttributeValue::Ns(x) if x.is_empty() => Err(format!("{INVALID} An number set  may not be empty")),
        AttributeValue::Bs(x) if x.is_empty() => Err(format!("{INVALID} An binary set  may not be empty")),
        AttributeValue::Unknown => {
            Err("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes".into())
        }
        AttributeValue::M(m) => m.values_mut().try_for_each(check_value),
        AttributeValue::L(l) => l.iter_mut().try_for_each(check_value),
        other => crate::number::normalize_value(other),
    }
}

/// Parses a ConditionExpression.
pub fn parse_condition(expression: &str, cx: &mut ExprContext) -> Result<Condition, ExprError> {
    parser::condition(expression, cx, ExprKind::Condition)
}

/// Parses a FilterExpression (same language; its errors name FilterExpression).
pub fn parse_filter(expression: &str, cx: &mut ExprContext) -> Result<Condition, ExprError> {
    parser::condition(expression, cx, ExprKind::Filter)
}

/// Parses an UpdateExpression.
pub fn parse_update(expression: &str, cx: &mut ExprContext) -> Result<Update, ExprError> {
    parser::update(expression, cx)
}

/// Parses a ProjectionExpression.
pub fn parse_projection(expression: &str, cx: &mut ExprContext) -> Result<Projection, ExprError> {
    parser::projection(expression, cx)
}
