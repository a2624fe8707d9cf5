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

impl Config {
    /// The configuration the gateway serves with: AWS's PurgeQueue limit is on (it is
    /// what code under test meets on AWS) unless `SQS_PURGE_INTERVAL_SECONDS=0`; the
    /// recreate delay is off unless `SQS_DELAY_RECENTLY_DELETED=1`, since test suites
    /// routinely delete and recreate fixed queue names.
    pub fn from_env() -> Config {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Config {
        let purge_seconds =
            lookup("SQS_PURGE_INTERVAL_SECONDS").and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(60);
        let recreate = lookup("SQS_DELAY_RECENTLY_DELETED")
            .is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"));
        Config {
            purge_interval: (purge_seconds > 0).then(|| Duration::from_secs(purge_seconds)),
            recreate_delay: recreate.then(|| Duration::from_secs(60)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_switches() {
        let default = Config::from_lookup(|_| None);
        assert_eq!(default.purge_interval, Some(Duration::from_secs(60)));
        assert_eq!(default.recreate_delay, None);
        let relaxed = Config::from_lookup(|n| match n {
            "SQS_PURGE_INTERVAL_SECONDS" => Some("0".into()),
            "SQS_DELAY_RECENTLY_DELETED" => Some("1".into()),
            _ => None,
        });
        assert_eq!(relaxed.purge_interval, None);
        assert_eq!(relaxed.recreate_delay, Some(Duration::from_secs(60)));
    }
}
