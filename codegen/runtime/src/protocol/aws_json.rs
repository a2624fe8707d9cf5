//! awsJson1_0 and awsJson1_1: `POST /` with `X-Amz-Target: Prefix.Operation`, JSON
//! documents, `__type` error envelopes (plus `x-amzn-query-error` for
//! awsQueryCompatible services).
//!
//! The two versions differ only in the `Content-Type` they send and in `__type`: 1.0
//! servers send the error's absolute shape id (`ns#Name`), 1.1 servers its name. Clients
//! accept either, and accept any of the JSON content types, so requests are not checked
//! for it.

use std::borrow::Cow;

use bytes::Bytes;

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::json::{self, JsonSettings};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{Protocol, Schema};
use crate::value::Value;

/// awsJson ignores `@jsonName`.
const SETTINGS: JsonSettings = JsonSettings::AWS_JSON;

/// The operation named by `X-Amz-Target`.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    let target = req
        .header(&crate::http::names::X_AMZ_TARGET)
        .ok_or_else(|| DecodeError::UnknownOperation("missing X-Amz-Target header".to_owned()))?;
    operation_for_target(schema, target)
}

/// The operation a `X-Amz-Target` value (`Prefix.Operation`) names: for a caller that
/// has read the header already (the gateway, routing by it).
pub fn operation_for_target(schema: &Schema, target: &str) -> Result<usize, DecodeError> {
    let name = target
        .strip_prefix(schema.service.target_prefix)
        .and_then(|rest| rest.strip_prefix('.'))
        .ok_or_else(|| DecodeError::UnknownOperation(format!("unrecognized X-Amz-Target: {target}")))?;
    schema
        .operation(name)
        .map(|(index, _)| index)
        .ok_or_else(|| DecodeError::UnknownOperation(format!("unknown operation: {target}")))
}

/// Reads the input document. An empty body is `{}`; operations without input still
/// require a well-formed body when one is sent.
pub fn decode(schema: &Schema, _protocol: Protocol, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let operation = &schema.operations[op];
    if operation.unit_input {
        json::validate_object(&req.body)?;
        return Ok(Value::Struct(Vec::new()));
    }
    json::read_body(schema, operation.input, &req.body, SETTINGS, false)
}

/// 200 with the output document; operations without output send an empty body (but
/// still the content type, which clients use to detect the protocol).
pub fn encode_output(schema: &Schema, protocol: Protocol, op: usize, output: Value) -> HttpResponse {
    let operation = &schema.operations[op];
    let body = if operation.unit_output {
        Bytes::new()
    } else {
        Bytes::from(json::write_body(schema, operation.output, &output, SETTINGS, false))
    };
    HttpResponse::with_body(200, content_type(protocol), body)
}

/// `{"__type": ..., "message"?: ..., members...}` with the error's status.
pub fn encode_error(schema: &Schema, protocol: Protocol, err: &RenderedError) -> HttpResponse {
    let error_type = error_type(schema, protocol, err);
    let body = json::write_error_document(schema, err, Some(&error_type), SETTINGS, false);
    let mut response = HttpResponse::with_body(err.status, content_type(protocol), body);
    if let Some(header) = query_error_header(schema, err) {
        response.set_header("x-amzn-query-error", &header);
    }
    response
}

fn content_type(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
        _ => "application/x-amz-json-1.0",
    }
}

/// The `__type` value: the absolute shape id under awsJson1_0, the bare name under 1.1.
fn error_type<'e>(schema: &Schema, protocol: Protocol, err: &'e RenderedError) -> Cow<'e, str> {
    match protocol {
        Protocol::AwsJson1_1 => Cow::Borrowed(error_name(&err.code)),
        _ => absolute_error_id(schema, &err.code),
    }
}

/// The code after any `namespace#` prefix.
fn error_name(code: &str) -> &str {
    code.rsplit_once('#').map_or(code, |(_, name)| name)
}

/// `namespace#Code` for a code that is not already an absolute shape id. Modelled errors
/// live in the service's namespace; unmodelled codes are reported as if they did.
pub(crate) fn absolute_error_id<'e>(schema: &Schema, code: &'e str) -> Cow<'e, str> {
    if code.contains('#') {
        Cow::Borrowed(code)
    } else {
        Cow::Owned(format!("{}#{}", schema.service.namespace, code))
    }
}

/// `x-amzn-query-error: Code;Sender|Receiver` for awsQueryCompatible services, when the
/// error has an `@awsQueryError` code to carry.
pub(crate) fn query_error_header(schema: &Schema, err: &RenderedError) -> Option<String> {
    if !schema.service.query_compatible {
        return None;
    }
    let code = err.query_code.as_deref()?;
    Some(format!("{code};{}", err.fault_name()))
}

#[cfg(test)]
mod tests {
    use http::Method;

    use super::*;
    use crate::protocol::json::fixture::*;
    use crate::schema::Fault;

