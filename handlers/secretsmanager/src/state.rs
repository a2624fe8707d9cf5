//! Secrets Manager's state for one account and region.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;
use secretsmanager_api::types::{ReplicaRegionType, RotationRulesType};

pub const AWSCURRENT: &str = "AWSCURRENT";
pub const AWSPREVIOUS: &str = "AWSPREVIOUS";
pub const AWSPENDING: &str = "AWSPENDING";

/// The secret value of one version: a string or bytes, never both.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(String),
    Binary(rt::Bytes),
}

#[derive(Debug, Clone)]
pub struct Version {
    pub id: String,
    pub value: Value,
    /// Staging labels; a version with none is "deprecated" and kept only for a while.
    pub stages: Vec<String>,
    pub created: rt::DateTime,
    pub last_accessed: Option<rt::DateTime>,
}

#[derive(Debug, Clone, Default)]
pub struct Rotation {
    pub enabled: bool,
    pub lambda_arn: Option<String>,
    pub rules: Option<RotationRulesType>,
    pub last_rotated: Option<rt::DateTime>,
    pub next_rotation: Option<rt::DateTime>,
}

#[derive(Debug, Clone)]
pub struct Replica {
    pub region: String,
    pub kms_key_id: Option<String>,
}

impl From<&ReplicaRegionType> for Replica {
    fn from(r: &ReplicaRegionType) -> Self {
        Replica { region: r.region.clone().unwrap_or_default(), kms_key_id: r.kms_key_id.clone() }
    }
}

#[derive(Debug, Clone)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    /// Creation order, for listing and page tokens.
    pub seq: u64,
    pub description: Option<String>,
    pub kms_key_id: Option<String>,
    /// Oldest first.
    pub versions: Vec<Version>,
    pub tags: Vec<(String, String)>,
    pub created: rt::DateTime,
    pub last_changed: rt::DateTime,
    pub last_accessed: Option<rt::DateTime>,
    /// When DeleteSecret was called, while the secret waits out its recovery window.
    pub deleted: Option<rt::DateTime>,
    /// When the secret goes for good.
    pub purge_at: Option<rt::DateTime>,
    pub rotation: Rotation,
    pub policy: Option<String>,
    pub replicas: Vec<Replica>,
}

impl Secret {
    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    pub fn staged(&self, stage: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.stages.iter().any(|s| s == stage))
    }

    pub fn current(&self) -> Option<&Version> {
        self.staged(AWSCURRENT)
    }

    /// The ARN without AWS's six-character suffix: a "partial ARN" callers may use.
    pub fn partial_arn(&self) -> &str {
        &self.arn[..self.arn.len() - 7]
    }

    pub fn matches_id(&self, id: &str) -> bool {
        if id.starts_with("arn:") {
            id == self.arn || id == self.partial_arn()
        } else {
            id == self.name
        }
    }
}

#[derive(Debug, Default)]
pub struct Secrets {
    pub by_name: BTreeMap<String, Secret>,
    pub next_seq: u64,
}

impl Secrets {
    /// Secrets whose recovery window has passed are gone.
    pub fn purge_expired(&mut self, now: rt::DateTime) {
        self.by_name.retain(|_, s| s.purge_at.is_none_or(|t| t.secs() > now.secs()));
    }

    pub fn find(&self, id: &str) -> Option<&Secret> {
        if !id.starts_with("arn:") {
            return self.by_name.get(id);
        }
        self.by_name.values().find(|s| s.matches_id(id))
    }

    pub fn find_mut(&mut self, id: &str) -> Option<&mut Secret> {
        if !id.starts_with("arn:") {
            return self.by_name.get_mut(id);
        }
        self.by_name.values_mut().find(|s| s.matches_id(id))
    }
}
