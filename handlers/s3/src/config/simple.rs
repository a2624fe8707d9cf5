//! The configurations S3 only stores and hands back: tagging, policy, public access block,
//! ownership controls, default encryption, transfer acceleration, request payment, logging,
//! replication and website. Each Put validates as S3 does and replaces the whole
//! configuration; each Get answers S3's own "not found" error when there is none.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::types::*;

use super::{errors, with_bucket, with_state};
use crate::state::S3State;
use crate::versions::Versioning;

// ---- tagging -------------------------------------------------------------------------------

const MAX_BUCKET_TAGS: usize = 50;

pub fn put_bucket_tagging(
    state: &GlobalStore<S3State>,
    input: PutBucketTaggingRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let tags = input.tagging.tag_set;
    validate_tags(&tags)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.tags = Some(tags);
        Ok(rt::Unit)
    })
}

fn validate_tags(tags: &[Tag]) -> Result<(), rt::CommonError> {
    if tags.len() > MAX_BUCKET_TAGS {
        return Err(errors::invalid_tag("Bucket tag count cannot be greater than 50"));
    }
    let mut seen = std::collections::HashSet::new();
    for tag in tags {
        if tag.key.is_empty() || tag.key.chars().count() > 128 {
            return Err(errors::invalid_tag("The TagKey you have provided is invalid"));
        }
        if tag.value.chars().count() > 256 {
            return Err(errors::invalid_tag("The TagValue you have provided is invalid"));
        }
        if tag.key.starts_with("aws:") {
            return Err(errors::invalid_tag("Your TagKey cannot be prefixed with aws:"));
        }
        if !seen.insert(tag.key.as_str()) {
            return Err(errors::invalid_tag("Cannot provide multiple Tags with the same key"));
        }
    }
    Ok(())
}

pub fn get_bucket_tagging(
    state: &GlobalStore<S3State>,
    input: GetBucketTaggingRequest,
) -> Result<GetBucketTaggingOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let tags = bucket.config.tags.clone().ok_or_else(|| errors::no_such_tag_set(&input.bucket))?;
        Ok(GetBucketTaggingOutput { tag_set: tags })
    })
}

pub fn delete_bucket_tagging(
    state: &GlobalStore<S3State>,
    input: DeleteBucketTaggingRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.tags = None;
        Ok(rt::Unit)
    })
}

// ---- policy --------------------------------------------------------------------------------

/// Largest bucket policy S3 accepts.
const MAX_POLICY_BYTES: usize = 20 * 1024;

pub fn put_bucket_policy(
    state: &GlobalStore<S3State>,
    input: PutBucketPolicyRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let public = validate_policy(&input.policy, &input.bucket)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let blocks = bucket.config.public_access_block.as_ref().and_then(|p| p.block_public_policy).unwrap_or(false);
        if blocks && public {
            return Err(errors::access_denied());
        }
        bucket.config.policy = Some(input.policy);
        Ok(rt::Unit)
    })
}

