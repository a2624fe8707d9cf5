//! What every handler call knows about its request.

use std::sync::Arc;

use crate::schema::Protocol;

/// Where the server is reachable, for URLs it hands out (queue URLs, locations).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub scheme: &'static str,
    /// Host name clients should use (`MINISTACK_HOST`, `LOCALSTACK_HOST`), default `localhost`.
    pub host: String,
    pub port: u16,
}

impl Endpoint {
    /// `http://localhost:4566`
    pub fn url(&self) -> String {
        format!("{}://{}:{}", self.scheme, self.host, self.port)
    }
}

impl Default for Endpoint {
    fn default() -> Self {
        Endpoint { scheme: "http", host: "localhost".into(), port: 4566 }
    }
}

#[derive(Debug, Clone)]
pub struct RequestContext {
    pub request_id: String,
    /// From the credential: a 12-digit access key id is the account, else `000000000000`.
    pub account_id: String,
    pub region: String,
    pub access_key_id: Option<String>,
    pub protocol: Protocol,
    pub endpoint: Arc<Endpoint>,
    /// The `Host` header as sent (virtual-hosted S3, execute-api).
    pub host: Option<String>,
    /// A success status the handler chose over the model's (0: the model's). For the few
    /// answers whose status depends on the outcome and which no model member carries,
    /// e.g. S3's RestoreObject: 202 when it starts a restore, 200 when one exists.
    pub success_status: SuccessStatus,
}

/// Set by a handler through [`RequestContext::answer_with_status`]; read by the protocol
/// layer when it writes a successful answer.
#[derive(Debug, Default)]
pub struct SuccessStatus(std::sync::atomic::AtomicU16);

impl Clone for SuccessStatus {
    /// A copy for another call starts with the model's status.
    fn clone(&self) -> Self {
        SuccessStatus::default()
    }
}

impl SuccessStatus {
    pub fn get(&self) -> Option<u16> {
        Some(self.0.load(std::sync::atomic::Ordering::Relaxed)).filter(|&s| s != 0)
    }
}

impl RequestContext {
    /// A context for in-process calls and tests.
    pub fn internal(account_id: &str, region: &str) -> Self {
        RequestContext {
            request_id: crate::request_id(),
            account_id: account_id.to_owned(),
            region: region.to_owned(),
            access_key_id: None,
            protocol: Protocol::AwsJson1_0,
            endpoint: Arc::new(Endpoint::default()),
            host: None,
            success_status: SuccessStatus::default(),
        }
    }

    /// Answers this request's success with `status` (a 2xx) instead of the model's.
    pub fn answer_with_status(&self, status: u16) {
        debug_assert!((200..300).contains(&status));
        self.success_status.0.store(status, std::sync::atomic::Ordering::Relaxed);
    }
}
