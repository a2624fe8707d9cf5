//! Who signed a request, read from its AWS signature: the access key id and the
//! credential scope (`<date>/<region>/<service>/aws4_request`).
//!
//! Signatures are not verified; like LocalStack, the emulator accepts any secret. The
//! scope is still the best hint there is: it names the service the SDK meant (its signing
//! name) and the region, and the access key id selects the account.

use ferrostack_runtime::scan::position_of;
use http::{HeaderMap, HeaderValue};

/// The account of requests whose access key id does not name one.
pub const DEFAULT_ACCOUNT: &str = "000000000000";
/// The region of requests whose signature does not name one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// What a request's signature says about its sender.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Credential {
    pub access_key_id: Option<String>,
    pub region: Option<String>,
    /// The signing name of the service the client meant, e.g. `sqs`, `monitoring`.
    pub service: Option<String>,
}

impl Credential {
    /// Reads the `Authorization` header, or the presigned-URL query parameters when the
    /// header carries no signature. Unsigned requests give an empty credential.
    pub fn from_request(headers: &HeaderMap, query: &str) -> Credential {
        Credential::from_request_with(headers.get(http::header::AUTHORIZATION), headers, query)
    }

    /// [`Credential::from_request`] for a caller that has already found the
    /// `Authorization` header (its first value).
    pub fn from_request_with(authorization: Option<&HeaderValue>, headers: &HeaderMap, query: &str) -> Credential {
        if let Some(auth) = authorization {
            if let Some(c) = Credential::from_authorization_bytes(auth.as_bytes(), headers) {
                return c;
            }
        }
        Credential::from_query(query, headers).unwrap_or_default()
    }

    /// `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/sqs/aws4_request, ...`, the
    /// SigV4a form without a region, or SigV2's `AWS AKID:signature`.
    pub fn from_authorization(value: &str, headers: &HeaderMap) -> Option<Credential> {
        Credential::from_authorization_bytes(value.as_bytes(), headers)
    }

    /// [`Credential::from_authorization`] on the header's bytes: only the parts kept need
    /// to be text, so the rest (mostly the signature) is never checked as such.
    fn from_authorization_bytes(value: &[u8], headers: &HeaderMap) -> Option<Credential> {
        let value = value.trim_ascii_start();
        let (algorithm, params) = match position_of(value, b" ") {
            Some(at) => (&value[..at], &value[at + 1..]),
            None => (value, &[][..]),
        };
        if algorithm == b"AWS" {
            let params = params.trim_ascii();
            let akid = &params[..params.iter().position(|&b| b == b':').unwrap_or(params.len())];
            let akid = std::str::from_utf8(akid).ok().filter(|k| !k.is_empty())?;
            return Some(Credential { access_key_id: Some(akid.to_owned()), ..Default::default() });
        }
        if !algorithm.starts_with(b"AWS4") {
            return None;
        }
        let at = credential_at(params)?;
        let value = &params[at + CREDENTIAL.len()..];
        let end = position_of(value, b", ").unwrap_or(value.len());
        let scope = std::str::from_utf8(&value[..end]).ok()?;
        Some(Credential::from_scope(scope, headers))
    }

    /// Presigned URLs: `X-Amz-Credential=AKID%2F20240101%2Fus-east-1%2Fs3%2Faws4_request`
    /// (SigV4) or `AWSAccessKeyId=AKID` (SigV2).
    pub fn from_query(query: &str, headers: &HeaderMap) -> Option<Credential> {
        // Most requests carry neither; skip the decoding for them.
        if !(query.contains("X-Amz-Credential=") || query.contains("AWSAccessKeyId=")) {
            return None;
        }
        let mut v2_key = None;
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "X-Amz-Credential" => return Some(Credential::from_scope(&value, headers)),
                "AWSAccessKeyId" => v2_key = Some(value.into_owned()),
                _ => {}
            }
        }
        v2_key.filter(|k| !k.is_empty()).map(|k| Credential { access_key_id: Some(k), ..Default::default() })
    }

    /// `AKID/date/region/service/aws4_request`, or `AKID/date/service/aws4_request` for
    /// SigV4a, whose regions travel in `X-Amz-Region-Set`.
    fn from_scope(scope: &str, headers: &HeaderMap) -> Credential {
        // Into a fixed array rather than a collected Vec: this runs on every request.
        let scope = scope.trim_ascii();
        let mut parts: [&str; 5] = [""; 5];
        let mut count = 0;
        let mut rest = Some(scope);
        while let Some(text) = rest {
            if count == parts.len() {
                return Credential { access_key_id: owned(parts[0]), region: None, service: None };
            }
            // A vector byte scan: `split_once('/')` goes through the char searcher and
            // memchr, which cost more than the few bytes of a scope part.
            let (part, tail) = match position_of(text.as_bytes(), b"/") {
                Some(at) => (&text[..at], Some(&text[at + 1..])),
                None => (text, None),
            };
            parts[count] = part;
            count += 1;
            rest = tail;
        }
        let (region, service) = match count {
            5 => (owned(parts[2]), owned(parts[3])),
            4 => (sigv4a_region(headers), owned(parts[2])),
            _ => (None, None),
        };
        Credential { access_key_id: owned(parts[0]), region, service }
    }

    /// The account id: a 12-digit access key id is one (how tests address several
    /// accounts), anything else is the default account.
    pub fn account_id(&self) -> &str {
        match self.access_key_id.as_deref() {
            Some(k) if k.len() == 12 && k.bytes().all(|b| b.is_ascii_digit()) => k,
            _ => DEFAULT_ACCOUNT,
        }
    }

    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or(DEFAULT_REGION)
    }
}

