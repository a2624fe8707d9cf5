//! Stored secrets as the API shapes that carry them.

use ferrostack_runtime as rt;
use secretsmanager_api::error::GetSecretValueError;
use secretsmanager_api::types::*;

use crate::errors::{invalid_parameter, value_not_found_for_stage, value_not_found_for_version};
use crate::state::{Secret, Value, Version, AWSCURRENT};

/// Access dates are kept to the day, as AWS reports them.
pub fn today() -> rt::DateTime {
    let now = rt::DateTime::now().secs();
    rt::DateTime::from_secs(now - now.rem_euclid(86_400))
}

/// The version a GetSecretValue names: by id, by stage, or AWSCURRENT.
pub fn select_version(secret: &Secret, id: Option<&str>, stage: Option<&str>) -> Result<usize, GetSecretValueError> {
    let position = |pred: &dyn Fn(&Version) -> bool| secret.versions.iter().position(pred);
    match (id, stage) {
        (Some(id), stage) => {
            let i = position(&|v| v.id == id).ok_or_else(|| value_not_found_for_version(id))?;
            if let Some(stage) = stage {
                if !secret.versions[i].stages.iter().any(|s| s == stage) {
                    return Err(invalid_parameter(
                        "You provided a VersionStage that is not associated to the provided VersionId.",
                    )
                    .into());
                }
            }
            Ok(i)
        }
        (None, stage) => {
            let stage = stage.unwrap_or(AWSCURRENT);
            Ok(position(&|v| v.stages.iter().any(|s| s == stage)).ok_or_else(|| value_not_found_for_stage(stage))?)
        }
    }
}

pub fn value(secret: &Secret, version: &Version) -> GetSecretValueResponse {
    let (secret_string, secret_binary) = match &version.value {
        Value::String(s) => (Some(s.clone()), None),
        Value::Binary(b) => (None, Some(b.clone())),
    };
    GetSecretValueResponse {
        arn: Some(secret.arn.clone()),
        name: Some(secret.name.clone()),
        version_id: Some(version.id.clone()),
        secret_binary,
        secret_string,
        version_stages: Some(version.stages.clone()),
        created_date: Some(version.created),
    }
}

/// Versions that carry a staging label, and their labels.
fn stages(secret: &Secret) -> Option<rt::IndexMap<String, Vec<String>>> {
    let map: rt::IndexMap<String, Vec<String>> =
        secret.versions.iter().filter(|v| !v.stages.is_empty()).map(|v| (v.id.clone(), v.stages.clone())).collect();
    (!map.is_empty()).then_some(map)
}

fn tags(secret: &Secret) -> Option<Vec<Tag>> {
    (!secret.tags.is_empty())
        .then(|| secret.tags.iter().map(|(k, v)| Tag { key: Some(k.clone()), value: Some(v.clone()) }).collect())
}

pub fn replication(secret: &Secret) -> Option<Vec<ReplicationStatusType>> {
    (!secret.replicas.is_empty()).then(|| {
        secret
            .replicas
            .iter()
            .map(|r| ReplicationStatusType {
                region: Some(r.region.clone()),
                kms_key_id: Some(r.kms_key_id.clone().unwrap_or_else(|| "alias/aws/secretsmanager".to_string())),
                status: Some(StatusType::InSync),
                status_message: Some("Replication succeeded".to_string()),
                last_accessed_date: None,
            })
            .collect()
    })
}

/// Rotation fields appear once rotation has been configured.
fn rotation_enabled(secret: &Secret) -> Option<bool> {
    (secret.rotation.enabled || secret.rotation.lambda_arn.is_some()).then_some(secret.rotation.enabled)
}

pub fn describe(secret: &Secret, region: &str) -> DescribeSecretResponse {
    DescribeSecretResponse {
        arn: Some(secret.arn.clone()),
        name: Some(secret.name.clone()),
        description: secret.description.clone(),
        kms_key_id: secret.kms_key_id.clone(),
        rotation_enabled: rotation_enabled(secret),
        rotation_lambda_arn: secret.rotation.lambda_arn.clone(),
        rotation_rules: secret.rotation.rules.clone(),
        last_rotated_date: secret.rotation.last_rotated,
        last_changed_date: Some(secret.last_changed),
        last_accessed_date: secret.last_accessed,
        deleted_date: secret.deleted,
        next_rotation_date: secret.rotation.next_rotation,
        tags: tags(secret),
        version_ids_to_stages: stages(secret),
        owning_service: None,
        created_date: Some(secret.created),
        primary_region: (!secret.replicas.is_empty()).then(|| region.to_string()),
        replication_status: replication(secret),
    }
}

pub fn list_entry(secret: &Secret, region: &str) -> SecretListEntry {
    SecretListEntry {
        arn: Some(secret.arn.clone()),
        name: Some(secret.name.clone()),
        description: secret.description.clone(),
        kms_key_id: secret.kms_key_id.clone(),
        rotation_enabled: rotation_enabled(secret),
        rotation_lambda_arn: secret.rotation.lambda_arn.clone(),
        rotation_rules: secret.rotation.rules.clone(),
        last_rotated_date: secret.rotation.last_rotated,
        last_changed_date: Some(secret.last_changed),
        last_accessed_date: secret.last_accessed,
        deleted_date: secret.deleted,
        next_rotation_date: secret.rotation.next_rotation,
        tags: tags(secret),
        secret_versions_to_stages: stages(secret),
        owning_service: None,
        created_date: Some(secret.created),
        primary_region: (!secret.replicas.is_empty()).then(|| region.to_string()),
    }
}

pub fn version_entry(secret: &Secret, version: &Version) -> SecretVersionsListEntry {
    SecretVersionsListEntry {
        version_id: Some(version.id.clone()),
        version_stages: Some(version.stages.clone()),
        last_accessed_date: version.last_accessed,
        created_date: Some(version.created),
        kms_key_ids: Some(vec![secret.kms_key_id.clone().unwrap_or_else(|| "DEFAULT".to_string())]),
    }
}
