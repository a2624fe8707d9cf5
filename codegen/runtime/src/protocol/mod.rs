//! The protocol layer: from an HTTP request to a handler call and back.
//!
//! [`handle`] is the whole pipeline for one request to one service: resolve the
//! operation, decode the input with the protocol's codec, validate it against the
//! model's constraints, call the service, and encode the output or the error. Each
//! protocol module supplies the four protocol-specific steps; the document codecs
//! (`json`, `cbor`, `xml`, `query`) and the REST bindings (`rest`) are shared by them.

pub mod aws_json;
pub mod aws_query;
pub mod cbor;
pub mod chunked;
pub mod json;
pub mod query;
pub mod rest;
pub mod rest_json;
pub mod rest_xml;
pub mod router;
pub mod rpcv2_cbor;
pub mod xml;

use std::borrow::Cow;

use http::HeaderName;

use crate::context::RequestContext;
use crate::error::{CommonError, ServiceError, WireError};
use crate::http::{HttpRequest, HttpResponse};
use crate::schema::{Fault, Protocol, Schema, ShapeId, ValidationStyle};
use crate::service::Service;
use crate::stream::ByteStream;
use crate::validate::{self, Violation};
use crate::value::Value;

/// Why a request could not be turned into an operation input.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// The body or a bound value is not valid for the protocol or the shape.
    Serialization(String),
    /// No operation matches the target, action, path or method.
    UnknownOperation(String),
    /// `Content-Type` does not match what the operation accepts.
    UnsupportedMediaType(String),
    /// `Accept` does not allow what the operation returns.
    NotAcceptable(String),
    /// Input that breaks the model's constraints.
    Validation(Vec<Violation>),
    /// A protocol-specific error with its exact code and status (e.g. awsQuery's
    /// `MissingAction`, S3's `MalformedXML`).
    Service(ServiceError),
}

/// An error resolved to what every envelope needs; protocol encoders only lay it out.
#[derive(Debug)]
pub struct RenderedError {
    /// The error code: the shape name for modelled errors.
    pub code: Cow<'static, str>,
    /// `@awsQueryError` code, for awsQuery and the `x-amzn-query-error` header.
    pub query_code: Option<Cow<'static, str>>,
    pub status: u16,
    pub fault: Fault,
    /// The message of an unmodelled error. Modelled errors carry theirs in `value`.
    pub message: Option<String>,
    /// The modelled error shape, whose members `value` holds.
    pub shape: Option<ShapeId>,
    pub value: Value,
    /// Extra members of unmodelled errors.
    pub fields: Vec<(Cow<'static, str>, String)>,
}

impl RenderedError {
    /// The error message wherever it lives: the `message`/`Message` member of a modelled
    /// error, or the unmodelled error's own.
    pub fn message_text(&self, schema: &Schema) -> Option<String> {
        if let Some(m) = &self.message {
            return Some(m.clone());
        }
        let shape = schema.shape(self.shape?);
        let members = shape.kind.members();
        let index = members.iter().position(|m| m.name.eq_ignore_ascii_case("message"))?;
        match self.value.field(index as u16) {
            Some(Value::Str(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// `Sender` or `Receiver`, as XML envelopes spell the fault.
    pub fn fault_name(&self) -> &'static str {
        match self.fault {
            Fault::Client => "Sender",
            Fault::Server => "Receiver",
        }
    }
}

/// Finds the operation a request names. The gateway has already chosen the service.
pub fn resolve_operation(schema: &'static Schema, protocol: Protocol, req: &HttpRequest) -> Result<usize, DecodeError> {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::operation(schema, req),
        Protocol::RpcV2Cbor => rpcv2_cbor::operation(schema, req),
        Protocol::AwsQuery => aws_query::operation(schema, req),
        Protocol::RestJson1 | Protocol::RestXml => router::Router::for_schema(schema).operation(req),
    }
}

/// The operation a request names, with its URI labels when the protocol is REST (routing
/// decodes them anyway; the input decoder then need not match the path again).
fn route(
    schema: &'static Schema,
    protocol: Protocol,
    req: &HttpRequest,
) -> Result<(usize, Option<router::Labels>), DecodeError> {
    match protocol {
        Protocol::RestJson1 | Protocol::RestXml => {
            let found = router::Router::for_schema(schema).route(req)?;
            Ok((found.operation, Some(found.labels)))
        }
        _ => resolve_operation(schema, protocol, req).map(|op| (op, None)),
    }
}

/// Decodes the input of operation `op` from the request.
pub fn decode_input(schema: &Schema, protocol: Protocol, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    decode_routed(schema, protocol, op, req, None)
}

/// [`decode_input`], given the labels routing found (REST protocols only).
fn decode_routed(
    schema: &Schema,
    protocol: Protocol,
    op: usize,
    req: &HttpRequest,
    labels: Option<router::Labels>,
) -> Result<Value, DecodeError> {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::decode(schema, protocol, op, req),
        Protocol::RpcV2Cbor => rpcv2_cbor::decode(schema, op, req),
        Protocol::AwsQuery => aws_query::decode(schema, op, req),
        Protocol::RestJson1 => rest_json::decode(schema, op, req, labels),
        Protocol::RestXml => rest_xml::decode(schema, op, req, labels),
    }
}

/// Encodes the output of operation `op`.
pub fn encode_output(
    schema: &Schema,
    protocol: Protocol,
    op: usize,
    output: Value,
    ctx: &RequestContext,
) -> HttpResponse {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::encode_output(schema, protocol, op, output),
        Protocol::RpcV2Cbor => rpcv2_cbor::encode_output(schema, op, output),
        Protocol::AwsQuery => aws_query::encode_output(schema, op, output, ctx),
        Protocol::RestJson1 => rest_json::encode_output(schema, op, output),
        Protocol::RestXml => rest_xml::encode_output(schema, op, output),
    }
}

/// Encodes an error in the protocol's envelope.
pub fn encode_error(schema: &Schema, protocol: Protocol, err: &RenderedError, ctx: &RequestContext) -> HttpResponse {
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => aws_json::encode_error(schema, protocol, err),
        Protocol::RpcV2Cbor => rpcv2_cbor::encode_error(schema, err),
        Protocol::AwsQuery => aws_query::encode_error(schema, err, ctx),
        Protocol::RestJson1 => rest_json::encode_error(schema, err),
        Protocol::RestXml => rest_xml::encode_error(schema, err, ctx),
    }
}