/// Checks the policy document's shape as S3 does; answers whether it is public (allows
/// anyone, `"*"`, without a condition).
fn validate_policy(policy: &str, bucket: &str) -> Result<bool, rt::CommonError> {
    if policy.len() > MAX_POLICY_BYTES {
        return Err(errors::invalid_argument_bare("Policy exceeds the maximum allowed document size."));
    }
    if !policy.trim_start().starts_with('{') {
        return Err(errors::malformed_policy("Policies must be valid JSON and the first byte must be '{'"));
    }
    let doc: serde_json::Value = serde_json::from_str(policy)
        .map_err(|_| errors::malformed_policy("Policies must be valid JSON and the first byte must be '{'"))?;
    let statements = match doc.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.clone(),
        Some(single @ serde_json::Value::Object(_)) => vec![single.clone()],
        Some(_) => return Err(errors::malformed_policy("Statement is not well-formed")),
        None => return Err(errors::malformed_policy("Missing required field Statement")),
    };
    let mut public = false;
    for statement in &statements {
        let effect = statement.get("Effect").and_then(|e| e.as_str());
        match effect {
            Some("Allow") | Some("Deny") => {}
            None => return Err(errors::malformed_policy("Missing required field Effect")),
            Some(_) => return Err(errors::malformed_policy("Invalid effect")),
        }
        if statement.get("Principal").is_none() && statement.get("NotPrincipal").is_none() {
            return Err(errors::malformed_policy("Missing required field Principal"));
        }
        if statement.get("Action").is_none() && statement.get("NotAction").is_none() {
            return Err(errors::malformed_policy("Missing required field Action"));
        }
        if statement.get("Resource").is_none() && statement.get("NotResource").is_none() {
            return Err(errors::malformed_policy("Missing required field Resource"));
        }
        // Every resource must be this bucket or objects in it, every action an S3 one.
        let bucket_arn = format!("arn:aws:s3:::{bucket}");
        for resource in strings(statement.get("Resource").or_else(|| statement.get("NotResource"))) {
            let ours = resource == bucket_arn
                || resource.strip_prefix(bucket_arn.as_str()).is_some_and(|rest| rest.starts_with('/'))
                || resource == "*";
            if !ours {
                return Err(errors::malformed_policy("Policy has invalid resource"));
            }
        }
        for action in strings(statement.get("Action").or_else(|| statement.get("NotAction"))) {
            if action != "*" && !action.to_ascii_lowercase().starts_with("s3:") {
                return Err(errors::malformed_policy("Policy has invalid action"));
            }
        }
        let to_everyone = match statement.get("Principal") {
            Some(serde_json::Value::String(s)) => s == "*",
            Some(serde_json::Value::Object(map)) => map.get("AWS").is_some_and(|aws| match aws {
                serde_json::Value::String(s) => s == "*",
                serde_json::Value::Array(list) => list.iter().any(|v| v.as_str() == Some("*")),
                _ => false,
            }),
            _ => false,
        };
        if effect == Some("Allow") && to_everyone && statement.get("Condition").is_none() {
            public = true;
        }
    }
    Ok(public)
}

/// A policy element that is a string or a list of strings, as strings (others: none).
fn strings(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(list)) => list.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

pub fn get_bucket_policy(
    state: &GlobalStore<S3State>,
    input: GetBucketPolicyRequest,
) -> Result<GetBucketPolicyOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let policy = bucket.config.policy.clone().ok_or_else(|| errors::no_such_policy(&input.bucket))?;
        Ok(GetBucketPolicyOutput { policy: Some(policy) })
    })
}

pub fn delete_bucket_policy(
    state: &GlobalStore<S3State>,
    input: DeleteBucketPolicyRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.policy = None;
        Ok(rt::Unit)
    })
}

pub fn get_bucket_policy_status(
    state: &GlobalStore<S3State>,
    input: GetBucketPolicyStatusRequest,
) -> Result<GetBucketPolicyStatusOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let policy = bucket.config.policy.as_deref().ok_or_else(|| errors::no_such_policy(&input.bucket))?;
        let public = validate_policy(policy, &input.bucket).unwrap_or(false);
        Ok(GetBucketPolicyStatusOutput { policy_status: Some(PolicyStatus { is_public: Some(public) }) })
    })
}

// ---- public access block -------------------------------------------------------------------

pub fn put_public_access_block(
    state: &GlobalStore<S3State>,
    input: PutPublicAccessBlockRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let given = input.public_access_block_configuration;
    let config = PublicAccessBlockConfiguration {
        block_public_acls: Some(given.block_public_acls.unwrap_or(false)),
        ignore_public_acls: Some(given.ignore_public_acls.unwrap_or(false)),
        block_public_policy: Some(given.block_public_policy.unwrap_or(false)),
        restrict_public_buckets: Some(given.restrict_public_buckets.unwrap_or(false)),
    };
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.public_access_block = Some(config);
        Ok(rt::Unit)
    })
}

pub fn get_public_access_block(
    state: &GlobalStore<S3State>,
    input: GetPublicAccessBlockRequest,
) -> Result<GetPublicAccessBlockOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = bucket
            .config
            .public_access_block
            .clone()
            .ok_or_else(|| errors::no_such_public_access_block(&input.bucket))?;
        Ok(GetPublicAccessBlockOutput { public_access_block_configuration: Some(config) })
    })
}

