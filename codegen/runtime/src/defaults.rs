//! Smithy `@default` values: members a client may leave out take their model default,
//! so handlers and encoders always see them (Smithy's server rules for defaults).

use base64::Engine;

use crate::schema::{DefaultValue, Member, Schema, ShapeId, ShapeKind};
use crate::time::DateTime;
use crate::value::{Document, Value};

/// Fills absent defaulted members of a structure value, recursively.
pub fn fill(schema: &Schema, shape: ShapeId, value: &mut Value) {
    let plan = Plan::of(schema);
    if plan.reaches(shape) {
        fill_with(schema, plan, shape, value);
    }
}

fn fill_with(schema: &Schema, plan: &Plan, shape: ShapeId, value: &mut Value) {
    match (&schema.shape(shape).kind, value) {
        (ShapeKind::Structure { members }, Value::Struct(fields)) => {
            for &index in plan.defaulted(shape) {
                if !fields.iter().any(|(i, _)| *i == index) {
                    let member = &members[index as usize];
                    if let Some(v) = member.default.and_then(|d| default_value(schema, member.target, d)) {
                        fields.push((index, v));
                    }
                }
            }
            fill_members(schema, plan, members, fields);
        }
        (ShapeKind::Union { members }, Value::Struct(fields)) => fill_members(schema, plan, members, fields),
        (ShapeKind::List { member, .. }, Value::List(items)) if plan.reaches(member.target) => {
            items.iter_mut().for_each(|v| fill_with(schema, plan, member.target, v));
        }
        (ShapeKind::Map { value: member, .. }, Value::Map(entries)) if plan.reaches(member.target) => {
            entries.iter_mut().for_each(|(_, v)| fill_with(schema, plan, member.target, v));
        }
        _ => {}
    }
}

/// Fills inside the members present whose shapes can hold defaults.
fn fill_members(schema: &Schema, plan: &Plan, members: &[Member], fields: &mut [(u16, Value)]) {
    for (index, v) in fields.iter_mut() {
        if let Some(m) = members.get(*index as usize) {
            if plan.reaches(m.target) {
                fill_with(schema, plan, m.target, v);
            }
        }
    }
}

/// Per-schema facts, computed once: which shapes hold a defaulted member somewhere
/// inside, and which members of each structure have a default. Most inputs hold none, and
/// then filling costs one lookup.
pub(crate) struct Plan {
    reaches: Vec<bool>,
    defaulted: Vec<Box<[u16]>>,
}

impl Plan {
    fn of(schema: &Schema) -> &Plan {
        schema.derived.defaults.get_or_init(|| Plan::build(schema))
    }

    fn build(schema: &Schema) -> Plan {
        let defaulted: Vec<Box<[u16]>> = schema
            .shapes
            .iter()
            .map(|shape| match &shape.kind {
                ShapeKind::Structure { members } => {
                    members.iter().enumerate().filter(|(_, m)| m.default.is_some()).map(|(i, _)| i as u16).collect()
                }
                _ => Box::default(),
            })
            .collect();
        let reaches = schema.closure(|kind, marked| {
            let holds = |m: &Member| marked.get(m.target as usize).copied().unwrap_or(false);
            match kind {
                ShapeKind::Structure { members } => members.iter().any(|m| m.default.is_some() || holds(m)),
                ShapeKind::Union { members } => members.iter().any(holds),
                ShapeKind::List { member, .. } => holds(member),
                ShapeKind::Map { value, .. } => holds(value),
                _ => false,
            }
        });
        Plan { reaches, defaulted }
    }

    fn reaches(&self, shape: ShapeId) -> bool {
        self.reaches.get(shape as usize).copied().unwrap_or(false)
    }

    fn defaulted(&self, shape: ShapeId) -> &[u16] {
        self.defaulted.get(shape as usize).map(|d| &d[..]).unwrap_or(&[])
    }
}

/// The value of a `@default` for a member targeting `shape`.
pub fn default_value(schema: &Schema, shape: ShapeId, d: &DefaultValue) -> Option<Value> {
    let kind = &schema.shape(shape).kind;
    if matches!(kind, ShapeKind::Document) {
        return Some(Value::Document(Box::new(document_default(d))));
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
        (DefaultValue::EmptyDocument, _) => Value::Document(Box::new(Document::Object(Default::default()))),
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
