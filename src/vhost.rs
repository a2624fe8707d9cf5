//! What a `Host` header says about the request: a virtual-hosted S3 bucket, an API
//! Gateway data-plane call, or nothing (the plain endpoint).

/// The domains virtual hosts hang under.
#[derive(Debug, Clone)]
pub struct HostNames {
    /// Checked longest first, so `localhost.localstack.cloud` is not taken for `localhost`.
    domains: Vec<Domain>,
}

#[derive(Debug, Clone)]
struct Domain {
    name: String,
    /// Whether `<bucket>.<domain>` is S3 without an `s3.` label: true for `localhost` and
    /// the configured host, false for the shared DNS names where other services live too.
    bare_buckets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostKind<'a> {
    /// `<bucket>.s3.localhost`, `<bucket>.localhost`, ...
    S3Bucket(&'a str),
    /// `<apiId>.execute-api.localhost.localstack.cloud`
    ExecuteApi(&'a str),
    Plain,
}

impl HostNames {
    /// `localhost`, `localhost.localstack.cloud`, `amazonaws.com` (for clients pointed at
    /// the emulator by DNS) and the host name the emulator hands out, if it is a name.
    pub fn new(public_host: &str) -> HostNames {
        let mut domains = vec![
            Domain { name: "localhost".into(), bare_buckets: true },
            Domain { name: "localhost.localstack.cloud".into(), bare_buckets: false },
            Domain { name: "amazonaws.com".into(), bare_buckets: false },
        ];
        let public = public_host.trim_end_matches('.').to_ascii_lowercase();
        if !public.is_empty() && !is_ip(&public) && !domains.iter().any(|d| d.name == public) {
            domains.push(Domain { name: public, bare_buckets: true });
        }
        domains.sort_by_key(|d| std::cmp::Reverse(d.name.len()));
        HostNames { domains }
    }

    /// Classifies `host` (a `Host` header, port allowed). `is_service_label` tells names of
    /// other services (`sqs.us-east-1.localhost.localstack.cloud`) from bucket names.
    pub fn classify<'h>(&self, host: &'h str, is_service_label: impl Fn(&str) -> bool) -> HostKind<'h> {
        // `127.0.0.1:4566`, a usual endpoint, settled in one pass: digits, dots and a port
        // never name a virtual host.
        if host.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b':') {
            return HostKind::Plain;
        }
        let name = strip_port(host).trim_end_matches('.');
        if name.is_empty() || name.starts_with('[') || is_ip(name) {
            return HostKind::Plain;
        }
        for domain in &self.domains {
            let Some(sub) = strip_domain(name, &domain.name) else { continue };
            return classify_subdomain(sub, domain.bare_buckets, &is_service_label);
        }
        HostKind::Plain
    }
}

/// `sub` is what precedes the domain: `my-bucket.s3`, `abc123.execute-api`, `my-bucket`.
fn classify_subdomain<'h>(sub: &'h str, bare_buckets: bool, is_service_label: &impl Fn(&str) -> bool) -> HostKind<'h> {
    if let Some(api) = strip_suffix_ci(sub, ".execute-api") {
        // `<apiId>.execute-api[.<region>]`: api ids are one label.
        return if !api.is_empty() && !api.contains('.') { HostKind::ExecuteApi(api) } else { HostKind::Plain };
    }
    if let Some((api, region)) = sub.split_once(".execute-api.") {
        return if !api.is_empty() && !api.contains('.') && looks_like_region(region) {
            HostKind::ExecuteApi(api)
        } else {
            HostKind::Plain
        };
    }
    // `<bucket>.s3` or `<bucket>.s3.<region>`; a bare `s3` or `s3.<region>` is the
    // path-style endpoint.
    if let Some(bucket) = strip_suffix_ci(sub, ".s3") {
        return bucket_or_plain(bucket);
    }
    if let Some(pos) = find_ci(sub, ".s3.") {
        let (bucket, region) = (&sub[..pos], &sub[pos + 4..]);
        if looks_like_region(region) {
            return bucket_or_plain(bucket);
        }
    }
    if !bare_buckets {
        return HostKind::Plain;
    }
    // `<bucket>.localhost`, unless the label is a service (`sqs` or `sqs.<region>`).
    let first = sub.split('.').next().unwrap_or(sub);
    let rest = &sub[first.len()..];
    let is_service = (first.eq_ignore_ascii_case("s3") || is_service_label(&first.to_ascii_lowercase()))
        && (rest.is_empty() || looks_like_region(&rest[1..]));
    if is_service {
        return HostKind::Plain;
    }
    bucket_or_plain(sub)
}

