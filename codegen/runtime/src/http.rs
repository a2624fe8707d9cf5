//! The HTTP request and response as the protocol layer sees them, independent of the
//! server crate: the gateway converts from and to hyper's types.

use bytes::Bytes;
use http::header::InvalidHeaderValue;
use http::{HeaderMap, HeaderValue, Method};

use crate::stream::ByteStream;

/// `bytes` as a header value, checked sixteen bytes at a time: `HeaderValue`'s own check
/// goes a byte at a time, which shows on answers that carry several headers.
pub fn header_value(bytes: Bytes) -> Result<HeaderValue, InvalidHeaderValue> {
    // http accepts every byte but DEL and those below a space, tab excepted. A value with
    // any of those (a tab, most likely) goes to the byte-wise check, which decides.
    if crate::scan::any_of(&bytes, b"\x7f", 0x20) {
        return HeaderValue::from_maybe_shared(bytes);
    }
    // SAFETY: every byte is a space or above and not DEL, all of which http accepts.
    Ok(unsafe { HeaderValue::from_maybe_shared_unchecked(bytes) })
}

#[derive(Debug)]
pub struct HttpRequest {
    pub method: Method,
    /// Percent-encoded path, as received (virtual-hosted S3 requests already rewritten to
    /// path style by the gateway).
    pub path: String,
    /// Raw query string without `?`, percent-encoded.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl HttpRequest {
    pub fn new(method: Method, path_and_query: &str) -> Self {
        let (path, query) = match path_and_query.split_once('?') {
            Some((p, q)) => (p.to_owned(), q.to_owned()),
            None => (path_and_query.to_owned(), String::new()),
        };
        HttpRequest { method, path, query, headers: HeaderMap::new(), body: Bytes::new() }
    }

    /// Pass a [`HeaderName`](http::HeaderName) constant on hot paths: a `&str` is parsed
    /// (lower-cased, looked up) on every call.
    pub fn header<K: http::header::AsHeaderName>(&self, name: K) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Decoded query parameters, in order; a key without `=` has an empty value.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    }

    /// The media type of `Content-Type` without parameters, lower-cased.
    pub fn content_type(&self) -> Option<String> {
        self.header(http::header::CONTENT_TYPE).map(|ct| ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
    }
}

/// Whether a `Content-Type` value is `application/x-www-form-urlencoded` (in any case, with
/// or without parameters). Asked of most requests, so it compares bytes in place instead
/// of splitting and trimming strings.
pub fn is_form_media_type(content_type: &[u8]) -> bool {
    const FORM: &[u8] = b"application/x-www-form-urlencoded";
    let value = content_type.trim_ascii_start();
    let Some((media, rest)) = value.split_at_checked(FORM.len()) else { return false };
    media.eq_ignore_ascii_case(FORM) && matches!(rest.trim_ascii_start().first(), None | Some(b';'))
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: ByteStream,
}

impl HttpResponse {
    pub fn new(status: u16) -> Self {
        HttpResponse { status, headers: HeaderMap::new(), body: ByteStream::default() }
    }

    pub fn with_body(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Self {
        let mut r = HttpResponse::new(status);
        r.headers.insert(http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r.body = ByteStream::Buffered(body.into());
        r
    }

    /// Sets a header, skipping values that are not valid header text.
    pub fn set_header(&mut self, name: &str, value: &str) {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            self.headers.insert(n, v);
        }
    }

    pub fn append_header(&mut self, name: &str, value: &str) {
        if let (Ok(n), Ok(v)) = (http::HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
            self.headers.append(n, v);
        }
    }
}

/// Names of the AWS headers read on every request, parsed once.
pub mod names {
    use http::HeaderName;

    pub const X_AMZ_TARGET: HeaderName = HeaderName::from_static("x-amz-target");
    pub const SMITHY_PROTOCOL: HeaderName = HeaderName::from_static("smithy-protocol");
    pub const X_AMZ_SECURITY_TOKEN: HeaderName = HeaderName::from_static("x-amz-security-token");
    pub const X_AMZ_CONTENT_SHA256: HeaderName = HeaderName::from_static("x-amz-content-sha256");
}

#[cfg(test)]
mod tests {
    use super::is_form_media_type;

    #[test]
    fn header_values_are_accepted_as_http_accepts_them() {
        for len in [1, 5, 16, 17, 40] {
            for at in [0, len / 2, len - 1] {
                for byte in 0..=255u8 {
                    let mut text = vec![b'v'; len];
                    text[at] = byte;
                    let ours = super::header_value(bytes::Bytes::from(text.clone()));
                    let http = http::HeaderValue::from_bytes(&text);
                    assert_eq!(ours.is_ok(), http.is_ok(), "byte {byte:#x} at {at} of {len}");
                    if let Ok(value) = ours {
                        assert_eq!(value.as_bytes(), &text[..]);
                    }
                }
            }
        }
    }

    #[test]
    fn form_media_types() {
        for yes in [
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=utf-8",
            "  Application/X-WWW-Form-Urlencoded ;charset=utf-8",
            "application/x-www-form-urlencoded  ",
        ] {
            assert!(is_form_media_type(yes.as_bytes()), "{yes:?}");
        }
        for no in [
            "",
            "application/json",
            "application/x-www-form-urlencodedx",
            "application/x-www-form",
            "text/plain; application/x-www-form-urlencoded",
        ] {
            assert!(!is_form_media_type(no.as_bytes()), "{no:?}");
        }
    }
}
