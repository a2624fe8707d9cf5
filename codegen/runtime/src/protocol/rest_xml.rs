//! restXml: HTTP bindings from `rest`, XML documents for the body; S3's unwrapped
//! `<Error>` envelope when the service sets `noErrorWrapping`.
//!
//! Documents are rooted at the structure's `@xmlName` (else its shape name) and carry the
//! structure's `@xmlNamespace`, else the service's. Requests are not checked for media
//! types: S3 clients label bodies every which way.

use std::fmt::Write as _;

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::HeaderValue;

use crate::context::RequestContext;
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::rest::{self, Bindings, DocumentCodec};
use crate::protocol::rest_json::response_shape;
use crate::protocol::router::Labels;
use crate::protocol::xml;
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{Member, Operation, Schema, ShapeId, ShapeKind, XmlNamespace};
use crate::stream::ByteStream;
use crate::value::Value;

const XML: &str = "application/xml";
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

/// XML documents rooted at the structure's name.
pub struct XmlCodec;

impl DocumentCodec for XmlCodec {
    const MEDIA_TYPE: &'static str = XML;
    const DOCUMENT_WITHOUT_BODY_MEMBERS: bool = false;
    const QUERY_PARAMS_NEED_UNNAMED: bool = true;

    fn read_members(&self, schema: &Schema, shape: ShapeId, body: &[u8]) -> Result<Value, DecodeError> {
        xml::read_body(schema, shape, body, true)
    }

    fn read_payload(&self, schema: &Schema, member: &'static Member, body: &[u8]) -> Result<Value, DecodeError> {
        xml::read_value(schema, member, body)
    }

    fn write_members(&self, schema: &Schema, shape: ShapeId, value: &Value) -> Vec<u8> {
        let s = schema.shape(shape);
        let mut out = String::from(DECLARATION);
        let root = s.xml_name.unwrap_or(s.name);
        xml::write_struct(&mut out, schema, shape, value, root, s.xml_namespace.or(service_namespace(schema)), true);
        out.into_bytes()
    }

    fn write_payload(&self, schema: &Schema, member: &'static Member, value: &Value) -> Vec<u8> {
        let target = schema.shape(member.target);
        let mut out = String::from(DECLARATION);
        match target.kind {
            ShapeKind::Structure { .. } | ShapeKind::Union { .. } => {
                // The member's `@xmlName` renames the root; else the target's own name.
                let root = member.xml_name.or(target.xml_name).unwrap_or(target.name);
                let namespace = member.xml_namespace.or(target.xml_namespace).or(service_namespace(schema));
                xml::write_struct(&mut out, schema, member.target, value, root, namespace, false);
            }
            _ => xml::write_value(&mut out, schema, member, value),
        }
        out.into_bytes()
    }
}

fn service_namespace(schema: &Schema) -> Option<XmlNamespace> {
    schema.service.xml_namespace.map(|uri| XmlNamespace { uri, prefix: None })
}

/// `labels`: the URI labels, when routing decoded them already.
pub fn decode(schema: &Schema, op: usize, req: &HttpRequest, labels: Option<Labels>) -> Result<Value, DecodeError> {
    if schema.operations[op].unit_input {
        return Ok(Value::Struct(Vec::new()));
    }
    rest::decode_input(schema, op, req, labels, &XmlCodec)
}

pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let operation = &schema.operations[op];
    if let Some(response) = unwrapped_output(schema, operation, &output) {
        return response;
    }
    let bindings = &rest::operation_bindings(schema, op).output;
    rest::encode_output(schema, operation.output, bindings, output, response_shape(operation), &XmlCodec)
}

/// S3's `GetBucketLocation` answers with its one member as the root element
/// (`aws.customizations#s3UnwrappedXmlOutput`), not wrapped in the output structure.
fn unwrapped_output(schema: &Schema, operation: &Operation, output: &Value) -> Option<HttpResponse> {
    if !(schema.service.xml_no_error_wrapping && operation.name == "GetBucketLocation") {
        return None;
    }
    let member = schema.shape(operation.output).kind.members().first()?;
    let text = match output.field(0) {
        Some(Value::Str(s)) => s.as_str(),
        _ => "",
    };
    let mut out = String::from(DECLARATION);
    let name = member.xml_name();
    out.push('<');
    out.push_str(name);
    if let Some(ns) = service_namespace(schema) {
        let _ = write!(out, " xmlns=\"{}\"", xml::escape_attribute(ns.uri));
    }
    let _ = write!(out, ">{}</{name}>", xml::escape(text));
    Some(xml_response(200, out))
}