const CREDENTIAL: &[u8] = b"Credential=";

fn owned(part: &str) -> Option<String> {
    (!part.is_empty()).then(|| part.to_owned())
}

/// Where `Credential=` starts in a SigV4 header's parameters: at the start or after a comma
/// or space. SDKs put it first, so a plain scan finds it at once, where a substring
/// searcher would first spend longer setting itself up.
fn credential_at(params: &[u8]) -> Option<usize> {
    (0..params.len())
        .find(|&at| params[at..].starts_with(CREDENTIAL) && (at == 0 || matches!(params[at - 1], b',' | b' ')))
}

/// The first concrete region of `X-Amz-Region-Set` (`*` and wildcards say nothing).
fn sigv4a_region(headers: &HeaderMap) -> Option<String> {
    let set = headers.get("x-amz-region-set")?.to_str().ok()?;
    set.split(',').map(str::trim).find(|r| !r.is_empty() && !r.contains('*')).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_scope() {
        let c = Credential::from_authorization(
            "AWS4-HMAC-SHA256 Credential=test/20240101/eu-west-1/sqs/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
            &HeaderMap::new(),
        )
        .unwrap();
        assert_eq!(c.access_key_id.as_deref(), Some("test"));
        assert_eq!(c.region(), "eu-west-1");
        assert_eq!(c.service.as_deref(), Some("sqs"));
        assert_eq!(c.account_id(), DEFAULT_ACCOUNT);
    }

    #[test]
    fn sigv4a_takes_region_from_region_set() {
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-region-set", "*, ap-south-1".parse().unwrap());
        let c = Credential::from_authorization(
            "AWS4-ECDSA-P256-SHA256 Credential=111122223333/20240101/s3/aws4_request, Signature=x",
            &headers,
        )
        .unwrap();
        assert_eq!(c.region(), "ap-south-1");
        assert_eq!(c.service.as_deref(), Some("s3"));
        assert_eq!(c.account_id(), "111122223333");
    }

    #[test]
    fn sigv2_gives_only_the_key() {
        let c = Credential::from_authorization("AWS 123456789012:c2lnbmF0dXJl", &HeaderMap::new()).unwrap();
        assert_eq!(c.account_id(), "123456789012");
        assert_eq!(c.region(), DEFAULT_REGION);
        assert_eq!(c.service, None);
    }

    #[test]
    fn a_scope_of_the_wrong_shape_gives_only_the_key() {
        for scope in ["123456789012/d/r/s/aws4_request/extra", "123456789012/d"] {
            let header = format!("AWS4-HMAC-SHA256 Credential={scope}, Signature=x");
            let c = Credential::from_authorization(&header, &HeaderMap::new()).unwrap();
            assert_eq!(c.account_id(), "123456789012");
            assert_eq!((c.region, c.service), (None, None));
        }
    }

    #[test]
    fn garbage_is_harmless() {
        for value in [
            "",
            "Bearer xyz",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential=",
            "AWS4-HMAC-SHA256 Credential=a/b",
            "AWS :sig",
        ] {
            let c = Credential::from_authorization(value, &HeaderMap::new()).unwrap_or_default();
            assert_eq!(c.region(), DEFAULT_REGION);
            assert_eq!(c.account_id(), DEFAULT_ACCOUNT);
        }
    }
}
