//! Service selection: each routing rule, in order, against the fake services.

mod gateway_support;

use ferrostack::route::{select, RequestFacts, Route, Rule};
use ferrostack::sigv4::Credential;
use ferrostack::vhost::HostNames;
use ferrostack::Registry;
use ferrostack_runtime::http::HttpRequest;
use ferrostack_runtime::Protocol;
use gateway_support::*;
use http::Method;

struct Routed {
    route: Route,
    /// The service's name, when a service was chosen.
    service: Option<&'static str>,
    path: String,
}

fn route_with(registry: &Registry, mut req: HttpRequest) -> Routed {
    let credential = Credential::from_request(&req.headers, &req.query);
    let host = req.header("host").map(str::to_owned);
    let facts = RequestFacts::new(&req, &credential, host.as_deref());
    let route = select(registry, &HostNames::new("localhost"), &mut req, &facts);
    let service = match &route {
        Route::Service { index, .. } => Some(registry.schema(*index).service.name),
        _ => None,
    };
    Routed { route, service, path: req.path }
}

fn route(req: HttpRequest) -> Routed {
    route_with(&registry(&all_fakes()), req)
}

fn request(method: Method, path_and_query: &str, headers: &[(&str, &str)], body: &str) -> HttpRequest {
    let mut req = HttpRequest::new(method, path_and_query);
    for (name, value) in headers {
        req.headers.append(http::HeaderName::from_bytes(name.as_bytes()).unwrap(), value.parse().unwrap());
    }
    req.body = bytes::Bytes::copy_from_slice(body.as_bytes());
    req
}

fn expect(routed: &Routed, service: &str, protocol: Protocol, rule: Rule) {
    match routed.route {
        Route::Service { protocol: p, rule: r, .. } => {
            assert_eq!((routed.service, p, r), (Some(service), protocol, rule));
        }
        ref other => panic!("expected {service}, got {other:?}"),
    }
}

const FORM: (&str, &str) = ("content-type", "application/x-www-form-urlencoded; charset=utf-8");

#[test]
fn target_header_picks_the_awsjson_service() {
    let r = route(request(
        Method::POST,
        "/",
        &[("x-amz-target", "JsonQuery_2012.ListQueues"), ("content-type", "application/x-amz-json-1.0")],
        "{}",
    ));
    expect(&r, "jsonquery", Protocol::AwsJson1_0, Rule::Target);
    // The target wins over a signature that names another service.
    let r = route(request(
        Method::POST,
        "/",
        &[("x-amz-target", "GraniteLike20100801.GetMetricData"), ("authorization", &sigv4("test", "us-east-1", "s3"))],
        "{}",
    ));
    expect(&r, "cbor", Protocol::AwsJson1_0, Rule::Target);
}

#[test]
fn unknown_or_non_json_target_falls_through() {
    // QueryOnly has a target prefix in its model but serves no awsJson.
    let r = route(request(Method::POST, "/", &[("x-amz-target", "QueryOnlyV2010.ListUsers")], "{}"));
    expect(&r, "s3", Protocol::RestXml, Rule::S3Fallback);
    let r = route(request(
        Method::POST,
        "/",
        &[("x-amz-target", "NoSuchPrefix.Op"), ("authorization", &sigv4("test", "us-east-1", "jsonquery"))],
        "{}",
    ));
    expect(&r, "jsonquery", Protocol::AwsJson1_0, Rule::SigningName);
}

#[test]
fn rpcv2_cbor_by_service_shape_name() {
    let r = route(request(
        Method::POST,
        "/service/GraniteLike20100801/operation/GetMetricData",
        &[("smithy-protocol", "rpc-v2-cbor"), ("content-type", "application/cbor")],
        "",
    ));
    expect(&r, "cbor", Protocol::RpcV2Cbor, Rule::RpcV2Cbor);
    // Without the header, that path is nothing special.
    let r = route(request(Method::POST, "/service/GraniteLike20100801/operation/GetMetricData", &[], ""));
    expect(&r, "s3", Protocol::RestXml, Rule::S3Fallback);
    // With a signature, the signing name still finds the service, and the header its protocol.
    let r = route(request(
        Method::POST,
        "/service/Unknown/operation/Op",
        &[("smithy-protocol", "rpc-v2-cbor"), ("authorization", &sigv4("test", "us-east-1", "monitoring"))],
        "",
    ));
    expect(&r, "cbor", Protocol::RpcV2Cbor, Rule::SigningName);
}

