//! The protocol-neutral value tree between the wire codecs and the typed shapes.
//!
//! Codecs decode a request into a [`Value`] by walking the schema, validation checks it,
//! and generated `FromValue` impls move it into typed structs. Responses go the other way.
//! Conversions move (never clone) strings and blobs, so the tree costs one allocation per
//! container node.

use bytes::Bytes;

use crate::stream::ByteStream;
use crate::time::DateTime;

pub type Document = serde_json::Value;

#[derive(Debug, Default)]
pub enum Value {
    /// Absent member, or a null entry of a sparse collection.
    #[default]
    Null,
    Bool(bool),
    /// byte, short, integer, long and intEnum.
    Int(i64),
    /// float and double.
    Float(f64),
    /// bigInteger and bigDecimal, as their decimal text.
    BigNum(String),
    /// string and enum.
    Str(String),
    Blob(Bytes),
    Timestamp(DateTime),
    /// Boxed: a document is three times the size of every other variant, and
    /// value trees of everything else are moved and copied on every request.
    Document(Box<Document>),
    List(Vec<Value>),
    /// Map entries in wire order.
    Map(Vec<(String, Value)>),
    /// Structure or union: `(member index, value)` pairs; absent members are left out.
    Struct(Vec<(u16, Value)>),
    /// A streaming blob payload.
    Stream(ByteStream),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value of a structure member, if present.
    pub fn field(&self, index: u16) -> Option<&Value> {
        match self {
            Value::Struct(fields) => fields.iter().find(|(i, _)| *i == index).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Removes and returns a structure member, if present.
    pub fn take_field(&mut self, index: u16) -> Option<Value> {
        match self {
            Value::Struct(fields) => {
                let pos = fields.iter().position(|(i, _)| *i == index)?;
                Some(fields.swap_remove(pos).1)
            }
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "float",
            Value::BigNum(_) => "big number",
            Value::Str(_) => "string",
            Value::Blob(_) => "blob",
            Value::Timestamp(_) => "timestamp",
            Value::Document(_) => "document",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Struct(_) => "structure",
            Value::Stream(_) => "stream",
        }
    }
}

/// Structural equality, used by tests. Structures compare as sets of members, floats
/// compare NaN equal to NaN, and streams compare by their buffered bytes.
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        use Value::*;
        match (self, other) {
            (Null, Null) => true,
            (Bool(a), Bool(b)) => a == b,
            (Int(a), Int(b)) => a == b,
            (Float(a), Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (BigNum(a), BigNum(b)) => a == b,
            (Str(a), Str(b)) => a == b,
            (Blob(a), Blob(b)) => a == b,
            (Timestamp(a), Timestamp(b)) => a == b,
            (Document(a), Document(b)) => a == b,
            (List(a), List(b)) => a == b,
            (Map(a), Map(b)) => {
                a.len() == b.len() && a.iter().all(|(k, v)| b.iter().any(|(k2, v2)| k == k2 && v == v2))
            }
            (Struct(a), Struct(b)) => {
                let a: Vec<_> = a.iter().filter(|(_, v)| !v.is_null()).collect();
                let b: Vec<_> = b.iter().filter(|(_, v)| !v.is_null()).collect();
                a.len() == b.len() && a.iter().all(|(i, v)| b.iter().any(|(j, w)| i == j && v == w))
            }
            (Stream(a), Stream(b)) => a.buffered() == b.buffered(),
            (Stream(a), Blob(b)) | (Blob(b), Stream(a)) => a.buffered() == Some(b),
            _ => false,
        }
    }
}

/// Builds a [`Value::Struct`] from typed fields, leaving absent (null) members out.
pub struct StructBuilder(Vec<(u16, Value)>);

impl StructBuilder {
    #[inline]
    pub fn new(capacity: usize) -> Self {
        StructBuilder(Vec::with_capacity(capacity))
    }

    #[inline]
    pub fn field(&mut self, index: u16, value: impl crate::convert::IntoValue) {
        let value = value.into_value();
        if value.is_null() {
            // Null owns nothing. Forgetting it spares an out-of-line drop call per absent
            // member, and most members of a large output (S3's GetObject has 38) are absent.
            std::mem::forget(value);
        } else {
            self.0.push((index, value));
        }
    }

    #[inline]
    pub fn build(self) -> Value {
        Value::Struct(self.0)
    }
}

#[cfg(test)]
mod tests {
    /// Value trees are built, moved and dropped on every request, a node per member:
    /// the large payloads (documents, live streams) stay boxed so that a node is no
    /// bigger than a byte buffer and its tag.
    #[test]
    fn a_value_is_the_size_of_a_buffer_and_its_tag() {
        assert!(std::mem::size_of::<super::Value>() <= 40, "{}", std::mem::size_of::<super::Value>());
    }
}
