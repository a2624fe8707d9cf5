//! `models/manifest.toml`: which services are served and how.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct Manifest {
    #[serde(rename = "service")]
    pub services: Vec<ServiceEntry>,
}

#[derive(Debug, Deserialize, Clone)]
pub struct ServiceEntry {
    /// Our name: crate `generated/<name>` (package `<name>-api`).
    pub name: String,
    /// Model file, relative to the model folder.
    pub model: String,
    /// Protocols to serve, the model's own first.
    pub protocols: Vec<String>,
    pub signing_name: String,
    #[serde(default)]
    pub target_prefix: Option<String>,
    #[serde(default)]
    pub query_version: Option<String>,
    #[serde(default)]
    pub xml_namespace: Option<String>,
    pub validation_code: String,
    /// Overrides the model's `@awsQueryCompatible` (current SDKs know CloudWatch as such,
    /// although this model snapshot predates it).
    #[serde(default)]
    pub query_compatible: Option<bool>,
    /// The service accepts values outside its modelled enums (the handler judges them).
    #[serde(default)]
    pub open_enums: bool,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let manifest: Manifest = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        for s in &manifest.services {
            for p in &s.protocols {
                if crate::ir::protocol_variant(p).is_none() {
                    return Err(format!("service {}: unknown protocol {p}", s.name));
                }
            }
        }
        Ok(manifest)
    }
}