#[test]
fn signing_name_and_query_protocol() {
    let auth = sigv4("test", "eu-west-1", "jsonquery");
    let r =
        route(request(Method::POST, "/", &[("authorization", &auth), FORM], "Action=ListQueues&Version=2012-11-05"));
    expect(&r, "jsonquery", Protocol::AwsQuery, Rule::SigningName);
    // GET with the action in the query string.
    let r = route(request(Method::GET, "/?Action=ListQueues&Version=2012-11-05", &[("authorization", &auth)], ""));
    expect(&r, "jsonquery", Protocol::AwsQuery, Rule::SigningName);
    // No action and no target: the model's own protocol, whose decoder reports what is missing.
    let r = route(request(Method::POST, "/", &[("authorization", &auth)], "{}"));
    expect(&r, "jsonquery", Protocol::AwsJson1_0, Rule::SigningName);
    // REST services by signature, whatever the path.
    let r =
        route(request(Method::GET, "/not/a/route", &[("authorization", &sigv4("test", "us-east-1", "lambda"))], ""));
    expect(&r, "restfn", Protocol::RestJson1, Rule::SigningName);
    let r = route(request(Method::GET, "/bucket/key", &[("authorization", &sigv4("test", "us-east-1", "s3"))], ""));
    expect(&r, "s3", Protocol::RestXml, Rule::SigningName);
}

#[test]
fn shared_signing_name_is_disambiguated() {
    let auth = sigv4("test", "us-east-1", "mail");
    let r = route(request(Method::POST, "/", &[("authorization", &auth), FORM], "Action=SendEmail&Version=2010-12-01"));
    expect(&r, "mailv1", Protocol::AwsQuery, Rule::SigningName);
    let r = route(request(
        Method::POST,
        "/v2/email/outbound-emails",
        &[("authorization", &auth), ("content-type", "application/json")],
        "{}",
    ));
    expect(&r, "mailv2", Protocol::RestJson1, Rule::SigningName);
    // A query action without a version still finds the service that has it.
    let r = route(request(Method::POST, "/", &[("authorization", &auth), FORM], "Action=SendEmail"));
    expect(&r, "mailv1", Protocol::AwsQuery, Rule::SigningName);
}

#[test]
fn presigned_query_credential() {
    let r = route(request(
        Method::GET,
        "/bucket/key?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=123456789012%2F20240101%2Fap-southeast-2%2Fs3%2Faws4_request&X-Amz-Signature=ab",
        &[],
        "",
    ));
    expect(&r, "s3", Protocol::RestXml, Rule::SigningName);
    let req = request(
        Method::GET,
        "/?Action=ListQueues&X-Amz-Credential=000000000001%2F20240101%2Fus-west-2%2Fjsonquery%2Faws4_request",
        &[],
        "",
    );
    let c = Credential::from_request(&req.headers, &req.query);
    assert_eq!((c.region(), c.account_id(), c.service.as_deref()), ("us-west-2", "000000000001", Some("jsonquery")));
    expect(&route(req), "jsonquery", Protocol::AwsQuery, Rule::SigningName);
}

#[test]
fn region_and_account_from_the_credential() {
    let req = request(Method::POST, "/", &[("authorization", &sigv4("111122223333", "eu-central-1", "sqs"))], "");
    let c = Credential::from_request(&req.headers, &req.query);
    assert_eq!((c.region(), c.account_id()), ("eu-central-1", "111122223333"));
    // Keys that are not 12 digits are the default account; no signature is the default region.
    let req = request(Method::POST, "/", &[("authorization", &sigv4("AKIAIOSFODNN7EXAMPLE", "us-west-1", "sqs"))], "");
    assert_eq!(Credential::from_request(&req.headers, &req.query).account_id(), "000000000000");
    let req = request(Method::GET, "/", &[], "");
    let c = Credential::from_request(&req.headers, &req.query);
    assert_eq!((c.region(), c.account_id()), ("us-east-1", "000000000000"));
}

