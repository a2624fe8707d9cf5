//! Behaviour of `logs` (Logs_20140328). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.

use std::sync::Arc;

use ferrostack_runtime as rt;

#[derive(Default)]
pub struct Handler {}

#[rt::async_trait]
impl logs_api::Handler for Handler {}

/// The service as the gateway serves it.
pub fn service() -> Arc<dyn rt::Service> {
    logs_api::service(Arc::new(Handler::default()))
}
