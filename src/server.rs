//! The accept loop: HTTP/1.1 (keep-alive, pipelining) and cleartext HTTP/2 on one port,
//! each connection on its own task, and a graceful stop.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;

use crate::connections::Connections;
use crate::gateway::Gateway;

/// Serves `listener` until `shutdown` completes, then stops accepting and gives open
/// connections up to `grace` to finish the requests they are in (idle keep-alive
/// connections close at once). Returns whether every connection finished in time.
pub async fn serve(
    listener: TcpListener,
    gateway: Arc<Gateway>,
    shutdown: impl Future<Output = ()>,
    grace: Duration,
) -> bool {
    let builder = auto::Builder::new(TokioExecutor::new());
    // No `pipeline_flush`: with it hyper keeps polling a streamed response body without
    // bound, so a GET of an object on disk would be read whole into memory.
    let connections = Connections::default();
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let (stream, _peer) = match accepted {
            Ok(connection) => connection,
            Err(e) => {
                // Out of file descriptors and the like: the listener is still fine, so
                // wait a moment for connections to close rather than spin or exit.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        // Small request/response pairs: do not let Nagle hold back the last segment.
        let _ = stream.set_nodelay(true);
        let gateway = gateway.clone();
        let service = service_fn(move |req: hyper::Request<Incoming>| {
            let gateway = gateway.clone();
            async move { Ok::<_, Infallible>(gateway.handle(req).await) }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service).into_owned();
        let mut watch = connections.watch();
        tokio::spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let served = std::future::poll_fn(|cx| {
                watch.check(cx, || connection.as_mut().graceful_shutdown());
                connection.as_mut().poll(cx)
            });
            if let Err(e) = served.await {
                // Clients that hang up mid-request; nothing to do about it.
                tracing::debug!(error = %e, "connection ended with an error");
            }
        });
    }

    drop(listener);
    let open = connections.count();
    if open > 0 {
        tracing::info!(open, "waiting for open connections to finish");
    }
    tokio::select! {
        () = connections.shutdown() => true,
        () = tokio::time::sleep(grace) => {
            tracing::warn!(grace_secs = grace.as_secs_f64(), "connections still open after the grace period; closing them");
            false
        }
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