/// Undoes the content encodings SDKs apply: `aws-chunked` framing of streaming uploads,
/// and `gzip` of large requests of operations with `@requestCompression` (CloudWatch's
/// PutMetricData, for one).
pub fn decompress(req: &mut HttpRequest) -> Result<(), DecodeError> {
    // Most requests have no Content-Encoding and no streaming payload hash: one walk over
    // the few headers a request has tells, cheaper than two hashed lookups of which one
    // is of a custom name.
    let encoded = req.headers.iter().any(|(name, value)| {
        name == http::header::CONTENT_ENCODING
            || (name == crate::http::names::X_AMZ_CONTENT_SHA256 && chunked::is_streaming_hash(value.as_bytes()))
    });
    if !encoded {
        return Ok(());
    }
    if chunked::is_chunked(req) {
        chunked::unframe(req)?;
    }
    let gzip = req
        .header(http::header::CONTENT_ENCODING)
        .is_some_and(|v| v.split(',').any(|e| e.trim().eq_ignore_ascii_case("gzip")));
    if !gzip || req.body.is_empty() {
        return Ok(());
    }
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&req.body[..]), &mut out)
        .map_err(|e| DecodeError::Serialization(format!("invalid gzip body: {e}")))?;
    req.body = out.into();
    Ok(())
}

/// Runs one request through one service.
pub async fn handle(service: &dyn Service, protocol: Protocol, req: HttpRequest, ctx: &RequestContext) -> HttpResponse {
    handle_with_body(service, protocol, req, None, None, ctx).await
}

/// The operation a request names when it takes its payload as a stream (see
/// [`rest::streaming_payload`]): the gateway then passes the body on unread.
pub fn streaming_operation(schema: &'static Schema, protocol: Protocol, req: &HttpRequest) -> Option<usize> {
    if !matches!(protocol, Protocol::RestXml | Protocol::RestJson1) {
        return None;
    }
    let op = resolve_operation(schema, protocol, req).ok()?;
    rest::streaming_payload(schema, op).map(|_| op)
}

