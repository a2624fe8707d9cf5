//! The emulator's own endpoints, under `/_localstack/` and `/_ministack/` so that
//! LocalStack and MiniStack clients (testcontainers, CI wait scripts, pytest fixtures)
//! work unchanged:
//!
//! - `GET|HEAD /_localstack/health`, `/_ministack/health`: every registered service and
//!   whether it has served a request yet (`running`) or not (`available`).
//! - `POST /_localstack/reset`, `/_localstack/state/reset`, `/_ministack/reset`: drops all
//!   state of all services.
//! - `GET /_localstack/info`: version and uptime.
//!
//! No AWS API lives under these prefixes (bucket names cannot start with `_`), so they
//! are checked before any routing.

use std::panic::AssertUnwindSafe;

use ferrostack_runtime::http::HttpResponse;
use http::{Method, Uri};
use serde_json::{json, Map, Value};

use crate::services::Registry;

/// An admin request, or `None` when `uri` is not an admin path.
/// `started` is when the server started, for the uptime `info` reports.
pub fn handle(registry: &Registry, started: std::time::Instant, method: &Method, uri: &Uri) -> Option<HttpResponse> {
    let path = uri.path();
    if path.starts_with("/_aws/sns/") {
        return Some(sns_messages(registry, method, path, uri.query().unwrap_or("")));
    }
    let rest = path.strip_prefix("/_localstack/").or_else(|| path.strip_prefix("/_ministack/"))?;
    let endpoint = rest.trim_end_matches('/');
    let is_read = method == Method::GET || method == Method::HEAD;
    let response = match endpoint {
        "health" if is_read => health(registry),
        "reset" | "state/reset" if method == Method::POST => reset(registry),
        "info" if is_read => info(started.elapsed()),
        "health" | "reset" | "state/reset" | "info" => json_response(405, json!({"error": "method not allowed"})),
        _ => json_response(404, json!({"error": "not found"})),
    };
    Some(response)
}

fn health(registry: &Registry) -> HttpResponse {
    let mut services = Map::with_capacity(registry.len());
    for (index, name) in registry.names().iter().enumerate() {
        let state = if registry.was_used(index) { "running" } else { "available" };
        services.insert((*name).to_owned(), Value::from(state));
    }
    json_response(200, json!({"services": services, "edition": "community", "version": crate::VERSION}))
}

/// Resets every service, even after one of them failed to: a half-reset emulator is worse
/// than a clear error about the one that did not reset. Services not built yet hold no
/// state, so there is nothing to do for them.
fn reset(registry: &Registry) -> HttpResponse {
    let mut failed = Vec::new();
    for service in registry.built().unwrap_or_default() {
        let name = service.schema().service.name;
        if let Err(panic) = std::panic::catch_unwind(AssertUnwindSafe(|| service.reset())) {
            tracing::error!(service = name, panic = %crate::gateway::panic_message(&*panic), "reset panicked");
            failed.push(name);
        }
    }
    if failed.is_empty() {
        tracing::debug!("all services reset");
        json_response(200, json!({"reset": "ok"}))
    } else {
        json_response(500, json!({"reset": "failed", "services": failed}))
    }
}

fn info(uptime: std::time::Duration) -> HttpResponse {
    json_response(
        200,
        json!({
            "version": crate::VERSION,
            "edition": "community",
            "is_license_activated": false,
            "system": std::env::consts::OS,
            "uptime": uptime.as_secs(),
        }),
    )
}

/// LocalStack's SNS developer endpoints (`/_aws/sns/sms-messages`,
/// `platform-endpoint-messages`, `subscription-tokens/<arn>`, and `email-messages`): what SNS
/// "sent" to phones, devices and mailboxes, which no real client can receive locally.
fn sns_messages(registry: &Registry, method: &Method, path: &str, query: &str) -> HttpResponse {
    if method != Method::GET && method != Method::HEAD {
        return json_response(405, json!({"error": "method not allowed"}));
    }
    let sns = registry.peers().and_then(|peers| peers.get::<sns_handler::Handler>());
    match sns.and_then(|sns| sns.developer_endpoint(path, query)) {
        Some((status, body)) => HttpResponse::with_body(status, "application/json", body),
        None => json_response(404, json!({"error": "not found"})),
    }
}

fn json_response(status: u16, body: Value) -> HttpResponse {
    HttpResponse::with_body(status, "application/json", body.to_string())
}
