//! Test-case `params` (Smithy node values) to the runtime's value tree, by shape.

use ferrostack_runtime::schema::{Schema, ShapeId, ShapeKind};
use ferrostack_runtime::{ByteStream, DateTime, Value};
use serde_json::Value as Json;

/// The value of a case's whole `params`: absent params are an empty structure.
pub fn root_to_value(schema: &Schema, shape: ShapeId, node: Option<&Json>) -> Value {
    match node {
        None | Some(Json::Null) => Value::Struct(Vec::new()),
        Some(node) => to_value(schema, shape, node),
    }
}

pub fn to_value(schema: &Schema, shape: ShapeId, node: &Json) -> Value {
    if node.is_null() {
        return Value::Null;
    }
    match &schema.shape(shape).kind {
        ShapeKind::Structure { members } | ShapeKind::Union { members } => {
            let obj = node.as_object().expect("structure params are objects");
            let mut fields = Vec::new();
            for (name, v) in obj {
                let index = members.iter().position(|m| m.name == name).unwrap_or_else(|| panic!("no member {name}"));
                let value = to_value(schema, members[index].target, v);
                fields.push((index as u16, value));
            }
            Value::Struct(fields)
        }
        ShapeKind::List { member, .. } => {
            Value::List(node.as_array().expect("list").iter().map(|v| to_value(schema, member.target, v)).collect())
        }
        ShapeKind::Map { value, .. } => Value::Map(
            node.as_object()
                .expect("map")
                .iter()
                .map(|(k, v)| (k.clone(), to_value(schema, value.target, v)))
                .collect(),
        ),
        ShapeKind::Blob { streaming, .. } => {
            let bytes = node.as_str().unwrap_or_default().as_bytes().to_vec();
            if *streaming {
                Value::Stream(ByteStream::from(bytes))
            } else {
                Value::Blob(bytes.into())
            }
        }
        ShapeKind::Boolean => Value::Bool(node.as_bool().expect("boolean")),
        ShapeKind::String { .. } | ShapeKind::Enum(_) => Value::Str(node.as_str().expect("string").to_owned()),
        ShapeKind::Byte | ShapeKind::Short | ShapeKind::Integer | ShapeKind::Long | ShapeKind::IntEnum(_) => {
            Value::Int(node.as_i64().expect("integer"))
        }
        ShapeKind::Float | ShapeKind::Double => Value::Float(match node {
            Json::String(s) if s == "NaN" => f64::NAN,
            Json::String(s) if s == "Infinity" => f64::INFINITY,
            Json::String(s) if s == "-Infinity" => f64::NEG_INFINITY,
            other => other.as_f64().expect("number"),
        }),
        ShapeKind::BigInteger | ShapeKind::BigDecimal => Value::BigNum(match node {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        }),
        ShapeKind::Timestamp => Value::Timestamp(match node {
            Json::String(s) => DateTime::parse_rfc3339(s).expect("timestamp"),
            other => DateTime::from_f64(other.as_f64().expect("epoch seconds")).expect("timestamp range"),
        }),
        ShapeKind::Document => Value::Document(Box::new(node.clone())),
    }
}
