//! Kinesis streaming destinations against a stand-in Kinesis that knows one stream (the
//! real Kinesis handler has no streams yet, so the Python tests can only see the refusal).

use std::sync::Arc;

use dynamodb_api::types::*;
use dynamodb_api::Handler as _;
use dynamodb_handler::Handler;
use ferrostack_runtime as rt;

const STREAM: &str = "arn:aws:kinesis:us-east-1:000000000000:stream/known";

struct FakeKinesis;

#[rt::async_trait]
impl kinesis_api::Handler for FakeKinesis {
    async fn describe_stream_summary(
        &self,
        _ctx: &rt::RequestContext,
        input: kinesis_api::types::DescribeStreamSummaryInput,
    ) -> Result<kinesis_api::types::DescribeStreamSummaryOutput, kinesis_api::error::DescribeStreamSummaryError> {
        if input.stream_arn.as_deref() == Some(STREAM) {
            Ok(Default::default())
        } else {
            Err(rt::CommonError::service(400, "ResourceNotFoundException", "not found").into())
        }
    }
}

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

async fn handler() -> Handler {
    let peers = ferrostack_store::Peers::new();
    peers.register::<dyn kinesis_api::Handler>(Arc::new(FakeKinesis));
    let h = Handler::new(peers);
    h.create_table(
        &ctx(),
        CreateTableInput {
            table_name: "ktab".into(),
            attribute_definitions: vec![AttributeDefinition {
                attribute_name: "pk".into(),
                attribute_type: ScalarAttributeType::S,
            }],
            key_schema: vec![KeySchemaElement { attribute_name: "pk".into(), key_type: KeyType::Hash }],
            billing_mode: Some(BillingMode::PayPerRequest),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    h
}

fn dest(table: &str, stream: &str) -> KinesisStreamingDestinationInput {
    KinesisStreamingDestinationInput {
        table_name: table.into(),
        stream_arn: stream.into(),
        enable_kinesis_streaming_configuration: None,
    }
}

#[tokio::test]
async fn enable_update_disable() {
    let h = handler().await;
    let out = h.enable_kinesis_streaming_destination(&ctx(), dest("ktab", STREAM)).await.unwrap();
    assert_eq!(out.destination_status, Some(DestinationStatus::Enabling));
    let d = h
        .describe_kinesis_streaming_destination(
            &ctx(),
            DescribeKinesisStreamingDestinationInput { table_name: "ktab".into() },
        )
        .await
        .unwrap();
    let list = d.kinesis_data_stream_destinations.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].destination_status, Some(DestinationStatus::Active));
    assert_eq!(
        list[0].approximate_creation_date_time_precision,
        Some(ApproximateCreationDateTimePrecision::Millisecond)
    );
    // Enabling twice is ResourceInUseException.
    let again = h.enable_kinesis_streaming_destination(&ctx(), dest("ktab", STREAM)).await.unwrap_err();
    assert!(format!("{again:?}").contains("ResourceInUseException"), "{again:?}");

    let up = UpdateKinesisStreamingDestinationInput {
        table_name: "ktab".into(),
        stream_arn: STREAM.into(),
        update_kinesis_streaming_configuration: Some(UpdateKinesisStreamingConfiguration {
            approximate_creation_date_time_precision: Some(ApproximateCreationDateTimePrecision::Microsecond),
        }),
    };
    let out = h.update_kinesis_streaming_destination(&ctx(), up.clone()).await.unwrap();
    assert_eq!(out.destination_status, Some(DestinationStatus::Updating));
    // The same precision again is a validation error.
    assert!(h.update_kinesis_streaming_destination(&ctx(), up).await.is_err());

    let out = h.disable_kinesis_streaming_destination(&ctx(), dest("ktab", STREAM)).await.unwrap();
    assert_eq!(out.destination_status, Some(DestinationStatus::Disabling));
    let d = h
        .describe_kinesis_streaming_destination(
            &ctx(),
            DescribeKinesisStreamingDestinationInput { table_name: "ktab".into() },
        )
        .await
        .unwrap();
    assert_eq!(d.kinesis_data_stream_destinations.unwrap()[0].destination_status, Some(DestinationStatus::Disabled));
    assert!(h.disable_kinesis_streaming_destination(&ctx(), dest("ktab", STREAM)).await.is_err());
    // Enabling again after disabling works.
    h.enable_kinesis_streaming_destination(&ctx(), dest("ktab", STREAM)).await.unwrap();
}

#[tokio::test]
async fn unknown_stream_or_table() {
    let h = handler().await;
    let other = "arn:aws:kinesis:us-east-1:000000000000:stream/other";
    let e = h.enable_kinesis_streaming_destination(&ctx(), dest("ktab", other)).await.unwrap_err();
    assert!(matches!(e, dynamodb_api::error::EnableKinesisStreamingDestinationError::ResourceNotFoundException(_)));
    let e = h.enable_kinesis_streaming_destination(&ctx(), dest("nope-table", STREAM)).await.unwrap_err();
    assert!(matches!(e, dynamodb_api::error::EnableKinesisStreamingDestinationError::ResourceNotFoundException(_)));
    // Without Kinesis at all, no stream exists.
    let lonely = Handler::default();
    let e = lonely
        .describe_kinesis_streaming_destination(
            &ctx(),
            DescribeKinesisStreamingDestinationInput { table_name: "ktab".into() },
        )
        .await;
    assert!(e.is_err());
}
