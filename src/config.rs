//! Settings read from the environment once, at startup.
//!
//! The variable names follow LocalStack and MiniStack where they have one, so existing
//! docker-compose files, CI setups and test fixtures work unchanged:
//!
//! | variable | meaning | default |
//! | --- | --- | --- |
//! | `GATEWAY_LISTEN` | address to listen on, `host:port`; only the first of a comma-separated list is used (`:4566` and `4566` mean all interfaces) | `0.0.0.0:$GATEWAY_PORT` |
//! | `GATEWAY_PORT` | port to listen on when `GATEWAY_LISTEN` is unset; also the port put in URLs the emulator hands out | `4566` |
//! | `MINISTACK_HOST`, `LOCALSTACK_HOST` | `host[:port]` put in URLs the emulator hands out (queue URLs, locations); the first one set wins, and its port wins over `GATEWAY_PORT` | `localhost` and the listen port |
//! | `RUST_LOG` | log filter, `level` or `target=level,...` | |
//! | `LOG_LEVEL` | log level when `RUST_LOG` is unset: `trace-internal` (everything, HTTP libraries included), `trace`, `debug`, `info`, `warn`, `error` | `info` |
//! | `DEBUG` | `1` or `true` means `LOG_LEVEL=debug` when neither of the above is set | |
//! | `FERROSTACK_MAX_BODY` | largest request body accepted, in bytes (`K`, `M`, `G` suffixes are powers of 1024); bigger bodies get `413` | `64M` |
//! | `FERROSTACK_MAX_S3_BODY` | the same for requests to S3, whose object uploads may be larger | `5G` |
//! | `FERROSTACK_WORKERS` | threads serving requests; one spends the least CPU per request, more help CPU-heavy work | `1` |
//! | `FERROSTACK_SHUTDOWN_GRACE` | seconds in-flight requests get to finish after SIGTERM/SIGINT | `3` |
//!
//! A service's own settings are read by its crate when the service is built and handed to
//! its handler at construction: S3's `S3_DATA_DIR` (object bodies as files in its
//! `ferrostack-s3` subdirectory) and `FERROSTACK_S3_LIFECYCLE_INTERVAL` are
//! `s3_handler::Settings`.
//!
//! At `info` the server logs only startup, shutdown and failures: one line per request
//! appears from `debug` on.

use std::fmt;
use std::time::Duration;

use ferrostack_runtime::Endpoint;

const DEFAULT_PORT: u16 = 4566;
const MIB: u64 = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// Host part of the listen address (an IP or a name; IPv6 without brackets).
    pub listen_host: String,
    pub listen_port: u16,
    /// Host clients should use in URLs the emulator hands out.
    pub public_host: String,
    /// Port for those URLs when fixed by the environment; otherwise the bound port is used,
    /// which is what a client reached when the listen port was `0`.
    pub public_port: Option<u16>,
    /// `RUST_LOG`-style filter for the log output.
    pub log_filter: String,
    pub limits: BodyLimits,
    pub workers: usize,
    pub shutdown_grace: Duration,
}

/// Largest request bodies held in memory before the request reaches its service.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub default: u64,
    pub s3: u64,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits { default: 64 * MIB, s3: 5 * 1024 * MIB }
    }
}

/// A variable with a value the server cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `get`, which returns a variable's value if set.
    /// Empty values count as unset, as they do in most shells' `VAR= cmd`.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| get(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());

        let gateway_port = match get("GATEWAY_PORT") {
            Some(p) => Some(parse_port(&p).ok_or_else(|| invalid("GATEWAY_PORT", &p, "a port number"))?),
            None => None,
        };
        let (listen_host, listen_port) = match get("GATEWAY_LISTEN") {
            Some(listen) => parse_listen(&listen, gateway_port.unwrap_or(DEFAULT_PORT))
                .ok_or_else(|| invalid("GATEWAY_LISTEN", &listen, "host:port"))?,
            None => ("0.0.0.0".to_owned(), gateway_port.unwrap_or(DEFAULT_PORT)),
        };

        let (public_host, host_port) =
            match ["MINISTACK_HOST", "LOCALSTACK_HOST"].into_iter().find_map(|n| get(n).map(|v| (n, v))) {
                Some((name, value)) => parse_public_host(&value).ok_or_else(|| invalid(name, &value, "host[:port]"))?,
                None => ("localhost".to_owned(), None),
            };
        let public_port = host_port.or(gateway_port).or((listen_port != 0).then_some(listen_port));

        let log_filter = match (get("RUST_LOG"), get("LOG_LEVEL"), get("DEBUG")) {
            (Some(filter), _, _) => filter,
            (None, Some(level), _) => log_level_filter(&level),
            (None, None, Some(d)) if matches!(d.to_ascii_lowercase().as_str(), "1" | "true" | "yes") => {
                log_level_filter("debug")
            }
            _ => "info".to_owned(),
        };

        let defaults = BodyLimits::default();
        let limits = BodyLimits {
            default: byte_size(get("FERROSTACK_MAX_BODY"), "FERROSTACK_MAX_BODY", defaults.default)?,
            s3: byte_size(get("FERROSTACK_MAX_S3_BODY"), "FERROSTACK_MAX_S3_BODY", defaults.s3)?,
        };

        let workers = match get("FERROSTACK_WORKERS") {
            Some(w) => w
                .parse::<usize>()
                .ok()
                .filter(|&n| (1..=1024).contains(&n))
                .ok_or_else(|| invalid("FERROSTACK_WORKERS", &w, "a thread count from 1 to 1024"))?,
            None => 1,
        };
        let shutdown_grace = match get("FERROSTACK_SHUTDOWN_GRACE") {
            Some(s) => s
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 3600.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| invalid("FERROSTACK_SHUTDOWN_GRACE", &s, "seconds"))?,
            None => Duration::from_secs(3),
        };

        Ok(Config { listen_host, listen_port, public_host, public_port, log_filter, limits, workers, shutdown_grace })
    }

    /// Where clients reach the server, once the listener is bound to `bound_port`.
    pub fn endpoint(&self, bound_port: u16) -> Endpoint {
        Endpoint { scheme: "http", host: self.public_host.clone(), port: self.public_port.unwrap_or(bound_port) }
    }
}