#[test]
fn query_action_without_signature() {
    let r = route(request(Method::POST, "/", &[FORM], "Action=ListUsers&Version=2010-05-08"));
    expect(&r, "queryonly", Protocol::AwsQuery, Rule::QueryAction);
    let r = route(request(Method::GET, "/?Action=ListQueues&Version=2012-11-05", &[], ""));
    expect(&r, "jsonquery", Protocol::AwsQuery, Rule::QueryAction);
    // An unknown signing name does not stop the later rules.
    let r = route(request(
        Method::POST,
        "/",
        &[FORM, ("authorization", &sigv4("test", "us-east-1", "nosuch"))],
        "Action=ListUsers&Version=2010-05-08",
    ));
    expect(&r, "queryonly", Protocol::AwsQuery, Rule::QueryAction);
    // No version: the only service with that action.
    let r = route(request(Method::POST, "/", &[FORM], "Action=ListUsers"));
    expect(&r, "queryonly", Protocol::AwsQuery, Rule::QueryAction);
}

#[test]
fn s3_virtual_hosts_are_rewritten_to_path_style() {
    let cases = [
        ("my-bucket.s3.localhost.localstack.cloud:4566", "/key/with/slashes", "/my-bucket/key/with/slashes"),
        ("my-bucket.s3.localhost.localstack.cloud", "/", "/my-bucket"),
        ("my-bucket.localhost:4566", "/k", "/my-bucket/k"),
        ("my-bucket.s3.localhost", "/", "/my-bucket"),
    ];
    for (host, path, rewritten) in cases {
        let r = route(request(Method::GET, path, &[("host", host)], ""));
        expect(&r, "s3", Protocol::RestXml, Rule::S3VirtualHost);
        assert_eq!(r.path, rewritten, "{host}");
    }
    // Signed requests to a virtual host go to S3 by signature, and are rewritten too.
    let r = route(request(
        Method::PUT,
        "/obj",
        &[("host", "bkt.s3.localhost.localstack.cloud:4566"), ("authorization", &sigv4("test", "us-east-1", "s3"))],
        "data",
    ));
    expect(&r, "s3", Protocol::RestXml, Rule::SigningName);
    assert_eq!(r.path, "/bkt/obj");
    // ... but a request signed for another service on such a host is left alone.
    let r = route(request(
        Method::POST,
        "/",
        &[("host", "bkt.localhost:4566"), ("x-amz-target", "JsonQuery_2012.ListQueues")],
        "{}",
    ));
    expect(&r, "jsonquery", Protocol::AwsJson1_0, Rule::Target);
    assert_eq!(r.path, "/");
}

#[test]
fn plain_hosts_are_path_style() {
    for host in [
        "localhost:4566",
        "localhost",
        "127.0.0.1:4566",
        "s3.localhost.localstack.cloud:4566",
        "s3.localhost",
        "[::1]:4566",
    ] {
        let r = route(request(Method::GET, "/bucket/key", &[("host", host)], ""));
        expect(&r, "s3", Protocol::RestXml, Rule::S3Fallback);
        assert_eq!(r.path, "/bucket/key", "{host}");
    }
}

#[test]
fn execute_api_hosts_and_paths() {
    let r = route(request(
        Method::POST,
        "/prod/items",
        &[("host", "a1b2c3.execute-api.localhost.localstack.cloud:4566"), FORM],
        "Action=ListUsers&Version=2010-05-08",
    ));
    assert_eq!(r.route, Route::ExecuteApi { api_id: "a1b2c3".into() });
    assert_eq!(r.path, "/prod/items");
    let r = route(request(Method::GET, "/_aws/execute-api/a1b2c3/prod/items", &[], ""));
    assert_eq!(r.route, Route::ExecuteApi { api_id: "a1b2c3".into() });
    assert_eq!(r.path, "/prod/items");
}

