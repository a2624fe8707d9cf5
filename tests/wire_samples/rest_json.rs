//! restJson1 (Lambda): labels, query strings and headers bound to members, JSON documents
//! and raw payloads, errors named by `x-amzn-ErrorType`.

use bytes::Bytes;
use ferrostack_runtime::Protocol::RestJson1;
use http::Method;
use serde_json::json;

use crate::support::*;

/// An empty account lists `{"Functions": []}`, the list present and empty.
#[tokio::test]
async fn list_functions_of_an_empty_account() {
    let lambda = lambda_handler::service();
    let reply = send(&lambda, RestJson1, Req::new(Method::GET, "/2015-03-31/functions/").build()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.json(), json!({"Functions": []}));
}

/// Query parameters bound to members: a number, an enum and a string.
#[test]
fn list_functions_reads_its_query_string() {
    let lambda = lambda_handler::service();
    let req = Req::new(Method::GET, "/2015-03-31/functions/?FunctionVersion=ALL&Marker=next%20one&MaxItems=5").build();
    let (operation, input) = decode(&lambda, RestJson1, &req);
    assert_eq!(operation, "ListFunctions");
    assert_eq!(input, json!({"FunctionVersion": "ALL", "Marker": "next one", "MaxItems": 5}));
}

/// A modelled error: status from `@httpError`, the code in `x-amzn-ErrorType`, the
/// members (`Type`, `Message`) in the body.
#[tokio::test]
async fn get_function_of_a_missing_function_is_resource_not_found() {
    let lambda = lambda_handler::service();
    let reply = send(&lambda, RestJson1, Req::new(Method::GET, "/2015-03-31/functions/nope").build()).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("x-amzn-errortype"), Some("ResourceNotFoundException"));
    assert_eq!(reply.header("x-amzn-requestid"), Some(REQUEST_ID));
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(
        reply.json(),
        json!({"Type": "User", "Message": "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"})
    );
}

#[tokio::test]
async fn unknown_paths_are_client_errors() {
    let lambda = lambda_handler::service();
    for (method, path) in
        [(Method::GET, "/2015-03-31/nothing-here"), (Method::GET, "/"), (Method::PATCH, "/2015-03-31/functions/")]
    {
        let reply = send(&lambda, RestJson1, Req::new(method.clone(), path).build()).await;
        assert!((400..500).contains(&reply.status), "{method} {path}: {}", reply.status);
        assert_eq!(reply.header("x-amzn-errortype"), Some("UnknownOperationException"), "{method} {path}");
    }
}

/// A JSON document with a nested structure holding a base64 blob, a map and a list.
#[test]
fn create_function_reads_nested_documents_and_base64_blobs() {
    let lambda = lambda_handler::service();
    let body = r#"{"FunctionName":"wire","Runtime":"python3.12","Role":"arn:aws:iam::000000000000:role/r",
        "Handler":"app.handler","Code":{"ZipFile":"UEsDBA=="},"Timeout":30,
        "Environment":{"Variables":{"STAGE":"test","EMPTY":""}},"Architectures":["arm64"],"Tags":{"team":"core"}}"#;
    let req = Req::new(Method::POST, "/2015-03-31/functions")
        .header("content-type", "application/json")
        .body(body.to_owned())
        .build();
    let (operation, input) = decode(&lambda, RestJson1, &req);
    assert_eq!(operation, "CreateFunction");
    assert_eq!(input["Code"], json!({"ZipFile": {"blob": "PK\u{3}\u{4}"}}));
    assert_eq!(input["Environment"], json!({"Variables": {"STAGE": "test", "EMPTY": ""}}));
    assert_eq!(input["Architectures"], json!(["arm64"]));
    assert_eq!(input["Timeout"], 30);
}

/// Invoke: the body is the raw payload (not a JSON document), headers pick the mode.
#[test]
fn invoke_takes_the_body_as_a_raw_payload() {
    let lambda = lambda_handler::service();
    let req = Req::new(Method::POST, "/2015-03-31/functions/wire/invocations?Qualifier=%24LATEST")
        .header("x-amz-invocation-type", "Event")
        .header("x-amz-log-type", "Tail")
        .body(Bytes::from_static(br#"{"k": [1, 2]}"#))
        .build();
    let (operation, input) = decode(&lambda, RestJson1, &req);
    assert_eq!(operation, "Invoke");
    assert_eq!(
        input,
        json!({
            "FunctionName": "wire",
            "InvocationType": "Event",
            "LogType": "Tail",
            "Payload": {"blob": r#"{"k": [1, 2]}"#},
            "Qualifier": "$LATEST",
        })
    );
}

/// A JSON body where the operation wants one, with a type that is not JSON, is refused.
#[tokio::test]
async fn a_json_body_with_a_wrong_media_type_is_refused() {
    let lambda = lambda_handler::service();
    let req = Req::new(Method::POST, "/2015-03-31/functions").header("content-type", "text/plain").body("{}").build();
    let reply = send(&lambda, RestJson1, req).await;
    assert_eq!(reply.status, 415, "{}", reply.text());
}

/// A function named by its ARN: the colons arrive percent-encoded in the label.
#[tokio::test]
async fn function_arn_labels_are_percent_decoded() {
    let lambda = lambda_handler::service();
    let path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Anope?Qualifier=7";
    let (_, input) = decode(&lambda, RestJson1, &Req::new(Method::GET, path).build());
    assert_eq!(input, json!({"FunctionName": "arn:aws:lambda:us-east-1:000000000000:function:nope", "Qualifier": "7"}));
    let reply = send(&lambda, RestJson1, Req::new(Method::GET, path).build()).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.json()["Message"], "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:7");
}
