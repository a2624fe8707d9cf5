//! Behaviour of `secretsmanager` (secretsmanager). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! Secrets with versions and staging labels, deletion with a recovery window, tags,
//! resource policies, rotation (the four-step Lambda protocol when Lambda can invoke the
//! function, else the schedule alone) and replica regions (recorded; nothing is copied to
//! other regions).

mod errors;
mod ids;
mod listing;
mod password;
mod policy;
mod render;
mod rotation;
pub mod state;
mod versions;

use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::RegionalStore;
use secretsmanager_api::error::*;
use secretsmanager_api::types::*;

use errors::*;
use state::{Replica, Secret, Secrets, Value, AWSCURRENT, AWSPENDING};
use versions::AddError;

/// ListSecrets and ListSecretVersionIds pages hold at most 100 entries.
const MAX_PAGE: usize = 100;
/// A secret carries at most 50 tags.
const MAX_TAGS: usize = 50;
/// BatchGetSecretValue with filters returns 20 secrets a page unless asked otherwise.
const BATCH_PAGE: usize = 20;

#[derive(Default)]
pub struct Handler {
    secrets: RegionalStore<Secrets>,
    /// Lambda, to run rotation functions.
    peers: Arc<ferrostack_store::Peers>,
}

impl Handler {
    /// A handler that runs rotation functions on the Lambda among `peers`.
    pub fn new(peers: Arc<ferrostack_store::Peers>) -> Handler {
        Handler { secrets: Default::default(), peers }
    }

    /// Runs `f` on the caller's secrets once those past their recovery window are gone.
    fn with<R>(&self, ctx: &rt::RequestContext, f: impl FnOnce(&mut Secrets) -> R) -> R {
        self.secrets.with(ctx, |state| {
            state.purge_expired(rt::DateTime::now());
            f(state)
        })
    }
}

/// The secret a SecretId names, provided it is not waiting to be deleted.
fn live<'a, E>(state: &'a mut Secrets, id: &str) -> Result<&'a mut Secret, E>
where
    E: From<ResourceNotFoundException> + From<InvalidRequestException>,
{
    let secret = state.find_mut(id).ok_or_else(not_found)?;
    if secret.deleted.is_some() {
        return Err(marked_for_deletion().into());
    }
    Ok(secret)
}

/// The value a request carries: a string or bytes, not both.
fn value_of<E: From<InvalidParameterException>>(
    string: Option<String>,
    binary: Option<rt::Bytes>,
) -> Result<Option<Value>, E> {
    match (string, binary) {
        (Some(_), Some(_)) => Err(invalid_parameter(
            "You can't specify both a binary secret value and a string secret value in the same secret.",
        )
        .into()),
        (Some(s), None) => Ok(Some(Value::String(s))),
        (None, Some(b)) => Ok(Some(Value::Binary(b))),
        (None, None) => Ok(None),
    }
}

fn add_error<E: From<ResourceExistsException> + From<rt::CommonError>>(e: AddError) -> E {
    match e {
        AddError::Conflict => exists("You can't modify an existing version, you can only create a new version.").into(),
        AddError::TooManyStages => {
            rt::CommonError::validation("A version can have at most 20 staging labels attached.").into()
        }
    }
}

/// Secret names: ASCII letters, digits and `/_+=.@-`.
fn check_name(name: &str) -> Result<(), rt::CommonError> {
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_+=.@-".contains(&b)) {
        return Err(rt::CommonError::validation(
            "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!",
        ));
    }
    Ok(())
}

fn tags_of(tags: Vec<Tag>) -> Result<Vec<(String, String)>, InvalidParameterException> {
    tags.into_iter()
        .map(|t| match t.key {
            Some(k) if !k.is_empty() => Ok((k, t.value.unwrap_or_default())),
            _ => Err(invalid_parameter("You must specify a tag key.")),
        })
        .collect()
}