fn invalid(variable: &'static str, value: &str, expected: &str) -> ConfigError {
    ConfigError { variable, message: format!("{value:?} is not {expected}") }
}

fn parse_port(s: &str) -> Option<u16> {
    s.parse().ok()
}

/// `host:port`, `[v6]:port`, `:port`, `port`, `host` or a bare IPv6 address; the first
/// entry of a comma-separated list, as LocalStack accepts several.
fn parse_listen(value: &str, default_port: u16) -> Option<(String, u16)> {
    let first = value.split(',').next()?.trim();
    let first = first.strip_prefix("http://").unwrap_or(first);
    if first.is_empty() {
        return None;
    }
    if first.bytes().all(|b| b.is_ascii_digit()) {
        return Some(("0.0.0.0".to_owned(), parse_port(first)?));
    }
    if let Some(rest) = first.strip_prefix('[') {
        let (host, after) = rest.split_once(']')?;
        let port = match after {
            "" => default_port,
            p => parse_port(p.strip_prefix(':')?)?,
        };
        return Some((host.to_owned(), port));
    }
    match first.matches(':').count() {
        0 => Some((first.to_owned(), default_port)),
        1 => {
            let (host, port) = first.split_once(':')?;
            let host = if host.is_empty() { "0.0.0.0" } else { host };
            Some((host.to_owned(), parse_port(port)?))
        }
        // An IPv6 address without brackets cannot carry a port.
        _ => Some((first.to_owned(), default_port)),
    }
}

/// `host[:port]` for URLs; a scheme some users include is tolerated.
fn parse_public_host(value: &str) -> Option<(String, Option<u16>)> {
    let value = value.strip_prefix("http://").or_else(|| value.strip_prefix("https://")).unwrap_or(value);
    let value = value.trim_end_matches('/');
    if value.is_empty() || value.contains(['/', ' ', '@']) {
        return None;
    }
    if value.starts_with('[') {
        let end = value.find(']')?;
        let port = match &value[end + 1..] {
            "" => None,
            p => Some(parse_port(p.strip_prefix(':')?)?),
        };
        return Some((value[..=end].to_owned(), port));
    }
    match value.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && !host.is_empty() => {
            Some((host.to_owned(), Some(parse_port(port)?)))
        }
        Some(_) => None,
        None => Some((value.to_owned(), None)),
    }
}

/// LocalStack's `LOG_LEVEL` spellings as a tracing filter. `debug` and `trace` are about
/// the emulator: the HTTP libraries' own frame-by-frame lines stay at `info` unless asked
/// for with `trace-internal` (LocalStack's name for that) or `RUST_LOG`.
fn log_level_filter(level: &str) -> String {
    const QUIET_LIBRARIES: &str = ",h2=info,hyper=info,hyper_util=info";
    match level.to_ascii_lowercase().as_str() {
        "trace-internal" => "trace".to_owned(),
        "trace" => format!("trace{QUIET_LIBRARIES}"),
        "debug" => format!("debug{QUIET_LIBRARIES}"),
        "warn" | "warning" => "warn".to_owned(),
        "error" | "critical" => "error".to_owned(),
        "off" => "off".to_owned(),
        _ => "info".to_owned(),
    }
}

