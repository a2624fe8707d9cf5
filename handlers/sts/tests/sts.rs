//! STS behaviour through the typed handler.

use ferrostack_runtime as rt;
use sts_api::error::*;
use sts_api::types::*;
use sts_api::Handler as _;
use sts_handler::Handler;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

fn signed_with(access_key_id: &str) -> rt::RequestContext {
    let mut c = ctx();
    c.access_key_id = Some(access_key_id.to_string());
    c
}

fn assume(role_arn: &str, session: &str) -> AssumeRoleRequest {
    AssumeRoleRequest { role_arn: role_arn.into(), role_session_name: session.into(), ..Default::default() }
}

fn validation_message<E: std::fmt::Debug>(e: E) -> String {
    let text = format!("{e:?}");
    assert!(text.contains("Validation("), "expected a validation error, got {text}");
    text
}

#[tokio::test]
async fn caller_identity_of_root() {
    let h = Handler::default();
    let out = h.get_caller_identity(&ctx(), GetCallerIdentityRequest {}).await.unwrap();
    assert_eq!(out.account.as_deref(), Some("000000000000"));
    assert_eq!(out.user_id.as_deref(), Some("000000000000"));
    assert_eq!(out.arn.as_deref(), Some("arn:aws:iam::000000000000:root"));
}

