//! Rotation: the rules RotateSecret accepts, when the next rotation falls due, and the
//! four-step Lambda protocol (createSecret, setSecret, testSecret, finishSecret).
//!
//! Rotation runs when RotateSecret asks for it (RotateImmediately, the default); scheduled
//! rotations are recorded (NextRotationDate) but nothing runs them in the background. When
//! the Lambda service cannot invoke functions, only the schedule is recorded.

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use secretsmanager_api::types::RotationRulesType;

use crate::state::{Secret, AWSCURRENT, AWSPENDING};
use crate::versions;

pub const STEPS: [&str; 4] = ["createSecret", "setSecret", "testSecret", "finishSecret"];

#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Every step ran and the new version became AWSCURRENT.
    Completed,
    /// A step failed, or finishSecret did not promote the version; AWSPENDING stays put
    /// and the next RotateSecret reports the unfinished rotation, as on AWS.
    Failed(String),
    /// Lambda cannot run functions here: only the schedule was recorded.
    NotRun,
}

/// Invokes `lambda` once per step with AWS's event (`Step`, `SecretId`, `ClientRequestToken`).
pub async fn drive(
    peers: &Peers,
    ctx: &rt::RequestContext,
    lambda: &str,
    secret_arn: &str,
    token: &str,
) -> Result<Outcome, rt::CommonError> {
    let Some(service) = peers.get::<dyn lambda_api::Handler>() else { return Ok(Outcome::NotRun) };
    for step in STEPS {
        let event = serde_json::json!({ "Step": step, "SecretId": secret_arn, "ClientRequestToken": token });
        let input = lambda_api::types::InvocationRequest {
            function_name: lambda.to_string(),
            invocation_type: Some(lambda_api::types::InvocationType::RequestResponse),
            log_type: None,
            client_context: None,
            payload: Some(rt::Bytes::from(event.to_string())),
            qualifier: None,
        };
        match service.invoke(ctx, input).await {
            Ok(response) => {
                if let Some(error) = response.function_error {
                    return Ok(Outcome::Failed(format!("{step} failed: {error}")));
                }
            }
            Err(lambda_api::error::InvokeError::Common(rt::CommonError::NotImplemented(_))) => {
                return Ok(Outcome::NotRun)
            }
            // A function Secrets Manager cannot invoke fails RotateSecret itself.
            Err(_) if step == STEPS[0] => {
                return Err(rt::CommonError::AccessDenied(
                    "Secrets Manager cannot invoke the specified Lambda function. Ensure that the function policy grants access to the principal secretsmanager.amazonaws.com.".to_string(),
                ))
            }
            Err(e) => return Ok(Outcome::Failed(format!("{step} failed: {e:?}"))),
        }
    }
    Ok(Outcome::Completed)
}

/// After a rotation: the version the function promoted drops AWSPENDING and the dates move.
pub fn complete(secret: &mut Secret, token: &str) {
    let promoted = secret.version(token).is_some_and(|v| v.stages.iter().any(|s| s == AWSCURRENT));
    if !promoted {
        return;
    }
    if secret.staged(AWSPENDING).is_some_and(|v| v.id == token) {
        versions::detach(secret, AWSPENDING);
    }
    let now = rt::DateTime::now();
    secret.rotation.last_rotated = Some(now);
    secret.rotation.next_rotation = secret.rotation.rules.as_ref().and_then(|r| next_date(r, now));
    secret.last_changed = now;
}

/// `rate(N days)` / `rate(N hours)` as seconds; `None` for cron and anything else.
fn rate_seconds(expression: &str) -> Option<i64> {
    let inner = expression.strip_prefix("rate(")?.strip_suffix(')')?;
    let (n, unit) = inner.trim().split_once(' ')?;
    let n: i64 = n.parse().ok()?;
    match unit.trim() {
        "day" | "days" => Some(n * 86_400),
        "hour" | "hours" => Some(n * 3_600),
        _ => None,
    }
}

pub fn check_rules(rules: &RotationRulesType) -> Result<(), String> {
    if rules.automatically_after_days.is_some() && rules.schedule_expression.is_some() {
        return Err("You can't specify both rotation frequency in days and cron/rate expression.".to_string());
    }
    if let Some(days) = rules.automatically_after_days {
        if !(1..=1000).contains(&days) {
            return Err("The rotation interval must be between 1 and 1000 days.".to_string());
        }
    }
    if let Some(expr) = &rules.schedule_expression {
        let is_cron = expr.starts_with("cron(") && expr.ends_with(')');
        match rate_seconds(expr) {
            Some(s) if (14_400..=1000 * 86_400).contains(&s) => {}
            Some(_) => return Err("The schedule expression rate must be between 4 hours and 1000 days.".to_string()),
            None if is_cron => {}
            None => return Err(format!("Invalid schedule expression: {expr}")),
        }
    }
    if let Some(duration) = &rules.duration {
        let hours = duration.strip_suffix('h').and_then(|h| h.parse::<i64>().ok());
        if !hours.is_some_and(|h| (1..=24).contains(&h)) {
            return Err("The rotation window duration must be between 1h and 24h.".to_string());
        }
    }
    Ok(())
}

/// When the next rotation is due, for schedules expressed as an interval.
pub fn next_date(rules: &RotationRulesType, from: rt::DateTime) -> Option<rt::DateTime> {
    let interval = match (rules.automatically_after_days, &rules.schedule_expression) {
        (Some(days), _) => days * 86_400,
        (None, Some(expr)) => rate_seconds(expr)?,
        _ => return None,
    };
    Some(rt::DateTime::from_secs(from.secs() + interval))
}
