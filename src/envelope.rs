//! Errors the gateway answers itself: bodies too large, handlers that panicked, requests
//! no service claims.
//!
//! They are laid out here rather than by the runtime's encoders on purpose: a panic may
//! have come from an encoder, and these must work whatever state a service is in. Each
//! envelope is still the one the client's protocol parses, so SDKs raise a proper error
//! with the code and message instead of failing to read the body.

use ferrostack_runtime::http::HttpResponse;
use ferrostack_runtime::schema::Schema;
use ferrostack_runtime::Protocol;

/// The error layout a client expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorStyle {
    /// awsJson 1.0 / 1.1: `{"__type": code, "message": ...}`.
    AwsJson(Protocol),
    /// restJson1: the code in `x-amzn-ErrorType`, `{"message": ...}` in the body.
    RestJson,
    /// awsQuery and wrapped restXml: `<ErrorResponse><Error>...</Error></ErrorResponse>`.
    XmlWrapped { namespace: Option<&'static str> },
    /// S3: `<Error>` at the root.
    S3,
    /// Smithy RPC v2 CBOR: a CBOR map with `__type` and `message`.
    Cbor,
    /// No service known: plain JSON.
    Json,
}

impl ErrorStyle {
    pub fn for_service(schema: &Schema, protocol: Protocol) -> ErrorStyle {
        match protocol {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => ErrorStyle::AwsJson(protocol),
            Protocol::RestJson1 => ErrorStyle::RestJson,
            Protocol::RpcV2Cbor => ErrorStyle::Cbor,
            Protocol::RestXml if schema.service.xml_no_error_wrapping => ErrorStyle::S3,
            Protocol::RestXml | Protocol::AwsQuery => {
                ErrorStyle::XmlWrapped { namespace: schema.service.xml_namespace }
            }
        }
    }

    /// An awsQuery-looking request (a form with an `Action`) no service claims.
    pub fn query() -> ErrorStyle {
        ErrorStyle::XmlWrapped { namespace: None }
    }
}

/// A gateway error in `style`'s layout, with the request id headers of that protocol.
pub fn error(style: ErrorStyle, status: u16, code: &str, message: &str, request_id: &str) -> HttpResponse {
    let fault = if status >= 500 { "Receiver" } else { "Sender" };
    let mut response = match style {
        ErrorStyle::AwsJson(protocol) => {
            let content_type = if protocol == Protocol::AwsJson1_0 {
                "application/x-amz-json-1.0"
            } else {
                "application/x-amz-json-1.1"
            };
            HttpResponse::with_body(status, content_type, json_body(&[("__type", code), ("message", message)]))
        }
        ErrorStyle::RestJson => {
            let mut r = HttpResponse::with_body(status, "application/json", json_body(&[("message", message)]));
            r.set_header("x-amzn-ErrorType", code);
            r
        }
        ErrorStyle::Json => {
            HttpResponse::with_body(status, "application/json", json_body(&[("__type", code), ("message", message)]))
        }
        ErrorStyle::Cbor => {
            let mut r = HttpResponse::with_body(
                status,
                "application/cbor",
                cbor_text_map(&[("__type", code), ("message", message)]),
            );
            r.set_header("smithy-protocol", "rpc-v2-cbor");
            r
        }
        ErrorStyle::XmlWrapped { namespace } => {
            let xmlns = namespace.map(|ns| format!(" xmlns=\"{}\"", xml_escape(ns))).unwrap_or_default();
            let body = format!(
                "<ErrorResponse{xmlns}><Error><Type>{fault}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
                xml_escape(code),
                xml_escape(message),
                xml_escape(request_id)
            );
            HttpResponse::with_body(status, "text/xml", body)
        }
        ErrorStyle::S3 => {
            let body = format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message><RequestId>{}</RequestId><HostId>{}</HostId></Error>",
                xml_escape(code),
                xml_escape(message),
                xml_escape(request_id),
                ferrostack_runtime::host_id(request_id)
            );
            HttpResponse::with_body(status, "application/xml", body)
        }
    };
    if style == ErrorStyle::S3 {
        response.set_header("x-amz-request-id", request_id);
        response.set_header("x-amz-id-2", &ferrostack_runtime::host_id(request_id));
    } else {
        response.set_header("x-amzn-RequestId", request_id);
    }
    response
}

/// The 500 for a handler that panicked. S3 names it `InternalError`, the rest
/// `InternalFailure`.
pub fn internal(style: ErrorStyle, request_id: &str) -> HttpResponse {
    let code = if style == ErrorStyle::S3 { "InternalError" } else { "InternalFailure" };
    error(style, 500, code, "The server encountered an internal error and could not complete the request.", request_id)
}

/// The 413 for a body over the configured limit.
pub fn too_large(style: ErrorStyle, limit: u64, request_id: &str) -> HttpResponse {
    let code = match style {
        ErrorStyle::S3 => "EntityTooLarge",
        _ => "RequestEntityTooLargeException",
    };
    let message = format!("The request body exceeds the maximum of {limit} bytes this server accepts.");
    error(style, 413, code, &message, request_id)
}

/// `{"k": "v", ...}` with JSON string escaping.
fn json_body(fields: &[(&str, &str)]) -> String {
    let mut object = serde_json::Map::with_capacity(fields.len());
    for (k, v) in fields {
        object.insert((*k).to_owned(), serde_json::Value::String((*v).to_owned()));
    }
    serde_json::Value::Object(object).to_string()
}

/// A definite-length CBOR map of text strings (RFC 8949 major types 5 and 3).
fn cbor_text_map(fields: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64);
    cbor_head(&mut out, 5, fields.len() as u64);
    for (k, v) in fields {
        for text in [k, v] {
            cbor_head(&mut out, 3, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
    }
    out
}

fn cbor_head(out: &mut Vec<u8>, major: u8, len: u64) {
    let major = major << 5;
    match len {
        0..=23 => out.push(major | len as u8),
        24..=0xff => out.extend_from_slice(&[major | 24, len as u8]),
        0x100..=0xffff => {
            out.push(major | 25);
            out.extend_from_slice(&(len as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(major | 26);
            out.extend_from_slice(&(len as u32).to_be_bytes());
        }
        _ => {
            out.push(major | 27);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
}

pub fn xml_escape(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['<', '>', '&', '"', '\'']) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbor_map_layout() {
        assert_eq!(cbor_text_map(&[("a", "bc")]), vec![0xa1, 0x61, b'a', 0x62, b'b', b'c']);
        let long = "x".repeat(300);
        let encoded = cbor_text_map(&[("m", &long)]);
        assert_eq!(&encoded[..5], &[0xa1, 0x61, b'm', 0x79, 0x01]);
        assert_eq!(encoded.len(), 3 + 3 + 300);
    }

    #[test]
    fn xml_is_escaped() {
        let r = error(ErrorStyle::S3, 404, "NoSuchKey", "a<b&c", "rid");
        let body = String::from_utf8(r.body.buffered().unwrap().to_vec()).unwrap();
        assert!(body.contains("<Message>a&lt;b&amp;c</Message>"), "{body}");
        assert!(r.headers.contains_key("x-amz-request-id"));
    }
}
