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
mod root;
mod saml;
pub mod sessions;
mod validation;
mod web_identity;

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
    /// IAM, to tell whose long-term access key signed a request.
    peers: Arc<ferrostack_store::Peers>,
}

impl Handler {
    /// A handler sharing `sessions` with other components (the gateway's credential
    /// checks, for instance).
    pub fn with_sessions(sessions: Arc<GlobalStore<Sessions>>) -> Handler {
        Handler { sessions, peers: Default::default() }
    }

    /// A handler that asks the IAM among `peers` about access keys.
    pub fn with_peers(peers: Arc<ferrostack_store::Peers>) -> Handler {
        Handler { sessions: Default::default(), peers }
    }

    /// The issued sessions, for components that need to recognise temporary credentials.
    pub fn sessions(&self) -> Arc<GlobalStore<Sessions>> {
        self.sessions.clone()
    }

    /// The session behind the request's access key, when it is one we issued.
    /// Credentials past their expiration are refused, as AWS refuses them.
    fn calling_session(&self, ctx: &rt::RequestContext) -> Result<Option<Session>, rt::CommonError> {
        let Some(key) = ctx.access_key_id.as_deref() else { return Ok(None) };
        match self.sessions.with(|s| s.get(key).cloned()) {
            Some(session) if session.expiration.secs() <= rt::DateTime::now().secs() => Err(rt::CommonError::service(
                403,
                "ExpiredToken",
                "The security token included in the request is expired",
            )),
            found => Ok(found),
        }
    }

    /// The IAM user whose long-term access key signed the request, as `(UserId, Arn)`, when
    /// IAM knows the key. Anything else (no IAM, unknown key, an error) is `None`, and the
    /// caller is then taken to be the account root user.
    async fn iam_user(&self, ctx: &rt::RequestContext) -> Option<(String, String)> {
        // Only IAM issues AKIA keys: other callers (the default `test` key) skip the lookup.
        let key = ctx.access_key_id.clone().filter(|k| k.starts_with("AKIA"))?;
        let iam = self.peers.get::<dyn iam_api::Handler>()?;
        let used = iam
            .get_access_key_last_used(ctx, iam_api::types::GetAccessKeyLastUsedRequest { access_key_id: key })
            .await
            .ok()?;
        let user_name = used.user_name?;
        let user = iam.get_user(ctx, iam_api::types::GetUserRequest { user_name: Some(user_name) }).await.ok()?.user;
        Some((user.user_id, user.arn))
    }

    /// The role's unique id and MaxSessionDuration when IAM holds it. Roles IAM does not
    /// know are still assumable (None), so code written against roles created elsewhere runs.
    async fn iam_role(&self, ctx: &rt::RequestContext, role: &RoleArn, role_arn: &str) -> Option<(String, i32)> {
        let iam = self.peers.get::<dyn iam_api::Handler>()?;
        let mut role_ctx = ctx.clone();
        role_ctx.account_id = role.account.clone();
        let found =
            iam.get_role(&role_ctx, iam_api::types::GetRoleRequest { role_name: role.name.clone() }).await.ok()?.role;
        (found.arn == role_arn).then(|| (found.role_id, found.max_session_duration.unwrap_or(3_600)))
    }

