//! How the gateway configures S3, read once when the service is built.
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `S3_DATA_DIR` | directory for object bodies, kept in its `ferrostack-s3` subdirectory (see [`crate::body::Storage`]); unset keeps them in memory | |
//! | `FERROSTACK_S3_LIFECYCLE_INTERVAL` | seconds between sweeps of the lifecycle reaper (at least 1) | `10` |

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Settings {
    /// Where object bodies are written; `None` keeps them in memory.
    pub data_dir: Option<PathBuf>,
    /// How often the lifecycle reaper applies expiration rules.
    pub lifecycle_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { data_dir: None, lifecycle_interval: Duration::from_secs(10) }
    }
}

impl Settings {
    pub fn from_env() -> Settings {
        Settings::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`; empty values count as unset, and a value that
    /// is not a number of seconds keeps the default.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Settings {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let defaults = Settings::default();
        Settings {
            data_dir: get("S3_DATA_DIR").map(PathBuf::from),
            lifecycle_interval: get("FERROSTACK_S3_LIFECYCLE_INTERVAL")
                .and_then(|v| v.parse::<u64>().ok())
                .map(|s| Duration::from_secs(s.max(1)))
                .unwrap_or(defaults.lifecycle_interval),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_environment() {
        let defaults = Settings::from_lookup(|_| None);
        assert_eq!(defaults.data_dir, None);
        assert_eq!(defaults.lifecycle_interval, Duration::from_secs(10));
        let set = Settings::from_lookup(|n| match n {
            "S3_DATA_DIR" => Some(" /data ".into()),
            "FERROSTACK_S3_LIFECYCLE_INTERVAL" => Some("0".into()),
            _ => None,
        });
        assert_eq!(set.data_dir, Some(PathBuf::from("/data")));
        assert_eq!(set.lifecycle_interval, Duration::from_secs(1));
        assert_eq!(Settings::from_lookup(|_| Some(String::new())).data_dir, None);
    }
}
