//! Smithy `@default` values: members a client may leave out take their model default,
//! so handlers and encoders always see them (Smithy's server rules for defaults).

use base64::Engine;

use crate::schema::{DefaultValue, Schema, ShapeId, ShapeKind};
use crate::time::DateTime;
use crate::value::{Document, Value};

/// Fills absent defaulted members of a structure value, recursively.
pub fn fill(schema: &Schema, shape: ShapeId, value: &mut Value) {
    match (&schema.shape(shape).kind, value) {
        (ShapeKind::Structure { members }, Value::Struct(fields)) => {
            for (index, member) in members.iter().enumerate() {
                let index = index as u16;
                match fields.iter_mut().find(|(i, _)| *i == index) {
                    Some((_, v)) => fill(schema, member.target, v),
                    None => {
                        if let Some(d) = member.default {
                            if let Some(v) = default_value(schema, member.target, d) {
                                fields.push((index, v));
                            }
                        }
                    }
                }
            }
        }
        (ShapeKind::Union { members }, Value::Struct(fields)) => {
            for (index, v) in fields.iter_mut() {
                if let Some(m) = members.get(*index as usize) {
                    fill(schema, m.target, v);
                }
            }
        }
        (ShapeKind::List { member, .. }, Value::List(items)) => {
            if needs_walk(schema, member.target) {
                items.iter_mut().for_each(|v| fill(schema, member.target, v));
            }
        }
        (ShapeKind::Map { value: member, .. }, Value::Map(entries)) => {
            if needs_walk(schema, member.target) {
                entries.iter_mut().for_each(|(_, v)| fill(schema, member.target, v));
            }
        }
        _ => {}
    }
}

/// Only containers can hold members with defaults.
fn needs_walk(schema: &Schema, shape: ShapeId) -> bool {
    matches!(
        schema.shape(shape).kind,
        ShapeKind::Structure { .. } | ShapeKind::Union { .. } | ShapeKind::List { .. } | ShapeKind::Map { .. }
    )
}

/// The value of a `@default` for a member targeting `shape`.
pub fn default_value(schema: &Schema, shape: ShapeId, d: &DefaultValue) -> Option<Value> {
    let kind = &schema.shape(shape).kind;
    if matches!(kind, ShapeKind::Document) {
        return Some(Value::Document(document_default(d)));
    }
    Some(match (d, kind) {
        (DefaultValue::Bool(b), _) => Value::Bool(*b),
        (DefaultValue::Int(i), ShapeKind::Float | ShapeKind::Double) => Value::Float(*i as f64),
        (DefaultValue::Int(i), ShapeKind::Timestamp) => Value::Timestamp(DateTime::from_secs(*i)),
        (DefaultValue::Int(i), ShapeKind::BigInteger | ShapeKind::BigDecimal) => Value::BigNum(i.to_string()),
        (DefaultValue::Int(i), _) => Value::Int(*i),
        (DefaultValue::Float(f), ShapeKind::Timestamp) => Value::Timestamp(DateTime::from_f64(*f)?),
        (DefaultValue::Float(f), ShapeKind::BigInteger | ShapeKind::BigDecimal) => Value::BigNum(f.to_string()),
        (DefaultValue::Float(f), _) => Value::Float(*f),
        (DefaultValue::Str(s), ShapeKind::Blob { .. }) => {
            Value::Blob(base64::engine::general_purpose::STANDARD.decode(s).ok()?.into())
        }
        (DefaultValue::Str(s), ShapeKind::Timestamp) => Value::Timestamp(DateTime::parse_rfc3339(s)?),
        (DefaultValue::Str(s), _) => Value::Str((*s).to_owned()),
        (DefaultValue::EmptyList, _) => Value::List(Vec::new()),
        (DefaultValue::EmptyMap, _) => Value::Map(Vec::new()),
        (DefaultValue::EmptyDocument, _) => Value::Document(Document::Object(Default::default())),
    })
}

/// Documents take their default as the JSON value it is written as.
fn document_default(d: &DefaultValue) -> Document {
    match d {
        DefaultValue::Bool(b) => Document::Bool(*b),
        DefaultValue::Int(i) => Document::from(*i),
        DefaultValue::Float(f) => serde_json::Number::from_f64(*f).map(Document::Number).unwrap_or(Document::Null),
        DefaultValue::Str(s) => Document::String((*s).to_owned()),
        DefaultValue::EmptyList => Document::Array(Vec::new()),
        DefaultValue::EmptyMap | DefaultValue::EmptyDocument => Document::Object(Default::default()),
    }
}
