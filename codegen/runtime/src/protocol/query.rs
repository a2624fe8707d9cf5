//! awsQuery request parameters: `Member.member.N`, flattened `Member.N`,
//! `Member.entry.N.key/value`, nested structures as `A.B`.

use crate::protocol::DecodeError;
use crate::schema::{Schema, ShapeId};
use crate::value::Value;

/// Builds a structure value of `shape` from decoded form parameters (`Action` and
/// `Version` already removed).
pub fn read_params(schema: &Schema, shape: ShapeId, params: &[(String, String)]) -> Result<Value, DecodeError> {
    let _ = (schema, shape, params);
    todo!("query::read_params")
}