pub fn delete_public_access_block(
    state: &GlobalStore<S3State>,
    input: DeletePublicAccessBlockRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.public_access_block = None;
        Ok(rt::Unit)
    })
}

// ---- ownership controls --------------------------------------------------------------------

pub fn put_bucket_ownership_controls(
    state: &GlobalStore<S3State>,
    input: PutBucketOwnershipControlsRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let rules = input.ownership_controls.rules;
    let [rule] = rules.as_slice() else {
        return Err(errors::malformed_xml());
    };
    let ownership = rule.object_ownership.clone();
    if let ObjectOwnership::Unknown(_) = ownership {
        return Err(errors::malformed_xml());
    }
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        if ownership == ObjectOwnership::BucketOwnerEnforced && !bucket.config.acl.is_owner_only(&bucket.owner_account)
        {
            return Err(errors::acl_with_enforced_ownership());
        }
        bucket.config.ownership = Some(ownership);
        Ok(rt::Unit)
    })
}

pub fn get_bucket_ownership_controls(
    state: &GlobalStore<S3State>,
    input: GetBucketOwnershipControlsRequest,
) -> Result<GetBucketOwnershipControlsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let ownership = bucket.config.ownership.clone().ok_or_else(|| errors::no_ownership_controls(&input.bucket))?;
        Ok(GetBucketOwnershipControlsOutput {
            ownership_controls: Some(OwnershipControls {
                rules: vec![OwnershipControlsRule { object_ownership: ownership }],
            }),
        })
    })
}

pub fn delete_bucket_ownership_controls(
    state: &GlobalStore<S3State>,
    input: DeleteBucketOwnershipControlsRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.ownership = None;
        Ok(rt::Unit)
    })
}

// ---- default encryption --------------------------------------------------------------------

/// SSE-S3, what every bucket has unless told otherwise.
pub fn default_encryption() -> ServerSideEncryptionConfiguration {
    ServerSideEncryptionConfiguration {
        rules: vec![ServerSideEncryptionRule {
            apply_server_side_encryption_by_default: Some(ServerSideEncryptionByDefault {
                sse_algorithm: ServerSideEncryption::Aes256,
                kms_master_key_id: None,
            }),
            bucket_key_enabled: Some(false),
        }],
    }
}

pub fn put_bucket_encryption(
    state: &GlobalStore<S3State>,
    input: PutBucketEncryptionRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let mut config = input.server_side_encryption_configuration;
    if config.rules.is_empty() {
        return Err(errors::malformed_xml());
    }
    for rule in &mut config.rules {
        if let Some(default) = &rule.apply_server_side_encryption_by_default {
            let kms = matches!(default.sse_algorithm, ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse);
            if let ServerSideEncryption::Unknown(_) = default.sse_algorithm {
                return Err(errors::malformed_xml());
            }
            if default.kms_master_key_id.is_some() && !kms {
                return Err(errors::invalid_argument_bare(
                    "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
                ));
            }
        }
        rule.bucket_key_enabled.get_or_insert(false);
    }
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.encryption = config;
        Ok(rt::Unit)
    })
}

pub fn get_bucket_encryption(
    state: &GlobalStore<S3State>,
    input: GetBucketEncryptionRequest,
) -> Result<GetBucketEncryptionOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(GetBucketEncryptionOutput { server_side_encryption_configuration: Some(bucket.config.encryption.clone()) })
    })
}

/// Deleting the configuration puts the default (SSE-S3) back: buckets are never unencrypted.
pub fn delete_bucket_encryption(
    state: &GlobalStore<S3State>,
    input: DeleteBucketEncryptionRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.encryption = default_encryption();
        Ok(rt::Unit)
    })
}

// ---- transfer acceleration -----------------------------------------------------------------

pub fn put_bucket_accelerate_configuration(
    state: &GlobalStore<S3State>,
    input: PutBucketAccelerateConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let status = match input.accelerate_configuration.status {
        Some(s @ (BucketAccelerateStatus::Enabled | BucketAccelerateStatus::Suspended)) => s,
        _ => return Err(errors::malformed_xml()),
    };
    if input.bucket.contains('.') {
        return Err(errors::invalid_request(
            "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
        ));
    }
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.accelerate = Some(status);
        Ok(rt::Unit)
    })
}

