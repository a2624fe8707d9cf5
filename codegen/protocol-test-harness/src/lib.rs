//! Runs one Smithy protocol test case (as its JSON) against a generated service crate.
//!
//! - request cases: the HTTP request must resolve to the case's operation and decode to
//!   its `params`, also after a trip through the generated Rust types;
//! - response cases: `params` (an output or a modelled error) must encode to the case's
//!   status, headers and body;
//! - malformed cases: the whole pipeline must reject the request as the case says.
//!
//! Bodies are compared by media type (JSON, XML and CBOR semantically). Cases that
//! cannot pass yet are listed in [`skips::SKIPS`] with the reason; they print and return.

pub mod compare;
pub mod params;
pub mod skips;

use ferrostack_runtime::http::{HttpRequest, HttpResponse};
use ferrostack_runtime::protocol::{self, render_error};
use ferrostack_runtime::schema::{Protocol, Schema};
use ferrostack_runtime::{ConvertError, RequestContext, Service, Value, WireError};
use serde_json::Value as Json;

pub type Roundtrip = fn(u32, Value) -> Result<Value, ConvertError>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Request,
    Response,
    Malformed,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Request => "request",
            Kind::Response => "response",
            Kind::Malformed => "malformed",
        }
    }
}

/// Runs a case; panics with a description of the first difference.
pub fn run(
    schema: &'static Schema,
    roundtrip: Roundtrip,
    kind: Kind,
    operation: &str,
    error: Option<&str>,
    case: &str,
) {
    let case: Json = serde_json::from_str(case).expect("case JSON");
    let id = case["id"].as_str().unwrap_or("?");
    if let Some(reason) = skips::reason(kind, id) {
        println!("SKIP {} {id}: {reason}", kind.name());
        return;
    }
    let protocol = schema.service.protocols[0];
    match kind {
        Kind::Request => request_case(schema, protocol, roundtrip, operation, &case),
        Kind::Response => response_case(schema, protocol, roundtrip, operation, error, &case),
        Kind::Malformed => malformed_case(schema, protocol, &case),
    }
}

fn request_case(schema: &'static Schema, protocol: Protocol, roundtrip: Roundtrip, operation: &str, case: &Json) {
    let mut req = build_request(schema, case, protocol);
    add_implied_routing(schema, protocol, operation, &mut req);
    protocol::decompress(&mut req).expect("gzip body");
    let op = protocol::resolve_operation(schema, protocol, &req)
        .unwrap_or_else(|e| panic!("request did not resolve to {operation}: {e:?}"));
    assert_eq!(schema.operations[op].name, operation, "resolved the wrong operation");
    let input_shape = schema.operations[op].input;
    let mut decoded =
        protocol::decode_input(schema, protocol, op, &req).unwrap_or_else(|e| panic!("decode failed: {e:?}"));
    ferrostack_runtime::defaults::fill(schema, input_shape, &mut decoded);
    let mut expected = params::root_to_value(schema, input_shape, case.get("params"));
    ferrostack_runtime::defaults::fill(schema, input_shape, &mut expected);
    compare::assert_values(&decoded, &expected, "decoded input");
    let through_types = roundtrip(input_shape, decoded).expect("typed round trip");
    compare::assert_values(&through_types, &expected, "input after the typed round trip");
}

fn response_case(
    schema: &'static Schema,
    protocol: Protocol,
    roundtrip: Roundtrip,
    operation: &str,
    error: Option<&str>,
    case: &Json,
) {
    let (op, operation_def) = schema.operation(operation).expect("operation in schema");
    let ctx = RequestContext::internal("123456789012", "us-east-1");
    let params = case.get("params");
    let response = match error {
        None => {
            let value = params::root_to_value(schema, operation_def.output, params);
            let mut value = roundtrip(operation_def.output, value).expect("typed round trip");
            ferrostack_runtime::defaults::fill(schema, operation_def.output, &mut value);
            protocol::encode_output(schema, protocol, op, value, &ctx)
        }
        Some(error) => {
            let shape = operation_def
                .errors
                .iter()
                .copied()
                .find(|&e| schema.shape(e).name == error)
                .expect("error shape of the operation");
            let value = roundtrip(shape, params::root_to_value(schema, shape, params)).expect("typed round trip");
            let rendered = render_error(schema, protocol, Some(op), WireError::Modeled { shape, value });
            protocol::encode_error(schema, protocol, &rendered, &ctx)
        }
    };
    check_response(&response, case);
}

fn malformed_case(schema: &'static Schema, protocol: Protocol, case: &Json) {
    let req = build_request(schema, &case["request"], protocol);
    let ctx = RequestContext::internal("123456789012", "us-east-1");
    let service = AcceptAll(schema);
    let response = futures_executor::block_on(protocol::handle(&service, protocol, req, &ctx));
    let expected = &case["response"];
    check_status_and_headers(&response, expected);
    if let Some(body) = expected.get("body") {
        let actual = body_bytes(&response);
        let assertion = &body["assertion"];
        if let Some(contents) = assertion.get("contents").and_then(Json::as_str) {
            let media = body.get("mediaType").and_then(Json::as_str).unwrap_or("");
            compare::assert_bodies(&actual, contents.as_bytes(), media);
        }
        if let Some(pattern) = assertion.get("messageRegex").and_then(Json::as_str) {
            let json: Json = serde_json::from_slice(&actual).unwrap_or(Json::Null);
            let message = json.get("message").or_else(|| json.get("Message")).and_then(Json::as_str).unwrap_or("");
            let re = regex::Regex::new(pattern).expect("case regex");
            assert!(re.is_match(message), "message {message:?} does not match {pattern:?}");
        }
    }
}

