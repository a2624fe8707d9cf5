//! awsQuery: form-encoded `Action=...&Version=...` requests (body or query string),
//! XML `<OperationResponse><OperationResult>` responses and `<ErrorResponse>` errors.
//!
//! Parameters are read from the query string and, when the body is a form, from the
//! body too (clients POST forms; GET with a query string also works on AWS).
//!
//! `Version` is not enforced: AWS keeps serving older API versions of several query
//! services (RDS, ElastiCache, ...) and we hold one model per service, so a request for
//! another version is answered from ours rather than refused.

use std::borrow::Cow;

use crate::context::RequestContext;
use crate::error::ServiceError;
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{query, xml, DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

/// The operation named by the `Action` parameter.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    let mut version: Option<Cow<'_, str>> = None;
    let mut action: Option<Cow<'_, str>> = None;
    for (key, value) in param_sources(req).flat_map(crate::form::pairs) {
        match key.as_ref() {
            "Action" => {
                // Clients put Action first: stop there unless it names nothing we
                // serve, in which case the error quotes the Version too.
                if let Some((index, _)) = schema.operation(&value) {
                    return Ok(index);
                }
                action = Some(value);
            }
            "Version" => version = Some(value),
            _ => {}
        }
    }
    match action {
        Some(action) if !action.is_empty() => {
            let version = version.as_deref().filter(|v| !v.is_empty()).unwrap_or(schema.service.version);
            Err(DecodeError::UnknownOperation(format!("Could not find operation {action} for version {version}")))
        }
        _ => Err(DecodeError::Service(ServiceError::new(400, "MissingAction", "Missing Action"))),
    }
}

/// Decodes the input of operation `op` from the request's parameters.
pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let operation = &schema.operations[op];
    // An input without members (STS's GetCallerIdentity) has no parameter to read, and
    // unmatched parameters are ignored anyway.
    if operation.unit_input || schema.shape(operation.input).kind.members().is_empty() {
        return Ok(Value::Struct(Vec::new()));
    }
    // Decoded pairs stay borrowed from the request unless they were percent-encoded.
    let params: Vec<(Cow<'_, str>, Cow<'_, str>)> = param_sources(req)
        .flat_map(crate::form::pairs)
        .filter(|(key, _)| key != "Action" && key != "Version")
        .collect();
    let mut input =
        query::read_pairs(schema, operation.input, params.iter().map(|(key, value)| (key.as_ref(), value.as_ref())))?;
    fill_queue_url_from_path(schema, operation.input, req, &mut input);
    Ok(input)
}

/// SQS's query API treats the queue URL as the endpoint: older SDKs (the Java SDK v1,
/// for one) post `Action=SendMessage` to `/<account>/<queue>` and leave `QueueUrl` out
/// of the form. The path then stands for the member.
fn fill_queue_url_from_path(schema: &Schema, input_shape: u32, req: &HttpRequest, input: &mut Value) {
    if req.path.len() <= 1 {
        return;
    }
    let members = schema.shape(input_shape).kind.members();
    let Some(index) = members.iter().position(|m| m.name == "QueueUrl") else { return };
    let Value::Struct(fields) = input else { return };
    if fields.iter().any(|(i, _)| *i as usize == index) {
        return;
    }
    let host = req.header("host").unwrap_or("localhost");
    fields.push((index as u16, Value::Str(format!("http://{host}{}", req.path))));
}

/// `<XResponse xmlns=".."><XResult>..</XResult><ResponseMetadata><RequestId>..
/// </RequestId></ResponseMetadata></XResponse>`; operations without output members have
/// no `<XResult>`, as AWS sends them.
pub fn encode_output(schema: &Schema, op: usize, output: Value, ctx: &RequestContext) -> HttpResponse {
    let operation = &schema.operations[op];
    // Most answers fit: growing the buffer on the way copies what is written so far.
    let mut body = String::with_capacity(1024);
    body.push('<');
    body.push_str(operation.name);
    body.push_str("Response xmlns=\"");
    xml::push_escaped(&mut body, &namespace(schema), false);
    body.push_str("\">");
    if has_output_members(schema, op) {
        let mut name = ResultName::new();
        xml::write_struct(&mut body, schema, operation.output, &output, name.of(operation.name), None, false);
    }
    push_response_metadata(&mut body, &ctx.request_id);
    body.push_str("</");
    body.push_str(operation.name);
    body.push_str("Response>");
    HttpResponse::with_body(200, "text/xml", body)
}

