//! Smithy RPC v2 CBOR: `POST /service/{Service}/operation/{Operation}` with
//! `smithy-protocol: rpc-v2-cbor` and CBOR bodies.
//!
//! Requests are claimed by method, header and path (any prefix before `/service/` is
//! allowed; the service segment may be the shape name or the namespace-qualified id with
//! `#` written as `.`). Every response repeats the `smithy-protocol` header; operations
//! without output answer with no body and no `Content-Type`. Errors are maps whose
//! `__type` is the error's absolute shape id.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::Method;

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::aws_json::{absolute_error_id, query_error_header};
use crate::protocol::cbor;
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

const PROTOCOL_HEADER: &str = "smithy-protocol";
const PROTOCOL_VALUE: &str = "rpc-v2-cbor";
const MEDIA_TYPE: &str = "application/cbor";

/// The operation named by the request path.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    if req.method != Method::POST {
        return Err(unclaimed("rpcv2Cbor requests must use POST"));
    }
    if req.header(PROTOCOL_HEADER) != Some(PROTOCOL_VALUE) {
        return Err(unclaimed("missing or unsupported smithy-protocol header (expected rpc-v2-cbor)"));
    }
    // The spec makes such requests malformed, so that they cannot be replayed across
    // protocols.
    if req.headers.contains_key("x-amz-target") || req.headers.contains_key("x-amzn-target") {
        return Err(unclaimed("rpcv2Cbor requests must not carry X-Amz-Target"));
    }
    let (service, operation) =
        service_and_operation(&req.path).ok_or_else(|| unclaimed(&format!("not an rpcv2Cbor path: {}", req.path)))?;
    if !names_service(schema, service) {
        return Err(unclaimed(&format!("unknown service {service}")));
    }
    schema
        .operation(operation)
        .map(|(index, _)| index)
        .ok_or_else(|| unclaimed(&format!("unknown operation {operation}")))
}

fn unclaimed(message: &str) -> DecodeError {
    DecodeError::UnknownOperation(message.to_owned())
}

/// The last four path segments, `service/{service}/operation/{operation}`.
fn service_and_operation(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.rsplit('/');
    let operation = segments.next()?;
    let operation_literal = segments.next()?;
    let service = segments.next()?;
    let service_literal = segments.next()?;
    (operation_literal == "operation" && service_literal == "service" && !operation.is_empty() && !service.is_empty())
        .then_some((service, operation))
}

/// `Service`, or `namespace.Service` (the absolute shape id with `#` as `.`).
fn names_service(schema: &Schema, segment: &str) -> bool {
    let info = &schema.service;
    segment == info.shape_name
        || segment
            .strip_prefix(info.namespace)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|name| name == info.shape_name)
}

/// Reads the input map. An empty body is an empty input; a body must be labelled
/// `application/cbor`, and an `Accept` header must allow CBOR.
pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    check_accept(req)?;
    if req.body.is_empty() {
        return Ok(Value::Struct(Vec::new()));
    }
    if req.content_type().as_deref() != Some(MEDIA_TYPE) {
        return Err(DecodeError::UnsupportedMediaType(format!(
            "rpcv2Cbor request bodies must be {MEDIA_TYPE}, not {}",
            req.header("content-type").unwrap_or("unlabelled")
        )));
    }
    let operation = &schema.operations[op];
    if operation.unit_input {
        cbor::validate_map(&req.body)?;
        return Ok(Value::Struct(Vec::new()));
    }
    cbor::read_body(schema, operation.input, &req.body)
}

/// Clients send `Accept: application/cbor`; a missing header is tolerated, one that
/// excludes CBOR is not.
fn check_accept(req: &HttpRequest) -> Result<(), DecodeError> {
    let Some(accept) = req.header("accept") else { return Ok(()) };
    let allows_cbor = accept.split(',').any(|range| {
        let media = range.split(';').next().unwrap_or("").trim();
        ["application/cbor", "application/*", "*/*"].iter().any(|m| media.eq_ignore_ascii_case(m))
    });
    if allows_cbor {
        Ok(())
    } else {
        Err(DecodeError::NotAcceptable(format!("rpcv2Cbor responses are {MEDIA_TYPE}; Accept was {accept}")))
    }
}

