//! A write through the DynamoDB handler shows up through the Streams handler.

use dynamodb_api::Handler as _;
use dynamodbstreams_api::Handler as _;
use ferrostack_runtime as rt;
use ferrostack_store::Peers;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

#[tokio::test]
async fn put_is_streamed() {
    use dynamodb_api::types as d;
    use dynamodbstreams_api::types as s;
    let peers = Peers::new();
    dynamodb_handler::serve(&peers);
    let ddb = peers.get::<dynamodb_handler::Handler>().unwrap();
    let streams = dynamodbstreams_handler::Handler::new(peers.clone());
    let table = ddb
        .create_table(
            &ctx(),
            d::CreateTableInput {
                table_name: "tbl".into(),
                attribute_definitions: vec![d::AttributeDefinition {
                    attribute_name: "id".into(),
                    attribute_type: d::ScalarAttributeType::S,
                }],
                key_schema: vec![d::KeySchemaElement { attribute_name: "id".into(), key_type: d::KeyType::Hash }],
                billing_mode: Some(d::BillingMode::PayPerRequest),
                stream_specification: Some(d::StreamSpecification {
                    stream_enabled: true,
                    stream_view_type: Some(d::StreamViewType::NewImage),
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .table_description
        .unwrap();
    let arn = table.latest_stream_arn.unwrap();
    let mut item = rt::IndexMap::new();
    item.insert("id".to_string(), d::AttributeValue::S("a".into()));
    ddb.put_item(&ctx(), d::PutItemInput { table_name: "tbl".into(), item, ..Default::default() }).await.unwrap();
    let desc = streams
        .describe_stream(&ctx(), s::DescribeStreamInput { stream_arn: arn.clone(), ..Default::default() })
        .await
        .unwrap()
        .stream_description
        .unwrap();
    let shard = desc.shards.unwrap()[0].shard_id.clone().unwrap();
    let it = streams
        .get_shard_iterator(
            &ctx(),
            s::GetShardIteratorInput {
                stream_arn: arn,
                shard_id: shard,
                shard_iterator_type: s::ShardIteratorType::TrimHorizon,
                sequence_number: None,
            },
        )
        .await
        .unwrap()
        .shard_iterator
        .unwrap();
    let out = streams.get_records(&ctx(), s::GetRecordsInput { shard_iterator: it, limit: None }).await.unwrap();
    let records = out.records.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].event_name, Some(s::OperationType::Insert));
    let image = records[0].dynamodb.as_ref().unwrap().new_image.as_ref().unwrap();
    assert_eq!(image.get("id"), Some(&s::AttributeValue::S("a".into())));
    assert!(out.next_shard_iterator.is_some());
}