/// [`handle`], with the body still arriving when `body` is given (`req.body` is then empty):
/// it reaches the handler as the streaming payload, `aws-chunked` framing undone on the way.
/// Other content encodings are left as they are: a streamed payload is stored as sent.
///
/// `known_operation` is the operation when the caller has already read it from the
/// request (the gateway reads awsJson targets and awsQuery forms' `Action` to route
/// them), so it is not read twice; it must be what [`resolve_operation`] would answer.
/// REST protocols ignore it: their routing also yields the URI labels.
pub async fn handle_with_body(
    service: &dyn Service,
    protocol: Protocol,
    mut req: HttpRequest,
    body: Option<ByteStream>,
    known_operation: Option<usize>,
    ctx: &RequestContext,
) -> HttpResponse {
    let schema = service.schema();
    let body = body.map(|b| if chunked::is_chunked(&req) { chunked::unframe_stream(b, &req) } else { b });
    let decompressed = if body.is_some() { Ok(()) } else { decompress(&mut req) };
    if let Err(e) = decompressed {
        let rendered = render_error(schema, protocol, None, decode_error(schema, protocol, e));
        let mut response = encode_error(schema, protocol, &rendered, ctx);
        add_request_id(schema, protocol, &mut response, ctx);
        return response;
    }
    let mut response = match handle_inner(service, schema, protocol, &req, body, known_operation, ctx).await {
        Ok(response) => response,
        Err((op, err)) => {
            let rendered = render_error(schema, protocol, op, err);
            if rendered.status >= 500 && rendered.status != 501 {
                tracing::error!(service = schema.service.name, code = %rendered.code, "request failed");
            } else {
                tracing::debug!(service = schema.service.name, code = %rendered.code, status = rendered.status, "request rejected");
            }
            encode_error(schema, protocol, &rendered, ctx)
        }
    };
    add_request_id(schema, protocol, &mut response, ctx);
    response
}

async fn handle_inner(
    service: &dyn Service,
    schema: &'static Schema,
    protocol: Protocol,
    req: &HttpRequest,
    body: Option<ByteStream>,
    known_operation: Option<usize>,
    ctx: &RequestContext,
) -> Result<HttpResponse, (Option<usize>, WireError)> {
    let routed = match known_operation {
        Some(op) if !protocol.is_rest() && op < schema.operations.len() => Ok((op, None)),
        _ => route(schema, protocol, req),
    };
    let (op, labels) = routed.map_err(|e| (None, decode_error(schema, protocol, e)))?;
    let mut input =
        decode_routed(schema, protocol, op, req, labels).map_err(|e| (Some(op), decode_error(schema, protocol, e)))?;
    if let (Some(body), Some(i), Value::Struct(fields)) = (body, rest::streaming_payload(schema, op), &mut input) {
        fields.retain(|(at, _)| *at != i);
        fields.push((i, Value::Stream(body)));
    }
    let operation = &schema.operations[op];
    crate::defaults::fill(schema, operation.input, &mut input);
    let violations = validate::validate(schema, operation.input, &input);
    if !violations.is_empty() {
        return Err((Some(op), validation_error(schema, op, &violations)));
    }
    match service.call(ctx, op, input).await {
        Ok(output) => {
            let mut response = encode_output(schema, protocol, op, output, ctx);
            if let Some(status) = ctx.success_status.get() {
                response.status = status;
            }
            Ok(response)
        }
        Err(e) => Err((Some(op), e)),
    }
}

/// The wire error for input that failed validation: the modelled
/// `smithy.framework#ValidationException` where the service uses it, else the service's
/// own validation code with AWS's message.
pub fn validation_error(schema: &Schema, op: usize, violations: &[Violation]) -> WireError {
    match schema.service.validation {
        ValidationStyle::SmithyFramework => {
            let operation = &schema.operations[op];
            let shape = operation.errors.iter().copied().find(|&e| schema.shape(e).name == "ValidationException");
            match shape {
                Some(shape) => {
                    WireError::Modeled { shape, value: validate::smithy_validation_value(schema, shape, violations) }
                }
                None => WireError::Common(CommonError::Validation(validate::smithy_message(violations))),
            }
        }
        ValidationStyle::Aws | ValidationStyle::AwsOpenEnums => {
            WireError::Common(CommonError::Validation(validate::aws_message(violations)))
        }
    }
}

