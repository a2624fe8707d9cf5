//! The gateway end to end, in-process: admin endpoints, body limits, panics, API Gateway's
//! data plane and requests nobody claims.

mod gateway_support;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use bytes::Bytes;
use ferrostack::config::BodyLimits;
use ferrostack::{ExecuteApi, Gateway};
use ferrostack_runtime::http::{HttpRequest, HttpResponse};
use ferrostack_runtime::{BoxFuture, RequestContext};
use gateway_support::*;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;

struct Answer {
    status: StatusCode,
    headers: http::HeaderMap,
    body: String,
}

fn answer(response: Response<ferrostack::body::ResponseBody>) -> Answer {
    let (parts, body) = response.into_parts();
    let body = body.buffered_bytes().expect("a buffered body");
    Answer { status: parts.status, headers: parts.headers, body: String::from_utf8_lossy(&body).into_owned() }
}

fn send(gateway: &Gateway, method: Method, uri: &str, headers: &[(&str, &str)], body: &'static [u8]) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        req = req.header(*name, *value);
    }
    let req = req.body(Full::new(Bytes::from_static(body))).unwrap();
    answer(block_on(gateway.handle(req)))
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"))
}

#[test]
fn health_lists_every_service() {
    let fakes = all_fakes();
    let gateway = gateway(&fakes, BodyLimits::default());
    for path in ["/_localstack/health", "/_ministack/health", "/_localstack/health/"] {
        let a = send(&gateway, Method::GET, path, &[], b"");
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(a.headers["content-type"], "application/json");
        let body = json(&a.body);
        assert_eq!(body["edition"], "community");
        assert_eq!(body["version"], ferrostack::VERSION);
        let services = body["services"].as_object().unwrap();
        assert_eq!(services.len(), fakes.len());
        assert_eq!(services["s3"], "available");
    }
    // HEAD: the same length, no body.
    let a = send(&gateway, Method::HEAD, "/_localstack/health", &[], b"");
    assert_eq!(a.status, 200);
    assert!(a.body.is_empty());
    assert_ne!(a.headers["content-length"], "0");
    // A service that served a request is "running".
    send(&gateway, Method::GET, "/bucket", &[], b"");
    let body = json(&send(&gateway, Method::GET, "/_localstack/health", &[], b"").body);
    assert_eq!(body["services"]["s3"], "running");
    assert_eq!(body["services"]["jsonquery"], "available");
}

#[test]
fn reset_resets_every_service() {
    let fakes = all_fakes();
    let gateway = gateway(&fakes, BodyLimits::default());
    for (n, path) in ["/_ministack/reset", "/_localstack/reset", "/_localstack/state/reset"].into_iter().enumerate() {
        let a = send(&gateway, Method::POST, path, &[], b"");
        assert_eq!(a.status, 200, "{path}");
        assert_eq!(json(&a.body), serde_json::json!({"reset": "ok"}));
        assert!(fakes.iter().all(|f| f.resets.load(Ordering::Relaxed) == n + 1));
    }
    // Reset is a POST; other admin methods and paths are refused as JSON.
    assert_eq!(send(&gateway, Method::GET, "/_ministack/reset", &[], b"").status, 405);
    assert_eq!(send(&gateway, Method::GET, "/_localstack/nothing-here", &[], b"").status, 404);
    let info = send(&gateway, Method::GET, "/_localstack/info", &[], b"");
    assert_eq!(json(&info.body)["version"], ferrostack::VERSION);
}

#[test]
fn handler_panic_is_a_500_in_the_protocol_envelope() {
    let fakes = all_fakes();
    let gateway = gateway(&fakes, BodyLimits::default());
    let a = send(
        &gateway,
        Method::POST,
        "/",
        &[("x-amz-target", "JsonQuery_2012.Boom"), ("content-type", "application/x-amz-json-1.0")],
        b"{}",
    );
    assert_eq!(a.status, 500, "{}", a.body);
    assert_eq!(json(&a.body)["__type"], "InternalFailure");
    assert!(a.headers.contains_key("x-amzn-requestid"));

    let a = send(&gateway, Method::GET, "/boom", &[], b"");
    assert_eq!(a.status, 500, "{}", a.body);
    assert!(a.headers.contains_key("x-amzn-errortype"), "{:?}", a.headers);
}