    fn request(target: Option<&str>, body: &str) -> HttpRequest {
        let mut req = HttpRequest::new(Method::POST, "/");
        req.headers.insert("content-type", "application/x-amz-json-1.0".parse().unwrap());
        if let Some(target) = target {
            req.headers.insert("x-amz-target", target.parse().unwrap());
        }
        req.body = Bytes::copy_from_slice(body.as_bytes());
        req
    }

    fn op_index(name: &str) -> usize {
        SCHEMA.operation(name).unwrap().0
    }

    fn body_json(response: &HttpResponse) -> serde_json::Value {
        serde_json::from_slice(response.body.buffered().unwrap()).unwrap()
    }

    fn header<'r>(response: &'r HttpResponse, name: &str) -> Option<&'r str> {
        response.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn modeled(shape: u32, value: Value, query_code: Option<&'static str>) -> RenderedError {
        let s = SCHEMA.shape(shape);
        RenderedError {
            code: s.name.into(),
            query_code: query_code.map(Into::into),
            status: 400,
            fault: Fault::Client,
            message: None,
            shape: Some(shape),
            value,
            fields: Vec::new(),
        }
    }

    fn unmodeled(code: &'static str, status: u16, message: &str) -> RenderedError {
        RenderedError {
            code: code.into(),
            query_code: None,
            status,
            fault: if status >= 500 { Fault::Server } else { Fault::Client },
            message: Some(message.to_owned()),
            shape: None,
            value: Value::Null,
            fields: Vec::new(),
        }
    }

    #[test]
    fn resolves_operations_from_the_target_header() {
        let req = request(Some("JsonRpc10.KitchenSinkOperation"), "{}");
        assert_eq!(operation(&SCHEMA, &req), Ok(op_index("KitchenSinkOperation")));
        for bad in [
            None,
            Some("JsonRpc10.Nope"),
            Some("Other.KitchenSinkOperation"),
            Some("JsonRpc10KitchenSinkOperation"),
            Some("JsonRpc10."),
        ] {
            assert!(
                matches!(operation(&SCHEMA, &request(bad, "{}")), Err(DecodeError::UnknownOperation(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn decodes_input_whatever_the_json_content_type() {
        let mut req = request(Some("JsonRpc10.KitchenSinkOperation"), r#"{"Integer":5,"renamed":"x"}"#);
        req.headers.insert("content-type", "application/x-amz-json-1.0; charset=utf-8".parse().unwrap());
        let op = op_index("KitchenSinkOperation");
        let expected = Value::Struct(vec![(ks("Integer"), Value::Int(5))]);
        assert_eq!(decode(&SCHEMA, Protocol::AwsJson1_0, op, &req), Ok(expected));
        req.headers.insert("content-type", "application/json".parse().unwrap());
        assert!(decode(&SCHEMA, Protocol::AwsJson1_1, op, &req).is_ok());
        let broken = request(Some("JsonRpc10.KitchenSinkOperation"), "{");
        assert!(matches!(decode(&SCHEMA, Protocol::AwsJson1_0, op, &broken), Err(DecodeError::Serialization(_))));
    }

    #[test]
    fn accepts_empty_bodies() {
        let no_input = op_index("NoInputAndNoOutput");
        for body in ["", "{}"] {
            assert_eq!(
                decode(&SCHEMA, Protocol::AwsJson1_0, no_input, &request(None, body)),
                Ok(Value::Struct(vec![]))
            );
        }
        assert!(decode(&SCHEMA, Protocol::AwsJson1_0, no_input, &request(None, "[]")).is_err());
        let empty = decode(&SCHEMA, Protocol::AwsJson1_0, op_index("OperationWithDefaults"), &request(None, ""));
        assert_eq!(empty, Ok(Value::Struct(vec![])));
    }

    #[test]
    fn outputs_carry_defaults_of_absent_members() {
        let response =
            encode_output(&SCHEMA, Protocol::AwsJson1_0, op_index("OperationWithDefaults"), Value::Struct(vec![]));
        let body = body_json(&response);
        assert_eq!(body["defaultString"], "hi");
        assert_eq!(body["defaultTimestamp"], 0);
        assert_eq!(body["defaultBlob"], "YWJj");
        assert_eq!(body["defaultDocumentString"], "hi");
        assert!(body.get("noDefault").is_none());
    }

    #[test]
    fn encodes_outputs_with_the_protocol_content_type() {
        let op = op_index("KitchenSinkOperation");
        let output =
            Value::Struct(vec![(ks("Double"), Value::Float(f64::NAN)), (ks("String"), Value::Str("s".into()))]);
        let response = encode_output(&SCHEMA, Protocol::AwsJson1_1, op, output);
        assert_eq!(response.status, 200);
        assert_eq!(header(&response, "content-type"), Some("application/x-amz-json-1.1"));
        assert_eq!(body_json(&response), serde_json::json!({"Double": "NaN", "String": "s"}));

        let empty =
            encode_output(&SCHEMA, Protocol::AwsJson1_0, op_index("EmptyInputAndEmptyOutput"), Value::Struct(vec![]));
        assert_eq!(header(&empty, "content-type"), Some("application/x-amz-json-1.0"));
        assert_eq!(empty.body.buffered().unwrap().as_ref(), b"{}");

        let unit = encode_output(&SCHEMA, Protocol::AwsJson1_0, op_index("NoInputAndNoOutput"), Value::Struct(vec![]));
        assert_eq!(header(&unit, "content-type"), Some("application/x-amz-json-1.0"));
        assert!(unit.body.buffered().unwrap().is_empty());
    }

    #[test]
    fn error_type_is_the_shape_id_in_1_0_and_the_name_in_1_1() {
        let nested = Value::Struct(vec![(0, Value::Str("bar".into()))]);
        let err = modeled(COMPLEX_ERROR, Value::Struct(vec![(0, Value::Str("Top level".into())), (1, nested)]), None);
        let v10 = encode_error(&SCHEMA, Protocol::AwsJson1_0, &err);
        assert_eq!(v10.status, 400);
        assert_eq!(header(&v10, "content-type"), Some("application/x-amz-json-1.0"));
        assert_eq!(
            body_json(&v10),
            serde_json::json!({"__type": "aws.protocoltests.json10#ComplexError", "TopLevel": "Top level", "Nested": {"Foo": "bar"}})
        );
        let v11 = encode_error(&SCHEMA, Protocol::AwsJson1_1, &err);
        assert_eq!(header(&v11, "content-type"), Some("application/x-amz-json-1.1"));
        assert_eq!(body_json(&v11)["__type"], "ComplexError");

        let empty = encode_error(&SCHEMA, Protocol::AwsJson1_1, &modeled(COMPLEX_ERROR, Value::Null, None));
        assert_eq!(body_json(&empty), serde_json::json!({"__type": "ComplexError"}));
        let greeting = modeled(INVALID_GREETING, Value::Struct(vec![(0, Value::Str("Hi".into()))]), None);
        assert_eq!(
            body_json(&encode_error(&SCHEMA, Protocol::AwsJson1_0, &greeting)),
            serde_json::json!({"__type": "aws.protocoltests.json10#InvalidGreeting", "Message": "Hi"})
        );
    }

    #[test]
    fn unmodeled_errors_carry_code_and_message() {
        let err = unmodeled("SerializationException", 400, "bad body");
        let v11 = encode_error(&SCHEMA, Protocol::AwsJson1_1, &err);
        assert_eq!(body_json(&v11), serde_json::json!({"__type": "SerializationException", "message": "bad body"}));
        let v10 = encode_error(&SCHEMA, Protocol::AwsJson1_0, &err);
        assert_eq!(body_json(&v10)["__type"], "aws.protocoltests.json10#SerializationException");
        let not_implemented = encode_error(&SCHEMA, Protocol::AwsJson1_0, &unmodeled("NotImplemented", 501, "later"));
        assert_eq!(not_implemented.status, 501);
        let qualified = unmodeled("com.amazon.coral.validate#ValidationException", 400, "no");
        assert_eq!(
            body_json(&encode_error(&SCHEMA, Protocol::AwsJson1_0, &qualified))["__type"],
            "com.amazon.coral.validate#ValidationException"
        );
        assert_eq!(
            body_json(&encode_error(&SCHEMA, Protocol::AwsJson1_1, &qualified))["__type"],
            "ValidationException"
        );
    }

    #[test]
    fn query_compatible_services_send_the_query_error_header() {
        let message = Value::Struct(vec![(0, Value::Str("Hi".into()))]);
        let custom = modeled(CUSTOM_CODE_ERROR, message, Some("Customized"));
        let response = encode_error(&QUERY_SCHEMA, Protocol::AwsJson1_0, &custom);
        assert_eq!(header(&response, "x-amzn-query-error"), Some("Customized;Sender"));
        assert_eq!(
            body_json(&response),
            serde_json::json!({"__type": "aws.protocoltests.json10#CustomCodeError", "message": "Hi"})
        );

        let plain = modeled(INVALID_GREETING, Value::Null, None);
        assert_eq!(header(&encode_error(&QUERY_SCHEMA, Protocol::AwsJson1_0, &plain), "x-amzn-query-error"), None);
        assert_eq!(header(&encode_error(&SCHEMA, Protocol::AwsJson1_0, &custom), "x-amzn-query-error"), None);

        let mut server = custom;
        server.fault = Fault::Server;
        assert_eq!(
            header(&encode_error(&QUERY_SCHEMA, Protocol::AwsJson1_0, &server), "x-amzn-query-error"),
            Some("Customized;Receiver")
        );
    }
}