/// A bucket never configured answers with no `Status` at all.
pub fn get_bucket_accelerate_configuration(
    state: &GlobalStore<S3State>,
    input: GetBucketAccelerateConfigurationRequest,
) -> Result<GetBucketAccelerateConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(GetBucketAccelerateConfigurationOutput { status: bucket.config.accelerate.clone(), request_charged: None })
    })
}

// ---- request payment -----------------------------------------------------------------------

pub fn put_bucket_request_payment(
    state: &GlobalStore<S3State>,
    input: PutBucketRequestPaymentRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let payer = input.request_payment_configuration.payer;
    if let Payer::Unknown(_) = payer {
        return Err(errors::malformed_xml());
    }
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.payer = payer;
        Ok(rt::Unit)
    })
}

pub fn get_bucket_request_payment(
    state: &GlobalStore<S3State>,
    input: GetBucketRequestPaymentRequest,
) -> Result<GetBucketRequestPaymentOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(GetBucketRequestPaymentOutput { payer: Some(bucket.config.payer.clone()) })
    })
}

// ---- logging -------------------------------------------------------------------------------

pub fn put_bucket_logging(
    state: &GlobalStore<S3State>,
    input: PutBucketLoggingRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let logging = input.bucket_logging_status.logging_enabled;
    with_state(state, &input.bucket, input.expected_bucket_owner.as_deref(), |s| {
        if let Some(enabled) = &logging {
            let target_name = &enabled.target_bucket;
            let source = s.bucket(&input.bucket, None)?;
            let Some(target) = s.buckets.get(target_name) else {
                return Err(errors::invalid_target_bucket_for_logging(
                    target_name,
                    "The target bucket for logging does not exist",
                ));
            };
            if target.owner_account != source.owner_account {
                return Err(errors::invalid_target_bucket_for_logging(
                    target_name,
                    "The owner for the bucket to be logged and the target bucket must be the same.",
                ));
            }
            if target.region != source.region {
                return Err(rt::ServiceError::new(
                    400,
                    "CrossLocationLoggingProhibitted",
                    "Cross S3 location logging not allowed. ",
                )
                .with_field("TargetBucketLocation", target.region.clone())
                .into());
            }
        }
        s.bucket_mut(&input.bucket, None)?.config.logging = logging;
        Ok(rt::Unit)
    })
}

/// A bucket without logging answers an empty `BucketLoggingStatus`.
pub fn get_bucket_logging(
    state: &GlobalStore<S3State>,
    input: GetBucketLoggingRequest,
) -> Result<GetBucketLoggingOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(GetBucketLoggingOutput { logging_enabled: bucket.config.logging.clone() })
    })
}

// ---- replication ---------------------------------------------------------------------------

pub fn put_bucket_replication(
    state: &GlobalStore<S3State>,
    input: PutBucketReplicationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.replication_configuration;
    if config.rules.is_empty() {
        return Err(errors::malformed_xml());
    }
    if config.rules.len() > 1000 {
        return Err(errors::invalid_request(
            "Number of rules in the replication configuration exceeds the allowed limit",
        ));
    }
    with_state(state, &input.bucket, input.expected_bucket_owner.as_deref(), |s| {
        let source = s.bucket(&input.bucket, None)?;
        if source.versioning != Versioning::Enabled {
            return Err(errors::invalid_request(
                "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
            ));
        }
        for rule in &config.rules {
            let arn = &rule.destination.bucket;
            let name = arn.strip_prefix("arn:aws:s3:::").unwrap_or(arn);
            let Some(destination) = s.buckets.get(name) else {
                return Err(errors::invalid_request("Destination bucket must exist."));
            };
            if destination.versioning != Versioning::Enabled {
                return Err(errors::invalid_request("Destination bucket must have versioning enabled."));
            }
        }
        s.bucket_mut(&input.bucket, None)?.config.replication = Some(config);
        Ok(rt::Unit)
    })
}