/// `<ErrorResponse xmlns=".."><Error><Type>Sender|Receiver</Type><Code>..</Code>
/// <Message>..</Message>..members..</Error><RequestId>..</RequestId></ErrorResponse>`,
/// the code being the `@awsQueryError` code when the error has one.
pub fn encode_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> HttpResponse {
    let mut body = String::with_capacity(256);
    body.push_str("<ErrorResponse xmlns=\"");
    body.push_str(&xml::escape(&namespace(schema)));
    body.push_str("\"><Error><Type>");
    body.push_str(err.fault_name());
    body.push_str("</Type><Code>");
    body.push_str(&xml::escape(err.query_code.as_deref().unwrap_or(&err.code)));
    body.push_str("</Code>");
    if let Some(message) = err.message_text(schema) {
        push_text_element(&mut body, "Message", &message);
    }
    push_error_members(&mut body, schema, err);
    for (name, value) in &err.fields {
        push_text_element(&mut body, name, value);
    }
    body.push_str("</Error><RequestId>");
    body.push_str(&xml::escape(&ctx.request_id));
    body.push_str("</RequestId></ErrorResponse>");
    HttpResponse::with_body(err.status, "text/xml", body)
}

/// Where the parameters are: the query string, and the body when it is a form. A body
/// without a `Content-Type` is taken as a form too: hand-written clients forget it, and
/// nothing else is meaningful to this protocol.
fn param_sources(req: &HttpRequest) -> impl Iterator<Item = &[u8]> {
    let query = (!req.query.is_empty()).then_some(req.query.as_bytes());
    let body = (!req.body.is_empty() && body_is_form(req)).then_some(&req.body[..]);
    query.into_iter().chain(body)
}

fn body_is_form(req: &HttpRequest) -> bool {
    match req.headers.get(http::header::CONTENT_TYPE) {
        Some(content_type) => crate::http::is_form_media_type(content_type.as_bytes()),
        None => true,
    }
}

/// The service's `@xmlNamespace`, else the `https://<signing name>.amazonaws.com/doc/
/// <version>/` form AWS's query services use.
fn namespace(schema: &Schema) -> Cow<'static, str> {
    match schema.service.xml_namespace {
        Some(uri) => Cow::Borrowed(uri),
        None => {
            Cow::Owned(format!("https://{}.amazonaws.com/doc/{}/", schema.service.signing_name, schema.service.version))
        }
    }
}

/// False only for unit output: an output structure without members still gets its
/// (empty) `<XResult/>`, as AWS sends it and botocore requires wherever the model names a
/// result wrapper.
fn has_output_members(schema: &Schema, op: usize) -> bool {
    !schema.operations[op].unit_output
}

/// Room for `<Operation>Result` without allocating: every awsQuery answer names it.
struct ResultName {
    buf: [u8; 96],
    spilled: String,
}

impl ResultName {
    fn new() -> Self {
        ResultName { buf: [0; 96], spilled: String::new() }
    }

    fn of(&mut self, operation: &str) -> &str {
        const SUFFIX: &str = "Result";
        let len = operation.len() + SUFFIX.len();
        if len > self.buf.len() {
            self.spilled = [operation, SUFFIX].concat();
            return &self.spilled;
        }
        self.buf[..operation.len()].copy_from_slice(operation.as_bytes());
        self.buf[operation.len()..len].copy_from_slice(SUFFIX.as_bytes());
        // Two whole strings joined: valid UTF-8.
        std::str::from_utf8(&self.buf[..len]).unwrap_or_default()
    }
}

fn push_response_metadata(body: &mut String, request_id: &str) {
    body.push_str("<ResponseMetadata><RequestId>");
    xml::push_escaped(body, request_id, false);
    body.push_str("</RequestId></ResponseMetadata>");
}

/// The members of a modelled error, except the message, which is already written as
/// `<Message>` whatever the member's case (AWS spells it so; SDKs read it so).
fn push_error_members(body: &mut String, schema: &Schema, err: &RenderedError) {
    let (Some(shape), Value::Struct(fields)) = (err.shape, &err.value) else { return };
    let members = schema.shape(shape).kind.members();
    for (index, value) in fields {
        let Some(member) = members.get(*index as usize) else { continue };
        if member.xml_attribute || member.name.eq_ignore_ascii_case("message") {
            continue;
        }
        xml::write_value(body, schema, member, value);
    }
}

fn push_text_element(body: &mut String, name: &str, text: &str) {
    body.push('<');
    body.push_str(name);
    body.push('>');
    body.push_str(&xml::escape(text));
    body.push_str("</");
    body.push_str(name);
    body.push('>');
}

#[cfg(test)]
mod tests {
    use http::{HeaderValue, Method};