#[test]
fn oversized_bodies_get_413_in_the_right_format() {
    let fakes = all_fakes();
    let gateway = gateway(&fakes, BodyLimits { default: 16, s3: 32 });
    let big: &[u8] = b"0123456789abcdef0123456789abcdef!";

    let a = send(
        &gateway,
        Method::POST,
        "/",
        &[("x-amz-target", "JsonQuery_2012.ListQueues"), ("content-type", "application/x-amz-json-1.0")],
        big,
    );
    assert_eq!(a.status, 413);
    assert_eq!(json(&a.body)["__type"], "RequestEntityTooLargeException");

    let a = send(&gateway, Method::POST, "/", &[("content-type", "application/x-www-form-urlencoded")], big);
    assert_eq!(a.status, 413);
    assert!(a.body.starts_with("<ErrorResponse"), "{}", a.body);

    // S3 has its own, larger limit: 33 bytes are too many, 17 are fine.
    let a = send(&gateway, Method::PUT, "/bucket/key", &[], big);
    assert_eq!(a.status, 413);
    assert!(a.body.contains("<Code>EntityTooLarge</Code>"), "{}", a.body);
    assert!(a.headers.contains_key("x-amz-request-id"));
    let a = send(&gateway, Method::PUT, "/bucket/key", &[], &big[..17]);
    assert_ne!(a.status, 413);
    // curl labels uploads as forms: a PUT is never an awsQuery call, so S3's limit applies.
    let a = send(
        &gateway,
        Method::PUT,
        "/bucket/key",
        &[("content-type", "application/x-www-form-urlencoded")],
        &big[..17],
    );
    assert_ne!(a.status, 413);
}

#[test]
fn execute_api_defaults_to_not_found() {
    let gateway = gateway(&all_fakes(), BodyLimits::default());
    let a = send(
        &gateway,
        Method::GET,
        "/prod/items",
        &[("host", "abc123.execute-api.localhost.localstack.cloud:4566")],
        b"",
    );
    assert_eq!(a.status, 404);
    assert_eq!(json(&a.body), serde_json::json!({"message": "Not Found"}));
}

struct EchoApi;

impl ExecuteApi for EchoApi {
    fn invoke<'a>(&'a self, api_id: &'a str, req: HttpRequest, ctx: &'a RequestContext) -> BoxFuture<'a, HttpResponse> {
        let text =
            format!("{api_id} {} {} {} {}", req.method, req.path, ctx.region, String::from_utf8_lossy(&req.body));
        Box::pin(async move { HttpResponse::with_body(200, "text/plain", text) })
    }
}

#[test]
fn execute_api_hook_gets_the_api_and_its_path() {
    let gateway = gateway(&all_fakes(), BodyLimits::default()).with_execute_api(Some(Arc::new(EchoApi)));
    let a =
        send(&gateway, Method::POST, "/prod/items?x=1", &[("host", "abc123.execute-api.localhost:4566")], b"payload");
    assert_eq!((a.status.as_u16(), a.body.as_str()), (200, "abc123 POST /prod/items us-east-1 payload"));
    let a = send(&gateway, Method::GET, "/_aws/execute-api/xyz/dev/", &[], b"");
    assert_eq!(a.body, "xyz GET /dev/ us-east-1 ");
}

/// A data plane written as a plain function, as a handler crate would export it.
fn teapot<'a>(api_id: &'a str, _req: HttpRequest, _ctx: &'a RequestContext) -> BoxFuture<'a, HttpResponse> {
    Box::pin(async move { HttpResponse::with_body(418, "text/plain", format!("teapot {api_id}")) })
}

