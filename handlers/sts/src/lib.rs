//! Behaviour of `sts` (AWSSecurityTokenServiceV20110615). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! Every caller is the account root user unless it signs with temporary credentials this
//! service issued, in which case it is the identity those credentials stand for.

mod credentials;
mod durations;
mod issue;
mod random;
mod role_arn;
pub mod sessions;
mod validation;

use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use sts_api::error::*;
use sts_api::types::*;

use issue::{issue, Grant};
use role_arn::RoleArn;
use sessions::{root_arn, Principal, Session, Sessions};

#[derive(Default)]
pub struct Handler {
    sessions: Arc<GlobalStore<Sessions>>,
}

impl Handler {
    /// A handler sharing `sessions` with other components (the gateway's credential
    /// checks, for instance).
    pub fn with_sessions(sessions: Arc<GlobalStore<Sessions>>) -> Handler {
        Handler { sessions }
    }

    /// The issued sessions, for components that need to recognise temporary credentials.
    pub fn sessions(&self) -> Arc<GlobalStore<Sessions>> {
        self.sessions.clone()
    }

    /// The session behind the request's access key, when it is one we issued.
    fn calling_session(&self, ctx: &rt::RequestContext) -> Option<Session> {
        let key = ctx.access_key_id.as_deref()?;
        self.sessions.with(|s| s.get(key).cloned())
    }
}

/// Session tags as `(key, value)` pairs; keys are unique regardless of case.
fn session_tags(tags: Option<Vec<Tag>>) -> Result<Vec<(String, String)>, rt::CommonError> {
    let tags: Vec<(String, String)> = tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
    let mut seen = std::collections::HashSet::new();
    for (key, _) in &tags {
        if !seen.insert(key.to_lowercase()) {
            return Err(rt::CommonError::validation(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
            ));
        }
    }
    Ok(tags)
}

/// AWS reports how much of the packed session-policy space inline policies, managed policy
/// ARNs and tags take, as a percentage, whenever any of them is passed. Our packing is a
/// plain byte count against the 2,048-byte budget (AWS compresses; its number is lower).
fn packed_policy_size(
    policy: &Option<String>,
    policy_arns: &Option<Vec<PolicyDescriptorType>>,
    tags: &[(String, String)],
) -> Option<i32> {
    if policy.is_none() && policy_arns.as_ref().is_none_or(|a| a.is_empty()) && tags.is_empty() {
        return None;
    }
    let bytes = policy.as_ref().map_or(0, |p| p.len())
        + policy_arns.iter().flatten().map(|a| a.arn.as_ref().map_or(0, |s| s.len())).sum::<usize>()
        + tags.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
    Some(((bytes * 100).div_ceil(2048)).min(100) as i32)
}

#[rt::async_trait]
impl sts_api::Handler for Handler {
    async fn get_caller_identity(
        &self,
        ctx: &rt::RequestContext,
        _input: GetCallerIdentityRequest,
    ) -> Result<GetCallerIdentityResponse, GetCallerIdentityError> {
        let (account, user_id, arn) = match self.calling_session(ctx) {
            Some(session) => {
                let (user_id, arn) = session.caller_identity();
                (session.account, user_id, arn)
            }
            // The root user's UserId is the account id itself.
            None => (ctx.account_id.clone(), ctx.account_id.clone(), root_arn(&ctx.account_id)),
        };
        Ok(GetCallerIdentityResponse { user_id: Some(user_id), account: Some(account), arn: Some(arn) })
    }

    async fn get_session_token(
        &self,
        ctx: &rt::RequestContext,
        input: GetSessionTokenRequest,
    ) -> Result<GetSessionTokenResponse, GetSessionTokenError> {
        if self.calling_session(ctx).is_some() {
            return Err(
                rt::CommonError::AccessDenied("Cannot call GetSessionToken with session credentials".into()).into()
            );
        }
        let bounds = durations::USER_TOKEN;
        let requested = input.duration_seconds.unwrap_or(bounds.default);
        validation::duration_in_range(requested, bounds.min, bounds.max)?;
        let grant = Grant {
            account: ctx.account_id.clone(),
            principal: Principal::Root,
            duration_seconds: requested.min(durations::ROOT_USER_CAP),
            tags: Vec::new(),
        };
        Ok(GetSessionTokenResponse { credentials: Some(issue(&self.sessions, grant)) })
    }

