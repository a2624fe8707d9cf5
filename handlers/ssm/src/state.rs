//! Parameter Store's state for one account and region.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;
use ssm_api::types::{ParameterTier, ParameterType};

/// One version of a parameter: everything PutParameter set, as it was at that version.
#[derive(Debug, Clone)]
pub struct Version {
    pub version: i64,
    pub value: String,
    pub r#type: ParameterType,
    /// SecureString only: the KMS key that "encrypts" the value.
    pub key_id: Option<String>,
    pub description: Option<String>,
    pub allowed_pattern: Option<String>,
    pub tier: ParameterTier,
    /// The raw `Policies` JSON, kept verbatim.
    pub policies: Option<String>,
    pub data_type: String,
    pub labels: Vec<String>,
    pub last_modified: rt::DateTime,
    pub last_modified_user: String,
}

/// A parameter: its versions, oldest first, and its tags.
#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    pub versions: Vec<Version>,
    pub tags: Vec<(String, String)>,
}

impl Parameter {
    /// The current version. A stored parameter always has at least one.
    pub fn latest(&self) -> Option<&Version> {
        self.versions.last()
    }

    pub fn version(&self, number: i64) -> Option<&Version> {
        self.versions.iter().find(|v| v.version == number)
    }

    pub fn labelled(&self, label: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.labels.iter().any(|l| l == label))
    }
}

/// Parameters by name. Names are case-sensitive; the `BTreeMap` gives paths and pages a
/// stable name order.
#[derive(Debug, Default)]
pub struct Parameters {
    pub by_name: BTreeMap<String, Parameter>,
}

impl Parameters {
    /// A state holding just `parameter` (public parameters are looked up through one).
    pub fn with_one(parameter: Parameter) -> Parameters {
        let mut state = Parameters::default();
        state.by_name.insert(parameter.name.clone(), parameter);
        state
    }
}
