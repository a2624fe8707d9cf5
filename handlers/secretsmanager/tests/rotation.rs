//! The four-step rotation protocol, driven against a stand-in Lambda that behaves like
//! AWS's rotation function template and calls back into Secrets Manager in-process.

use std::sync::{Arc, Mutex};

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use lambda_api::types::{InvocationRequest, InvocationResponse};
use secretsmanager_api::types::*;
use secretsmanager_api::Handler as _;
use secretsmanager_handler::Handler;

struct Rotator {
    peers: Arc<Peers>,
    steps: Mutex<Vec<String>>,
    /// The step that reports a function error, if any.
    fail_at: Option<&'static str>,
}

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

#[rt::async_trait]
impl lambda_api::Handler for Rotator {
    async fn invoke(
        &self,
        _ctx: &rt::RequestContext,
        input: InvocationRequest,
    ) -> Result<InvocationResponse, lambda_api::error::InvokeError> {
        let event: serde_json::Value = serde_json::from_slice(&input.payload.unwrap()).unwrap();
        let step = event["Step"].as_str().unwrap().to_string();
        let arn = event["SecretId"].as_str().unwrap().to_string();
        let token = event["ClientRequestToken"].as_str().unwrap().to_string();
        self.steps.lock().unwrap().push(step.clone());
        if self.fail_at == Some(step.as_str()) {
            return Ok(InvocationResponse {
                status_code: 200,
                function_error: Some("Unhandled".into()),
                ..Default::default()
            });
        }
        let sm = self.peers.get::<dyn secretsmanager_api::Handler>().unwrap();
        match step.as_str() {
            "createSecret" => {
                sm.put_secret_value(
                    &ctx(),
                    PutSecretValueRequest {
                        secret_id: arn,
                        client_request_token: Some(token),
                        secret_string: Some("rotated".into()),
                        version_stages: Some(vec!["AWSPENDING".into()]),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            }
            "finishSecret" => {
                let described =
                    sm.describe_secret(&ctx(), DescribeSecretRequest { secret_id: arn.clone() }).await.unwrap();
                let current = described
                    .version_ids_to_stages
                    .unwrap()
                    .into_iter()
                    .find(|(_, stages)| stages.iter().any(|s| s == "AWSCURRENT"))
                    .map(|(id, _)| id);
                sm.update_secret_version_stage(
                    &ctx(),
                    UpdateSecretVersionStageRequest {
                        secret_id: arn,
                        version_stage: "AWSCURRENT".into(),
                        move_to_version_id: Some(token),
                        remove_from_version_id: current,
                    },
                )
                .await
                .unwrap();
            }
            _ => {}
        }
        Ok(InvocationResponse { status_code: 200, ..Default::default() })
    }
}

fn setup(fail_at: Option<&'static str>) -> (Arc<Handler>, Arc<Rotator>) {
    let peers = Peers::new();
    let sm = Arc::new(Handler::new(peers.clone()));
    peers.register::<dyn secretsmanager_api::Handler>(sm.clone());
    let rotator = Arc::new(Rotator { peers: peers.clone(), steps: Mutex::new(Vec::new()), fail_at });
    peers.register::<dyn lambda_api::Handler>(rotator.clone());
    (sm, rotator)
}

async fn create(sm: &Handler) -> String {
    sm.create_secret(
        &ctx(),
        CreateSecretRequest { name: "db".into(), secret_string: Some("original".into()), ..Default::default() },
    )
    .await
    .unwrap()
    .version_id
    .unwrap()
}

fn rotate_request() -> RotateSecretRequest {
    RotateSecretRequest {
        secret_id: "db".into(),
        rotation_lambda_arn: Some("arn:aws:lambda:us-east-1:000000000000:function:rotator".into()),
        rotation_rules: Some(RotationRulesType { automatically_after_days: Some(7), ..Default::default() }),
        ..Default::default()
    }
}

async fn value(sm: &Handler, stage: &str) -> Option<String> {
    sm.get_secret_value(
        &ctx(),
        GetSecretValueRequest { secret_id: "db".into(), version_stage: Some(stage.into()), ..Default::default() },
    )
    .await
    .ok()
    .and_then(|v| v.secret_string)
}

#[tokio::test]
async fn four_steps_promote_the_new_version() {
    let (sm, rotator) = setup(None);
    let original = create(&sm).await;
    let out = sm.rotate_secret(&ctx(), rotate_request()).await.unwrap();
    let token = out.version_id.unwrap();
    assert_eq!(*rotator.steps.lock().unwrap(), ["createSecret", "setSecret", "testSecret", "finishSecret"]);
    assert_eq!(value(&sm, "AWSCURRENT").await.as_deref(), Some("rotated"));
    assert_eq!(value(&sm, "AWSPREVIOUS").await.as_deref(), Some("original"));
    assert_eq!(value(&sm, "AWSPENDING").await, None, "AWSPENDING is removed once rotation completes");
    let d = sm.describe_secret(&ctx(), DescribeSecretRequest { secret_id: "db".into() }).await.unwrap();
    let stages = d.version_ids_to_stages.unwrap();
    assert_eq!(stages[&token], ["AWSCURRENT"]);
    assert_eq!(stages[&original], ["AWSPREVIOUS"]);
    assert!(d.last_rotated_date.is_some());
    assert_eq!(d.rotation_enabled, Some(true));
}

#[tokio::test]
async fn a_failed_step_leaves_the_rotation_pending() {
    let (sm, rotator) = setup(Some("testSecret"));
    create(&sm).await;
    sm.rotate_secret(&ctx(), rotate_request()).await.unwrap();
    assert_eq!(*rotator.steps.lock().unwrap(), ["createSecret", "setSecret", "testSecret"]);
    assert_eq!(value(&sm, "AWSCURRENT").await.as_deref(), Some("original"));
    assert_eq!(value(&sm, "AWSPENDING").await.as_deref(), Some("rotated"));
    let again = sm.rotate_secret(&ctx(), rotate_request()).await;
    assert!(matches!(again, Err(secretsmanager_api::error::RotateSecretError::InvalidRequestException(_))));
}

#[tokio::test]
async fn without_rotate_immediately_only_the_schedule_is_recorded() {
    let (sm, rotator) = setup(None);
    create(&sm).await;
    sm.rotate_secret(&ctx(), RotateSecretRequest { rotate_immediately: Some(false), ..rotate_request() })
        .await
        .unwrap();
    assert!(rotator.steps.lock().unwrap().is_empty());
    let d = sm.describe_secret(&ctx(), DescribeSecretRequest { secret_id: "db".into() }).await.unwrap();
    assert!(d.next_rotation_date.is_some());
    assert_eq!(value(&sm, "AWSCURRENT").await.as_deref(), Some("original"));
}