    use super::*;
    use crate::error::{CommonError, WireError};
    use crate::protocol::render_error;
    use crate::protocol::xml::fixtures::*;
    use crate::schema::{Operation, Protocol, ServiceInfo, ValidationStyle};

    const fn op(name: &'static str, input: u32, output: u32, unit_input: bool, unit_output: bool) -> Operation {
        Operation { name, input, output, errors: &[], http: None, unit_input, unit_output }
    }

    #[test]
    fn result_names_short_and_long() {
        let mut name = ResultName::new();
        assert_eq!(name.of("GetCallerIdentity"), "GetCallerIdentityResult");
        let long = "A".repeat(200);
        assert_eq!(ResultName::new().of(&long), format!("{long}Result"));
        let edge = "B".repeat(90);
        assert_eq!(ResultName::new().of(&edge), format!("{edge}Result"));
    }

    /// Sorted by name, as the generator emits them.
    static OPERATIONS: [Operation; 4] = [
        op("EmptyOutput", EMPTY, EMPTY, true, false),
        op("Greeting", TOP, GREETING_OUTPUT, false, false),
        op("NoInputAndNoOutput", EMPTY, EMPTY, true, true),
        op("Top", TOP, TOP, false, false),
    ];

    static QUERY_SCHEMA: Schema = Schema {
        service: service(Some("https://example.com/")),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };
    static NO_NAMESPACE_SCHEMA: Schema = Schema {
        service: service(None),
        shapes: &SHAPES,
        operations: &OPERATIONS,
        derived: crate::schema::Derived::new(),
    };

    const fn service(xml_namespace: Option<&'static str>) -> ServiceInfo {
        ServiceInfo {
            name: "test",
            shape_name: "AwsQuery",
            namespace: "aws.protocoltests.query",
            version: "2020-01-08",
            signing_name: "awsquery",
            target_prefix: "AwsQuery",
            protocols: &[Protocol::AwsQuery],
            query_compatible: false,
            xml_namespace,
            xml_no_error_wrapping: false,
            validation: ValidationStyle::Aws,
            validation_code: "ValidationError",
        }
    }

    fn form(body: &str) -> HttpRequest {
        let mut req = HttpRequest::new(Method::POST, "/");
        req.headers.insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded"));
        req.body = bytes::Bytes::copy_from_slice(body.as_bytes());
        req
    }

    fn ctx() -> RequestContext {
        let mut ctx = RequestContext::internal("123456789012", "us-east-1");
        ctx.request_id = "foo-id".into();
        ctx
    }

    fn body(resp: &HttpResponse) -> &str {
        std::str::from_utf8(resp.body.buffered().expect("buffered body")).expect("utf-8")
    }

    fn content_type(resp: &HttpResponse) -> &str {
        resp.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("")
    }

    fn op_index(name: &str) -> usize {
        QUERY_SCHEMA.operation(name).expect("operation").0
    }

    #[test]
    fn finds_the_action_in_a_form_body() {
        let req = form("Action=Greeting&Version=2020-01-08&Str=hi");
        assert_eq!(operation(&QUERY_SCHEMA, &req), Ok(op_index("Greeting")));
        let mut with_charset = form("Version=2020-01-08&Action=Top");
        with_charset
            .headers
            .insert("content-type", HeaderValue::from_static("application/x-www-form-urlencoded; charset=utf-8"));
        assert_eq!(operation(&QUERY_SCHEMA, &with_charset), Ok(op_index("Top")));
    }

    #[test]
    fn finds_the_action_in_the_query_string() {
        let req = HttpRequest::new(Method::GET, "/?Action=Top&Version=2020-01-08&Str=a%20b");
        assert_eq!(operation(&QUERY_SCHEMA, &req), Ok(op_index("Top")));
        assert_eq!(decode(&QUERY_SCHEMA, op_index("Top"), &req), Ok(Value::Struct(vec![(top("Str"), s("a b"))])));
        // A form body without a content type still counts.
        let mut bare = HttpRequest::new(Method::POST, "/");
        bare.body = bytes::Bytes::from_static(b"Action=Greeting");
        assert_eq!(operation(&QUERY_SCHEMA, &bare), Ok(op_index("Greeting")));
    }

    #[test]
    fn ignores_bodies_that_are_not_forms() {
        let mut req = form("Action=Top");
        req.headers.insert("content-type", HeaderValue::from_static("application/json"));
        assert!(matches!(operation(&QUERY_SCHEMA, &req), Err(DecodeError::Service(e)) if e.code == "MissingAction"));
    }

