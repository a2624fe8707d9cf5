//! Lambda behaviour through the typed handler.

use ferrostack_runtime as rt;
use lambda_api::error::*;
use lambda_api::types::*;
use lambda_api::Handler as _;
use lambda_handler::Handler;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

#[tokio::test]
async fn list_functions_is_empty_without_marker() {
    let h = Handler::default();
    let out = h.list_functions(&ctx(), ListFunctionsRequest::default()).await.unwrap();
    assert_eq!(out.functions, Some(vec![]));
    assert_eq!(out.next_marker, None);
    let paged = h
        .list_functions(
            &ctx(),
            ListFunctionsRequest { max_items: Some(1), marker: Some("zzz".into()), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(paged.functions, Some(vec![]));
    assert_eq!(paged.next_marker, None);
}

fn not_found_message(err: GetFunctionError) -> String {
    match err {
        GetFunctionError::ResourceNotFoundException(e) => {
            assert_eq!(e.r#type.as_deref(), Some("User"));
            e.message.unwrap()
        }
        other => panic!("expected ResourceNotFoundException, got {other:?}"),
    }
}

#[tokio::test]
async fn get_missing_function() {
    let h = Handler::default();
    let get = |name: &str, qualifier: Option<&str>| GetFunctionRequest {
        function_name: name.into(),
        qualifier: qualifier.map(str::to_string),
    };
    let msg = not_found_message(h.get_function(&ctx(), get("nope", None)).await.unwrap_err());
    assert_eq!(msg, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope");

    let msg = not_found_message(h.get_function(&ctx(), get("nope", Some("3"))).await.unwrap_err());
    assert_eq!(msg, "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope:3");

    let arn = "arn:aws:lambda:us-east-1:000000000000:function:other";
    let msg = not_found_message(h.get_function(&ctx(), get(arn, None)).await.unwrap_err());
    assert_eq!(msg, format!("Function not found: {arn}"));

    let err = h
        .get_function_configuration(
            &ctx(),
            GetFunctionConfigurationRequest { function_name: "nope".into(), qualifier: None },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, GetFunctionConfigurationError::ResourceNotFoundException(_)));
}

#[tokio::test]
async fn functions_are_scoped_by_region() {
    let h = Handler::default();
    let other = rt::RequestContext::internal("000000000000", "eu-west-1");
    let err =
        h.get_function(&other, GetFunctionRequest { function_name: "f".into(), qualifier: None }).await.unwrap_err();
    assert_eq!(not_found_message(err), "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:f");
}