    async fn assume_role(
        &self,
        ctx: &rt::RequestContext,
        input: AssumeRoleRequest,
    ) -> Result<AssumeRoleResponse, AssumeRoleError> {
        let role = RoleArn::parse(&input.role_arn)?;
        validation::principal_name(&input.role_session_name, "roleSessionName", 2, 64)?;
        if let Some(source) = &input.source_identity {
            validation::principal_name(source, "sourceIdentity", 2, 64)?;
        }
        let bounds = durations::ASSUME_ROLE;
        let duration = input.duration_seconds.unwrap_or(bounds.default);
        validation::duration_in_range(duration, bounds.min, bounds.max)?;
        let caller = self.calling_session(ctx);
        let chained = matches!(caller.as_ref().map(|s| &s.principal), Some(Principal::AssumedRole { .. }));
        if chained && duration > durations::ROLE_CHAINING_CAP {
            return Err(rt::CommonError::validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            )
            .into());
        }
        let tags = session_tags(input.tags)?;
        let packed = packed_policy_size(&input.policy, &input.policy_arns, &tags);

        // A role's unique id is fixed for its lifetime: derive it from the ARN.
        let role_id = format!("AROA{}", random::stable_upper_alnum(&input.role_arn, 17));
        let assumed_role_id = format!("{role_id}:{}", input.role_session_name);
        let arn = format!(
            "arn:{}:sts::{}:assumed-role/{}/{}",
            role.partition, role.account, role.name, input.role_session_name
        );
        // A source identity set once sticks to every chained session after it.
        let source_identity = input.source_identity.or_else(|| match caller.map(|s| s.principal) {
            Some(Principal::AssumedRole { source_identity, .. }) => source_identity,
            _ => None,
        });
        let grant = Grant {
            account: role.account,
            principal: Principal::AssumedRole {
                role_arn: input.role_arn,
                assumed_role_id: assumed_role_id.clone(),
                arn: arn.clone(),
                source_identity: source_identity.clone(),
            },
            duration_seconds: duration,
            tags,
        };
        Ok(AssumeRoleResponse {
            credentials: Some(issue(&self.sessions, grant)),
            assumed_role_user: Some(AssumedRoleUser { assumed_role_id, arn }),
            packed_policy_size: packed,
            source_identity,
        })
    }

    async fn get_federation_token(
        &self,
        ctx: &rt::RequestContext,
        input: GetFederationTokenRequest,
    ) -> Result<GetFederationTokenResponse, GetFederationTokenError> {
        if self.calling_session(ctx).is_some() {
            return Err(rt::CommonError::AccessDenied(
                "Cannot call GetFederationToken with session credentials".into(),
            )
            .into());
        }
        validation::principal_name(&input.name, "name", 2, 32)?;
        let bounds = durations::USER_TOKEN;
        let requested = input.duration_seconds.unwrap_or(bounds.default);
        validation::duration_in_range(requested, bounds.min, bounds.max)?;
        let tags = session_tags(input.tags)?;
        let packed = packed_policy_size(&input.policy, &input.policy_arns, &tags);
        let account = ctx.account_id.clone();
        let federated_user_id = format!("{account}:{}", input.name);
        let arn = format!("arn:aws:sts::{account}:federated-user/{}", input.name);
        let grant = Grant {
            account,
            principal: Principal::FederatedUser { federated_user_id: federated_user_id.clone(), arn: arn.clone() },
            duration_seconds: requested.min(durations::ROOT_USER_CAP),
            tags,
        };
        Ok(GetFederationTokenResponse {
            credentials: Some(issue(&self.sessions, grant)),
            federated_user: Some(FederatedUser { federated_user_id, arn }),
            packed_policy_size: packed,
        })
    }

    async fn get_access_key_info(
        &self,
        ctx: &rt::RequestContext,
        input: GetAccessKeyInfoRequest,
    ) -> Result<GetAccessKeyInfoResponse, GetAccessKeyInfoError> {
        let account = self.sessions.with(|s| s.get(&input.access_key_id).map(|s| s.account.clone()));
        Ok(GetAccessKeyInfoResponse { account: Some(account.unwrap_or_else(|| ctx.account_id.clone())) })
    }

    fn reset(&self) {
        self.sessions.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn sts_api::Handler>(handler.clone());
    sts_api::service(handler)
}