fn merge_tags(existing: &mut Vec<(String, String)>, new: Vec<(String, String)>) -> Result<(), InvalidRequestException> {
    let mut merged = existing.clone();
    for (k, v) in new {
        match merged.iter_mut().find(|(key, _)| *key == k) {
            Some(e) => e.1 = v,
            None => merged.push((k, v)),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(invalid_request("You can't add more than 50 tags to a secret."));
    }
    *existing = merged;
    Ok(())
}

fn replicas_of<E: From<InvalidParameterException>>(
    ctx: &rt::RequestContext,
    regions: &[ReplicaRegionType],
) -> Result<Vec<Replica>, E> {
    let mut out: Vec<Replica> = Vec::new();
    for r in regions {
        let region = r.region.clone().unwrap_or_default();
        if region.is_empty() || region == ctx.region || out.iter().any(|o| o.region == region) {
            return Err(invalid_parameter(format!("Invalid replica region: {region}.")).into());
        }
        out.push(Replica::from(r));
    }
    Ok(out)
}

fn page_size(requested: Option<i32>, default: usize) -> usize {
    requested.map_or(default, |n| (n.max(1) as usize).min(MAX_PAGE))
}

#[rt::async_trait]
impl secretsmanager_api::Handler for Handler {
    async fn create_secret(
        &self,
        ctx: &rt::RequestContext,
        input: CreateSecretRequest,
    ) -> Result<CreateSecretResponse, CreateSecretError> {
        check_name(&input.name)?;
        let value = value_of::<CreateSecretError>(input.secret_string, input.secret_binary)?;
        let tags = tags_of(input.tags.unwrap_or_default())?;
        if tags.len() > MAX_TAGS {
            return Err(invalid_request("You can't add more than 50 tags to a secret.").into());
        }
        let replicas = replicas_of::<CreateSecretError>(ctx, input.add_replica_regions.as_deref().unwrap_or(&[]))?;
        self.with(ctx, |state| {
            if let Some(existing) = state.by_name.get(&input.name) {
                if existing.deleted.is_some() {
                    return Err(invalid_request(
                        "You can't create this secret because a secret with this name is already scheduled for deletion.",
                    )
                    .into());
                }
                // A retried request (same token, same value) succeeds again without change.
                let retried = input.client_request_token.as_deref().and_then(|t| existing.version(t));
                if let (Some(version), Some(value)) = (retried, &value) {
                    if version.value == *value {
                        return Ok(CreateSecretResponse {
                            arn: Some(existing.arn.clone()),
                            name: Some(existing.name.clone()),
                            version_id: Some(version.id.clone()),
                            replication_status: render::replication(existing),
                        });
                    }
                }
                return Err(exists(format!("The operation failed because the secret {} already exists.", input.name))
                    .into());
            }
            let now = rt::DateTime::now();
            let seq = state.next_seq;
            state.next_seq += 1;
            let mut secret = Secret {
                name: input.name.clone(),
                arn: ids::secret_arn(ctx, &input.name),
                seq,
                description: input.description,
                kms_key_id: input.kms_key_id,
                versions: Vec::new(),
                tags,
                created: now,
                last_changed: now,
                last_accessed: None,
                deleted: None,
                purge_at: None,
                rotation: Default::default(),
                policy: None,
                replicas,
            };
            // Without a value there is no version yet.
            let version_id = match value {
                Some(value) => {
                    let id = input.client_request_token.unwrap_or_else(ids::uuid);
                    versions::add(&mut secret, &id, value, &[AWSCURRENT.to_string()])
                        .map_err(add_error::<CreateSecretError>)?;
                    Some(id)
                }
                None => None,
            };
            let response = CreateSecretResponse {
                arn: Some(secret.arn.clone()),
                name: Some(secret.name.clone()),
                version_id,
                replication_status: render::replication(&secret),
            };
            state.by_name.insert(secret.name.clone(), secret);
            Ok(response)
        })
    }

    async fn describe_secret(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeSecretRequest,
    ) -> Result<DescribeSecretResponse, DescribeSecretError> {
        self.with(ctx, |state| {
            let secret = state.find(&input.secret_id).ok_or_else(not_found)?;
            Ok(render::describe(secret, &ctx.region))
        })
    }

    async fn get_secret_value(
        &self,
        ctx: &rt::RequestContext,
        input: GetSecretValueRequest,
    ) -> Result<GetSecretValueResponse, GetSecretValueError> {
        self.with(ctx, |state| {
            let secret = live::<GetSecretValueError>(state, &input.secret_id)?;
            let index = render::select_version(secret, input.version_id.as_deref(), input.version_stage.as_deref())?;
            let today = render::today();
            secret.last_accessed = Some(today);
            secret.versions[index].last_accessed = Some(today);
            Ok(render::value(secret, &secret.versions[index]))
        })
    }

    async fn batch_get_secret_value(
        &self,
        ctx: &rt::RequestContext,
        input: BatchGetSecretValueRequest,
    ) -> Result<BatchGetSecretValueResponse, BatchGetSecretValueError> {
        let ids = input.secret_id_list.filter(|l| !l.is_empty());
        let filters = input.filters.filter(|f| !f.is_empty());
        match (&ids, &filters) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(
                    invalid_parameter("Either 'SecretIdList' or 'Filters' must be provided, but not both.").into()
                )
            }
            (Some(_), None) if input.max_results.is_some() || input.next_token.is_some() => {
                return Err(invalid_parameter(
                    "'MaxResults' and 'NextToken' can only be used with 'Filters', not with 'SecretIdList'.",
                )
                .into())
            }
            _ => {}
        }
        let today = render::today();
        self.with(ctx, |state| {
            let mut values = Vec::new();
            let mut errors = Vec::new();
            let mut next_token = None;
            let fetch = |secret: &mut Secret, requested: &str, values: &mut Vec<SecretValueEntry>| match secret
                .versions
                .iter()
                .position(|v| v.stages.iter().any(|s| s == AWSCURRENT))
            {
                Some(i) => {
                    secret.last_accessed = Some(today);
                    secret.versions[i].last_accessed = Some(today);
                    let v = render::value(secret, &secret.versions[i]);
                    values.push(SecretValueEntry {
                        arn: v.arn,
                        name: v.name,
                        version_id: v.version_id,
                        secret_binary: v.secret_binary,
                        secret_string: v.secret_string,
                        version_stages: v.version_stages,
                        created_date: v.created_date,
                    });
                    None
                }
                None => Some(APIErrorType {
                    secret_id: Some(requested.to_string()),
                    error_code: Some("ResourceNotFoundException".to_string()),
                    message: value_not_found_for_stage(AWSCURRENT).message,
                }),
            };
            if let Some(ids) = ids {
                for id in ids {
                    let error = match live::<BatchGetSecretValueError>(state, &id) {
                        Ok(secret) => fetch(secret, &id, &mut values),
                        Err(BatchGetSecretValueError::InvalidRequestException(e)) => Some(APIErrorType {
                            secret_id: Some(id.clone()),
                            error_code: Some("InvalidRequestException".to_string()),
                            message: e.message,
                        }),
                        Err(_) => Some(APIErrorType {
                            secret_id: Some(id.clone()),
                            error_code: Some("ResourceNotFoundException".to_string()),
                            message: not_found().message,
                        }),
                    };
                    errors.extend(error);
                }
            } else {
                let filters = filters.unwrap_or_default();
                let start = match input.next_token.as_deref() {
                    None => 0,
                    Some(t) => listing::decode(t).ok_or_else(invalid_token)?,
                };
                let size = page_size(input.max_results, BATCH_PAGE);
                let mut matching: Vec<&mut Secret> = state
                    .by_name
                    .values_mut()
                    .filter(|s| s.deleted.is_none() && s.seq >= start && listing::matches(&filters, s, &ctx.region))
                    .collect();
                matching.sort_by_key(|s| s.seq);
                if matching.len() > size {
                    next_token = Some(listing::encode(matching[size].seq));
                    matching.truncate(size);
                }
                for secret in matching {
                    let name = secret.name.clone();
                    errors.extend(fetch(secret, &name, &mut values));
                }
            }
            Ok(BatchGetSecretValueResponse { secret_values: Some(values), next_token, errors: Some(errors) })
        })
    }

    async fn put_secret_value(
        &self,
        ctx: &rt::RequestContext,
        input: PutSecretValueRequest,
    ) -> Result<PutSecretValueResponse, PutSecretValueError> {
        let value = value_of::<PutSecretValueError>(input.secret_string, input.secret_binary)?
            .ok_or_else(|| invalid_request("You must provide either SecretString or SecretBinary."))?;
        let stages = input.version_stages.unwrap_or_else(|| vec![AWSCURRENT.to_string()]);
        self.with(ctx, |state| {
            let secret = live::<PutSecretValueError>(state, &input.secret_id)?;
            let id = input.client_request_token.unwrap_or_else(ids::uuid);
            versions::add(secret, &id, value, &stages).map_err(add_error::<PutSecretValueError>)?;
            let stages = secret.version(&id).map(|v| v.stages.clone()).unwrap_or_default();
            Ok(PutSecretValueResponse {
                arn: Some(secret.arn.clone()),
                name: Some(secret.name.clone()),
                version_id: Some(id),
                version_stages: Some(stages),
            })
        })
    }

    async fn update_secret(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateSecretRequest,
    ) -> Result<UpdateSecretResponse, UpdateSecretError> {
        let value = value_of::<UpdateSecretError>(input.secret_string, input.secret_binary)?;
        self.with(ctx, |state| {
            let secret = live::<UpdateSecretError>(state, &input.secret_id)?;
            if let Some(d) = input.description {
                secret.description = Some(d);
                secret.last_changed = rt::DateTime::now();
            }
            if let Some(k) = input.kms_key_id {
                secret.kms_key_id = Some(k);
                secret.last_changed = rt::DateTime::now();
            }
            let version_id = match value {
                Some(value) => {
                    let id = input.client_request_token.unwrap_or_else(ids::uuid);
                    versions::add(secret, &id, value, &[AWSCURRENT.to_string()])
                        .map_err(add_error::<UpdateSecretError>)?;
                    Some(id)
                }
                None => None,
            };
            Ok(UpdateSecretResponse { arn: Some(secret.arn.clone()), name: Some(secret.name.clone()), version_id })
        })
    }

    async fn update_secret_version_stage(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateSecretVersionStageRequest,
    ) -> Result<UpdateSecretVersionStageResponse, UpdateSecretVersionStageError> {
        self.with(ctx, |state| {
            let secret = live::<UpdateSecretVersionStageError>(state, &input.secret_id)?;
            let stage = input.version_stage.as_str();
            let holder = secret.staged(stage).map(|v| v.id.clone());
            for id in [&input.move_to_version_id, &input.remove_from_version_id].into_iter().flatten() {
                if secret.version(id).is_none() {
                    return Err(invalid_parameter(format!(
                        "The version {id} doesn't exist for the secret {}.",
                        secret.name
                    ))
                    .into());
                }
            }
            if let Some(remove_from) = &input.remove_from_version_id {
                if holder.as_deref() != Some(remove_from.as_str()) && input.move_to_version_id.is_some() {
                    return Err(invalid_parameter(format!(
                        "When you move staging label {stage}, if you specify RemoveFromVersionId, it must be set to the version that currently has the staging label {stage}."
                    ))
                    .into());
                }
                if holder.as_deref() != Some(remove_from.as_str()) {
                    return Err(invalid_parameter(format!(
                        "The staging label {stage} isn't attached to version {remove_from}, so you can't remove it."
                    ))
                    .into());
                }
            }
            match &input.move_to_version_id {
                Some(to) => {
                    if let Some(holder) = holder.as_deref().filter(|h| h != to) {
                        if input.remove_from_version_id.as_deref() != Some(holder) {
                            return Err(invalid_parameter(format!(
                                "The parameter RemoveFromVersionId can't be empty. Staging label {stage} is currently attached to version {holder}, so you must explicitly reference that version in RemoveFromVersionId."
                            ))
                            .into());
                        }
                    }
                    let stages = secret.version(to).map_or(0, |v| v.stages.len());
                    if holder.as_deref() != Some(to.as_str()) && stages >= versions::MAX_STAGES_PER_VERSION {
                        return Err(LimitExceededException {
                            message: Some("A version can have at most 20 staging labels attached.".to_string()),
                        }
                        .into());
                    }
                    versions::attach(secret, stage, to);
                }
                None => {
                    if stage == AWSCURRENT && input.remove_from_version_id.is_some() {
                        return Err(invalid_parameter(
                            "You can only move staging label AWSCURRENT to a different secret version. It can't be completely removed.",
                        )
                        .into());
                    }
                    if input.remove_from_version_id.is_some() {
                        versions::detach(secret, stage);
                    }
                }
            }
            secret.last_changed = rt::DateTime::now();
            Ok(UpdateSecretVersionStageResponse { arn: Some(secret.arn.clone()), name: Some(secret.name.clone()) })
        })
    }

    async fn list_secret_version_ids(
        &self,
        ctx: &rt::RequestContext,
        input: ListSecretVersionIdsRequest,
    ) -> Result<ListSecretVersionIdsResponse, ListSecretVersionIdsError> {
        let size = page_size(input.max_results, MAX_PAGE);
        let start = match input.next_token.as_deref() {
            None => 0,
            Some(t) => listing::decode(t).ok_or_else(invalid_token)? as usize,
        };
        self.with(ctx, |state| {
            let secret = state.find(&input.secret_id).ok_or_else(not_found)?;
            let include_deprecated = input.include_deprecated.unwrap_or(false);
            let all: Vec<_> = secret
                .versions
                .iter()
                .rev()
                .filter(|v| include_deprecated || !v.stages.is_empty())
                .map(|v| render::version_entry(secret, v))
                .collect();
            let next_token = (all.len() > start + size).then(|| listing::encode((start + size) as u64));
            Ok(ListSecretVersionIdsResponse {
                versions: Some(all.into_iter().skip(start).take(size).collect()),
                next_token,
                arn: Some(secret.arn.clone()),
                name: Some(secret.name.clone()),
            })
        })
    }

    async fn list_secrets(
        &self,
        ctx: &rt::RequestContext,
        input: ListSecretsRequest,
    ) -> Result<ListSecretsResponse, ListSecretsError> {
        let filters = input.filters.unwrap_or_default();
        for f in &filters {
            if f.values.as_ref().is_none_or(|v| v.is_empty()) {
                return Err(invalid_parameter("Invalid filter values: each filter needs at least one value.").into());
            }
            if matches!(f.key, Some(FilterNameStringType::Unknown(_)) | None) {
                return Err(invalid_parameter("Invalid filter key").into());
            }
        }
        let descending = matches!(input.sort_order, Some(SortOrderType::Desc));
        let size = page_size(input.max_results, MAX_PAGE);
        let start = match input.next_token.as_deref() {
            None => None,
            Some(t) => Some(listing::decode(t).ok_or_else(invalid_token)?),
        };
        let include_deleted = input.include_planned_deletion.unwrap_or(false);
        self.with(ctx, |state| {
            let mut matching: Vec<&Secret> = state
                .by_name
                .values()
                .filter(|s| include_deleted || s.deleted.is_none())
                .filter(|s| listing::matches(&filters, s, &ctx.region))
                .collect();
            matching.sort_by_key(|s| s.seq);
            if descending {
                matching.reverse();
            }
            let from = match start {
                None => 0,
                Some(seq) => matching
                    .iter()
                    .position(|s| if descending { s.seq <= seq } else { s.seq >= seq })
                    .unwrap_or(matching.len()),
            };
            let rest = &matching[from..];
            let next_token = rest.get(size).map(|s| listing::encode(s.seq));
            Ok(ListSecretsResponse {
                secret_list: Some(rest.iter().take(size).map(|s| render::list_entry(s, &ctx.region)).collect()),
                next_token,
            })
        })
    }

    async fn delete_secret(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteSecretRequest,
    ) -> Result<DeleteSecretResponse, DeleteSecretError> {
        let force = input.force_delete_without_recovery.unwrap_or(false);
        if force && input.recovery_window_in_days.is_some() {
            return Err(invalid_parameter(
                "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
            )
            .into());
        }
        let days = input.recovery_window_in_days.unwrap_or(30);
        if !(7..=30).contains(&days) {
            return Err(
                invalid_parameter("The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).").into()
            );
        }
        self.with(ctx, |state| {
            let secret = state.find_mut(&input.secret_id).ok_or_else(not_found)?;
            if !secret.replicas.is_empty() {
                let regions: Vec<&str> = secret.replicas.iter().map(|r| r.region.as_str()).collect();
                return Err(invalid_request(format!(
                    "You can't delete secret {} that still has replica regions [{}]",
                    secret.name,
                    regions.join(", ")
                ))
                .into());
            }
            if secret.deleted.is_some() && !force {
                return Err(marked_for_deletion().into());
            }
            let now = rt::DateTime::now();
            let (arn, name) = (secret.arn.clone(), secret.name.clone());
            let deletion_date = if force {
                state.by_name.remove(&name);
                now
            } else {
                let at = rt::DateTime::from_parts(now.secs() + days * 86_400, now.subsec_nanos());
                secret.deleted = Some(now);
                secret.purge_at = Some(at);
                at
            };
            Ok(DeleteSecretResponse { arn: Some(arn), name: Some(name), deletion_date: Some(deletion_date) })
        })
    }

    async fn restore_secret(
        &self,
        ctx: &rt::RequestContext,
        input: RestoreSecretRequest,
    ) -> Result<RestoreSecretResponse, RestoreSecretError> {
        self.with(ctx, |state| {
            let secret = state.find_mut(&input.secret_id).ok_or_else(not_found)?;
            secret.deleted = None;
            secret.purge_at = None;
            secret.last_changed = rt::DateTime::now();
            Ok(RestoreSecretResponse { arn: Some(secret.arn.clone()), name: Some(secret.name.clone()) })
        })
    }

    async fn tag_resource(
        &self,
        ctx: &rt::RequestContext,
        input: TagResourceRequest,
    ) -> Result<rt::Unit, TagResourceError> {
        let tags = tags_of(input.tags)?;
        self.with(ctx, |state| {
            let secret = live::<TagResourceError>(state, &input.secret_id)?;
            merge_tags(&mut secret.tags, tags)?;
            secret.last_changed = rt::DateTime::now();
            Ok(rt::Unit)
        })
    }

    async fn untag_resource(
        &self,
        ctx: &rt::RequestContext,
        input: UntagResourceRequest,
    ) -> Result<rt::Unit, UntagResourceError> {
        self.with(ctx, |state| {
            let secret = live::<UntagResourceError>(state, &input.secret_id)?;
            secret.tags.retain(|(k, _)| !input.tag_keys.contains(k));
            secret.last_changed = rt::DateTime::now();
            Ok(rt::Unit)
        })
    }

    async fn get_random_password(
        &self,
        _ctx: &rt::RequestContext,
        input: GetRandomPasswordRequest,
    ) -> Result<GetRandomPasswordResponse, GetRandomPasswordError> {
        let options = password::Options {
            length: input.password_length,
            exclude_characters: input.exclude_characters,
            exclude_numbers: input.exclude_numbers.unwrap_or(false),
            exclude_punctuation: input.exclude_punctuation.unwrap_or(false),
            exclude_uppercase: input.exclude_uppercase.unwrap_or(false),
            exclude_lowercase: input.exclude_lowercase.unwrap_or(false),
            include_space: input.include_space.unwrap_or(false),
            require_each_included_type: input.require_each_included_type,
        };
        let password = password::generate(&options).map_err(invalid_parameter)?;
        Ok(GetRandomPasswordResponse { random_password: Some(password) })
    }

    async fn put_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: PutResourcePolicyRequest,
    ) -> Result<PutResourcePolicyResponse, PutResourcePolicyError> {
        policy::validate(&input.resource_policy, input.block_public_policy.unwrap_or(false)).map_err(
            |e| -> PutResourcePolicyError {
                match e {
                    policy::PolicyError::Malformed(m) => MalformedPolicyDocumentException { message: Some(m) }.into(),
                    policy::PolicyError::Public => {
                        PublicPolicyException { message: Some(policy::PUBLIC_MESSAGE.to_string()) }.into()
                    }
                }
            },
        )?;
        self.with(ctx, |state| {
            let secret = live::<PutResourcePolicyError>(state, &input.secret_id)?;
            secret.policy = Some(input.resource_policy);
            secret.last_changed = rt::DateTime::now();
            Ok(PutResourcePolicyResponse { arn: Some(secret.arn.clone()), name: Some(secret.name.clone()) })
        })
    }

    async fn get_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: GetResourcePolicyRequest,
    ) -> Result<GetResourcePolicyResponse, GetResourcePolicyError> {
        self.with(ctx, |state| {
            let secret = live::<GetResourcePolicyError>(state, &input.secret_id)?;
            Ok(GetResourcePolicyResponse {
                arn: Some(secret.arn.clone()),
                name: Some(secret.name.clone()),
                resource_policy: secret.policy.clone(),
            })
        })
    }

    async fn delete_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteResourcePolicyRequest,
    ) -> Result<DeleteResourcePolicyResponse, DeleteResourcePolicyError> {
        self.with(ctx, |state| {
            let secret = live::<DeleteResourcePolicyError>(state, &input.secret_id)?;
            secret.policy = None;
            secret.last_changed = rt::DateTime::now();
            Ok(DeleteResourcePolicyResponse { arn: Some(secret.arn.clone()), name: Some(secret.name.clone()) })
        })
    }

    async fn validate_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: ValidateResourcePolicyRequest,
    ) -> Result<ValidateResourcePolicyResponse, ValidateResourcePolicyError> {
        if let Some(id) = &input.secret_id {
            self.with(ctx, |state| live::<ValidateResourcePolicyError>(state, id).map(|_| ()))?;
        }
        let errors: Vec<ValidationErrorsEntry> = match policy::check_syntax(&input.resource_policy) {
            Ok(_) => Vec::new(),
            Err(m) => {
                vec![ValidationErrorsEntry { check_name: Some("SYNTAX_CHECK".to_string()), error_message: Some(m) }]
            }
        };
        Ok(ValidateResourcePolicyResponse {
            policy_validation_passed: errors.is_empty(),
            validation_errors: Some(errors),
        })
    }

    async fn rotate_secret(
        &self,
        ctx: &rt::RequestContext,
        input: RotateSecretRequest,
    ) -> Result<RotateSecretResponse, RotateSecretError> {
        if let Some(rules) = &input.rotation_rules {
            rotation::check_rules(rules).map_err(invalid_parameter)?;
        }
        let immediately = input.rotate_immediately.unwrap_or(true);
        let (arn, name, lambda, token) = self.with(ctx, |state| {
            let secret = live::<RotateSecretError>(state, &input.secret_id)?;
            let lambda = input.rotation_lambda_arn.or_else(|| secret.rotation.lambda_arn.clone());
            let Some(lambda) = lambda else {
                return Err(invalid_request("No Lambda rotation function ARN is associated with this secret.").into());
            };
            if let Some(pending) = secret.staged(AWSPENDING) {
                if !pending.stages.iter().any(|s| s == AWSCURRENT) {
                    return Err(invalid_request(
                        "A previous rotation isn't complete. That rotation will be reattempted.",
                    )
                    .into());
                }
            }
            let token = input.client_request_token.unwrap_or_else(ids::uuid);
            secret.rotation.enabled = true;
            secret.rotation.lambda_arn = Some(lambda.clone());
            if let Some(rules) = input.rotation_rules {
                secret.rotation.rules = Some(rules);
            }
            secret.rotation.next_rotation =
                secret.rotation.rules.as_ref().and_then(|r| rotation::next_date(r, rt::DateTime::now()));
            secret.last_changed = rt::DateTime::now();
            Ok::<_, RotateSecretError>((secret.arn.clone(), secret.name.clone(), lambda, token))
        })?;
        if immediately {
            // The store is not locked while the function runs: it calls back into this service.
            let outcome = rotation::drive(&self.peers, ctx, &lambda, &arn, &token).await?;
            if outcome == rotation::Outcome::Completed {
                self.with(ctx, |state| {
                    if let Some(secret) = state.find_mut(&arn) {
                        rotation::complete(secret, &token);
                    }
                });
            }
        }
        Ok(RotateSecretResponse { arn: Some(arn), name: Some(name), version_id: Some(token) })
    }

    async fn cancel_rotate_secret(
        &self,
        ctx: &rt::RequestContext,
        input: CancelRotateSecretRequest,
    ) -> Result<CancelRotateSecretResponse, CancelRotateSecretError> {
        self.with(ctx, |state| {
            let secret = live::<CancelRotateSecretError>(state, &input.secret_id)?;
            if !secret.rotation.enabled {
                return Err(invalid_request(format!(
                    "Secret {} rotation is not enabled. You can only cancel rotation for a secret that has rotation enabled.",
                    secret.name
                ))
                .into());
            }
            // A pending version that never became current is abandoned.
            let pending = secret
                .staged(AWSPENDING)
                .filter(|v| !v.stages.iter().any(|s| s == AWSCURRENT))
                .map(|v| v.id.clone());
            if pending.is_some() {
                versions::detach(secret, AWSPENDING);
            }
            secret.rotation.enabled = false;
            secret.rotation.next_rotation = None;
            secret.last_changed = rt::DateTime::now();
            Ok(CancelRotateSecretResponse {
                arn: Some(secret.arn.clone()),
                name: Some(secret.name.clone()),
                version_id: pending,
            })
        })
    }

    async fn replicate_secret_to_regions(
        &self,
        ctx: &rt::RequestContext,
        input: ReplicateSecretToRegionsRequest,
    ) -> Result<ReplicateSecretToRegionsResponse, ReplicateSecretToRegionsError> {
        let new = replicas_of::<ReplicateSecretToRegionsError>(ctx, &input.add_replica_regions)?;
        self.with(ctx, |state| {
            let secret = live::<ReplicateSecretToRegionsError>(state, &input.secret_id)?;
            for replica in new {
                match secret.replicas.iter_mut().find(|r| r.region == replica.region) {
                    Some(existing) => *existing = replica,
                    None => secret.replicas.push(replica),
                }
            }
            secret.last_changed = rt::DateTime::now();
            Ok(ReplicateSecretToRegionsResponse {
                arn: Some(secret.arn.clone()),
                replication_status: render::replication(secret),
            })
        })
    }

    async fn remove_regions_from_replication(
        &self,
        ctx: &rt::RequestContext,
        input: RemoveRegionsFromReplicationRequest,
    ) -> Result<RemoveRegionsFromReplicationResponse, RemoveRegionsFromReplicationError> {
        self.with(ctx, |state| {
            let secret = live::<RemoveRegionsFromReplicationError>(state, &input.secret_id)?;
            for region in &input.remove_replica_regions {
                if !secret.replicas.iter().any(|r| &r.region == region) {
                    return Err(invalid_parameter(format!("Invalid replica region: {region}.")).into());
                }
            }
            secret.replicas.retain(|r| !input.remove_replica_regions.contains(&r.region));
            secret.last_changed = rt::DateTime::now();
            Ok(RemoveRegionsFromReplicationResponse {
                arn: Some(secret.arn.clone()),
                replication_status: Some(render::replication(secret).unwrap_or_default()),
            })
        })
    }

    async fn stop_replication_to_replica(
        &self,
        ctx: &rt::RequestContext,
        input: StopReplicationToReplicaRequest,
    ) -> Result<StopReplicationToReplicaResponse, StopReplicationToReplicaError> {
        // Replicas are recorded on their primary only, so every secret here is a primary.
        self.with(ctx, |state| {
            let secret = live::<StopReplicationToReplicaError>(state, &input.secret_id)?;
            Err(invalid_request(format!(
                "Secret {} is a primary secret, not a replica. Call StopReplicationToReplica in the replica's Region.",
                secret.name
            ))
            .into())
        })
    }

    fn reset(&self) {
        self.secrets.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::new(peers.clone()));
    peers.register::<dyn secretsmanager_api::Handler>(handler.clone());
    secretsmanager_api::service(handler)
}
