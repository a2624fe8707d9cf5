//! Behaviour of `apigatewayv2` (ApiGatewayV2). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.

use std::sync::Arc;

use ferrostack_runtime as rt;

#[derive(Default)]
pub struct Handler {}

#[rt::async_trait]
impl apigatewayv2_api::Handler for Handler {}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn apigatewayv2_api::Handler>(handler.clone());
    apigatewayv2_api::service(handler)
}
