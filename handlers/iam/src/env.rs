//! What an operation needs to know besides its input: whose account, and when.

use ferrostack_runtime as rt;

pub struct Env {
    pub account: String,
    pub now: rt::DateTime,
    /// The access key the request was signed with.
    pub caller_key: Option<String>,
}

impl Env {
    /// `arn:aws:iam::{account}:{kind}{path}{name}`.
    pub fn arn(&self, kind: &str, path: &str, name: &str) -> String {
        format!("arn:aws:iam::{}:{kind}{path}{name}", self.account)
    }
}

/// A path given at creation, "/" when absent.
pub fn path_or_root(path: Option<String>) -> String {
    path.unwrap_or_else(|| "/".to_string())
}
