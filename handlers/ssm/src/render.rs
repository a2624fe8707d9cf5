//! Stored versions as the API shapes that carry them.

use ferrostack_runtime as rt;
use ssm_api::types::{
    Parameter as ApiParameter, ParameterHistory, ParameterInlinePolicy, ParameterMetadata, ParameterType,
};

use crate::names::{self, Selector};
use crate::secure;
use crate::state::{Parameter, Version};

/// The value as a reader sees it: SecureStrings stay "encrypted" unless decrypting.
pub fn visible_value(version: &Version, with_decryption: bool) -> String {
    match (&version.r#type, with_decryption) {
        (ParameterType::SecureString, false) => {
            secure::ciphertext(version.key_id.as_deref().unwrap_or(secure::DEFAULT_KEY_ID), &version.value)
        }
        _ => version.value.clone(),
    }
}

pub fn parameter(
    ctx: &rt::RequestContext,
    name: &str,
    version: &Version,
    selector: &Selector,
    with_decryption: bool,
) -> ApiParameter {
    ApiParameter {
        name: Some(name.to_string()),
        r#type: Some(version.r#type.clone()),
        value: Some(visible_value(version, with_decryption)),
        version: version.version,
        selector: selector.render(),
        source_result: None,
        last_modified_date: Some(version.last_modified),
        arn: Some(names::arn(ctx, name)),
        data_type: Some(version.data_type.clone()),
    }
}

/// Each policy of a `Policies` JSON array, as DescribeParameters reports them.
fn policies(raw: &Option<String>) -> Option<Vec<ParameterInlinePolicy>> {
    let raw = raw.as_ref()?;
    let parsed: serde_json::Value = serde_json::from_str(raw).ok()?;
    let list = parsed.as_array()?;
    Some(
        list.iter()
            .map(|p| ParameterInlinePolicy {
                policy_text: Some(p.to_string()),
                policy_type: p.get("Type").and_then(|t| t.as_str()).map(str::to_string),
                policy_status: Some("Pending".to_string()),
            })
            .collect(),
    )
}

pub fn metadata(ctx: &rt::RequestContext, parameter: &Parameter, version: &Version) -> ParameterMetadata {
    ParameterMetadata {
        name: Some(parameter.name.clone()),
        arn: Some(names::arn(ctx, &parameter.name)),
        r#type: Some(version.r#type.clone()),
        key_id: version.key_id.clone(),
        last_modified_date: Some(version.last_modified),
        last_modified_user: Some(version.last_modified_user.clone()),
        description: version.description.clone(),
        allowed_pattern: version.allowed_pattern.clone(),
        version: version.version,
        tier: Some(version.tier.clone()),
        policies: Some(policies(&version.policies).unwrap_or_default()),
        data_type: Some(version.data_type.clone()),
    }
}

pub fn history(name: &str, version: &Version, with_decryption: bool) -> ParameterHistory {
    ParameterHistory {
        name: Some(name.to_string()),
        r#type: Some(version.r#type.clone()),
        key_id: version.key_id.clone(),
        last_modified_date: Some(version.last_modified),
        last_modified_user: Some(version.last_modified_user.clone()),
        description: version.description.clone(),
        value: Some(visible_value(version, with_decryption)),
        allowed_pattern: version.allowed_pattern.clone(),
        version: version.version,
        labels: Some(version.labels.clone()),
        tier: Some(version.tier.clone()),
        policies: Some(policies(&version.policies).unwrap_or_default()),
        data_type: Some(version.data_type.clone()),
    }
}
