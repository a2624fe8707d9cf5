//! Building requests the way SDKs put them on the wire, running them through one real
//! service with `protocol::handle`, and reading what comes back.
//!
//! Decoded inputs are shown as JSON keyed by the model's member names (see [`render`]),
//! so a test can state the whole tree it expects whatever the member indices are.

#![allow(dead_code)]

use std::sync::Arc;

use bytes::Bytes;
use ferrostack_runtime::http::{HttpRequest, HttpResponse};
use ferrostack_runtime::protocol;
use ferrostack_runtime::schema::{Schema, ShapeId, ShapeKind, TimestampFormat};
use ferrostack_runtime::{DateTime, Protocol, RequestContext, Service, Value};
use http::Method;
use serde_json::{json, Map, Value as Json};

/// The request id every sample runs under, so envelopes can be compared whole.
pub const REQUEST_ID: &str = "0f5a1c3e-7d2b-4e8f-9a61-3b5c7d9e1f20";
pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";

/// The context the gateway would build for a request over `protocol`.
pub fn ctx(protocol: Protocol) -> RequestContext {
    let mut ctx = RequestContext::internal(ACCOUNT, REGION);
    ctx.request_id = REQUEST_ID.to_owned();
    ctx.protocol = protocol;
    ctx
}

/// A response with its body collected.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap_or_else(|e| panic!("body is not UTF-8 ({e}): {:?}", self.body))
    }

    pub fn json(&self) -> Json {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("body is not JSON ({e}): {}", self.text()))
    }

    /// The text of the first `<name>` element, for values the test did not choose
    /// (message ids, receipt handles).
    pub fn xml_text(&self, name: &str) -> String {
        element_text(self.text(), name).unwrap_or_else(|| panic!("no <{name}> in {}", self.text()))
    }
}