    #[test]
    fn reports_missing_and_unknown_actions() {
        for body in ["Version=2020-01-08", "Action=&Version=2020-01-08", ""] {
            match operation(&QUERY_SCHEMA, &form(body)) {
                Err(DecodeError::Service(e)) => {
                    assert_eq!((e.status, e.code.as_ref()), (400, "MissingAction"), "{body}");
                }
                other => panic!("{body}: {other:?}"),
            }
        }
        assert_eq!(
            operation(&QUERY_SCHEMA, &form("Action=Nope&Version=2011-01-01")),
            Err(DecodeError::UnknownOperation("Could not find operation Nope for version 2011-01-01".into()))
        );
        assert_eq!(
            operation(&QUERY_SCHEMA, &form("Action=Nope")),
            Err(DecodeError::UnknownOperation("Could not find operation Nope for version 2020-01-08".into()))
        );
        // Another API version of a known action is served from our model.
        assert_eq!(operation(&QUERY_SCHEMA, &form("Action=Top&Version=2011-01-01")), Ok(op_index("Top")));
    }

    #[test]
    fn decodes_the_input_without_action_and_version() {
        let req = form(
            "Action=Top&Version=2020-01-08&Str=val1&List.member.1=foo&List.member.2=bar&Map.entry.1.key=k\
             &Map.entry.1.value=v&Nested.foo=x&Time=2015-01-25T08%3A00%3A00Z",
        );
        let v = decode(&QUERY_SCHEMA, op_index("Top"), &req).unwrap();
        assert_eq!(v.field(top("Str")), Some(&s("val1")));
        assert_eq!(v.field(top("List")), Some(&Value::List(vec![s("foo"), s("bar")])));
        assert_eq!(v.field(top("Map")), Some(&Value::Map(vec![("k".into(), s("v"))])));
        assert_eq!(v.field(top("Nested")), Some(&Value::Struct(vec![(0, s("x"))])));
        assert!(matches!(v.field(top("Time")), Some(Value::Timestamp(_))));
        assert_eq!(
            decode(&QUERY_SCHEMA, op_index("NoInputAndNoOutput"), &form("Action=NoInputAndNoOutput")),
            Ok(Value::Struct(vec![]))
        );
        assert!(matches!(
            decode(&QUERY_SCHEMA, op_index("Top"), &form("Action=Top&Int=x")),
            Err(DecodeError::Serialization(_))
        ));
    }

    #[test]
    fn encodes_output_in_the_response_envelope() {
        let output = Value::Struct(vec![(0, s("Hello & <welcome>"))]);
        let resp = encode_output(&QUERY_SCHEMA, op_index("Greeting"), output, &ctx());
        assert_eq!((resp.status, content_type(&resp)), (200, "text/xml"));
        assert_eq!(
            body(&resp),
            "<GreetingResponse xmlns=\"https://example.com/\"><GreetingResult><greeting>Hello &amp; &lt;welcome&gt;</greeting>\
             </GreetingResult><ResponseMetadata><RequestId>foo-id</RequestId></ResponseMetadata></GreetingResponse>"
        );
    }

    #[test]
    fn encodes_result_members_with_xml_traits() {
        let output = Value::Struct(vec![
            (top("Id"), s("i")),
            (top("Flat"), Value::List(vec![s("a"), s("b")])),
            (top("FlatMap"), Value::Map(vec![("k".into(), s("v"))])),
            (top("Time"), Value::Timestamp(crate::time::DateTime::from_secs(1398796238))),
        ]);
        let resp = encode_output(&QUERY_SCHEMA, op_index("Top"), output, &ctx());
        assert_eq!(
            body(&resp),
            "<TopResponse xmlns=\"https://example.com/\"><TopResult id=\"i\"><Flat>a</Flat><Flat>b</Flat>\
             <KVP><K>k</K><V>v</V></KVP><Time>2014-04-29T18:30:38Z</Time></TopResult>\
             <ResponseMetadata><RequestId>foo-id</RequestId></ResponseMetadata></TopResponse>"
        );
        // An output with members but no values still has its (empty) result element.
        let resp = encode_output(&QUERY_SCHEMA, op_index("Greeting"), Value::Struct(vec![]), &ctx());
        assert!(body(&resp).contains("<GreetingResult/><ResponseMetadata>"), "{}", body(&resp));
    }

