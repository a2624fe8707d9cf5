//! Queue URLs: the ones this server hands out, and the ones clients send back.
//!
//! A URL is built from the endpoint the request came through, so it follows
//! `MINISTACK_HOST`/`GATEWAY_PORT`. Clients rewrite hosts freely (`sqs.<region>.localhost…`,
//! a Docker service name, the AWS hostname), so only the path identifies a queue: its last
//! two segments are the owning account and the queue name.

use ferrostack_runtime as rt;
use rt::scan::position_of;

use crate::error::SqsError;

/// Where a queue lives, as named by a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueAddress<'a> {
    pub account_id: &'a str,
    pub name: &'a str,
}

/// `http://localhost:4566/000000000000/orders`, or with the host the client called when it
/// used SQS's own host form (`sqs.us-east-1.localhost.localstack.cloud:4566`), as AWS
/// answers with the regional host it was called on.
pub fn queue_url(ctx: &rt::RequestContext, account_id: &str, name: &str) -> String {
    match ctx.host.as_deref().filter(|h| h.starts_with("sqs.") && !h.contains(['/', ' '])) {
        Some(host) => format!("{}://{}/{}/{}", ctx.endpoint.scheme, host, account_id, name),
        None => format!("{}/{}/{}", ctx.endpoint.url(), account_id, name),
    }
}

/// Reads the account and queue name from a queue URL; `InvalidAddress` when the URL has
/// no path with at least two segments.
pub fn parse_queue_url(url: &str) -> Result<QueueAddress<'_>, SqsError> {
    address_of(url)
        .ok_or_else(|| SqsError::InvalidAddress(format!("The address {url} is not valid for this endpoint.")))
}

fn address_of(url: &str) -> Option<QueueAddress<'_>> {
    // The runtime's vector byte scans rather than `str::find` and splitting iterators:
    // every SQS call parses its queue URL, and a substring searcher costs more to set up
    // than this whole walk.
    let bytes = url.as_bytes();
    let authority = scheme_end(bytes);
    // Everything up to the first `/` is the authority; the queue is in the path.
    let path_start = authority + position_of(&bytes[authority..], b"/")?;
    let path_end = position_of(&bytes[path_start..], b"?#").map_or(bytes.len(), |at| path_start + at);
    // The last two non-empty segments are the account and the name. All the bytes looked
    // at are ASCII, so every cut lies on a character boundary.
    let path = &url[path_start..path_end];
    let (name, before) = last_segment(path)?;
    let (account_id, _) = last_segment(before)?;
    Some(QueueAddress { account_id, name })
}

/// Where the authority starts: after the first `://`, or at 0 without one.
fn scheme_end(bytes: &[u8]) -> usize {
    let mut from = 0;
    while let Some(at) = position_of(&bytes[from..], b":") {
        let colon = from + at;
        if bytes[colon + 1..].starts_with(b"//") {
            return colon + 3;
        }
        from = colon + 1;
    }
    0
}

/// The last non-empty `/`-separated segment of `path`, and what comes before it.
fn last_segment(path: &str) -> Option<(&str, &str)> {
    let trimmed = path.trim_end_matches('/');
    let start = trimmed.bytes().rposition(|b| b == b'/').map_or(0, |at| at + 1);
    let segment = &trimmed[start..];
    (!segment.is_empty()).then(|| (segment, &trimmed[..start]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(url: &str) -> Option<(String, String)> {
        parse_queue_url(url).ok().map(|a| (a.account_id.to_owned(), a.name.to_owned()))
    }

    #[test]
    fn accepts_any_host_and_prefix() {
        let expected = Some(("000000000000".to_owned(), "orders".to_owned()));
        assert_eq!(parsed("http://localhost:4566/000000000000/orders"), expected);
        assert_eq!(parsed("https://sqs.eu-west-1.localhost.localstack.cloud:4566/000000000000/orders"), expected);
        assert_eq!(parsed("http://localhost:4566/queue/us-east-1/000000000000/orders"), expected);
        assert_eq!(parsed("http://sqs:4566/000000000000/orders/"), expected);
        assert_eq!(parsed("localhost:4566/000000000000/orders?x=1"), expected);
    }

    #[test]
    fn skips_empty_segments_and_finds_the_scheme_past_a_port() {
        let expected = Some(("000000000000".to_owned(), "orders".to_owned()));
        assert_eq!(parsed("http://localhost:4566//000000000000//orders//"), expected);
        assert_eq!(parsed("localhost:4566/x/000000000000/orders#frag"), expected);
        assert_eq!(parsed("/000000000000/orders"), expected);
        assert_eq!(parsed("000000000000/orders"), None);
    }

    #[test]
    fn rejects_urls_without_account_and_name() {
        for bad in ["orders", "http://localhost:4566/orders", "http://localhost:4566/", "", "http://"] {
            let err = parse_queue_url(bad).unwrap_err();
            assert_eq!(err, SqsError::InvalidAddress(format!("The address {bad} is not valid for this endpoint.")));
        }
    }

    #[test]
    fn builds_from_the_endpoint() {
        let ctx = rt::RequestContext::internal("000000000000", "us-east-1");
        assert_eq!(queue_url(&ctx, "123456789012", "q"), "http://localhost:4566/123456789012/q");
        let mut regional = ctx.clone();
        regional.host = Some("sqs.eu-west-1.localhost:4566".into());
        assert_eq!(queue_url(&regional, "123456789012", "q"), "http://sqs.eu-west-1.localhost:4566/123456789012/q");
    }
}
