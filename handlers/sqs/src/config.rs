//! Rules of AWS that get in the way of local test suites, which callers can switch on.

use std::time::Duration;

/// AWS allows one PurgeQueue per queue per minute and refuses to recreate a queue name
/// for a minute after DeleteQueue. Test suites that purge or recreate queues between
/// cases trip over both, and other local emulators leave them off by default, so they
/// are opt-in here.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `Some(60s)` for AWS's PurgeQueue rate limit (`PurgeQueueInProgress`).
    pub purge_interval: Option<Duration>,
    /// `Some(60s)` for AWS's wait before a deleted name can be reused (`QueueDeletedRecently`).
    pub recreate_delay: Option<Duration>,
}

impl Config {
    /// Every rule as AWS enforces it.
    pub fn strict() -> Config {
        Config { purge_interval: Some(Duration::from_secs(60)), recreate_delay: Some(Duration::from_secs(60)) }
    }
}