    #[test]
    fn result_element_only_for_structured_output() {
        // Unit output: no result element at all.
        let resp = encode_output(&NO_NAMESPACE_SCHEMA, op_index("NoInputAndNoOutput"), Value::Struct(vec![]), &ctx());
        assert_eq!(
            body(&resp),
            "<NoInputAndNoOutputResponse xmlns=\"https://awsquery.amazonaws.com/doc/2020-01-08/\"><ResponseMetadata>\
             <RequestId>foo-id</RequestId></ResponseMetadata></NoInputAndNoOutputResponse>"
        );
        // An output structure without members: AWS still sends `<EmptyOutputResult/>`, and
        // botocore fails on a modelled result wrapper that is missing.
        let resp = encode_output(&NO_NAMESPACE_SCHEMA, op_index("EmptyOutput"), Value::Struct(vec![]), &ctx());
        assert!(body(&resp).contains("<EmptyOutputResult/><ResponseMetadata>"), "{}", body(&resp));
    }

    fn modeled(shape: u32, value: Value) -> RenderedError {
        render_error(&QUERY_SCHEMA, Protocol::AwsQuery, None, WireError::Modeled { shape, value })
    }

    #[test]
    fn encodes_modeled_errors() {
        let resp = encode_error(&QUERY_SCHEMA, &modeled(INVALID_GREETING, Value::Struct(vec![(0, s("Hi"))])), &ctx());
        assert_eq!((resp.status, content_type(&resp)), (400, "text/xml"));
        assert_eq!(
            body(&resp),
            "<ErrorResponse xmlns=\"https://example.com/\"><Error><Type>Sender</Type><Code>InvalidGreeting</Code>\
             <Message>Hi</Message></Error><RequestId>foo-id</RequestId></ErrorResponse>"
        );

        let complex = Value::Struct(vec![(0, s("Top level")), (1, Value::Struct(vec![(0, s("bar"))]))]);
        let resp = encode_error(&QUERY_SCHEMA, &modeled(COMPLEX_ERROR, complex), &ctx());
        assert_eq!(
            body(&resp),
            "<ErrorResponse xmlns=\"https://example.com/\"><Error><Type>Sender</Type><Code>ComplexError</Code>\
             <TopLevel>Top level</TopLevel><Nested><Foo>bar</Foo></Nested></Error><RequestId>foo-id</RequestId></ErrorResponse>"
        );
    }

    #[test]
    fn encodes_query_error_codes_and_statuses() {
        let resp = encode_error(&QUERY_SCHEMA, &modeled(CUSTOM_CODE_ERROR, Value::Struct(vec![(0, s("Hi"))])), &ctx());
        assert_eq!(resp.status, 402);
        assert!(
            body(&resp).contains("<Type>Sender</Type><Code>Customized</Code><Message>Hi</Message>"),
            "{}",
            body(&resp)
        );
    }

    #[test]
    fn writes_a_lowercase_message_member_as_message() {
        let value = Value::Struct(vec![(1, Value::Int(5)), (0, s("try later"))]);
        let resp = encode_error(&QUERY_SCHEMA, &modeled(SERVER_ERROR, value), &ctx());
        assert_eq!(resp.status, 500);
        assert!(
            body(&resp).contains("<Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try later</Message><RetryAfter>5</RetryAfter></Error>"),
            "{}",
            body(&resp)
        );
    }

    #[test]
    fn encodes_unmodeled_errors() {
        let error = crate::error::ServiceError::new(
            404,
            "AWS.SimpleQueueService.NonExistentQueue",
            "The queue <q> does not exist",
        )
        .with_field("QueueUrl", "http://x/q");
        let rendered =
            render_error(&QUERY_SCHEMA, Protocol::AwsQuery, None, WireError::Common(CommonError::Service(error)));
        let resp = encode_error(&QUERY_SCHEMA, &rendered, &ctx());
        assert_eq!(resp.status, 404);
        assert_eq!(
            body(&resp),
            "<ErrorResponse xmlns=\"https://example.com/\"><Error><Type>Sender</Type>\
             <Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The queue &lt;q&gt; does not exist</Message>\
             <QueueUrl>http://x/q</QueueUrl></Error><RequestId>foo-id</RequestId></ErrorResponse>"
        );
    }

    #[test]
    fn error_bodies_are_well_formed_xml() {
        let rendered =
            render_error(&QUERY_SCHEMA, Protocol::AwsQuery, None, WireError::Common(CommonError::internal("a & b")));
        let resp = encode_error(&QUERY_SCHEMA, &rendered, &ctx());
        assert_eq!(resp.status, 500);
        let mut reader = quick_xml::Reader::from_str(body(&resp));
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{e}: {}", body(&resp)),
            }
        }
        assert!(body(&resp).contains("<Type>Receiver</Type><Code>InternalFailure</Code><Message>a &amp; b</Message>"));
    }
}
