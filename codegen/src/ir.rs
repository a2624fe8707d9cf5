//! The generator's view of one service: the closure of shapes its operations reach,
//! numbered, named for Rust, with member traits merged from their targets.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};
use serde_json::Value as Json;

use crate::manifest::ServiceEntry;
use crate::model::{local_name, namespace, MemberDef, Model, ShapeDef, Traits};

pub const UNIT: &str = "smithy.api#Unit";

/// Traits Smithy lets a member inherit from its target shape.
const INHERITED_TRAITS: &[&str] = &[
    "smithy.api#length",
    "smithy.api#range",
    "smithy.api#pattern",
    "smithy.api#uniqueItems",
    "smithy.api#timestampFormat",
    "smithy.api#mediaType",
    "smithy.api#default",
];

pub struct Service {
    pub entry: ServiceEntry,
    pub id: String,
    pub traits: Traits,
    pub version: String,
    pub shapes: Vec<Shape>,
    pub operations: Vec<Operation>,
    /// Test services validate with `smithy.framework#ValidationException`.
    pub smithy_validation: bool,
}

pub struct Shape {
    pub id: String,
    /// The name in Rust and in schema tables (the model's name, after `rename`).
    pub name: String,
    pub def: ShapeDef,
    pub members: Vec<Member>,
}

impl Shape {
    pub fn kind(&self) -> &str {
        &self.def.kind
    }

    /// Smithy 1.0 style `@enum` strings are enums too.
    pub fn is_enum(&self) -> bool {
        self.def.kind == "enum" || (self.def.kind == "string" && self.def.has_trait("smithy.api#enum"))
    }

    pub fn is_unit(&self) -> bool {
        self.id == UNIT
    }

    /// `(member name, wire value)` of enums in model order.
    pub fn enum_values(&self) -> Vec<(String, String)> {
        if self.def.kind == "enum" {
            return self
                .def
                .members
                .0
                .iter()
                .map(|(name, m)| {
                    let value = m.traits.get("smithy.api#enumValue").and_then(Json::as_str).unwrap_or(name);
                    (name.clone(), value.to_owned())
                })
                .collect();
        }
        let list = self.def.traits.get("smithy.api#enum").and_then(Json::as_array).cloned().unwrap_or_default();
        list.iter()
            .filter_map(|e| {
                let value = e.get("value")?.as_str()?.to_owned();
                let name = e.get("name").and_then(Json::as_str).map(str::to_owned).unwrap_or_else(|| value.clone());
                Some((name, value))
            })
            .collect()
    }

    pub fn int_enum_values(&self) -> Vec<(String, i64)> {
        self.def
            .members
            .0
            .iter()
            .map(|(name, m)| (name.clone(), m.traits.get("smithy.api#enumValue").and_then(Json::as_i64).unwrap_or(0)))
            .collect()
    }
}

pub struct Member {
    pub name: String,
    pub target: u32,
    /// The member's traits over those inherited from its target.
    pub traits: Traits,
    /// Rust field name (structures) or variant name (unions).
    pub rust_name: String,
    /// Boxed to break a cycle of structures.
    pub boxed: bool,
}

impl Member {
    pub fn has(&self, name: &str) -> bool {
        self.traits.contains_key(name)
    }

    pub fn get(&self, name: &str) -> Option<&Json> {
        self.traits.get(name)
    }

    /// `@default` unless it is `@default(null)`.
    pub fn default_value(&self) -> Option<&Json> {
        self.get("smithy.api#default").filter(|v| !v.is_null())
    }

    /// Required without a default: a plain (non-Option) Rust field filled by the client.
    pub fn is_required(&self) -> bool {
        self.has("smithy.api#required")
    }
}

pub struct Operation {
    pub name: String,
    pub input: u32,
    pub output: u32,
    pub errors: Vec<u32>,
    pub unit_input: bool,
    pub unit_output: bool,
    pub def: ShapeDef,
}

pub fn protocol_variant(name: &str) -> Option<&'static str> {
    Some(match name {
        "awsJson1_0" => "AwsJson1_0",
        "awsJson1_1" => "AwsJson1_1",
        "restJson1" => "RestJson1",
        "restXml" => "RestXml",
        "awsQuery" => "AwsQuery",
        "rpcv2Cbor" => "RpcV2Cbor",
        _ => return None,
    })
}

impl Service {
    pub fn shape(&self, id: u32) -> &Shape {
        &self.shapes[id as usize]
    }