pub fn encode_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> HttpResponse {
    let document = if schema.service.xml_no_error_wrapping {
        unwrapped_error(schema, err, ctx)
    } else {
        wrapped_error(schema, err, ctx)
    };
    let mut response = if err.status == 304 { HttpResponse::new(304) } else { xml_response(err.status, document) };
    // Fields named `header:<name>` travel as response headers (S3's `x-amz-delete-marker`
    // on the 404 for a deleted key), not as elements.
    for (name, value) in &err.fields {
        if let Some(header) = name.strip_prefix(HEADER_FIELD) {
            response.set_header(header, value);
        }
    }
    if let Some(shape) = err.shape {
        rest::write_headers(schema, shape, &Bindings::of_response(schema, shape), &err.value, &mut response);
    }
    response
}

fn xml_response(status: u16, document: String) -> HttpResponse {
    let mut response = HttpResponse::new(status);
    response.headers.insert(CONTENT_TYPE, HeaderValue::from_static(XML));
    response.body = ByteStream::Buffered(Bytes::from(document));
    response
}

/// `<ErrorResponse><Error><Type>Sender</Type><Code>..</Code><Message>..</Message>
/// ..members..</Error><RequestId>..</RequestId></ErrorResponse>`
fn wrapped_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> String {
    let mut out = String::from(DECLARATION);
    out.push_str("<ErrorResponse");
    if let Some(uri) = schema.service.xml_namespace {
        let _ = write!(out, " xmlns=\"{}\"", xml::escape_attribute(uri));
    }
    out.push_str("><Error>");
    element(&mut out, "Type", err.fault_name());
    error_details(&mut out, schema, err);
    out.push_str("</Error>");
    element(&mut out, "RequestId", &ctx.request_id);
    out.push_str("</ErrorResponse>");
    out
}

/// S3: `<Error><Code>..</Code><Message>..</Message>..extra fields..<RequestId>..
/// </RequestId><HostId>..</HostId></Error>`
fn unwrapped_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> String {
    let mut out = String::from(DECLARATION);
    out.push_str("<Error>");
    error_details(&mut out, schema, err);
    element(&mut out, "RequestId", &ctx.request_id);
    element(&mut out, "HostId", &crate::host_id(&ctx.request_id));
    out.push_str("</Error>");
    out
}

/// Code, the message of an unmodelled error, its extra fields, and the members of a
/// modelled one (its own `Message` member among them).
fn error_details(out: &mut String, schema: &Schema, err: &RenderedError) {
    element(out, "Code", &err.code);
    if let Some(message) = &err.message {
        element(out, "Message", message);
    }
    for (name, value) in err.fields.iter().filter(|(n, _)| !n.starts_with(HEADER_FIELD)) {
        element(out, name, value);
    }
    if let Some(shape) = err.shape {
        xml::write_members(out, schema, shape, &err.value, true);
    }
}

/// The prefix of an unmodelled error's field that is sent as a header.
pub const HEADER_FIELD: &str = "header:";

