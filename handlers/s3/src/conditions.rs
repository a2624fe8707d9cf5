//! Conditional requests (`If-Match`, `If-None-Match`, `If-Modified-Since`,
//! `If-Unmodified-Since`) evaluated against an object's ETag and Last-Modified.
//!
//! Evaluation follows RFC 9110 §13.2.2 as S3 applies it: `If-Match` first and, only without
//! it, `If-Unmodified-Since`; then `If-None-Match` and, only without it,
//! `If-Modified-Since`. So `If-Match` true with `If-Unmodified-Since` false still proceeds,
//! and `If-None-Match` false with `If-Modified-Since` true is not modified.

use ferrostack_runtime as rt;
use rt::DateTime;

#[derive(Debug, Default, Clone, Copy)]
pub struct Conditions<'a> {
    pub if_match: Option<&'a str>,
    pub if_none_match: Option<&'a str>,
    pub if_modified_since: Option<DateTime>,
    pub if_unmodified_since: Option<DateTime>,
}

/// Which condition decided the outcome, so callers can name it the way their API does.
// Named after the headers, which all start with `If`.
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    IfMatch,
    IfUnmodifiedSince,
    IfNoneMatch,
    IfModifiedSince,
}

impl Failed {
    /// The name S3 echoes in `<Condition>` for GET and HEAD.
    pub fn header(self) -> &'static str {
        match self {
            Failed::IfMatch => "If-Match",
            Failed::IfUnmodifiedSince => "If-Unmodified-Since",
            Failed::IfNoneMatch => "If-None-Match",
            Failed::IfModifiedSince => "If-Modified-Since",
        }
    }

    /// Whether a read answers `304 Not Modified` (rather than `412 Precondition Failed`).
    pub fn is_not_modified(self) -> bool {
        matches!(self, Failed::IfNoneMatch | Failed::IfModifiedSince)
    }
}

/// `Err` names the first condition that does not hold.
pub fn evaluate(c: &Conditions<'_>, etag: &str, last_modified: DateTime, now: DateTime) -> Result<(), Failed> {
    match (c.if_match, c.if_unmodified_since) {
        (Some(tags), _) if !etag_listed(tags, etag) => return Err(Failed::IfMatch),
        (None, Some(since)) if last_modified > since => return Err(Failed::IfUnmodifiedSince),
        _ => {}
    }
    match (c.if_none_match, c.if_modified_since) {
        (Some(tags), _) if etag_listed(tags, etag) => Err(Failed::IfNoneMatch),
        // A date in the future is no basis for comparison (RFC 9110 §13.1.3): ignored.
        (None, Some(since)) if since <= now && last_modified <= since => Err(Failed::IfModifiedSince),
        _ => Ok(()),
    }
}

/// Whether an `If-Match`/`If-None-Match` list (`"a", "b"`, `*`, quotes optional, weak tags
/// compared by their opaque part) names `etag`.
pub fn etag_listed(list: &str, etag: &str) -> bool {
    let wanted = bare(etag);
    list.split(',').map(str::trim).any(|tag| tag == "*" || bare(tag) == wanted)
}

fn bare(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    tag.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ETAG: &str = "\"abc\"";

    fn at(secs: i64) -> DateTime {
        DateTime::from_secs(secs)
    }

    fn check(c: Conditions<'_>) -> Result<(), Failed> {
        evaluate(&c, ETAG, at(1000), at(5000))
    }

    #[test]
    fn etag_lists() {
        assert!(etag_listed("\"abc\"", ETAG));
        assert!(etag_listed("abc", ETAG));
        assert!(etag_listed("\"x\", \"abc\"", ETAG));
        assert!(etag_listed("*", ETAG));
        assert!(etag_listed("W/\"abc\"", ETAG));
        assert!(!etag_listed("\"abd\"", ETAG));
        assert!(!etag_listed("", ETAG));
    }

    #[test]
    fn precedence() {
        assert_eq!(check(Conditions::default()), Ok(()));
        assert_eq!(check(Conditions { if_match: Some("\"no\""), ..Default::default() }), Err(Failed::IfMatch));
        assert_eq!(
            check(Conditions { if_match: Some(ETAG), if_unmodified_since: Some(at(10)), ..Default::default() }),
            Ok(())
        );
        assert_eq!(
            check(Conditions { if_unmodified_since: Some(at(10)), ..Default::default() }),
            Err(Failed::IfUnmodifiedSince)
        );
        assert_eq!(check(Conditions { if_unmodified_since: Some(at(1000)), ..Default::default() }), Ok(()));
        assert_eq!(check(Conditions { if_none_match: Some(ETAG), ..Default::default() }), Err(Failed::IfNoneMatch));
        assert_eq!(
            check(Conditions {
                if_none_match: Some("\"other\""),
                if_modified_since: Some(at(2000)),
                ..Default::default()
            }),
            Ok(())
        );
        assert_eq!(
            check(Conditions { if_modified_since: Some(at(1000)), ..Default::default() }),
            Err(Failed::IfModifiedSince)
        );
        assert_eq!(check(Conditions { if_modified_since: Some(at(999)), ..Default::default() }), Ok(()));
        // Future dates are ignored.
        assert_eq!(check(Conditions { if_modified_since: Some(at(9000)), ..Default::default() }), Ok(()));
        assert!(Failed::IfNoneMatch.is_not_modified() && !Failed::IfMatch.is_not_modified());
    }
}