/// A service that accepts anything: malformed cases must be rejected before the call.
struct AcceptAll(&'static Schema);

impl Service for AcceptAll {
    fn schema(&self) -> &'static Schema {
        self.0
    }

    fn call<'a>(
        &'a self,
        _ctx: &'a RequestContext,
        _op: usize,
        _input: Value,
    ) -> ferrostack_runtime::BoxFuture<'a, Result<Value, WireError>> {
        Box::pin(async { Ok(Value::Struct(Vec::new())) })
    }
}

fn build_request(schema: &Schema, case: &Json, protocol: Protocol) -> HttpRequest {
    let method = case["method"].as_str().unwrap_or("POST");
    let uri =
        virtual_host_path(schema, case, protocol).unwrap_or_else(|| case["uri"].as_str().unwrap_or("/").to_owned());
    let mut req = HttpRequest::new(method.parse().expect("method"), &uri);
    let mut query: Vec<String> = if req.query.is_empty() { Vec::new() } else { vec![req.query.clone()] };
    if let Some(params) = case.get("queryParams").and_then(Json::as_array) {
        query.extend(params.iter().filter_map(Json::as_str).map(str::to_owned));
    }
    req.query = query.join("&");
    if let Some(headers) = case.get("headers").and_then(Json::as_object) {
        for (name, value) in headers {
            let name = http::HeaderName::from_bytes(name.as_bytes()).ok();
            if let (Some(name), Some(value)) = (name, value.as_str().and_then(|v| v.parse().ok())) {
                req.headers.append(name, value);
            }
        }
    }
    if let Some(host) = case.get("host").and_then(Json::as_str) {
        if let Ok(v) = host.parse() {
            req.headers.insert("host", v);
        }
    }
    let body = case.get("body").and_then(Json::as_str).unwrap_or("");
    let media = case.get("bodyMediaType").and_then(Json::as_str).unwrap_or("");
    req.body = if media == "application/cbor" || (protocol == Protocol::RpcV2Cbor && !body.is_empty()) {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(body).unwrap_or_else(|_| body.as_bytes().to_vec()).into()
    } else {
        body.as_bytes().to_vec().into()
    };
    req
}

/// Some cases leave out what a server needs to find the operation (the awsJson target,
/// the rpcv2Cbor path), because clients derive it; supply it as a client would.
fn add_implied_routing(schema: &Schema, protocol: Protocol, operation: &str, req: &mut HttpRequest) {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 if req.header("x-amz-target").is_none() => {
            let target = format!("{}.{operation}", schema.service.target_prefix);
            req.headers.insert("x-amz-target", target.parse().expect("valid header"));
        }
        _ => {}
    }
}

/// S3 cases address buckets by host (`resolvedHost` = `<bucket>.<host>`); the gateway
/// rewrites such requests to path style before the protocol layer, and so does this.
fn virtual_host_path(schema: &Schema, case: &Json, protocol: Protocol) -> Option<String> {
    if protocol != Protocol::RestXml || !schema.service.xml_no_error_wrapping {
        return None;
    }
    let host = case.get("host")?.as_str()?;
    let resolved = case.get("resolvedHost")?.as_str()?;
    // `<bucket>.s3[-accelerate|.dualstack]...`: the bucket is the first label.
    let (bucket, rest) = resolved.split_once('.')?;
    if resolved == host || bucket.is_empty() || bucket.starts_with("s3") || !rest.starts_with("s3") {
        return None;
    }
    Some(format!("/{bucket}{}", case["uri"].as_str().unwrap_or("/")))
}

fn check_status_and_headers(response: &HttpResponse, expected: &Json) {
    if let Some(code) = expected.get("code").and_then(Json::as_u64) {
        assert_eq!(
            response.status as u64,
            code,
            "status; response headers {:?}, body {:?}",
            response.headers,
            String::from_utf8_lossy(&body_bytes(response))
        );
    }
    if let Some(headers) = expected.get("headers").and_then(Json::as_object) {
        for (name, value) in headers {
            let actual: Vec<&str> =
                response.headers.get_all(name.as_str()).iter().filter_map(|v| v.to_str().ok()).collect();
            let actual = actual.join(", ");
            let want = value.as_str().unwrap_or("");
            assert!(
                compare::header_values_match(&actual, want),
                "header {name}: expected {want:?}, got {actual:?} (all: {:?})",
                response.headers
            );
        }
    }
    for name in expected.get("forbidHeaders").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
        assert!(response.headers.get(name).is_none(), "header {name} must be absent");
    }
    for name in expected.get("requireHeaders").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
        assert!(response.headers.get(name).is_some(), "header {name} must be present");
    }
}

fn check_response(response: &HttpResponse, case: &Json) {
    check_status_and_headers(response, case);
    if let Some(body) = case.get("body").and_then(Json::as_str) {
        let actual = body_bytes(response);
        let media = case.get("bodyMediaType").and_then(Json::as_str).unwrap_or("");
        let expected = if media == "application/cbor" {
            use base64::Engine;
            base64::engine::general_purpose::STANDARD.decode(body).expect("base64 CBOR body")
        } else {
            body.as_bytes().to_vec()
        };
        compare::assert_bodies(&actual, &expected, media);
    }
}

fn body_bytes(response: &HttpResponse) -> Vec<u8> {
    response.body.buffered().map(|b| b.to_vec()).unwrap_or_default()
}
