//! Log output: plain text lines on stdout, filtered by `RUST_LOG` / `LOG_LEVEL`.
//!
//! The filter is tracing-subscriber's `Targets` rather than its regex-backed `EnvFilter`:
//! it understands the `level` and `target=level,...` forms people actually use, and keeps
//! the binary and its startup small. Disabled call sites cost a relaxed load, so the
//! per-request `debug!` lines are free at the default `info`.

use std::str::FromStr;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Installs the global subscriber. An unparsable filter falls back to `info` and says so.
pub fn init(filter: &str) {
    let (targets, bad_filter) = match Targets::from_str(filter) {
        Ok(t) => (t, false),
        Err(_) => (Targets::new().with_default(tracing::Level::INFO), true),
    };
    let fmt = tracing_subscriber::fmt::layer().with_ansi(false).with_target(false).with_writer(std::io::stdout);
    // Someone else (a test) may have installed one already; theirs stays.
    if tracing_subscriber::registry().with(fmt).with(targets).try_init().is_ok() && bad_filter {
        tracing::warn!(filter, "cannot parse the log filter; logging at info");
    }
}
