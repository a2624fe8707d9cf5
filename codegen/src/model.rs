//! A reader for the Smithy 2.0 JSON AST: just the parts the generator uses.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value as Json;

pub type Traits = BTreeMap<String, Json>;

#[derive(Debug, Deserialize)]
pub struct ModelFile {
    pub shapes: BTreeMap<String, ShapeDef>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct Target {
    pub target: String,
}

#[derive(Debug, Deserialize, Clone)]
pub struct MemberDef {
    pub target: String,
    #[serde(default)]
    pub traits: Traits,
}

#[derive(Debug, Deserialize, Clone)]
pub struct ShapeDef {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub traits: Traits,
    /// Structures, unions, enums and intEnums, in model order.
    #[serde(default)]
    pub members: indexmap_lite::OrderedMembers,
    pub member: Option<MemberDef>,
    pub key: Option<MemberDef>,
    pub value: Option<MemberDef>,
    // Operations.
    pub input: Option<Target>,
    pub output: Option<Target>,
    #[serde(default)]
    pub errors: Vec<Target>,
    // Services and resources.
    #[serde(default)]
    pub operations: Vec<Target>,
    #[serde(default)]
    pub resources: Vec<Target>,
    #[serde(default, rename = "collectionOperations")]
    pub collection_operations: Vec<Target>,
    pub create: Option<Target>,
    pub put: Option<Target>,
    pub read: Option<Target>,
    pub update: Option<Target>,
    pub delete: Option<Target>,
    pub list: Option<Target>,
    pub version: Option<String>,
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

impl ShapeDef {
    pub fn has_trait(&self, name: &str) -> bool {
        self.traits.contains_key(name)
    }

    pub fn trait_str(&self, name: &str) -> Option<&str> {
        self.traits.get(name).and_then(Json::as_str)
    }
}

/// Member order matters (it is the order of fields and of the schema's member indexes),
/// so members are read into a vector rather than a sorted map.
pub mod indexmap_lite {
    use super::MemberDef;
    use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

    #[derive(Debug, Default, Clone)]
    pub struct OrderedMembers(pub Vec<(String, MemberDef)>);

    impl<'de> Deserialize<'de> for OrderedMembers {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = OrderedMembers;
                fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                    f.write_str("a map of members")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedMembers, A::Error> {
                    let mut out = Vec::new();
                    while let Some((k, v)) = map.next_entry::<String, MemberDef>()? {
                        out.push((k, v));
                    }
                    Ok(OrderedMembers(out))
                }
            }
            d.deserialize_map(V)
        }
    }
}

/// All shapes of one or more model files, by absolute shape id.
#[derive(Debug, Default)]
pub struct Model {
    pub shapes: BTreeMap<String, ShapeDef>,
}

impl Model {
    pub fn load(path: &Path) -> Result<Model, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file: ModelFile = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Model { shapes: file.shapes })
    }

    /// A shape by id; prelude shapes (`smithy.api#String`, ...) are synthesized.
    pub fn get(&self, id: &str) -> Option<ShapeDef> {
        if let Some(s) = self.shapes.get(id) {
            return Some(s.clone());
        }
        prelude(id)
    }

    pub fn services(&self) -> Vec<&str> {
        self.shapes.iter().filter(|(_, s)| s.kind == "service").map(|(id, _)| id.as_str()).collect()
    }
}

/// The Smithy prelude's simple shapes, which model files reference but do not contain.
fn prelude(id: &str) -> Option<ShapeDef> {
    let local = id.strip_prefix("smithy.api#")?;
    let (kind, default) = match local {
        "String" => ("string", None),
        "Blob" => ("blob", None),
        "BigInteger" => ("bigInteger", None),
        "BigDecimal" => ("bigDecimal", None),
        "Timestamp" => ("timestamp", None),
        "Document" => ("document", None),
        "Boolean" => ("boolean", None),
        "PrimitiveBoolean" => ("boolean", Some(Json::Bool(false))),
        "Byte" => ("byte", None),
        "PrimitiveByte" => ("byte", Some(Json::from(0))),
        "Short" => ("short", None),
        "PrimitiveShort" => ("short", Some(Json::from(0))),
        "Integer" => ("integer", None),
        "PrimitiveInteger" => ("integer", Some(Json::from(0))),
        "Long" => ("long", None),
        "PrimitiveLong" => ("long", Some(Json::from(0))),
        "Float" => ("float", None),
        "PrimitiveFloat" => ("float", Some(Json::from(0))),
        "Double" => ("double", None),
        "PrimitiveDouble" => ("double", Some(Json::from(0))),
        "Unit" => ("structure", None),
        _ => return None,
    };
    let mut traits = Traits::new();
    if let Some(d) = default {
        traits.insert("smithy.api#default".into(), d);
    }
    if local == "Unit" {
        traits.insert("smithy.api#unitType".into(), Json::Object(Default::default()));
    }
    Some(ShapeDef {
        kind: kind.into(),
        traits,
        members: Default::default(),
        member: None,
        key: None,
        value: None,
        input: None,
        output: None,
        errors: Vec::new(),
        operations: Vec::new(),
        resources: Vec::new(),
        collection_operations: Vec::new(),
        create: None,
        put: None,
        read: None,
        update: None,
        delete: None,
        list: None,
        version: None,
        rename: BTreeMap::new(),
    })
}

/// `com.amazonaws.sqs#SendMessage` → `SendMessage`; member ids keep only the shape part.
pub fn local_name(id: &str) -> &str {
    let name = id.rsplit('#').next().unwrap_or(id);
    name.split('$').next().unwrap_or(name)
}

pub fn namespace(id: &str) -> &str {
    id.split('#').next().unwrap_or("")
}
