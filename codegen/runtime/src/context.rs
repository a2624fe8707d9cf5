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
        }
    }
}