    pub fn service_trait(&self, name: &str) -> Option<&Json> {
        self.traits.get(name)
    }

    pub fn shape_name(&self) -> &str {
        local_name(&self.id)
    }

    pub fn namespace(&self) -> &str {
        namespace(&self.id)
    }

    /// Builds the closure of `service_id` in `model`.
    pub fn build(model: &Model, service_id: &str, entry: ServiceEntry) -> Result<Service, String> {
        let service = model.get(service_id).ok_or_else(|| format!("no service {service_id}"))?;
        let op_ids = operation_ids(model, &service)?;

        // Every shape reachable from the operations and the service's common errors.
        let mut reachable = BTreeSet::new();
        let mut stack: Vec<String> = Vec::new();
        for op_id in &op_ids {
            let op = model.get(op_id).ok_or_else(|| format!("missing operation {op_id}"))?;
            stack.push(op.input.as_ref().map(|t| t.target.clone()).unwrap_or_else(|| UNIT.into()));
            stack.push(op.output.as_ref().map(|t| t.target.clone()).unwrap_or_else(|| UNIT.into()));
            stack.extend(op.errors.iter().map(|t| t.target.clone()));
        }
        stack.extend(service.errors.iter().map(|t| t.target.clone()));
        while let Some(id) = stack.pop() {
            if !reachable.insert(id.clone()) {
                continue;
            }
            let shape = model.get(&id).ok_or_else(|| format!("missing shape {id}"))?;
            for (_, m) in &shape.members.0 {
                stack.push(m.target.clone());
            }
            for m in [&shape.member, &shape.key, &shape.value].into_iter().flatten() {
                stack.push(m.target.clone());
            }
        }

        // Number shapes by name so output is stable; names must be unique in a crate.
        let mut named: Vec<(String, String)> = reachable
            .iter()
            .map(|id| (service.rename.get(id).cloned().unwrap_or_else(|| local_name(id).to_owned()), id.clone()))
            .collect();
        named.sort();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (name, id) in named.iter_mut() {
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n > 1 {
                // Same local name from another namespace: qualify it.
                *name = format!("{}{}", namespace(id).replace('.', "_").to_upper_camel_case(), name);
            }
        }
        let index: HashMap<String, u32> = named.iter().enumerate().map(|(i, (_, id))| (id.clone(), i as u32)).collect();

        let mut shapes = Vec::with_capacity(named.len());
        for (name, id) in &named {
            let def = model.get(id).expect("reachable shapes exist");
            let members = shape_members(model, &def, &index)?;
            shapes.push(Shape { id: id.clone(), name: name.clone(), def, members });
        }
        mark_boxed(&mut shapes);

        let mut operations = Vec::with_capacity(op_ids.len());
        for op_id in &op_ids {
            let def = model.get(op_id).expect("checked above");
            let input = def.input.as_ref().map(|t| t.target.as_str()).unwrap_or(UNIT);
            let output = def.output.as_ref().map(|t| t.target.as_str()).unwrap_or(UNIT);
            operations.push(Operation {
                name: local_name(op_id).to_owned(),
                input: index[input],
                output: index[output],
                errors: def.errors.iter().chain(service.errors.iter()).map(|t| index[&t.target]).collect(),
                unit_input: input == UNIT,
                unit_output: output == UNIT,
                def,
            });
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));

        let smithy_validation = reachable.contains("smithy.framework#ValidationException");
        Ok(Service {
            entry,
            id: service_id.to_owned(),
            traits: service.traits.clone(),
            version: service.version.clone().unwrap_or_default(),
            shapes,
            operations,
            smithy_validation,
        })
    }
}

/// The service's operations, including those bound through resources.
fn operation_ids(model: &Model, service: &ShapeDef) -> Result<Vec<String>, String> {
    let mut ops = BTreeSet::new();
    let mut containers = vec![service.clone()];
    while let Some(c) = containers.pop() {
        for t in c.operations.iter().chain(&c.collection_operations) {
            ops.insert(t.target.clone());
        }
        for t in [&c.create, &c.put, &c.read, &c.update, &c.delete, &c.list].into_iter().flatten() {
            ops.insert(t.target.clone());
        }
        for r in &c.resources {
            containers.push(model.get(&r.target).ok_or_else(|| format!("missing resource {}", r.target))?);
        }
    }
    Ok(ops.into_iter().collect())
}