/// 200 with the output map, or with no body (and no `Content-Type`) for operations
/// without output.
pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let operation = &schema.operations[op];
    let mut response = if operation.unit_output {
        HttpResponse::new(200)
    } else {
        HttpResponse::with_body(200, MEDIA_TYPE, Bytes::from(cbor::write_body(schema, operation.output, &output)))
    };
    add_protocol_header(&mut response);
    response
}

/// The error map (`__type` plus members) with the error's status.
pub fn encode_error(schema: &Schema, err: &RenderedError) -> HttpResponse {
    let error_type = absolute_error_id(schema, &err.code);
    let body = cbor::write_error_map(schema, err, &error_type);
    let mut response = HttpResponse::with_body(err.status, MEDIA_TYPE, Bytes::from(body));
    add_protocol_header(&mut response);
    if let Some(header) = query_error_header(schema, err) {
        response.set_header("x-amzn-query-error", &header);
    }
    response
}

fn add_protocol_header(response: &mut HttpResponse) {
    response.headers.insert(HeaderName::from_static(PROTOCOL_HEADER), HeaderValue::from_static(PROTOCOL_VALUE));
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use minicbor::data::Type;
    use minicbor::Decoder;

    use super::*;
    use crate::protocol::json::fixture::*;
    use crate::schema::{Fault, Schema};

    static RPC_SCHEMA: Schema = Schema {
        service: service("RpcV2Protocol", "smithy.protocoltests.rpcv2Cbor", false),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };
    static QUERY_RPC_SCHEMA: Schema = Schema {
        service: service("QueryCompatibleRpcV2Protocol", "aws.protocoltests.rpcv2cbor", true),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    fn request(path: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpRequest {
        let mut req = HttpRequest::new(Method::POST, path);
        for (name, value) in headers {
            req.headers.insert(HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
        }
        req.body = Bytes::copy_from_slice(body);
        req
    }

    const CBOR_HEADERS: &[(&str, &str)] =
        &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor"), ("accept", "application/cbor")];

    fn op_index(name: &str) -> usize {
        RPC_SCHEMA.operation(name).unwrap().0
    }

    fn b64(text: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(text).unwrap()
    }

    fn header<'r>(response: &'r HttpResponse, name: &str) -> Option<&'r str> {
        response.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// A CBOR item as JSON, for comparing bodies by meaning rather than by encoding.
    fn to_json(dec: &mut Decoder<'_>) -> serde_json::Value {
        use serde_json::{json, Value as J};
        let text = |dec: &mut Decoder<'_>| dec.str_iter().unwrap().map(|c| c.unwrap()).collect::<String>();
        match dec.datatype().unwrap() {
            Type::Map | Type::MapIndef => {
                let len = dec.map().unwrap();
                let mut object = serde_json::Map::new();
                for_each_item(dec, len, |dec| {
                    let key = text(dec);
                    object.insert(key, to_json(dec));
                });
                J::Object(object)
            }
            Type::Array | Type::ArrayIndef => {
                let len = dec.array().unwrap();
                let mut items = Vec::new();
                for_each_item(dec, len, |dec| items.push(to_json(dec)));
                J::Array(items)
            }
            Type::String | Type::StringIndef => J::String(text(dec)),
            Type::Bytes | Type::BytesIndef => {
                let bytes: Vec<u8> = dec.bytes_iter().unwrap().flat_map(|c| c.unwrap().to_vec()).collect();
                json!({ "$bytes": base64::engine::general_purpose::STANDARD.encode(bytes) })
            }
            Type::Tag => {
                let tag = dec.tag().unwrap().as_u64();
                json!({ "$tag": tag, "value": to_json(dec) })
            }
            Type::Bool => J::Bool(dec.bool().unwrap()),
            Type::Null => {
                dec.skip().unwrap();
                J::Null
            }
            Type::F16 | Type::F32 | Type::F64 => json!(dec.f64().unwrap()),
            _ => json!(i128::from(dec.int().unwrap()) as i64),
        }
    }

    /// Runs `each` per element of a definite or indefinite array or map.
    fn for_each_item(dec: &mut Decoder<'_>, len: Option<u64>, mut each: impl FnMut(&mut Decoder<'_>)) {
        match len {
            Some(n) => (0..n).for_each(|_| each(dec)),
            None => {
                while dec.datatype().unwrap() != Type::Break {
                    each(dec);
                }
                dec.set_position(dec.position() + 1);
            }
        }
    }

    fn body_json(response: &HttpResponse) -> serde_json::Value {
        to_json(&mut Decoder::new(response.body.buffered().unwrap()))
    }

    fn vector_json(base64_body: &str) -> serde_json::Value {
        to_json(&mut Decoder::new(&b64(base64_body)))
    }

    #[test]
    fn resolves_operations_from_the_path() {
        let headers = &[("smithy-protocol", "rpc-v2-cbor")];
        for path in [
            "/service/RpcV2Protocol/operation/SimpleScalarProperties",
            "/v1/prefix/service/RpcV2Protocol/operation/SimpleScalarProperties",
            "/service/smithy.protocoltests.rpcv2Cbor.RpcV2Protocol/operation/SimpleScalarProperties",
        ] {
            assert_eq!(
                operation(&RPC_SCHEMA, &request(path, headers, b"")),
                Ok(op_index("SimpleScalarProperties")),
                "{path}"
            );
        }
        for path in [
            "/service/Other/operation/SimpleScalarProperties",
            "/service/RpcV2Protocol/operation/Nope",
            "/service/RpcV2Protocol/operation/",
            "/service/RpcV2Protocol/operations/SimpleScalarProperties",
            "/RpcV2Protocol/operation/SimpleScalarProperties",
            "/service/RpcV2Protocol/operation/smithy.protocoltests.rpcv2Cbor.SimpleScalarProperties",
            "/",
        ] {
            assert!(
                matches!(operation(&RPC_SCHEMA, &request(path, headers, b"")), Err(DecodeError::UnknownOperation(_))),
                "{path}"
            );
        }
    }

    #[test]
    fn requires_post_and_the_protocol_header_without_a_target() {
        let path = "/service/RpcV2Protocol/operation/SimpleScalarProperties";
        let unclaimed =
            |req: HttpRequest| matches!(operation(&RPC_SCHEMA, &req), Err(DecodeError::UnknownOperation(_)));
        assert!(unclaimed(request(path, &[], b"")));
        assert!(unclaimed(request(path, &[("smithy-protocol", "rpc-v2-json")], b"")));
        assert!(unclaimed(request(
            path,
            &[("smithy-protocol", "rpc-v2-cbor"), ("x-amz-target", "RpcV2Protocol.SimpleScalarProperties")],
            b""
        )));
        let mut get = request(path, &[("smithy-protocol", "rpc-v2-cbor")], b"");
        get.method = Method::GET;
        assert!(unclaimed(get));
    }

    #[test]
    fn decodes_protocol_test_bodies() {
        let op = op_index("SimpleScalarProperties");
        let body = b64("v2lieXRlVmFsdWUFa2RvdWJsZVZhbHVl+z/+OVgQYk3TcWZhbHNlQm9vbGVhblZhbHVl9GpmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAaWxvbmdWYWx1ZRkmkWpzaG9ydFZhbHVlGSaqa3N0cmluZ1ZhbHVlZnNpbXBsZXB0cnVlQm9vbGVhblZhbHVl9WlibG9iVmFsdWVDZm9v/w==");
        let value = decode(&RPC_SCHEMA, op, &request("/", CBOR_HEADERS, &body)).unwrap();
        assert_eq!(value.field(scalar("stringValue")), Some(&Value::Str("simple".into())));
        assert_eq!(value.field(scalar("doubleValue")), Some(&Value::Float(1.889)));
        // No Accept header is fine.
        let no_accept = &CBOR_HEADERS[..2];
        assert!(decode(&RPC_SCHEMA, op, &request("/", no_accept, &body)).is_ok());
    }

    #[test]
    fn empty_bodies_are_empty_inputs() {
        for name in ["EmptyInputAndEmptyOutput", "NoInputAndNoOutput", "OperationWithDefaults"] {
            let op = op_index(name);
            assert_eq!(decode(&RPC_SCHEMA, op, &request("/", CBOR_HEADERS, b"")), Ok(Value::Struct(vec![])), "{name}");
            let no_content_type = &[("smithy-protocol", "rpc-v2-cbor"), ("accept", "application/cbor")];
            assert_eq!(
                decode(&RPC_SCHEMA, op, &request("/", no_content_type, b"")),
                Ok(Value::Struct(vec![])),
                "{name}"
            );
            assert_eq!(
                decode(&RPC_SCHEMA, op, &request("/", CBOR_HEADERS, &b64("v/8="))),
                Ok(Value::Struct(vec![])),
                "{name}"
            );
        }
        let no_input = op_index("NoInputAndNoOutput");
        assert!(matches!(
            decode(&RPC_SCHEMA, no_input, &request("/", CBOR_HEADERS, &[0x80])),
            Err(DecodeError::Serialization(_))
        ));
    }

    #[test]
    fn checks_content_type_and_accept() {
        let op = op_index("SimpleScalarProperties");
        let json_body = [("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/json")];
        assert!(matches!(
            decode(&RPC_SCHEMA, op, &request("/", &json_body, &[0xa0])),
            Err(DecodeError::UnsupportedMediaType(_))
        ));
        let unlabelled = [("smithy-protocol", "rpc-v2-cbor")];
        assert!(matches!(
            decode(&RPC_SCHEMA, op, &request("/", &unlabelled, &[0xa0])),
            Err(DecodeError::UnsupportedMediaType(_))
        ));
        let with_params = [("content-type", "Application/CBOR; charset=binary")];
        assert!(decode(&RPC_SCHEMA, op, &request("/", &with_params, &[0xa0])).is_ok());
        let wants_json = [("content-type", "application/cbor"), ("accept", "application/json")];
        assert!(matches!(
            decode(&RPC_SCHEMA, op, &request("/", &wants_json, &[0xa0])),
            Err(DecodeError::NotAcceptable(_))
        ));
        for accept in ["*/*", "application/*", "text/html, application/cbor;q=0.9"] {
            let headers = [("content-type", "application/cbor"), ("accept", accept)];
            assert!(decode(&RPC_SCHEMA, op, &request("/", &headers, &[0xa0])).is_ok(), "{accept}");
        }
        let broken = decode(&RPC_SCHEMA, op, &request("/", CBOR_HEADERS, &[0xbf, 0x61]));
        assert!(matches!(broken, Err(DecodeError::Serialization(_))));
    }

    #[test]
    fn encodes_outputs() {
        let op = op_index("SimpleScalarProperties");
        let output = Value::Struct(vec![
            (scalar("stringValue"), Value::Str("simple".into())),
            (scalar("floatValue"), Value::Float(7.625)),
        ]);
        let response = encode_output(&RPC_SCHEMA, op, output);
        assert_eq!(response.status, 200);
        assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
        assert_eq!(header(&response, "content-type"), Some("application/cbor"));
        assert_eq!(body_json(&response), serde_json::json!({"stringValue": "simple", "floatValue": 7.625}));

        let empty = encode_output(&RPC_SCHEMA, op_index("EmptyInputAndEmptyOutput"), Value::Struct(vec![]));
        assert_eq!(body_json(&empty), vector_json("v/8="));
        assert_eq!(header(&empty, "content-type"), Some("application/cbor"));

        let unit = encode_output(&RPC_SCHEMA, op_index("NoInputAndNoOutput"), Value::Struct(vec![]));
        assert_eq!(header(&unit, "smithy-protocol"), Some("rpc-v2-cbor"));
        assert_eq!(header(&unit, "content-type"), None);
        assert!(unit.body.buffered().unwrap().is_empty());
    }

    #[test]
    fn matches_the_protocol_test_response_vectors() {
        let op = op_index("SimpleScalarProperties");
        let output = Value::Struct(vec![
            (scalar("trueBooleanValue"), Value::Bool(true)),
            (scalar("falseBooleanValue"), Value::Bool(false)),
            (scalar("byteValue"), Value::Int(5)),
            (scalar("doubleValue"), Value::Float(1.889)),
            (scalar("floatValue"), Value::Float(7.625)),
            (scalar("integerValue"), Value::Int(256)),
            (scalar("shortValue"), Value::Int(9898)),
            (scalar("stringValue"), Value::Str("simple".into())),
            (scalar("blobValue"), Value::Blob(Bytes::from_static(b"foo"))),
        ]);
        let expected = vector_json("v3B0cnVlQm9vbGVhblZhbHVl9XFmYWxzZUJvb2xlYW5WYWx1ZfRpYnl0ZVZhbHVlBWtkb3VibGVWYWx1Zfs//jlYEGJN02pmbG9hdFZhbHVl+kD0AABsaW50ZWdlclZhbHVlGQEAanNob3J0VmFsdWUZJqprc3RyaW5nVmFsdWVmc2ltcGxlaWJsb2JWYWx1ZUNmb2//");
        assert_eq!(body_json(&encode_output(&RPC_SCHEMA, op, output)), expected);

        let null_member = Value::Struct(vec![(scalar("stringValue"), Value::Null)]);
        assert_eq!(body_json(&encode_output(&RPC_SCHEMA, op, null_member)), vector_json("v/8="));
    }

    fn modeled(shape: u32, value: Value, query_code: Option<&'static str>) -> RenderedError {
        RenderedError {
            code: RPC_SCHEMA.shape(shape).name.into(),
            query_code: query_code.map(Into::into),
            status: 400,
            fault: Fault::Client,
            message: None,
            shape: Some(shape),
            value,
            fields: Vec::new(),
        }
    }

    #[test]
    fn encodes_errors_like_the_protocol_tests() {
        let nested = Value::Struct(vec![(0, Value::Str("bar".into()))]);
        let complex =
            modeled(COMPLEX_ERROR, Value::Struct(vec![(0, Value::Str("Top level".into())), (1, nested)]), None);
        let response = encode_error(&RPC_SCHEMA, &complex);
        assert_eq!(response.status, 400);
        assert_eq!(header(&response, "smithy-protocol"), Some("rpc-v2-cbor"));
        assert_eq!(header(&response, "content-type"), Some("application/cbor"));
        assert_eq!(
            body_json(&response),
            vector_json("v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3JoVG9wTGV2ZWxpVG9wIGxldmVsZk5lc3RlZL9jRm9vY2Jhcv//")
        );
        let empty = encode_error(&RPC_SCHEMA, &modeled(COMPLEX_ERROR, Value::Null, None));
        assert_eq!(
            body_json(&empty),
            vector_json("v2ZfX3R5cGV4K3NtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNDb21wbGV4RXJyb3L/")
        );
        let greeting = modeled(INVALID_GREETING, Value::Struct(vec![(0, Value::Str("Hi".into()))]), None);
        assert_eq!(
            body_json(&encode_error(&RPC_SCHEMA, &greeting)),
            vector_json("v2ZfX3R5cGV4LnNtaXRoeS5wcm90b2NvbHRlc3RzLnJwY3YyQ2JvciNJbnZhbGlkR3JlZXRpbmdnTWVzc2FnZWJIaf8=")
        );
    }

    #[test]
    fn query_compatible_errors_carry_the_query_error_header() {
        let message = Value::Struct(vec![(0, Value::Str("Hi".into()))]);
        let custom = encode_error(&QUERY_RPC_SCHEMA, &modeled(CUSTOM_CODE_ERROR, message, Some("Customized")));
        assert_eq!(header(&custom, "x-amzn-query-error"), Some("Customized;Sender"));
        assert_eq!(
            body_json(&custom),
            vector_json("uQACZl9fdHlwZXgrYXdzLnByb3RvY29sdGVzdHMucnBjdjJjYm9yI0N1c3RvbUNvZGVFcnJvcmdtZXNzYWdlYkhp")
        );
        let plain = encode_error(&QUERY_RPC_SCHEMA, &modeled(INVALID_GREETING, Value::Null, None));
        assert_eq!(header(&plain, "x-amzn-query-error"), None);
    }

    #[test]
    fn unmodeled_errors_get_a_namespaced_type_and_message() {
        let err = RenderedError {
            code: "UnknownOperationException".into(),
            query_code: None,
            status: 404,
            fault: Fault::Client,
            message: Some("no such operation".into()),
            shape: None,
            value: Value::Null,
            fields: Vec::new(),
        };
        let response = encode_error(&RPC_SCHEMA, &err);
        assert_eq!(response.status, 404);
        assert_eq!(
            body_json(&response),
            serde_json::json!({"__type": "smithy.protocoltests.rpcv2Cbor#UnknownOperationException", "message": "no such operation"})
        );
    }
}
