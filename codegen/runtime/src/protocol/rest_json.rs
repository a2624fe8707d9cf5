//! restJson1: HTTP bindings from `rest`, JSON documents for the body.
//!
//! Requests are checked the way Smithy's malformed-request tests define: a body must
//! come with the media type the operation reads (`application/json` for documents,
//! `text/plain` for string payloads, the `@mediaType` of a payload that has one), an
//! operation that reads no body refuses a typed one, and an `Accept` header must allow
//! what the operation answers with. Errors carry their code in `X-Amzn-Errortype` and
//! their members (or `message`) in a JSON body.

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::HeaderValue;

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::json::{self, JsonSettings};
use crate::protocol::rest::{self, Bindings, DocumentCodec, PayloadKind, ResponseShape};
use crate::protocol::router::Labels;
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{Member, Operation, Schema, ShapeId, ShapeKind};
use crate::stream::ByteStream;
use crate::value::Value;

const JSON: &str = "application/json";

/// JSON documents with `@jsonName`.
pub struct JsonCodec;

impl DocumentCodec for JsonCodec {
    const MEDIA_TYPE: &'static str = JSON;
    const DOCUMENT_WITHOUT_BODY_MEMBERS: bool = true;

    fn read_members(&self, schema: &Schema, shape: ShapeId, body: &[u8]) -> Result<Value, DecodeError> {
        json::read_body(schema, shape, body, JsonSettings::REST_JSON, true)
    }

    fn read_payload(&self, schema: &Schema, member: &'static Member, body: &[u8]) -> Result<Value, DecodeError> {
        let value = json::read_value_slice(schema, member.target, Some(member), body, JsonSettings::REST_JSON)?;
        // `{}` for a structure payload carries nothing: the payload is absent.
        let is_structure = matches!(schema.shape(member.target).kind, ShapeKind::Structure { .. });
        Ok(match value {
            Value::Struct(fields) if is_structure && fields.is_empty() => Value::Null,
            value => value,
        })
    }

    fn write_members(&self, schema: &Schema, shape: ShapeId, value: &Value) -> Vec<u8> {
        json::write_body(schema, shape, value, JsonSettings::REST_JSON, true)
    }

    fn write_payload(&self, schema: &Schema, member: &'static Member, value: &Value) -> Vec<u8> {
        // Mirrors reading: an empty structure payload is no payload.
        let is_structure = matches!(schema.shape(member.target).kind, ShapeKind::Structure { .. });
        if is_structure && matches!(value, Value::Struct(fields) if fields.is_empty()) {
            return Vec::new();
        }
        json::write_value(schema, member.target, Some(member), value, JsonSettings::REST_JSON)
    }
}

/// `labels`: the URI labels, when routing decoded them already.
pub fn decode(schema: &Schema, op: usize, req: &HttpRequest, labels: Option<Labels>) -> Result<Value, DecodeError> {
    let operation = &schema.operations[op];
    let bindings = rest::operation_bindings(schema, op);
    check_content_type(schema, operation, &bindings.input, req)?;
    check_accept(schema, operation, &bindings.output, req)?;
    if operation.unit_input {
        return Ok(Value::Struct(Vec::new()));
    }
    rest::decode_input(schema, op, req, labels, &JsonCodec)
}

pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let operation = &schema.operations[op];
    let bindings = &rest::operation_bindings(schema, op).output;
    rest::encode_output(schema, operation.output, bindings, output, response_shape(operation), &JsonCodec)
}

pub fn encode_error(schema: &Schema, err: &RenderedError) -> HttpResponse {
    let mut response = HttpResponse::new(err.status);
    if err.status != 304 {
        let body = json::write_error_document(schema, err, None, JsonSettings::REST_JSON, true);
        response.body = ByteStream::Buffered(Bytes::from(body));
        response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    }
    response.set_header("x-amzn-errortype", &err.code);
    if schema.service.query_compatible {
        if let Some(code) = &err.query_code {
            response.set_header("x-amzn-query-error", &format!("{code};{}", err.fault_name()));
        }
    }
    if let Some(shape) = err.shape {
        rest::write_headers(schema, shape, &Bindings::of_response(schema, shape), &err.value, &mut response);
    }
    response
}