#[test]
fn rest_paths_without_signature() {
    let r = route(request(Method::GET, "/2015-03-31/functions", &[], ""));
    expect(&r, "restfn", Protocol::RestJson1, Rule::RestPath);
    let r = route(request(Method::POST, "/2015-03-31/functions/my-fn/invocations", &[], "{}"));
    expect(&r, "restfn", Protocol::RestJson1, Rule::RestPath);
    let r = route(request(Method::POST, "/v2/email/identities", &[], "{}"));
    expect(&r, "mailv2", Protocol::RestJson1, Rule::RestPath);
    // A wrong method is still that service's path: it refuses it in its own format.
    let r = route(request(Method::DELETE, "/2015-03-31/functions", &[], ""));
    expect(&r, "restfn", Protocol::RestJson1, Rule::RestPath);
    // A path no REST service has goes to S3.
    let r = route(request(Method::GET, "/2015-03-31/other", &[], ""));
    expect(&r, "s3", Protocol::RestXml, Rule::S3Fallback);
}

#[test]
fn s3_is_the_last_resort_and_nothing_is_unknown_without_it() {
    let r = route(request(Method::GET, "/whatever/else", &[], ""));
    expect(&r, "s3", Protocol::RestXml, Rule::S3Fallback);
    let without_s3: Vec<_> = all_fakes().into_iter().filter(|f| f.schema.service.name != "s3").collect();
    let r = route_with(&registry(&without_s3), request(Method::GET, "/whatever/else", &[], ""));
    assert_eq!(r.route, Route::Unknown);
}

#[test]
fn hostile_input_routes_without_panicking() {
    let headers: &[&[(&str, &str)]] = &[
        &[("x-amz-target", "")],
        &[("x-amz-target", ".")],
        &[("x-amz-target", "...")],
        &[("smithy-protocol", "rpc-v2-cbor")],
        &[("authorization", "AWS4-HMAC-SHA256 Credential=////, Signature=")],
        &[("authorization", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e/f/g/h")],
        &[("host", "..s3.localhost")],
        &[("host", ":::::")],
        &[FORM],
    ];
    for h in headers {
        for path in ["/", "/service//operation/", "//", "/_aws/execute-api/", "/%ff%fe"] {
            let _ = route(request(Method::POST, path, h, "Action=&Version=%zz&&=="));
        }
    }
}

/// The operation routing read on the way, handed to the protocol layer.
fn operation_of(routed: &Routed) -> Option<usize> {
    match routed.route {
        Route::Service { operation, .. } => operation,
        ref other => panic!("expected a service, got {other:?}"),
    }
}

#[test]
fn routing_hands_on_the_operation_it_read() {
    // JSON_QUERY's operations, sorted: Boom, ListQueues.
    let json = |target: &str| {
        route(request(
            Method::POST,
            "/",
            &[("x-amz-target", target), ("content-type", "application/x-amz-json-1.0")],
            "{}",
        ))
    };
    assert_eq!(operation_of(&json("JsonQuery_2012.ListQueues")), Some(1));
    assert_eq!(operation_of(&json("JsonQuery_2012.Boom")), Some(0));
    // An operation the service lacks is the protocol layer's to refuse.
    assert_eq!(operation_of(&json("JsonQuery_2012.Nope")), None);

    let form = |uri: &str, body: &str| route(request(Method::POST, uri, &[FORM], body));
    assert_eq!(operation_of(&form("/", "Action=ListQueues&Version=2012-11-05")), Some(1));
    assert_eq!(operation_of(&form("/", "Version=2012-11-05&Action=Nope")), None);
    // An Action in the query string is read first by the protocol layer: left to it.
    assert_eq!(operation_of(&form("/?Action=Boom", "Action=ListQueues&Version=2012-11-05")), None);
    // REST protocols route again in the protocol layer (for the URI labels).
    let r = route(request(Method::GET, "/bucket/key", &[("authorization", &sigv4("test", "us-east-1", "s3"))], ""));
    assert_eq!(operation_of(&r), None);
}