fn shape_members(model: &Model, def: &ShapeDef, index: &HashMap<String, u32>) -> Result<Vec<Member>, String> {
    let mut members = Vec::new();
    match def.kind.as_str() {
        "structure" | "union" => {
            let mut used = BTreeSet::new();
            for (name, m) in &def.members.0 {
                let rust_name =
                    if def.kind == "union" { variant_name(name, &mut used) } else { field_name(name, &mut used) };
                members.push(member(model, name, m, index, rust_name)?);
            }
        }
        "list" | "set" => {
            let m = def.member.as_ref().ok_or("list without member")?;
            members.push(member(model, "member", m, index, String::new())?);
        }
        "map" => {
            members.push(member(model, "key", def.key.as_ref().ok_or("map without key")?, index, String::new())?);
            members.push(member(model, "value", def.value.as_ref().ok_or("map without value")?, index, String::new())?);
        }
        _ => {}
    }
    Ok(members)
}

fn member(
    model: &Model,
    name: &str,
    m: &MemberDef,
    index: &HashMap<String, u32>,
    rust_name: String,
) -> Result<Member, String> {
    let target = model.get(&m.target).ok_or_else(|| format!("missing target {}", m.target))?;
    let mut traits: Traits = BTreeMap::new();
    for t in INHERITED_TRAITS {
        if let Some(v) = target.traits.get(*t) {
            traits.insert((*t).to_owned(), v.clone());
        }
    }
    for (k, v) in &m.traits {
        if k != "smithy.api#documentation" {
            traits.insert(k.clone(), v.clone());
        }
    }
    Ok(Member { name: name.to_owned(), target: index[&m.target], traits, rust_name, boxed: false })
}

/// Boxes structure and union members whose target can reach back to the member's own
/// shape without passing through a list or map (which already allocate).
fn mark_boxed(shapes: &mut [Shape]) {
    let direct = |shapes: &[Shape], id: usize| -> Vec<usize> {
        let s = &shapes[id];
        if !matches!(s.kind(), "structure" | "union") {
            return Vec::new();
        }
        s.members
            .iter()
            .map(|m| m.target as usize)
            .filter(|&t| matches!(shapes[t].kind(), "structure" | "union"))
            .collect()
    };
    for id in 0..shapes.len() {
        for mi in 0..shapes[id].members.len() {
            let start = shapes[id].members[mi].target as usize;
            if !matches!(shapes[start].kind(), "structure" | "union") {
                continue;
            }
            // Depth-first search from the target back to `id`.
            let mut seen = vec![false; shapes.len()];
            let mut stack = vec![start];
            let mut cyclic = false;
            while let Some(s) = stack.pop() {
                if s == id {
                    cyclic = true;
                    break;
                }
                if std::mem::replace(&mut seen[s], true) {
                    continue;
                }
                stack.extend(direct(shapes, s));
            }
            shapes[id].members[mi].boxed = cyclic;
        }
    }
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self", "static", "struct", "super",
    "trait", "true", "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box",
    "do", "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// A snake_case field name, unique within its structure.
pub fn field_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut n = name.to_snake_case();
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        n = format!("f_{n}");
    }
    if matches!(n.as_str(), "self" | "crate" | "super") {
        n.push('_');
    } else if RUST_KEYWORDS.contains(&n.as_str()) {
        n = format!("r#{n}");
    }
    unique(n, used)
}

/// An UpperCamelCase variant name, unique within its enum or union.
pub fn variant_name(name: &str, used: &mut BTreeSet<String>) -> String {
    let mut n = name.to_upper_camel_case();
    if n.is_empty() || n.starts_with(|c: char| c.is_ascii_digit()) {
        n = format!("V{n}");
    }
    if n == "Self" || n == "Unknown" {
        n.push_str("Value");
    }
    unique(n, used)
}

fn unique(n: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = n.clone();
    let mut i = 2;
    while !used.insert(candidate.clone()) {
        candidate = format!("{n}{i}");
        i += 1;
    }
    candidate
}

/// A type name that does not clash with Rust's or with names the generated crate uses.
pub fn type_name(name: &str) -> String {
    let n: String = name.chars().filter(|c| c.is_alphanumeric() || *c == '_').collect();
    match n.as_str() {
        "Self" | "Option" | "Result" | "Box" | "Vec" | "String" | "Default" | "Some" | "None" | "Ok" | "Err" => {
            format!("{n}Shape")
        }
        _ => n,
    }
}