fn bucket_or_plain(bucket: &str) -> HostKind<'_> {
    // Bucket names are 3 to 63 characters of lowercase letters, digits, dots and hyphens;
    // anything else is not a bucket, whatever the host looks like.
    let valid = (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
        && bucket.as_bytes()[0].is_ascii_alphanumeric();
    if valid {
        HostKind::S3Bucket(bucket)
    } else {
        HostKind::Plain
    }
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`: letters and a final number.
fn looks_like_region(s: &str) -> bool {
    let mut parts = s.split('-');
    let first = parts.next().unwrap_or("");
    let last = s.rsplit('-').next().unwrap_or("");
    s.matches('-').count() >= 2
        && first.len() >= 2
        && first.bytes().all(|b| b.is_ascii_alphabetic())
        && !last.is_empty()
        && last.bytes().all(|b| b.is_ascii_digit())
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host; // IPv6 literal: never a virtual host.
    }
    match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => host,
    }
}

/// `sub` when `name` is `<sub>.<domain>` (ASCII case-insensitive).
fn strip_domain<'h>(name: &'h str, domain: &str) -> Option<&'h str> {
    let sub = strip_suffix_ci(name, domain)?;
    let sub = sub.strip_suffix('.')?;
    (!sub.is_empty()).then_some(sub)
}

fn strip_suffix_ci<'h>(s: &'h str, suffix: &str) -> Option<&'h str> {
    let split = s.len().checked_sub(suffix.len())?;
    (s.is_char_boundary(split) && s[split..].eq_ignore_ascii_case(suffix)).then(|| &s[..split])
}

fn find_ci(s: &str, needle: &str) -> Option<usize> {
    s.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn is_ip(name: &str) -> bool {
    // A request's dotted-digit host never gets here (`classify` settles it first), so the
    // parser's cost falls only on names and on the configured public host.
    name.parse::<std::net::IpAddr>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(host: &str) -> HostKind<'_> {
        HostNames::new("localhost").classify(host, |label| matches!(label, "sqs" | "lambda"))
    }

    #[test]
    fn s3_virtual_hosts() {
        assert_eq!(classify("my-bucket.s3.localhost.localstack.cloud:4566"), HostKind::S3Bucket("my-bucket"));
        assert_eq!(classify("my-bucket.s3.localhost.localstack.cloud"), HostKind::S3Bucket("my-bucket"));
        assert_eq!(classify("my.dotted.bucket.s3.localhost:4566"), HostKind::S3Bucket("my.dotted.bucket"));
        assert_eq!(classify("my-bucket.localhost:4566"), HostKind::S3Bucket("my-bucket"));
        assert_eq!(classify("my-bucket.s3.us-west-2.localhost.localstack.cloud"), HostKind::S3Bucket("my-bucket"));
        assert_eq!(classify("my-bucket.s3.amazonaws.com"), HostKind::S3Bucket("my-bucket"));
        assert_eq!(classify("MY-BUCKET.S3.LOCALHOST"), HostKind::Plain); // not a valid bucket name
    }

    #[test]
    fn plain_hosts() {
        for host in [
            "localhost",
            "localhost:4566",
            "127.0.0.1:4566",
            "[::1]:4566",
            "s3.localhost",
            "s3.localhost.localstack.cloud:4566",
            "s3.us-east-1.localhost.localstack.cloud",
            "localhost.localstack.cloud:4566",
            "sqs.localhost:4566",
            "sqs.us-east-1.localhost:4566",
            "sqs.us-east-1.localhost.localstack.cloud:4566",
            "example.com",
            "my-bucket.amazonaws.com",
            "",
            ":4566",
        ] {
            assert_eq!(classify(host), HostKind::Plain, "{host}");
        }
    }

    #[test]
    fn execute_api() {
        assert_eq!(classify("abc123.execute-api.localhost.localstack.cloud:4566"), HostKind::ExecuteApi("abc123"));
        assert_eq!(classify("abc123.execute-api.localhost"), HostKind::ExecuteApi("abc123"));
        assert_eq!(classify("abc123.execute-api.us-east-1.amazonaws.com"), HostKind::ExecuteApi("abc123"));
        assert_eq!(classify("execute-api.localhost"), HostKind::S3Bucket("execute-api"));
    }

    #[test]
    fn configured_host() {
        let names = HostNames::new("ferro");
        assert_eq!(names.classify("b1b.ferro:4566", |_| false), HostKind::S3Bucket("b1b"));
        assert_eq!(names.classify("ferro:4566", |_| false), HostKind::Plain);
        let names = HostNames::new("10.0.0.5");
        assert_eq!(names.classify("bucket.10.0.0.5", |_| false), HostKind::Plain);
    }

    #[test]
    fn odd_input_does_not_panic() {
        for host in
            ["é.localhost", ".localhost", "..s3.localhost", "a.s3.", "ü.execute-api.localhost", "x.s3.é-é-1.localhost"]
        {
            let _ = classify(host);
        }
    }
}
