//! Behaviour of `events` (AWSEvents). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.

use std::sync::Arc;

use ferrostack_runtime as rt;

#[derive(Default)]
pub struct Handler {}

#[rt::async_trait]
impl events_api::Handler for Handler {}

/// The service as the gateway serves it.
pub fn service() -> Arc<dyn rt::Service> {
    events_api::service(Arc::new(Handler::default()))
}
