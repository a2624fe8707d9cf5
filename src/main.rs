//! `ferrostack`: every emulated AWS service on one port (4566 by default).
//!
//! Configuration is by environment variable only; `ferrostack::config` lists them.

use std::process::ExitCode;
use std::sync::Arc;

use ferrostack::{services, Config, Gateway, Registry};

// Requests allocate many small, short-lived buffers; mimalloc serves those with less CPU
// than glibc's allocator (measured with bench/run.sh). Built without transparent huge
// pages, which would commit 2 MiB at a time and double an idle server's RSS.
#[global_allocator]
static ALLOCATOR: ferrostack::allocator::Mimalloc = ferrostack::allocator::Mimalloc;

fn main() -> ExitCode {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("ferrostack: invalid configuration: {e}");
            return ExitCode::from(2);
        }
    };
    ferrostack::logging::init(&config.log_filter);

    // One worker runs on the main thread with tokio's current-thread scheduler: no work
    // stealing and no cross-thread wake-ups, the least CPU per request.
    let mut builder = if config.workers == 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(config.workers);
        b
    };
    let runtime = match builder.thread_name("ferrostack-worker").enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            tracing::error!(error = %e, "cannot start the async runtime");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(config));
    // Tasks of connections cut off at the end of the grace period are dropped, not awaited.
    runtime.shutdown_background();
    code
}

async fn run(config: Config) -> ExitCode {
    let listener = match tokio::net::TcpListener::bind((config.listen_host.as_str(), config.listen_port)).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::error!(host = config.listen_host, port = config.listen_port, error = %e, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let bound = match listener.local_addr() {
        Ok(addr) => addr,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the listen address");
            return ExitCode::FAILURE;
        }
    };

    let registry = Registry::from_catalog();
    let gateway =
        Gateway::new(registry, config.endpoint(bound.port()), config.limits).with_execute_api(services::execute_api());
    let services = gateway.registry().len();
    tracing::info!(address = %bound, endpoint = %gateway.endpoint().url(), services, version = ferrostack::VERSION, "listening");
    // Testcontainers and LocalStack-style wait scripts look for this line.
    tracing::info!("Ready.");

    ferrostack::server::serve(
        listener,
        Arc::new(gateway),
        ferrostack::server::shutdown_signal(),
        config.shutdown_grace,
    )
    .await;
    tracing::info!("stopped");
    ExitCode::SUCCESS
}