/// Text between `<name>` and `</name>`, unescaped for the five XML entities.
pub fn element_text(xml: &str, name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = xml.find(&open)? + open.len();
    let end = start + xml[start..].find(&format!("</{name}>"))?;
    let text = &xml[start..end];
    Some(
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

pub async fn collect(response: HttpResponse) -> Reply {
    let body = response.body.collect().await.expect("response body");
    Reply { status: response.status, headers: response.headers, body }
}

/// One request through one service, as the gateway runs it.
pub async fn send(service: &Arc<dyn Service>, protocol: Protocol, req: HttpRequest) -> Reply {
    collect(protocol::handle(service.as_ref(), protocol, req, &ctx(protocol)).await).await
}

/// The operation a request names and its decoded input, rendered by member names.
pub fn decode(service: &Arc<dyn Service>, protocol: Protocol, req: &HttpRequest) -> (&'static str, Json) {
    let schema = service.schema();
    let op = protocol::resolve_operation(schema, protocol, req).unwrap_or_else(|e| panic!("unresolved: {e:?}"));
    let operation = &schema.operations[op];
    let value =
        protocol::decode_input(schema, protocol, op, req).unwrap_or_else(|e| panic!("{}: {e:?}", operation.name));
    (operation.name, render(schema, operation.input, &value))
}

/// Encodes a hand-built output value of `operation`, as the pipeline would after the call.
pub async fn encode(service: &Arc<dyn Service>, protocol: Protocol, operation: &str, output: Value) -> Reply {
    let schema = service.schema();
    let (op, _) = schema.operation(operation).unwrap_or_else(|| panic!("no operation {operation}"));
    collect(protocol::encode_output(schema, protocol, op, output, &ctx(protocol))).await
}

/// The index of member `name` of structure `shape`, to build output values by hand.
pub fn member(schema: &Schema, shape: ShapeId, name: &str) -> u16 {
    let members = schema.shape(shape).kind.members();
    members
        .iter()
        .position(|m| m.name == name)
        .unwrap_or_else(|| panic!("{} has no member {name}", schema.shape(shape).name)) as u16
}

/// A value tree as JSON keyed by member names. Timestamps become `{"timestamp": <RFC
/// 3339>}` and blobs `{"blob": <text>}`, so neither can pass for a string by accident.
pub fn render(schema: &Schema, shape: ShapeId, value: &Value) -> Json {
    match (value, &schema.shape(shape).kind) {
        (Value::Struct(fields), ShapeKind::Structure { members } | ShapeKind::Union { members }) => {
            let mut out = Map::new();
            let mut fields: Vec<_> = fields.iter().collect();
            fields.sort_by_key(|(i, _)| *i);
            for (index, v) in fields {
                let m = &members[*index as usize];
                out.insert(m.name.to_owned(), render(schema, m.target, v));
            }
            Json::Object(out)
        }
        (Value::List(items), ShapeKind::List { member, .. }) => {
            Json::Array(items.iter().map(|v| render(schema, member.target, v)).collect())
        }
        (Value::Map(entries), ShapeKind::Map { value: member, .. }) => {
            Json::Object(entries.iter().map(|(k, v)| (k.clone(), render(schema, member.target, v))).collect())
        }
        (Value::Null, _) => Json::Null,
        (Value::Bool(b), _) => json!(b),
        (Value::Int(i), _) => json!(i),
        (Value::Float(f), _) => json!(f),
        (Value::BigNum(n), _) => json!(n),
        (Value::Str(s), _) => json!(s),
        (Value::Blob(b), _) => json!({ "blob": String::from_utf8_lossy(b) }),
        (Value::Stream(s), _) => json!({ "blob": s.buffered().map(|b| String::from_utf8_lossy(b).into_owned()) }),
        (Value::Timestamp(t), _) => json!({ "timestamp": t.format(TimestampFormat::DateTime) }),
        (Value::Document(d), _) => (**d).clone(),
        (other, kind) => panic!("{} value for shape kind {kind:?}", other.type_name()),
    }
}

// ---------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------

/// An HTTP request under construction.
pub struct Req(HttpRequest);

impl Req {
    pub fn new(method: Method, path_and_query: &str) -> Req {
        Req(HttpRequest::new(method, path_and_query))
    }

    pub fn header(mut self, name: &str, value: &str) -> Req {
        let name = http::HeaderName::from_bytes(name.as_bytes()).expect("header name");
        self.0.headers.append(name, value.parse().expect("header value"));
        self
    }

    pub fn body(mut self, body: impl Into<Bytes>) -> Req {
        self.0.body = body.into();
        self
    }

    pub fn build(self) -> HttpRequest {
        self.0
    }
}

/// An awsQuery request as botocore sends it: a form POSTed to `/`.
pub fn query_form(body: &str) -> HttpRequest {
    Req::new(Method::POST, "/")
        .header("content-type", "application/x-www-form-urlencoded; charset=utf-8")
        .body(body.to_owned())
        .build()
}

/// An awsJson request: `X-Amz-Target: <prefix>.<Operation>` and the version's media type.
pub fn aws_json(version: &str, target: &str, body: &str) -> HttpRequest {
    Req::new(Method::POST, "/")
        .header("content-type", &format!("application/x-amz-json-{version}"))
        .header("x-amz-target", target)
        .body(body.to_owned())
        .build()
}

/// An RPC v2 CBOR request to `/service/<service>/operation/<operation>`.
pub fn cbor_request(service: &str, operation: &str, body: Vec<u8>) -> HttpRequest {
    Req::new(Method::POST, &format!("/service/{service}/operation/{operation}"))
        .header("smithy-protocol", "rpc-v2-cbor")
        .header("content-type", "application/cbor")
        .header("accept", "application/cbor")
        .body(body)
        .build()
}

/// Percent-encodes a form value (receipt handles carry `+`, `/` and `=`).
pub fn form_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// Now, whole seconds, as RFC 3339: CloudWatch refuses data points older than two weeks,
/// so samples with timestamps are built around the current time.
pub fn now_minus(seconds: i64) -> DateTime {
    DateTime::from_secs(DateTime::now().secs() - seconds)
}

pub fn iso(t: DateTime) -> String {
    t.format(TimestampFormat::DateTime)
}