fn assert_credentials_shape(c: &Credentials) {
    assert_eq!(c.access_key_id.len(), 20);
    assert!(c.access_key_id.starts_with("ASIA"));
    assert!(c.access_key_id[4..].bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert_eq!(c.secret_access_key.len(), 40);
    assert!(!c.session_token.is_empty());
}

#[tokio::test]
async fn session_token_defaults_and_root_cap() {
    let h = Handler::default();
    let before = rt::DateTime::now().secs();
    let out = h.get_session_token(&ctx(), GetSessionTokenRequest::default()).await.unwrap();
    let c = out.credentials.unwrap();
    assert_credentials_shape(&c);
    // Default is 12 hours, but the root user's sessions are capped at one hour.
    let lifetime = c.expiration.secs() - before;
    assert!((3599..=3601).contains(&lifetime), "{lifetime}");

    let short = h
        .get_session_token(&ctx(), GetSessionTokenRequest { duration_seconds: Some(900), ..Default::default() })
        .await
        .unwrap();
    let lifetime = short.credentials.unwrap().expiration.secs() - before;
    assert!((899..=901).contains(&lifetime), "{lifetime}");
}

#[tokio::test]
async fn session_token_duration_range() {
    let h = Handler::default();
    for bad in [899, 129_601, -1] {
        let err = h
            .get_session_token(&ctx(), GetSessionTokenRequest { duration_seconds: Some(bad), ..Default::default() })
            .await
            .unwrap_err();
        let msg = validation_message(err);
        assert!(msg.contains("durationSeconds"), "{msg}");
    }
    let ok = h
        .get_session_token(&ctx(), GetSessionTokenRequest { duration_seconds: Some(129_600), ..Default::default() })
        .await;
    assert!(ok.is_ok());
}

#[tokio::test]
async fn session_credentials_cannot_get_session_tokens() {
    let h = Handler::default();
    let c = h.get_session_token(&ctx(), GetSessionTokenRequest::default()).await.unwrap().credentials.unwrap();
    let err = h.get_session_token(&signed_with(&c.access_key_id), GetSessionTokenRequest::default()).await.unwrap_err();
    assert!(matches!(err, GetSessionTokenError::Common(rt::CommonError::AccessDenied(_))), "{err:?}");
}

#[tokio::test]
async fn assume_role_issues_role_session() {
    let h = Handler::default();
    let before = rt::DateTime::now().secs();
    let out = h.assume_role(&ctx(), assume("arn:aws:iam::123456789012:role/team/Deployer", "ci-run")).await.unwrap();
    let c = out.credentials.unwrap();
    assert_credentials_shape(&c);
    let lifetime = c.expiration.secs() - before;
    assert!((3599..=3601).contains(&lifetime), "default is one hour, got {lifetime}");
    let user = out.assumed_role_user.unwrap();
    assert_eq!(user.arn, "arn:aws:sts::123456789012:assumed-role/Deployer/ci-run");
    let (role_id, session) = user.assumed_role_id.split_once(':').unwrap();
    assert_eq!(session, "ci-run");
    assert!(role_id.starts_with("AROA") && role_id.len() == 21, "{role_id}");
    assert_eq!(out.packed_policy_size, None);

    // The same role keeps its unique id across sessions.
    let again = h.assume_role(&ctx(), assume("arn:aws:iam::123456789012:role/team/Deployer", "other")).await.unwrap();
    assert!(again.assumed_role_user.unwrap().assumed_role_id.starts_with(role_id));

    // The credentials are recognised afterwards.
    let who = h.get_caller_identity(&signed_with(&c.access_key_id), GetCallerIdentityRequest {}).await.unwrap();
    assert_eq!(who.account.as_deref(), Some("123456789012"));
    assert_eq!(who.arn.as_deref(), Some("arn:aws:sts::123456789012:assumed-role/Deployer/ci-run"));
    assert_eq!(who.user_id.as_deref(), Some(user.assumed_role_id.as_str()));
    let info = h
        .get_access_key_info(&ctx(), GetAccessKeyInfoRequest { access_key_id: c.access_key_id.clone() })
        .await
        .unwrap();
    assert_eq!(info.account.as_deref(), Some("123456789012"));
}

#[tokio::test]
async fn assume_role_duration_rules() {
    let h = Handler::default();
    let role = "arn:aws:iam::000000000000:role/r";
    let before = rt::DateTime::now().secs();
    let long = h
        .assume_role(&ctx(), AssumeRoleRequest { duration_seconds: Some(43_200), ..assume(role, "s1") })
        .await
        .unwrap();
    let lifetime = long.credentials.as_ref().unwrap().expiration.secs() - before;
    assert!((43_199..=43_201).contains(&lifetime));
    for bad in [899, 43_201] {
        let err = h
            .assume_role(&ctx(), AssumeRoleRequest { duration_seconds: Some(bad), ..assume(role, "s1") })
            .await
            .unwrap_err();
        validation_message(err);
    }
    // Role chaining is limited to one hour.
    let key = long.credentials.unwrap().access_key_id;
    let err = h
        .assume_role(&signed_with(&key), AssumeRoleRequest { duration_seconds: Some(7_200), ..assume(role, "s2") })
        .await
        .unwrap_err();
    assert!(validation_message(err).contains("role chaining"));
    assert!(h.assume_role(&signed_with(&key), assume(role, "s2")).await.is_ok());
}

#[tokio::test]
async fn assume_role_rejects_bad_input() {
    let h = Handler::default();
    let msg = validation_message(
        h.assume_role(&ctx(), assume("arn:aws:iam::000000000000:user/bob", "s1")).await.unwrap_err(),
    );
    assert!(msg.contains("Request ARN is invalid"), "{msg}");
    let msg = validation_message(
        h.assume_role(&ctx(), assume("arn:aws:iam::000000000000:role/r", "bad name")).await.unwrap_err(),
    );
    assert!(msg.contains("roleSessionName"), "{msg}");
    let tags = vec![Tag { key: "Team".into(), value: "a".into() }, Tag { key: "team".into(), value: "b".into() }];
    let msg = validation_message(
        h.assume_role(
            &ctx(),
            AssumeRoleRequest { tags: Some(tags), ..assume("arn:aws:iam::000000000000:role/r", "s1") },
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("Duplicate tag keys"), "{msg}");
}

#[tokio::test]
async fn assume_role_echoes_source_identity_and_packs_policies() {
    let h = Handler::default();
    let out = h
        .assume_role(
            &ctx(),
            AssumeRoleRequest {
                source_identity: Some("alice".into()),
                policy: Some(r#"{"Version":"2012-10-17","Statement":[]}"#.into()),
                ..assume("arn:aws:iam::000000000000:role/r", "s1")
            },
        )
        .await
        .unwrap();
    assert_eq!(out.source_identity.as_deref(), Some("alice"));
    let size = out.packed_policy_size.unwrap();
    assert!((1..=100).contains(&size));
}

#[tokio::test]
async fn federation_token() {
    let h = Handler::default();
    let out = h
        .get_federation_token(&ctx(), GetFederationTokenRequest { name: "bob".into(), ..Default::default() })
        .await
        .unwrap();
    let user = out.federated_user.unwrap();
    assert_eq!(user.arn, "arn:aws:sts::000000000000:federated-user/bob");
    assert_eq!(user.federated_user_id, "000000000000:bob");
    let key = out.credentials.unwrap().access_key_id;
    let who = h.get_caller_identity(&signed_with(&key), GetCallerIdentityRequest {}).await.unwrap();
    assert_eq!(who.arn.as_deref(), Some("arn:aws:sts::000000000000:federated-user/bob"));
}

#[tokio::test]
async fn reset_forgets_sessions() {
    let h = Handler::default();
    let key = h
        .get_session_token(&ctx(), GetSessionTokenRequest::default())
        .await
        .unwrap()
        .credentials
        .unwrap()
        .access_key_id;
    assert_eq!(h.sessions().with(|s| s.len()), 1);
    h.reset();
    assert!(h.sessions().with(|s| s.get(&key).is_none()));
}

#[tokio::test]
async fn expired_credentials_are_refused() {
    use sts_handler::sessions::{Principal, Session};
    let h = Handler::default();
    h.sessions().with(|s| {
        s.insert(Session {
            account: "000000000000".into(),
            principal: Principal::Root,
            access_key_id: "ASIAEXPIREDEXAMPLE01".into(),
            secret_access_key: "x".repeat(40),
            session_token: "token".into(),
            expiration: rt::DateTime::from_secs(rt::DateTime::now().secs() - 1),
            tags: Vec::new(),
        })
    });
    let mut expired = ctx();
    expired.access_key_id = Some("ASIAEXPIREDEXAMPLE01".into());
    match h.get_caller_identity(&expired, GetCallerIdentityRequest {}).await {
        Err(GetCallerIdentityError::Common(rt::CommonError::Service(e))) => {
            assert!(format!("{e:?}").contains("ExpiredToken"))
        }
        other => panic!("expected ExpiredToken, got {other:?}"),
    }
}