/// `1048576`, `512K`, `64M`, `64MiB`, `5G`, `1GB`: suffixes are powers of 1024.
fn byte_size(value: Option<String>, variable: &'static str, default: u64) -> Result<u64, ConfigError> {
    let Some(value) = value else { return Ok(default) };
    let lower = value.to_ascii_lowercase();
    let unit_start = lower.find(|c: char| !c.is_ascii_digit()).unwrap_or(lower.len());
    let (digits, unit) = lower.split_at(unit_start);
    let multiplier = match unit.trim() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => MIB,
        "g" | "gb" | "gib" => 1024 * MIB,
        _ => return Err(invalid(variable, &value, "a size in bytes such as 67108864 or 64M")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(multiplier))
        .ok_or_else(|| invalid(variable, &value, "a size in bytes such as 67108864 or 64M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()))
    }

    #[test]
    fn defaults() {
        let c = config(&[]).unwrap();
        assert_eq!((c.listen_host.as_str(), c.listen_port), ("0.0.0.0", 4566));
        let e = c.endpoint(4566);
        assert_eq!(e.url(), "http://localhost:4566");
        assert_eq!(c.log_filter, "info");
        assert_eq!(c.limits.default, 64 * MIB);
        assert_eq!(c.workers, 1);
    }

    #[test]
    fn listen_forms() {
        assert_eq!(parse_listen("127.0.0.1:5000", 4566), Some(("127.0.0.1".into(), 5000)));
        assert_eq!(parse_listen(":5000", 4566), Some(("0.0.0.0".into(), 5000)));
        assert_eq!(parse_listen("5000", 4566), Some(("0.0.0.0".into(), 5000)));
        assert_eq!(parse_listen("0.0.0.0:4566,[::]:4566", 1), Some(("0.0.0.0".into(), 4566)));
        assert_eq!(parse_listen("[::1]:4567", 1), Some(("::1".into(), 4567)));
        assert_eq!(parse_listen("::", 4566), Some(("::".into(), 4566)));
        assert_eq!(parse_listen("localhost", 4000), Some(("localhost".into(), 4000)));
        assert_eq!(parse_listen("host:notaport", 1), None);
    }

    #[test]
    fn gateway_port_moves_listener_and_urls() {
        let c = config(&[("GATEWAY_PORT", "4999")]).unwrap();
        assert_eq!(c.listen_port, 4999);
        assert_eq!(c.endpoint(4999).port, 4999);
        // The harness sets both; URLs follow GATEWAY_PORT.
        let c = config(&[("GATEWAY_LISTEN", "127.0.0.1:0"), ("GATEWAY_PORT", "4999")]).unwrap();
        assert_eq!(c.listen_port, 0);
        assert_eq!(c.endpoint(41234).port, 4999);
        // Without either, an ephemeral listen port is reported as bound.
        let c = config(&[("GATEWAY_LISTEN", "127.0.0.1:0")]).unwrap();
        assert_eq!(c.endpoint(41234).port, 41234);
    }

    #[test]
    fn public_host() {
        let c = config(&[("LOCALSTACK_HOST", "localhost.localstack.cloud:4510"), ("GATEWAY_PORT", "4566")]).unwrap();
        assert_eq!(c.endpoint(4566).url(), "http://localhost.localstack.cloud:4510");
        let c = config(&[("MINISTACK_HOST", "ministack"), ("LOCALSTACK_HOST", "other:1")]).unwrap();
        assert_eq!(c.endpoint(4566).url(), "http://ministack:4566");
        assert!(config(&[("LOCALSTACK_HOST", "a:b")]).is_err());
    }

    #[test]
    fn log_filter_precedence() {
        assert_eq!(config(&[("LOG_LEVEL", "warning")]).unwrap().log_filter, "warn");
        assert_eq!(
            config(&[("LOG_LEVEL", "debug"), ("RUST_LOG", "ferrostack=trace")]).unwrap().log_filter,
            "ferrostack=trace"
        );
        assert_eq!(config(&[("DEBUG", "1")]).unwrap().log_filter, "debug,h2=info,hyper=info,hyper_util=info");
        assert_eq!(config(&[("LOG_LEVEL", "trace-internal")]).unwrap().log_filter, "trace");
    }

    #[test]
    fn body_sizes() {
        assert_eq!(byte_size(Some("1048576".into()), "X", 0), Ok(MIB));
        assert_eq!(byte_size(Some("512K".into()), "X", 0), Ok(512 * 1024));
        assert_eq!(byte_size(Some("64MiB".into()), "X", 0), Ok(64 * MIB));
        assert_eq!(byte_size(Some("2g".into()), "X", 0), Ok(2048 * MIB));
        assert!(byte_size(Some("lots".into()), "X", 0).is_err());
        assert!(byte_size(Some("99999999999999999999G".into()), "X", 0).is_err());
        assert!(config(&[("FERROSTACK_MAX_BODY", "1T")]).is_err());
    }
}