fn decode_error(schema: &Schema, protocol: Protocol, e: DecodeError) -> WireError {
    let json_like =
        matches!(protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1 | Protocol::RpcV2Cbor);
    let e = match e {
        DecodeError::Validation(v) => {
            // Raised during decoding (e.g. a missing label); rendered like any validation error.
            return WireError::Common(CommonError::Validation(match schema.service.validation {
                ValidationStyle::Aws | ValidationStyle::AwsOpenEnums => validate::aws_message(&v),
                ValidationStyle::SmithyFramework => validate::smithy_message(&v),
            }));
        }
        DecodeError::Service(e) => e,
        DecodeError::Serialization(m) if json_like => ServiceError::new(400, "SerializationException", m),
        DecodeError::Serialization(m) if protocol == Protocol::RestXml => ServiceError::new(400, "MalformedXML", m),
        DecodeError::Serialization(m) => ServiceError::new(400, "MalformedInput", m),
        DecodeError::UnknownOperation(m) => match protocol {
            Protocol::AwsQuery => ServiceError::new(400, "InvalidAction", m),
            Protocol::RestJson1 | Protocol::RpcV2Cbor => ServiceError::new(404, "UnknownOperationException", m),
            Protocol::RestXml => ServiceError::new(405, "MethodNotAllowed", m),
            _ => ServiceError::new(400, "UnknownOperationException", m),
        },
        DecodeError::UnsupportedMediaType(m) => ServiceError::new(415, "UnsupportedMediaTypeException", m),
        DecodeError::NotAcceptable(m) => ServiceError::new(406, "NotAcceptableException", m),
    };
    WireError::Common(CommonError::Service(e))
}

/// Resolves codes, statuses and messages; the protocol encoder only lays them out.
pub fn render_error(schema: &Schema, protocol: Protocol, _op: Option<usize>, err: WireError) -> RenderedError {
    let s3_style = schema.service.xml_no_error_wrapping;
    let json_like =
        matches!(protocol, Protocol::AwsJson1_0 | Protocol::AwsJson1_1 | Protocol::RestJson1 | Protocol::RpcV2Cbor);
    let common = |code: &'static str, status: u16, message: String| RenderedError {
        code: Cow::Borrowed(code),
        query_code: None,
        status,
        fault: if status >= 500 { Fault::Server } else { Fault::Client },
        message: Some(message),
        shape: None,
        value: Value::Null,
        fields: Vec::new(),
    };
    match err {
        WireError::Modeled { shape, value } => {
            let s = schema.shape(shape);
            let info = s.error;
            let (fault, status) = info.map(|i| (i.fault, i.http_status)).unwrap_or((Fault::Client, 400));
            let query_code = info.and_then(|i| i.query_code).map(Cow::Borrowed);
            // awsQuery speaks the query code and its status directly.
            let status = match (protocol, info.and_then(|i| i.query_status)) {
                (Protocol::AwsQuery, Some(qs)) => qs,
                _ => status,
            };
            RenderedError {
                code: Cow::Borrowed(s.name),
                query_code,
                status,
                fault,
                message: None,
                shape: Some(shape),
                value,
                fields: Vec::new(),
            }
        }
        WireError::Common(CommonError::Validation(m)) => common(schema.service.validation_code, 400, m),
        WireError::Common(CommonError::NotImplemented(op)) => common(
            "NotImplemented",
            501,
            format!("The operation {op} of service {} is not implemented by ferrostack", schema.service.name),
        ),
        WireError::Common(CommonError::Internal(m)) => {
            common(if s3_style { "InternalError" } else { "InternalFailure" }, 500, m)
        }
        WireError::Common(CommonError::AccessDenied(m)) => {
            if json_like {
                common("AccessDeniedException", 400, m)
            } else {
                common("AccessDenied", 403, m)
            }
        }
        WireError::Common(CommonError::Throttling(m)) => {
            if s3_style {
                common("SlowDown", 503, m)
            } else if json_like {
                common("ThrottlingException", 400, m)
            } else {
                common("Throttling", 400, m)
            }
        }
        WireError::Common(CommonError::Service(e)) => RenderedError {
            code: e.code,
            query_code: None,
            status: e.status,
            fault: e.fault,
            message: Some(e.message),
            shape: None,
            value: Value::Null,
            fields: e.fields,
        },
    }
}

fn add_request_id(schema: &Schema, protocol: Protocol, response: &mut HttpResponse, ctx: &RequestContext) {
    // Names as constants: parsing a mixed-case custom name costs an allocation per request.
    const AMZ_REQUEST_ID: HeaderName = HeaderName::from_static("x-amz-request-id");
    const AMZ_ID_2: HeaderName = HeaderName::from_static("x-amz-id-2");
    const AMZN_REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");
    let Ok(id) = crate::http::header_value(bytes::Bytes::copy_from_slice(ctx.request_id.as_bytes())) else { return };
    if schema.service.xml_no_error_wrapping && protocol == Protocol::RestXml {
        response.headers.insert(AMZ_REQUEST_ID, id);
        if let Ok(host_id) = crate::http::header_value(bytes::Bytes::from(crate::host_id(&ctx.request_id))) {
            response.headers.insert(AMZ_ID_2, host_id);
        }
    } else {
        response.headers.insert(AMZN_REQUEST_ID, id);
    }
}