    /// The role's unique id, after checking `duration` against its MaxSessionDuration.
    async fn role_id(
        &self,
        ctx: &rt::RequestContext,
        role: &RoleArn,
        role_arn: &str,
        duration: i32,
    ) -> Result<String, rt::CommonError> {
        match self.iam_role(ctx, role, role_arn).await {
            Some((_, max)) if duration > max => Err(rt::CommonError::validation(
                "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            )),
            Some((id, _)) => Ok(id),
            // A role's unique id is fixed for its lifetime: derive it from the ARN.
            None => Ok(format!("AROA{}", random::stable_upper_alnum(role_arn, 17))),
        }
    }

    /// Issues role-session credentials for `role` and describes the assumed-role user.
    #[allow(clippy::too_many_arguments)]
    fn assume(
        &self,
        role: RoleArn,
        role_id: String,
        role_arn: String,
        session_name: &str,
        source_identity: Option<String>,
        duration_seconds: i32,
        tags: Vec<(String, String)>,
    ) -> (Credentials, AssumedRoleUser) {
        let assumed_role_id = format!("{role_id}:{session_name}");
        let arn = format!("arn:{}:sts::{}:assumed-role/{}/{}", role.partition, role.account, role.name, session_name);
        let grant = Grant {
            account: role.account,
            principal: Principal::AssumedRole {
                role_arn,
                assumed_role_id: assumed_role_id.clone(),
                arn: arn.clone(),
                source_identity,
            },
            duration_seconds,
            tags,
        };
        (issue(&self.sessions, grant), AssumedRoleUser { assumed_role_id, arn })
    }
}

/// A stable stand-in subject for tokens whose claims cannot be read.
fn opaque_subject(token: &str) -> String {
    random::stable_upper_alnum(token, 21).to_lowercase()
}

/// The encoded form DecodeAuthorizationMessage reverses: base64 of the JSON document.
/// Components that deny a request can hand this to callers.
pub fn encode_authorization_message(decoded_json: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(decoded_json)
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
        let (account, user_id, arn) = match self.calling_session(ctx)? {
            Some(session) => {
                let (user_id, arn) = session.caller_identity();
                (session.account, user_id, arn)
            }
            None => match self.iam_user(ctx).await {
                Some((user_id, arn)) => (ctx.account_id.clone(), user_id, arn),
                // The root user's UserId is the account id itself.
                None => (ctx.account_id.clone(), ctx.account_id.clone(), root_arn(&ctx.account_id)),
            },
        };
        Ok(GetCallerIdentityResponse { user_id: Some(user_id), account: Some(account), arn: Some(arn) })
    }

    async fn get_session_token(
        &self,
        ctx: &rt::RequestContext,
        input: GetSessionTokenRequest,
    ) -> Result<GetSessionTokenResponse, GetSessionTokenError> {
        if self.calling_session(ctx)?.is_some() {
            return Err(
                rt::CommonError::AccessDenied("Cannot call GetSessionToken with session credentials".into()).into()
            );
        }
        let bounds = durations::USER_TOKEN;
        let requested = input.duration_seconds.unwrap_or(bounds.default);
        validation::duration_in_range(requested, bounds.min, bounds.max)?;
        // The session stands for whoever asked: an IAM user keeps its identity and its full
        // duration; the root user's sessions are capped at an hour.
        let (principal, duration_seconds) = match self.iam_user(ctx).await {
            Some((user_id, arn)) => (Principal::User { user_id, arn }, requested),
            None => (Principal::Root, requested.min(durations::ROOT_USER_CAP)),
        };
        let grant = Grant { account: ctx.account_id.clone(), principal, duration_seconds, tags: Vec::new() };
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
        let caller = self.calling_session(ctx)?;
        let chained = matches!(caller.as_ref().map(|s| &s.principal), Some(Principal::AssumedRole { .. }));
        if chained && duration > durations::ROLE_CHAINING_CAP {
            return Err(rt::CommonError::validation(
                "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
            )
            .into());
        }
        let tags = session_tags(input.tags)?;
        let packed = packed_policy_size(&input.policy, &input.policy_arns, &tags);

        // A source identity set once sticks to every chained session after it.
        let source_identity = input.source_identity.or_else(|| match caller.map(|s| s.principal) {
            Some(Principal::AssumedRole { source_identity, .. }) => source_identity,
            _ => None,
        });
        let role_id = self.role_id(ctx, &role, &input.role_arn, duration).await?;
        let (credentials, user) = self.assume(
            role,
            role_id,
            input.role_arn,
            &input.role_session_name,
            source_identity.clone(),
            duration,
            tags,
        );
        Ok(AssumeRoleResponse {
            credentials: Some(credentials),
            assumed_role_user: Some(user),
            packed_policy_size: packed,
            source_identity,
        })
    }

    async fn assume_root(
        &self,
        ctx: &rt::RequestContext,
        input: AssumeRootRequest,
    ) -> Result<AssumeRootResponse, AssumeRootError> {
        let account = root::target_account(&input.target_principal)?;
        root::check_task_policy(input.task_policy_arn.arn.as_deref())?;
        let duration = input.duration_seconds.unwrap_or(root::MAX_DURATION);
        validation::duration_in_range(duration, 0, root::MAX_DURATION)?;
        // A source identity set on the calling role session carries over, as with AssumeRole.
        let source_identity = match self.calling_session(ctx)?.map(|s| s.principal) {
            Some(Principal::AssumedRole { source_identity, .. }) => source_identity,
            _ => None,
        };
        // The credentials are the target account's root user's: they act in that account.
        let grant = Grant { account, principal: Principal::Root, duration_seconds: duration, tags: Vec::new() };
        Ok(AssumeRootResponse { credentials: Some(issue(&self.sessions, grant)), source_identity })
    }

    async fn assume_role_with_web_identity(
        &self,
        ctx: &rt::RequestContext,
        input: AssumeRoleWithWebIdentityRequest,
    ) -> Result<AssumeRoleWithWebIdentityResponse, AssumeRoleWithWebIdentityError> {
        let role = RoleArn::parse(&input.role_arn)?;
        validation::principal_name(&input.role_session_name, "roleSessionName", 2, 64)?;
        let bounds = durations::ASSUME_ROLE;
        let duration = input.duration_seconds.unwrap_or(bounds.default);
        validation::duration_in_range(duration, bounds.min, bounds.max)?;
        let packed = packed_policy_size(&input.policy, &input.policy_arns, &[]);
        // The signature is not verified (see web_identity); the claims are read when present.
        let claims = web_identity::claims(&input.web_identity_token).unwrap_or_default();
        if let Some(exp) = claims.expires {
            let now = rt::DateTime::now().secs();
            if exp <= now {
                return Err(ExpiredTokenException {
                    message: Some(format!(
                        "Token expired: current date/time {now} must be before the expiration date/time {exp}"
                    )),
                }
                .into());
            }
        }
        let provider =
            input.provider_id.clone().or_else(|| claims.issuer.as_deref().map(web_identity::provider_from_issuer));
        let subject = claims.subject.clone().unwrap_or_else(|| opaque_subject(&input.web_identity_token));
        let role_id = self.role_id(ctx, &role, &input.role_arn, duration).await?;
        let (credentials, user) =
            self.assume(role, role_id, input.role_arn, &input.role_session_name, None, duration, Vec::new());
        Ok(AssumeRoleWithWebIdentityResponse {
            credentials: Some(credentials),
            subject_from_web_identity_token: Some(subject),
            assumed_role_user: Some(user),
            packed_policy_size: packed,
            provider,
            audience: claims.audience,
            source_identity: None,
        })
    }

    async fn assume_role_with_saml(
        &self,
        ctx: &rt::RequestContext,
        input: AssumeRoleWithSAMLRequest,
    ) -> Result<AssumeRoleWithSAMLResponse, AssumeRoleWithSAMLError> {
        let role = RoleArn::parse(&input.role_arn)?;
        // arn:aws:iam::<account>:saml-provider/<name>
        let provider_name = input
            .principal_arn
            .split_once(":saml-provider/")
            .filter(|(head, _)| head.starts_with("arn:") && head.contains(":iam::"))
            .map(|(_, name)| name.to_string())
            .filter(|n| !n.is_empty())
            .ok_or_else(|| rt::CommonError::validation("Request ARN is invalid"))?;
        // The signature is not verified (see saml); the assertion's fields are read when present.
        let assertion = saml::parse(&input.saml_assertion);
        let subject = assertion.subject.clone().unwrap_or_else(|| "saml-user".to_string());
        let session_name: String = assertion
            .session_name
            .clone()
            .unwrap_or_else(|| subject.clone())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(*c))
            .take(64)
            .collect();
        let session_name = if session_name.len() < 2 { "saml-session".to_string() } else { session_name };
        let bounds = durations::ASSUME_ROLE;
        let duration = input.duration_seconds.or(assertion.session_duration).unwrap_or(bounds.default);
        validation::duration_in_range(duration, bounds.min, bounds.max)?;
        let packed = packed_policy_size(&input.policy, &input.policy_arns, &[]);
        let issuer = assertion.issuer.clone().unwrap_or_else(|| format!("urn:saml-provider:{provider_name}"));
        let name_qualifier = saml::name_qualifier(&issuer, &role.account, &provider_name);
        let role_id = self.role_id(ctx, &role, &input.role_arn, duration).await?;
        let (credentials, user) = self.assume(role, role_id, input.role_arn, &session_name, None, duration, Vec::new());
        Ok(AssumeRoleWithSAMLResponse {
            credentials: Some(credentials),
            assumed_role_user: Some(user),
            packed_policy_size: packed,
            subject: Some(subject),
            subject_type: Some(assertion.subject_type.unwrap_or_else(|| "persistent".to_string())),
            issuer: Some(issuer),
            audience: Some(assertion.audience.unwrap_or_else(|| "https://signin.aws.amazon.com/saml".to_string())),
            name_qualifier: Some(name_qualifier),
            source_identity: None,
        })
    }