pub(crate) fn response_shape(operation: &Operation) -> ResponseShape {
    let http = operation.http.as_ref();
    ResponseShape {
        unit: operation.unit_output,
        status: http.map(|h| h.code).unwrap_or(200),
        head: http.is_some_and(|h| h.method.eq_ignore_ascii_case("HEAD")),
    }
}

/// What the request body must be labelled with, if anything.
enum ExpectedBody {
    /// The operation reads no body: a typed body is refused.
    Nothing,
    /// Any media type (blobs without `@mediaType`).
    Anything,
    MediaType(&'static str),
}

fn expected_body(schema: &Schema, operation: &Operation, bindings: &Bindings) -> ExpectedBody {
    if let Some(i) = bindings.payload {
        let member = &schema.shape(operation.input).kind.members()[i as usize];
        return match PayloadKind::of(schema, member).expected_media_type::<JsonCodec>() {
            Some(media_type) => ExpectedBody::MediaType(media_type),
            None => ExpectedBody::Anything,
        };
    }
    if operation.unit_input || bindings.body_members == 0 {
        ExpectedBody::Nothing
    } else {
        ExpectedBody::MediaType(JSON)
    }
}

/// `415 UnsupportedMediaType` for a body the operation cannot read as labelled.
fn check_content_type(
    schema: &Schema,
    operation: &Operation,
    bindings: &Bindings,
    req: &HttpRequest,
) -> Result<(), DecodeError> {
    // An input structure without any member reads nothing and refuses nothing.
    if !operation.unit_input && schema.shape(operation.input).kind.members().is_empty() {
        return Ok(());
    }
    if req.body.is_empty() {
        return Ok(());
    }
    let content_type = req.content_type();
    let refused = match (expected_body(schema, operation, bindings), content_type.as_deref()) {
        (ExpectedBody::Anything, _) => false,
        (ExpectedBody::Nothing, actual) => actual.is_some(),
        // Blobs with a `@mediaType` may come unlabelled; text and documents may not.
        (ExpectedBody::MediaType(_), None) => !is_blob_payload(schema, operation, bindings),
        (ExpectedBody::MediaType(expected), Some(actual)) => !media_type_matches(actual, expected),
    };
    if refused {
        return Err(DecodeError::UnsupportedMediaType(format!(
            "{} does not accept a body of type {}",
            operation.name,
            content_type.as_deref().unwrap_or("(none)")
        )));
    }
    Ok(())
}

fn is_blob_payload(schema: &Schema, operation: &Operation, bindings: &Bindings) -> bool {
    bindings.payload.is_some_and(|i| {
        let member = &schema.shape(operation.input).kind.members()[i as usize];
        matches!(PayloadKind::of(schema, member), PayloadKind::Blob { .. })
    })
}

/// `406 NotAcceptable` when `Accept` rules out what the operation answers with.
fn check_accept(
    schema: &Schema,
    operation: &Operation,
    output: &Bindings,
    req: &HttpRequest,
) -> Result<(), DecodeError> {
    let Some(accept) = req.header("accept") else { return Ok(()) };
    if operation.unit_output {
        return Ok(());
    }
    let produced = match output.payload {
        Some(i) => {
            let member = &schema.shape(operation.output).kind.members()[i as usize];
            PayloadKind::of(schema, member).expected_media_type::<JsonCodec>()
        }
        None => Some(JSON),
    };
    match produced {
        Some(media_type) if !accepts(accept, media_type) => Err(DecodeError::NotAcceptable(format!(
            "{} answers with {media_type}, which Accept: {accept} does not allow",
            operation.name
        ))),
        _ => Ok(()),
    }
}

/// Whether an `Accept` header allows `media_type`: an exact range, `type/*` or `*/*`.
fn accepts(accept: &str, media_type: &str) -> bool {
    let (kind, _) = media_type.split_once('/').unwrap_or((media_type, ""));
    accept.split(',').any(|range| {
        let range = range.split(';').next().unwrap_or("").trim();
        range == "*/*"
            || range.strip_suffix("/*").is_some_and(|k| k.eq_ignore_ascii_case(kind))
            || media_type_matches(range, media_type)
    })
}

/// Media types match ignoring case and parameters; SDKs that label restJson bodies with
/// the awsJson media types are let through.
fn media_type_matches(actual: &str, expected: &str) -> bool {
    rest::media_type_is(actual, expected)
        || (expected == JSON && actual.to_ascii_lowercase().starts_with("application/x-amz-json-1."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Fault, HttpBinding, HttpTrait, Protocol, ServiceInfo, Shape, ValidationStyle};
    use http::Method;
    use std::borrow::Cow;

    const fn m(name: &'static str, target: ShapeId, http: HttpBinding) -> Member {
        Member { name, target, http, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn op(name: &'static str, input: ShapeId, output: ShapeId, unit: bool, uri: &'static str) -> Operation {
        Operation {
            name,
            input,
            output,
            errors: &[],
            http: Some(HttpTrait { method: "POST", uri, code: 200 }),
            unit_input: unit,
            unit_output: unit,
        }
    }

    const STRING: ShapeId = 0;
    const JPEG: ShapeId = 1;
    const BLOB: ShapeId = 2;
    const EMPTY: ShapeId = 3;
    const GREETING: ShapeId = 4;
    const HEADER_ONLY: ShapeId = 5;
    const TEXT_PAYLOAD: ShapeId = 6;
    const JPEG_PAYLOAD: ShapeId = 7;
    const BLOB_PAYLOAD: ShapeId = 8;
    const COMPLEX_ERROR: ShapeId = 9;
    const NESTED_PAYLOAD: ShapeId = 10;

    static SHAPES: [Shape; 11] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape("JpegBlob", ShapeKind::Blob { streaming: false, media_type: Some("image/jpeg") }),
        shape("Blob", ShapeKind::Blob { streaming: false, media_type: None }),
        shape("Empty", ShapeKind::Structure { members: &[] }),
        shape("GreetingStruct", ShapeKind::Structure { members: &[m("hi", STRING, HttpBinding::Body)] }),
        shape("HeaderOnly", ShapeKind::Structure { members: &[m("header", STRING, HttpBinding::Header("header"))] }),
        shape("TextPayload", ShapeKind::Structure { members: &[m("payload", STRING, HttpBinding::Payload)] }),
        shape("JpegPayload", ShapeKind::Structure { members: &[m("payload", JPEG, HttpBinding::Payload)] }),
        shape("BlobPayload", ShapeKind::Structure { members: &[m("blob", BLOB, HttpBinding::Payload)] }),
        Shape {
            error: Some(crate::schema::ErrorInfo {
                fault: Fault::Client,
                http_status: 403,
                query_code: None,
                query_status: None,
            }),
            internal_values: &[],
            ..shape(
                "ComplexError",
                ShapeKind::Structure {
                    members: &[
                        m("Header", STRING, HttpBinding::Header("X-Header")),
                        m("TopLevel", STRING, HttpBinding::Body),
                    ],
                },
            )
        },
        shape("NestedPayload", ShapeKind::Structure { members: &[m("nested", GREETING, HttpBinding::Payload)] }),
    ];

    static OPERATIONS: [Operation; 9] = [
        op("Blob", BLOB_PAYLOAD, BLOB_PAYLOAD, false, "/blob"),
        op("EmptyInput", EMPTY, EMPTY, false, "/empty"),
        op("Greeting", GREETING, GREETING, false, "/greeting"),
        op("HeaderOnly", HEADER_ONLY, HEADER_ONLY, false, "/header"),
        op("Jpeg", JPEG_PAYLOAD, JPEG_PAYLOAD, false, "/jpeg"),
        op("Nested", NESTED_PAYLOAD, NESTED_PAYLOAD, false, "/nested"),
        op("NoInput", EMPTY, EMPTY, true, "/none"),
        op("OutputGreeting", EMPTY, GREETING, false, "/output"),
        op("Text", TEXT_PAYLOAD, TEXT_PAYLOAD, false, "/text"),
    ];

    static SCHEMA: Schema = Schema {
        service: ServiceInfo {
            name: "restjson",
            shape_name: "RestJson",
            namespace: "test",
            version: "1",
            signing_name: "restjson",
            target_prefix: "",
            protocols: &[Protocol::RestJson1],
            query_compatible: false,
            xml_namespace: None,
            xml_no_error_wrapping: false,
            validation: ValidationStyle::SmithyFramework,
            validation_code: "ValidationException",
        },
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    fn request(uri: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
        let mut req = HttpRequest::new(Method::POST, uri);
        for (name, value) in headers {
            req.headers
                .insert(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        req.body = Bytes::from(body.to_owned());
        req
    }

    fn op_index(name: &str) -> usize {
        SCHEMA.operation(name).unwrap().0
    }

    fn decode_op(name: &str, headers: &[(&str, &str)], body: &str) -> Result<Value, DecodeError> {
        let uri = OPERATIONS[op_index(name)].http.as_ref().unwrap().uri;
        decode(&SCHEMA, op_index(name), &request(uri, headers, body), None)
    }

    fn body_text(response: &HttpResponse) -> &str {
        std::str::from_utf8(response.body.buffered().unwrap()).unwrap()
    }

    #[test]
    fn content_type_rules() {
        let json = [("content-type", "application/json")];
        assert!(decode_op("Greeting", &json, r#"{"hi":"there"}"#).is_ok());
        assert!(decode_op("Greeting", &[("content-type", "application/json; charset=utf-8")], "{}").is_ok());
        assert!(decode_op("Greeting", &[], "").is_ok());
        for headers in [&[("content-type", "application/hal+json")][..], &[][..]] {
            assert!(matches!(decode_op("Greeting", headers, "{}"), Err(DecodeError::UnsupportedMediaType(_))));
        }
        // No body members: a typed body is refused; an input without members accepts one.
        assert!(matches!(decode_op("HeaderOnly", &json, "{}"), Err(DecodeError::UnsupportedMediaType(_))));
        assert!(matches!(decode_op("NoInput", &json, "{}"), Err(DecodeError::UnsupportedMediaType(_))));
        assert!(decode_op("EmptyInput", &json, "{}").is_ok());
        // Payloads: text needs text/plain, a @mediaType blob its type, other blobs anything.
        assert!(matches!(decode_op("Text", &[], "raw"), Err(DecodeError::UnsupportedMediaType(_))));
        assert!(matches!(decode_op("Text", &json, "raw"), Err(DecodeError::UnsupportedMediaType(_))));
        assert_eq!(
            decode_op("Text", &[("content-type", "text/plain")], "raw").unwrap(),
            Value::Struct(vec![(0, Value::Str("raw".into()))])
        );
        assert!(matches!(decode_op("Jpeg", &json, "{}"), Err(DecodeError::UnsupportedMediaType(_))));
        assert!(decode_op("Jpeg", &[("content-type", "image/jpeg")], "jpeg").is_ok());
        assert!(decode_op("Blob", &[("content-type", "image/jpeg")], "jpeg").is_ok());
        assert!(decode_op("Blob", &[], "jpeg").is_ok());
    }

    #[test]
    fn accept_rules() {
        for accept in ["application/json", "application/*", "*/*", "text/html, application/json;q=0.9"] {
            assert!(decode_op("OutputGreeting", &[("accept", accept)], "").is_ok(), "{accept}");
        }
        assert!(matches!(
            decode_op("OutputGreeting", &[("accept", "application/hal+json")], ""),
            Err(DecodeError::NotAcceptable(_))
        ));
        assert!(matches!(decode_op("Text", &[("accept", "application/json")], ""), Err(DecodeError::NotAcceptable(_))));
        assert!(matches!(decode_op("Jpeg", &[("accept", "application/json")], ""), Err(DecodeError::NotAcceptable(_))));
        assert!(decode_op("Blob", &[("accept", "image/jpeg")], "").is_ok());
        assert!(decode_op("NoInput", &[("accept", "application/json")], "").is_ok());
    }

    #[test]
    fn outputs() {
        let response = encode_output(&SCHEMA, op_index("HeaderOnly"), Value::Struct(vec![(0, Value::Str("h".into()))]));
        assert_eq!(body_text(&response), "{}");
        assert_eq!(response.headers.get("content-type").unwrap(), JSON);
        assert_eq!(response.headers.get("header").unwrap(), "h");
        let response = encode_output(&SCHEMA, op_index("NoInput"), Value::Struct(vec![]));
        assert_eq!((body_text(&response), response.headers.get("content-type")), ("", None));
        let response = encode_output(&SCHEMA, op_index("Text"), Value::Struct(vec![(0, Value::Str("raw".into()))]));
        assert_eq!(
            (body_text(&response), response.headers.get("content-type").unwrap().to_str().unwrap()),
            ("raw", "text/plain")
        );
    }

    #[test]
    fn structure_payloads() {
        let json = [("content-type", "application/json")];
        let hi = Value::Struct(vec![(0, Value::Struct(vec![(0, Value::Str("there".into()))]))]);
        assert_eq!(decode_op("Nested", &json, r#"{"hi":"there"}"#).unwrap(), hi);
        // `{}` is no payload, both ways.
        assert_eq!(decode_op("Nested", &json, "{}").unwrap(), Value::Struct(vec![]));
        let response = encode_output(&SCHEMA, op_index("Nested"), Value::Struct(vec![(0, Value::Struct(vec![]))]));
        assert_eq!((body_text(&response), response.headers.get("content-type")), ("", None));
        let response = encode_output(&SCHEMA, op_index("Nested"), hi);
        assert_eq!(body_text(&response), r#"{"hi":"there"}"#);
        assert_eq!(response.headers.get("content-type").unwrap(), JSON);
    }

    #[test]
    fn errors() {
        let err = RenderedError {
            code: Cow::Borrowed("ComplexError"),
            query_code: None,
            status: 403,
            fault: Fault::Client,
            message: None,
            shape: Some(COMPLEX_ERROR),
            value: Value::Struct(vec![(0, Value::Str("Header".into())), (1, Value::Str("Top level".into()))]),
            fields: Vec::new(),
        };
        let response = encode_error(&SCHEMA, &err);
        assert_eq!(response.status, 403);
        assert_eq!(response.headers.get("x-amzn-errortype").unwrap(), "ComplexError");
        assert_eq!(response.headers.get("x-header").unwrap(), "Header");
        let body: serde_json::Value = serde_json::from_str(body_text(&response)).unwrap();
        assert_eq!(body, serde_json::json!({"TopLevel": "Top level"}));

        let err = RenderedError {
            code: Cow::Borrowed("SerializationException"),
            message: Some("bad".into()),
            shape: None,
            value: Value::Null,
            status: 400,
            ..err
        };
        let response = encode_error(&SCHEMA, &err);
        let body: serde_json::Value = serde_json::from_str(body_text(&response)).unwrap();
        assert_eq!(body, serde_json::json!({"message": "bad"}));
        assert_eq!(response.headers.get("x-amzn-errortype").unwrap(), "SerializationException");
    }
}