fn element(out: &mut String, name: &str, text: &str) {
    let _ = write!(out, "<{name}>{}</{name}>", xml::escape(text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{ErrorInfo, Fault, HttpBinding, HttpTrait, Protocol, ServiceInfo, Shape, ValidationStyle};
    use http::Method;
    use std::borrow::Cow;

    const fn m(name: &'static str, target: ShapeId, http: HttpBinding) -> Member {
        Member { name, target, http, ..Member::DEFAULT }
    }

    const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
        Shape { name, kind, ..Shape::DEFAULT }
    }

    const fn op(
        name: &'static str,
        input: ShapeId,
        output: ShapeId,
        method: &'static str,
        uri: &'static str,
    ) -> Operation {
        Operation {
            name,
            input,
            output,
            errors: &[],
            http: Some(HttpTrait { method, uri, code: 200 }),
            unit_input: false,
            unit_output: false,
        }
    }

    const STRING: ShapeId = 0;
    const SCALARS: ShapeId = 1;
    const NESTED: ShapeId = 2;
    const PAYLOAD: ShapeId = 3;
    const RENAMED: ShapeId = 4;
    const CODE: ShapeId = 5;
    const LOCATION: ShapeId = 6;
    const INVALID_GREETING: ShapeId = 7;
    const INTEGER: ShapeId = 8;
    const QUERY_OUTPUT: ShapeId = 9;
    const QUERY_INPUT: ShapeId = 10;
    const STRING_MAP: ShapeId = 11;

    static KEY: Member = m("key", STRING, HttpBinding::Body);
    static VALUE: Member = m("value", STRING, HttpBinding::Body);

    static SHAPES: [Shape; 12] = [
        shape("String", ShapeKind::String { media_type: None }),
        shape(
            "SimpleScalarPropertiesResponse",
            ShapeKind::Structure {
                members: &[m("foo", STRING, HttpBinding::Header("X-Foo")), m("stringValue", STRING, HttpBinding::Body)],
            },
        ),
        Shape {
            xml_name: Some("Hello"),
            ..shape("PayloadWithXmlName", ShapeKind::Structure { members: &[m("name", STRING, HttpBinding::Body)] })
        },
        shape("PayloadInputOutput", ShapeKind::Structure { members: &[m("nested", NESTED, HttpBinding::Payload)] }),
        shape(
            "MemberXmlNameInputOutput",
            ShapeKind::Structure {
                members: &[Member { xml_name: Some("Hola"), ..m("nested", NESTED, HttpBinding::Payload) }],
            },
        ),
        shape(
            "HttpResponseCodeOutput",
            ShapeKind::Structure { members: &[m("Status", INTEGER, HttpBinding::ResponseCode)] },
        ),
        shape(
            "GetBucketLocationOutput",
            ShapeKind::Structure { members: &[m("LocationConstraint", STRING, HttpBinding::Body)] },
        ),
        Shape {
            error: Some(ErrorInfo { fault: Fault::Client, http_status: 400, query_code: None, query_status: None }),
            internal_values: &[],
            ..shape("InvalidGreeting", ShapeKind::Structure { members: &[m("Message", STRING, HttpBinding::Body)] })
        },
        shape("Integer", ShapeKind::Integer),
        shape(
            "IgnoreQueryParamsInResponseOutput",
            ShapeKind::Structure { members: &[m("baz", STRING, HttpBinding::Query("baz"))] },
        ),
        shape(
            "QueryPrecedenceInput",
            ShapeKind::Structure {
                members: &[m("foo", STRING, HttpBinding::Query("bar")), m("baz", STRING_MAP, HttpBinding::QueryParams)],
            },
        ),
        shape("StringMap", ShapeKind::Map { key: &KEY, value: &VALUE, sparse: false }),
    ];

    static OPERATIONS: [Operation; 6] = [
        op("GetBucketLocation", SCALARS, LOCATION, "GET", "/{Bucket}?location"),
        op("HeadThing", SCALARS, SCALARS, "HEAD", "/head"),
        op("HttpPayloadWithMemberXmlName", RENAMED, RENAMED, "PUT", "/renamed"),
        op("HttpPayloadWithXmlName", PAYLOAD, PAYLOAD, "PUT", "/payload"),
        op("HttpResponseCode", SCALARS, CODE, "PUT", "/code"),
        op("SimpleScalarProperties", SCALARS, SCALARS, "PUT", "/scalars"),
    ];

    const fn service(name: &'static str, s3: bool, xml_namespace: Option<&'static str>) -> ServiceInfo {
        ServiceInfo {
            name,
            shape_name: name,
            namespace: "test",
            version: "1",
            signing_name: name,
            target_prefix: "",
            protocols: &[Protocol::RestXml],
            query_compatible: false,
            xml_namespace,
            xml_no_error_wrapping: s3,
            validation: ValidationStyle::Aws,
            validation_code: "ValidationError",
        }
    }

    static SCHEMA: Schema = Schema {
        service: service("restxml", false, None),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };
    static S3: Schema = Schema {
        service: service("s3", true, Some("http://s3.amazonaws.com/doc/2006-03-01/")),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };
    static QUERY_OUTPUT_OPS: [Operation; 2] = [
        op("IgnoreQueryParamsInResponse", SCALARS, QUERY_OUTPUT, "GET", "/ignore"),
        op("QueryPrecedence", QUERY_INPUT, SCALARS, "POST", "/Precedence"),
    ];
    static QUERY_OUTPUT_SCHEMA: Schema = Schema {
        service: service("restxml", false, None),
        shapes: &SHAPES,
        operations: &QUERY_OUTPUT_OPS,
        derived: crate::schema::Derived::new(),
    };

    fn body_text(response: &HttpResponse) -> &str {
        std::str::from_utf8(response.body.buffered().unwrap()).unwrap()
    }

    fn s(text: &str) -> Value {
        Value::Str(text.into())
    }

    fn ctx() -> RequestContext {
        RequestContext { request_id: "foo-id".into(), ..RequestContext::internal("000000000000", "us-east-1") }
    }

    #[test]
    fn output_documents() {
        let response = encode_output(&SCHEMA, 5, Value::Struct(vec![(0, s("Foo")), (1, s("<string>"))]));
        assert_eq!(
            body_text(&response),
            format!("{DECLARATION}<SimpleScalarPropertiesResponse><stringValue>&lt;string&gt;</stringValue></SimpleScalarPropertiesResponse>")
        );
        assert_eq!(response.headers.get("x-foo").unwrap(), "Foo");
        assert_eq!(response.headers.get("content-type").unwrap(), XML);
        // Namespaces come from the service when the shape has none.
        let response = encode_output(&S3, 5, Value::Struct(vec![(1, s("x"))]));
        assert!(body_text(&response)
            .contains("<SimpleScalarPropertiesResponse xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"));
        // Request-only bindings travel in the response body.
        let response = encode_output(&QUERY_OUTPUT_SCHEMA, 0, Value::Struct(vec![(0, s("bam"))]));
        assert!(body_text(&response)
            .ends_with("<IgnoreQueryParamsInResponseOutput><baz>bam</baz></IgnoreQueryParamsInResponseOutput>"));
    }

    #[test]
    fn empty_and_head_outputs() {
        let response = encode_output(&SCHEMA, 4, Value::Struct(vec![(0, Value::Int(201))]));
        assert_eq!((response.status, body_text(&response)), (201, ""));
        assert_eq!(response.headers.get("content-type").unwrap(), XML);
        let response = encode_output(&SCHEMA, 1, Value::Struct(vec![(0, s("Foo")), (1, s("body"))]));
        assert_eq!((body_text(&response), response.headers.get("x-foo").unwrap().to_str().unwrap()), ("", "Foo"));
        assert_eq!(response.headers.get("content-type"), None);
    }

    #[test]
    fn payload_roots() {
        let nested = Value::Struct(vec![(0, Value::Struct(vec![(0, s("Phreddy"))]))]);
        let response = encode_output(&SCHEMA, 3, nested);
        assert_eq!(body_text(&response), format!("{DECLARATION}<Hello><name>Phreddy</name></Hello>"));
        let nested = Value::Struct(vec![(0, Value::Struct(vec![(0, s("Phreddy"))]))]);
        let response = encode_output(&SCHEMA, 2, nested);
        assert_eq!(body_text(&response), format!("{DECLARATION}<Hola><name>Phreddy</name></Hola>"));
        let req = {
            let mut r = HttpRequest::new(Method::PUT, "/payload");
            r.body = Bytes::from_static(b"<Hello><name>Phreddy</name></Hello>");
            r
        };
        assert_eq!(
            decode(&SCHEMA, 3, &req, None).unwrap(),
            Value::Struct(vec![(0, Value::Struct(vec![(0, s("Phreddy"))]))])
        );
    }

    #[test]
    fn query_params_map_needs_an_unnamed_parameter() {
        let decode_uri =
            |uri: &str| decode(&QUERY_OUTPUT_SCHEMA, 1, &HttpRequest::new(Method::POST, uri), None).unwrap();
        let map = Value::Map(vec![("bar".into(), s("named")), ("qux".into(), s("fromMap"))]);
        assert_eq!(decode_uri("/Precedence?bar=named&qux=fromMap"), Value::Struct(vec![(0, s("named")), (1, map)]));
        assert_eq!(decode_uri("/Precedence?bar=named"), Value::Struct(vec![(0, s("named"))]));
    }

    #[test]
    fn s3_unwrapped_location() {
        let response = encode_output(&S3, 0, Value::Struct(vec![(0, s("us-west-2"))]));
        assert_eq!(
            body_text(&response),
            format!("{DECLARATION}<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">us-west-2</LocationConstraint>")
        );
    }

    fn unmodelled(code: &'static str, message: &str, status: u16) -> RenderedError {
        RenderedError {
            code: Cow::Borrowed(code),
            query_code: None,
            status,
            fault: Fault::Client,
            message: Some(message.into()),
            shape: None,
            value: Value::Null,
            fields: Vec::new(),
        }
    }

    #[test]
    fn wrapped_errors() {
        let err = RenderedError {
            message: None,
            shape: Some(INVALID_GREETING),
            value: Value::Struct(vec![(0, s("Hi"))]),
            ..unmodelled("InvalidGreeting", "", 400)
        };
        let response = encode_error(&SCHEMA, &err, &ctx());
        assert_eq!(response.status, 400);
        assert_eq!(
            body_text(&response),
            format!(
                "{DECLARATION}<ErrorResponse><Error><Type>Sender</Type><Code>InvalidGreeting</Code><Message>Hi</Message></Error>\
                 <RequestId>foo-id</RequestId></ErrorResponse>"
            )
        );
    }

    #[test]
    fn s3_errors() {
        let mut err = unmodelled("NoSuchKey", "The specified key does not exist.", 404);
        err.fields.push((Cow::Borrowed("Key"), "a&b".into()));
        let response = encode_error(&S3, &err, &ctx());
        assert_eq!(response.status, 404);
        let host_id = crate::host_id("foo-id");
        assert_eq!(
            body_text(&response),
            format!(
                "{DECLARATION}<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
                 <Key>a&amp;b</Key><RequestId>foo-id</RequestId><HostId>{host_id}</HostId></Error>"
            )
        );
        let response = encode_error(&S3, &unmodelled("NotModified", "Not Modified", 304), &ctx());
        assert_eq!((response.status, body_text(&response)), (304, ""));
    }
}
