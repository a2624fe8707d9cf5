//! XML documents of shapes, for restXml bodies and awsQuery responses: `@xmlName`,
//! `@xmlAttribute`, `@xmlFlattened`, `@xmlNamespace`, wrapped and flattened lists and
//! maps. Driven by quick-xml's event reader and writer.

use crate::protocol::DecodeError;
use crate::schema::{Schema, ShapeId, XmlNamespace};
use crate::value::Value;

/// Reads an XML document whose root element is a structure of `shape` (the root's name
/// is not checked). With `body_members_only`, members with HTTP bindings are ignored.
pub fn read_body(schema: &Schema, shape: ShapeId, bytes: &[u8], body_members_only: bool) -> Result<Value, DecodeError> {
    let _ = (schema, shape, bytes, body_members_only);
    todo!("xml::read_body")
}

/// Writes a structure value of `shape` as the element `root` (with `xmlns` when given),
/// its members as children and attributes.
pub fn write_struct(out: &mut String, schema: &Schema, shape: ShapeId, value: &Value, root: &str, namespace: Option<XmlNamespace>, body_members_only: bool) {
    let _ = (out, schema, shape, value, root, namespace, body_members_only);
    todo!("xml::write_struct")
}

/// Writes only the member elements of a structure value (for awsQuery's `<XResult>` and
/// error envelopes).
pub fn write_members(out: &mut String, schema: &Schema, shape: ShapeId, value: &Value, body_members_only: bool) {
    let _ = (out, schema, shape, value, body_members_only);
    todo!("xml::write_members")
}

/// Escapes text for element content and attribute values.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    let _ = text;
    todo!("xml::escape")
}
