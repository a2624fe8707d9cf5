//! The credential report (CSV of every user's credentials) and STS token preferences.

use ferrostack_runtime as rt;
use iam_api::types::*;

use crate::env::Env;
use crate::errors::*;
use crate::state::Account;

const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

pub fn generate(a: &mut Account, env: &Env, _input: rt::Unit) -> Result<GenerateCredentialReportResponse> {
    let first = a.credential_report.is_none();
    a.credential_report = Some(env.now);
    // The first request starts the job; the report is ready at once, later calls say so.
    Ok(if first {
        GenerateCredentialReportResponse {
            state: Some(ReportStateType::Started),
            description: Some("No report exists. Starting a new report generation task".into()),
        }
    } else {
        GenerateCredentialReportResponse { state: Some(ReportStateType::Complete), description: None }
    })
}

fn csv(a: &Account, env: &Env) -> String {
    let na = "N/A";
    let mut out = String::from(HEADER);
    out.push('\n');
    out.push_str(&format!(
        "<root_account>,arn:aws:iam::{}:root,{},not_supported,{na},not_supported,not_supported,false,false,{na},{na},{na},{na},false,{na},{na},{na},{na},false,{na},false,{na}",
        env.account,
        env.now.to_rfc3339()
    ));
    for u in a.users.values() {
        let key = |i: usize| match u.keys.get(i) {
            Some(k) => format!("{},{},{na},{na},{na}", k.active, k.created.to_rfc3339()),
            None => format!("false,{na},{na},{na},{na}"),
        };
        let cert = |i: usize| match u.signing_certs.get(i) {
            Some(c) => format!("{},{}", c.active, c.uploaded.to_rfc3339()),
            None => format!("false,{na}"),
        };
        let (enabled, changed) = match &u.login {
            Some(l) => ("true", l.created.to_rfc3339()),
            None => ("false", na.to_string()),
        };
        out.push_str(&format!(
            "\n{},{},{},{enabled},{na},{changed},{na},{},{},{},{},{}",
            u.name,
            env.arn("user", &u.path, &u.name),
            u.created.to_rfc3339(),
            !u.mfa.is_empty(),
            key(0),
            key(1),
            cert(0),
            cert(1)
        ));
    }
    out
}

pub fn get(a: &mut Account, env: &Env, _input: rt::Unit) -> Result<GetCredentialReportResponse> {
    let Some(at) = a.credential_report else {
        return Err(rt::ServiceError::new(
            410,
            "ReportNotPresent",
            "Credential report not present. Call GenerateCredentialReport first.",
        ));
    };
    Ok(GetCredentialReportResponse {
        content: Some(rt::Bytes::from(csv(a, env).into_bytes())),
        report_format: Some(ReportFormatType::TextCsv),
        generated_time: Some(at),
    })
}

pub fn set_sts_preferences(
    a: &mut Account,
    _env: &Env,
    input: SetSecurityTokenServicePreferencesRequest,
) -> Result<rt::Unit> {
    a.sts_token_version = Some(input.global_endpoint_token_version.as_str().to_owned());
    Ok(rt::Unit {})
}
