//! DynamoDB JSON as exports write it and imports read it: one `{"Item": {...}}` object per
//! line, each attribute value in the wire's `{"S": "..."}` form (binary as base64).

use base64::Engine;
use dynamodb_api::types::AttributeValue;
use ferrostack_runtime as rt;
use serde_json::{Map, Value};

use crate::item::Item;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub fn value_to_json(v: &AttributeValue) -> Value {
    let mut m = Map::new();
    let (tag, inner) = match v {
        AttributeValue::S(s) => ("S", Value::String(s.clone())),
        AttributeValue::N(n) => ("N", Value::String(n.clone())),
        AttributeValue::B(b) => ("B", Value::String(B64.encode(b))),
        AttributeValue::Ss(s) => ("SS", s.iter().cloned().map(Value::String).collect()),
        AttributeValue::Ns(s) => ("NS", s.iter().cloned().map(Value::String).collect()),
        AttributeValue::Bs(s) => ("BS", s.iter().map(|b| Value::String(B64.encode(b))).collect()),
        AttributeValue::M(map) => ("M", Value::Object(item_to_json(map))),
        AttributeValue::L(l) => ("L", l.iter().map(value_to_json).collect()),
        AttributeValue::Null(b) => ("NULL", Value::Bool(*b)),
        AttributeValue::Bool(b) => ("BOOL", Value::Bool(*b)),
        AttributeValue::Unknown => ("NULL", Value::Bool(true)),
    };
    m.insert(tag.into(), inner);
    Value::Object(m)
}

pub fn item_to_json(item: &Item) -> Map<String, Value> {
    item.iter().map(|(k, v)| (k.clone(), value_to_json(v))).collect()
}

/// One export line (without the newline).
pub fn line(item: &Item) -> String {
    let mut m = Map::new();
    m.insert("Item".into(), Value::Object(item_to_json(item)));
    Value::Object(m).to_string()
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(|s| s.as_str().map(str::to_owned)).collect()
}

pub fn value_from_json(v: &Value) -> Option<AttributeValue> {
    let m = v.as_object()?;
    if m.len() != 1 {
        return None;
    }
    let (tag, inner) = m.iter().next()?;
    Some(match tag.as_str() {
        "S" => AttributeValue::S(inner.as_str()?.to_owned()),
        "N" => AttributeValue::N(inner.as_str()?.to_owned()),
        "B" => AttributeValue::B(rt::Bytes::from(B64.decode(inner.as_str()?).ok()?)),
        "SS" => AttributeValue::Ss(strings(inner)?),
        "NS" => AttributeValue::Ns(strings(inner)?),
        "BS" => AttributeValue::Bs(
            strings(inner)?.iter().map(|s| B64.decode(s).ok().map(rt::Bytes::from)).collect::<Option<_>>()?,
        ),
        "M" => AttributeValue::M(item_from_json(inner)?),
        "L" => AttributeValue::L(inner.as_array()?.iter().map(value_from_json).collect::<Option<_>>()?),
        "NULL" => AttributeValue::Null(inner.as_bool()?),
        "BOOL" => AttributeValue::Bool(inner.as_bool()?),
        _ => return None,
    })
}

pub fn item_from_json(v: &Value) -> Option<Item> {
    v.as_object()?.iter().map(|(k, v)| Some((k.clone(), value_from_json(v)?))).collect()
}

/// An import line: `{"Item": {...}}`; `None` when it is not one.
pub fn parse_line(line: &str) -> Option<Item> {
    let v: Value = serde_json::from_str(line).ok()?;
    item_from_json(v.as_object()?.get("Item")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut inner = Item::new();
        inner.insert("b".into(), AttributeValue::B(rt::Bytes::from_static(b"\x00\x01")));
        let mut item = Item::new();
        item.insert("pk".into(), AttributeValue::S("a".into()));
        item.insert("n".into(), AttributeValue::N("1.5".into()));
        item.insert("m".into(), AttributeValue::M(inner));
        item.insert("l".into(), AttributeValue::L(vec![AttributeValue::Bool(true), AttributeValue::Null(true)]));
        item.insert("ss".into(), AttributeValue::Ss(vec!["x".into(), "y".into()]));
        let text = line(&item);
        assert_eq!(parse_line(&text), Some(item));
        assert_eq!(parse_line(r#"{"Item":{"a":{"Q":"x"}}}"#), None);
        assert_eq!(parse_line("not json"), None);
    }
}