#[test]
fn a_plain_function_is_a_data_plane() {
    let gateway = gateway(&all_fakes(), BodyLimits::default()).with_execute_api(Some(Arc::new(teapot)));
    let a = send(&gateway, Method::GET, "/", &[("host", "tea.execute-api.localhost")], b"");
    assert_eq!((a.status.as_u16(), a.body.as_str()), (418, "teapot tea"));
}

#[test]
fn unknown_requests_without_s3_are_a_json_404() {
    let fakes: Vec<_> = all_fakes().into_iter().filter(|f| f.schema.service.name != "s3").collect();
    let gateway = gateway(&fakes, BodyLimits::default());
    let a = send(&gateway, Method::GET, "/no/such/thing", &[], b"");
    assert_eq!(a.status, 404);
    assert_eq!(json(&a.body)["__type"], "UnknownOperationException");
    // A query call for a version nobody serves gets awsQuery's error format.
    let a = send(
        &gateway,
        Method::POST,
        "/",
        &[("content-type", "application/x-www-form-urlencoded")],
        b"Action=Nope&Version=1999-01-01",
    );
    assert_eq!(a.status, 400);
    assert!(a.body.contains("<Code>InvalidAction</Code>"), "{}", a.body);
}

#[test]
fn query_forms_reach_the_operation_their_action_names() {
    let fakes = all_fakes();
    let gateway = gateway(&fakes, BodyLimits::default());
    let form = [("content-type", "application/x-www-form-urlencoded")];
    // Routing reads the body's Action and hands the operation on.
    let a = send(&gateway, Method::POST, "/", &form, b"Action=ListQueues&Version=2012-11-05");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.starts_with("<ListQueuesResponse"), "{}", a.body);
    // An Action the service lacks is refused by the protocol layer, Version quoted.
    let a = send(&gateway, Method::POST, "/", &form, b"Action=Nope&Version=2012-11-05");
    assert_eq!(a.status, 400);
    assert!(a.body.contains("Could not find operation Nope for version 2012-11-05"), "{}", a.body);
    // The query string's Action comes first, as the protocol layer reads it: the body's
    // (a panicking operation here) is not the one called.
    let a = send(&gateway, Method::POST, "/?Action=ListQueues", &form, b"Action=Boom&Version=2012-11-05");
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.body.starts_with("<ListQueuesResponse"), "{}", a.body);
}

#[test]
fn an_empty_registry_still_answers() {
    let gateway = gateway(&[], BodyLimits::default());
    assert_eq!(send(&gateway, Method::GET, "/_localstack/health", &[], b"").status, 200);
    assert_eq!(send(&gateway, Method::GET, "/", &[], b"").status, 404);
    assert_eq!(send(&gateway, Method::POST, "/_ministack/reset", &[], b"").status, 200);
}

#[test]
fn the_catalog_is_built_on_first_use_not_for_health() {
    let gateway = Gateway::new(
        ferrostack::Registry::from_catalog(),
        ferrostack_runtime::Endpoint::default(),
        BodyLimits::default(),
    );
    let a = send(&gateway, Method::GET, "/_localstack/health", &[], b"");
    let services = json(&a.body)["services"].as_object().unwrap().clone();
    assert_eq!(services.len(), ferrostack::services::CATALOG.len());
    assert!(services.values().all(|state| state == "available"));
    assert!(gateway.registry().built().is_none(), "health must not build services");
    assert_eq!(send(&gateway, Method::POST, "/_localstack/reset", &[], b"").status, 200);
    assert!(gateway.registry().built().is_none(), "reset must not build services");

    // The first routed request builds them all, and names match the schemas'.
    send(&gateway, Method::GET, "/some-bucket", &[], b"");
    let built = gateway.registry().built().expect("built by the first request");
    let names: Vec<_> = built.iter().map(|s| s.schema().service.name).collect();
    assert_eq!(names, gateway.registry().names());
    let services = json(&send(&gateway, Method::GET, "/_localstack/health", &[], b"").body)["services"].clone();
    assert_eq!(services["s3"], "running");
}