pub fn get_bucket_replication(
    state: &GlobalStore<S3State>,
    input: GetBucketReplicationRequest,
) -> Result<GetBucketReplicationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = bucket.config.replication.clone().ok_or_else(|| errors::no_replication(&input.bucket))?;
        Ok(GetBucketReplicationOutput { replication_configuration: Some(config) })
    })
}

pub fn delete_bucket_replication(
    state: &GlobalStore<S3State>,
    input: DeleteBucketReplicationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.replication = None;
        Ok(rt::Unit)
    })
}

// ---- website -------------------------------------------------------------------------------

pub fn put_bucket_website(
    state: &GlobalStore<S3State>,
    input: PutBucketWebsiteRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.website_configuration;
    validate_website(&config)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.website = Some(config);
        Ok(rt::Unit)
    })
}

fn validate_website(config: &WebsiteConfiguration) -> Result<(), rt::CommonError> {
    if config.redirect_all_requests_to.is_some() {
        if config.index_document.is_some() || config.error_document.is_some() || config.routing_rules.is_some() {
            return Err(errors::invalid_request(
                "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
            ));
        }
        return Ok(());
    }
    let Some(index) = &config.index_document else {
        return Err(errors::invalid_argument(
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            "IndexDocument",
            "null",
        ));
    };
    if index.suffix.is_empty() || index.suffix.contains('/') {
        return Err(errors::invalid_argument(
            "The IndexDocument Suffix is not well formed",
            "IndexDocument",
            &index.suffix,
        ));
    }
    if let Some(error) = &config.error_document {
        if error.key.is_empty() {
            return Err(errors::invalid_argument("The ErrorDocument Key is not well formed", "ErrorDocument", ""));
        }
    }
    for rule in config.routing_rules.iter().flatten() {
        let redirect = &rule.redirect;
        if redirect.replace_key_prefix_with.is_some() && redirect.replace_key_with.is_some() {
            return Err(errors::invalid_request("You can only define ReplaceKeyPrefix or ReplaceKey but not both."));
        }
    }
    Ok(())
}

pub fn get_bucket_website(
    state: &GlobalStore<S3State>,
    input: GetBucketWebsiteRequest,
) -> Result<GetBucketWebsiteOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = bucket.config.website.clone().ok_or_else(|| errors::no_such_website(&input.bucket))?;
        Ok(GetBucketWebsiteOutput {
            redirect_all_requests_to: config.redirect_all_requests_to,
            index_document: config.index_document,
            error_document: config.error_document,
            routing_rules: config.routing_rules,
        })
    })
}

pub fn delete_bucket_website(
    state: &GlobalStore<S3State>,
    input: DeleteBucketWebsiteRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.website = None;
        Ok(rt::Unit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement(principal: &str, extra: &str) -> String {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"{extra}}}]}}"#
        )
    }

    #[test]
    fn public_policies_are_recognised() {
        assert!(validate_policy(&statement(r#""*""#, ""), "b").unwrap());
        assert!(validate_policy(&statement(r#"{"AWS":["*"]}"#, ""), "b").unwrap());
        assert!(!validate_policy(
            &statement(r#""*""#, r#","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}"#),
            "b"
        )
        .unwrap());
        assert!(!validate_policy(&statement(r#"{"AWS":"arn:aws:iam::1:root"}"#, ""), "b").unwrap());
    }

    #[test]
    fn policies_are_checked_for_shape_and_resources() {
        assert!(validate_policy("[]", "b").is_err());
        assert!(validate_policy(r#"{"Statement":[{"Effect":"Allow"}]}"#, "b").is_err());
        assert!(validate_policy(&statement(r#""*""#, ""), "other").is_err());
    }

    #[test]
    fn tag_rules() {
        let tag = |k: &str, v: &str| Tag { key: k.into(), value: v.into() };
        assert!(validate_tags(&[tag("a", "1"), tag("b", "")]).is_ok());
        assert!(validate_tags(&[tag("a", "1"), tag("a", "2")]).is_err());
        assert!(validate_tags(&[tag("", "1")]).is_err());
        assert!(validate_tags(&[tag(&"k".repeat(129), "1")]).is_err());
    }
}