    async fn decode_authorization_message(
        &self,
        _ctx: &rt::RequestContext,
        input: DecodeAuthorizationMessageRequest,
    ) -> Result<DecodeAuthorizationMessageResponse, DecodeAuthorizationMessageError> {
        use base64::Engine;
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(input.encoded_message.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .filter(|text| serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object()));
        match decoded {
            Some(message) => Ok(DecodeAuthorizationMessageResponse { decoded_message: Some(message) }),
            None => Err(InvalidAuthorizationMessageException {
                message: Some(
                    "The encoded authorization message is invalid or was not issued by this service.".to_string(),
                ),
            }
            .into()),
        }
    }

    async fn get_federation_token(
        &self,
        ctx: &rt::RequestContext,
        input: GetFederationTokenRequest,
    ) -> Result<GetFederationTokenResponse, GetFederationTokenError> {
        if self.calling_session(ctx)?.is_some() {
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
        let is_user = self.iam_user(ctx).await.is_some();
        let account = ctx.account_id.clone();
        let federated_user_id = format!("{account}:{}", input.name);
        let arn = format!("arn:aws:sts::{account}:federated-user/{}", input.name);
        let grant = Grant {
            account,
            principal: Principal::FederatedUser { federated_user_id: federated_user_id.clone(), arn: arn.clone() },
            // Only the root user's federation tokens are capped at an hour.
            duration_seconds: if is_user { requested } else { requested.min(durations::ROOT_USER_CAP) },
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

/// Temporary credentials act in the account their session belongs to (the role's, for
/// AssumeRole), in every service, when presented with their session token and before they
/// expire; otherwise every service refuses them, as AWS does.
impl ferrostack_store::AccessKeyAccounts for Handler {
    fn standing(&self, access_key_id: &str, session_token: Option<&str>) -> ferrostack_store::KeyStanding {
        // Only STS issues ASIA keys; skip the lock for every other request.
        if !access_key_id.starts_with("ASIA") {
            return ferrostack_store::KeyStanding::Unknown;
        }
        let now = rt::DateTime::now().secs();
        self.sessions.with(|s| s.standing(access_key_id, session_token, now))
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::with_peers(peers.clone()));
    peers.register::<dyn sts_api::Handler>(handler.clone());
    peers.add::<dyn ferrostack_store::AccessKeyAccounts>(handler.clone());
    sts_api::service(handler)
}
