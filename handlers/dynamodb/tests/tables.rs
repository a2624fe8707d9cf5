//! DynamoDB table control plane through the typed handler.

use dynamodb_api::error::*;
use dynamodb_api::types::*;
use dynamodb_api::Handler as _;
use dynamodb_handler::Handler;
use ferrostack_runtime as rt;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

fn attr(name: &str, t: ScalarAttributeType) -> AttributeDefinition {
    AttributeDefinition { attribute_name: name.into(), attribute_type: t }
}

fn key(name: &str, t: KeyType) -> KeySchemaElement {
    KeySchemaElement { attribute_name: name.into(), key_type: t }
}

fn provisioned(name: &str) -> CreateTableInput {
    CreateTableInput {
        table_name: name.into(),
        attribute_definitions: vec![attr("pk", ScalarAttributeType::S)],
        key_schema: vec![key("pk", KeyType::Hash)],
        provisioned_throughput: Some(ProvisionedThroughput { read_capacity_units: 5, write_capacity_units: 5 }),
        ..Default::default()
    }
}

fn on_demand(name: &str) -> CreateTableInput {
    CreateTableInput {
        billing_mode: Some(BillingMode::PayPerRequest),
        provisioned_throughput: None,
        ..provisioned(name)
    }
}

async fn create_err(h: &Handler, input: CreateTableInput) -> String {
    match h.create_table(&ctx(), input).await.unwrap_err() {
        CreateTableError::Common(rt::CommonError::Validation(m)) => m,
        other => panic!("expected ValidationException, got {other:?}"),
    }
}

#[tokio::test]
async fn list_tables_empty() {
    let h = Handler::default();
    let out = h.list_tables(&ctx(), ListTablesInput::default()).await.unwrap();
    assert_eq!(out.table_names, Some(vec![]));
    assert_eq!(out.last_evaluated_table_name, None);
}

#[tokio::test]
async fn create_describe_delete() {
    let h = Handler::default();
    let created = h.create_table(&ctx(), provisioned("Music")).await.unwrap().table_description.unwrap();
    assert_eq!(created.table_status, Some(TableStatus::Creating));
    assert_eq!(created.table_arn.as_deref(), Some("arn:aws:dynamodb:us-east-1:000000000000:table/Music"));
    assert_eq!(created.item_count, Some(0));
    assert_eq!(created.table_size_bytes, Some(0));
    assert_eq!(created.billing_mode_summary, None);
    let pt = created.provisioned_throughput.clone().unwrap();
    assert_eq!(
        (pt.read_capacity_units, pt.write_capacity_units, pt.number_of_decreases_today),
        (Some(5), Some(5), Some(0))
    );
    assert_eq!(created.deletion_protection_enabled, Some(false));
    assert!(created.creation_date_time.is_some());
    assert_eq!(created.table_id.as_ref().map(|s| s.len()), Some(36));

    let described =
        h.describe_table(&ctx(), DescribeTableInput { table_name: "Music".into() }).await.unwrap().table.unwrap();
    // The same description, but ACTIVE: the table was usable the moment it was created.
    assert_eq!(described.table_status, Some(TableStatus::Active));
    assert_eq!(TableDescription { table_status: Some(TableStatus::Creating), ..described }, created);
    let by_arn =
        h.describe_table(&ctx(), DescribeTableInput { table_name: created.table_arn.clone().unwrap() }).await.unwrap();
    assert_eq!(by_arn.table.unwrap().table_name.as_deref(), Some("Music"));

    let deleted = h.delete_table(&ctx(), DeleteTableInput { table_name: "Music".into() }).await.unwrap();
    assert_eq!(deleted.table_description.unwrap().table_status, Some(TableStatus::Deleting));
    let err = h.describe_table(&ctx(), DescribeTableInput { table_name: "Music".into() }).await.unwrap_err();
    match err {
        DescribeTableError::ResourceNotFoundException(e) => {
            assert_eq!(e.message.as_deref(), Some("Requested resource not found: Table: Music not found"))
        }
        other => panic!("{other:?}"),
    }
    let err = h.delete_table(&ctx(), DeleteTableInput { table_name: "Music".into() }).await.unwrap_err();
    assert!(matches!(err, DeleteTableError::ResourceNotFoundException(_)));
}

#[tokio::test]
async fn duplicate_table_in_use() {
    let h = Handler::default();
    h.create_table(&ctx(), provisioned("Tab1")).await.unwrap();
    match h.create_table(&ctx(), provisioned("Tab1")).await.unwrap_err() {
        CreateTableError::ResourceInUseException(e) => {
            assert_eq!(e.message.as_deref(), Some("Table already exists: Tab1"))
        }
        other => panic!("{other:?}"),
    }
    // Another region is another namespace.
    let west = rt::RequestContext::internal("000000000000", "us-west-2");
    assert!(h.create_table(&west, provisioned("Tab1")).await.is_ok());
}

#[tokio::test]
async fn on_demand_description() {
    let h = Handler::default();
    let d = h.create_table(&ctx(), on_demand("OnDemand")).await.unwrap().table_description.unwrap();
    let summary = d.billing_mode_summary.unwrap();
    assert_eq!(summary.billing_mode, Some(BillingMode::PayPerRequest));
    assert_eq!(summary.last_update_to_pay_per_request_date_time, d.creation_date_time);
    let pt = d.provisioned_throughput.unwrap();
    assert_eq!((pt.read_capacity_units, pt.write_capacity_units), (Some(0), Some(0)));
}

#[tokio::test]
async fn list_tables_pages() {
    let h = Handler::default();
    for name in ["ccc", "aaa", "bbb", "ddd"] {
        h.create_table(&ctx(), on_demand(name)).await.unwrap();
    }
    let page = h.list_tables(&ctx(), ListTablesInput { limit: Some(2), ..Default::default() }).await.unwrap();
    assert_eq!(page.table_names.unwrap(), ["aaa", "bbb"]);
    assert_eq!(page.last_evaluated_table_name.as_deref(), Some("bbb"));
    let page = h
        .list_tables(&ctx(), ListTablesInput { limit: Some(2), exclusive_start_table_name: Some("bbb".into()) })
        .await
        .unwrap();
    assert_eq!(page.table_names.unwrap(), ["ccc", "ddd"]);
    assert_eq!(page.last_evaluated_table_name, None);
    let page = h
        .list_tables(&ctx(), ListTablesInput { exclusive_start_table_name: Some("b".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page.table_names.unwrap(), ["bbb", "ccc", "ddd"]);
}

#[tokio::test]
async fn key_schema_rules() {
    let h = Handler::default();
    let two_attrs = vec![attr("pk", ScalarAttributeType::S), attr("sk", ScalarAttributeType::N)];
    let cases: Vec<(CreateTableInput, &str)> = vec![
        (
            CreateTableInput { key_schema: vec![key("nope", KeyType::Hash)], ..provisioned("t1x") },
            "One or more parameter values were invalid: Some index key attributes are not defined in AttributeDefinitions. Keys: [nope], AttributeDefinitions: [pk]",
        ),
        (
            CreateTableInput { key_schema: vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)], ..provisioned("t1x") },
            "Invalid KeySchema: Some index key attribute have no definition",
        ),
        (
            CreateTableInput {
                attribute_definitions: two_attrs.clone(),
                key_schema: vec![key("sk", KeyType::Range), key("pk", KeyType::Hash)],
                ..provisioned("t1x")
            },
            "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
        ),
        (
            CreateTableInput {
                attribute_definitions: two_attrs.clone(),
                key_schema: vec![key("pk", KeyType::Hash), key("sk", KeyType::Hash)],
                ..provisioned("t1x")
            },
            "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type",
        ),
        (
            CreateTableInput {
                attribute_definitions: two_attrs.clone(),
                key_schema: vec![key("pk", KeyType::Hash), key("pk", KeyType::Range)],
                ..provisioned("t1x")
            },
            "Both the Hash Key and the Range Key element in the KeySchema have the same name",
        ),
        (
            CreateTableInput { attribute_definitions: two_attrs.clone(), ..provisioned("t1x") },
            "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
        ),
        (CreateTableInput { key_schema: vec![], ..provisioned("t1x") }, "keySchema"),
        (
            CreateTableInput { provisioned_throughput: None, ..provisioned("t1x") },
            "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
        ),
        (
            CreateTableInput { billing_mode: Some(BillingMode::PayPerRequest), ..provisioned("t1x") },
            "One or more parameter values were invalid: Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST",
        ),
        (
            CreateTableInput {
                provisioned_throughput: Some(ProvisionedThroughput { read_capacity_units: 0, write_capacity_units: 1 }),
                ..provisioned("t1x")
            },
            "Member must have value greater than or equal to 1",
        ),
        (provisioned("ab"), "Member must have length greater than or equal to 3"),
        (provisioned("has space"), "regular expression pattern"),
    ];
    for (input, expected) in cases {
        let message = create_err(&h, input).await;
        assert!(message.contains(expected), "expected {expected:?}, got {message:?}");
    }
    assert_eq!(h.list_tables(&ctx(), ListTablesInput::default()).await.unwrap().table_names, Some(vec![]));
}

fn gsi(name: &str, hash: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex {
        index_name: name.into(),
        key_schema: vec![key(hash, KeyType::Hash)],
        projection: Projection { projection_type: Some(ProjectionType::All), non_key_attributes: None },
        provisioned_throughput: None,
        ..Default::default()
    }
}

#[tokio::test]
async fn indexes() {
    let h = Handler::default();
    let defs = vec![
        attr("pk", ScalarAttributeType::S),
        attr("sk", ScalarAttributeType::S),
        attr("gk", ScalarAttributeType::N),
        attr("lk", ScalarAttributeType::S),
    ];
    let input = CreateTableInput {
        attribute_definitions: defs.clone(),
        key_schema: vec![key("pk", KeyType::Hash), key("sk", KeyType::Range)],
        global_secondary_indexes: Some(vec![gsi("ByG", "gk")]),
        local_secondary_indexes: Some(vec![LocalSecondaryIndex {
            index_name: "ByL".into(),
            key_schema: vec![key("pk", KeyType::Hash), key("lk", KeyType::Range)],
            projection: Projection { projection_type: Some(ProjectionType::KeysOnly), non_key_attributes: None },
        }]),
        stream_specification: Some(StreamSpecification {
            stream_enabled: true,
            stream_view_type: Some(StreamViewType::NewImage),
        }),
        ..on_demand("Indexed")
    };
    let d = h.create_table(&ctx(), input.clone()).await.unwrap().table_description.unwrap();
    let g = &d.global_secondary_indexes.as_ref().unwrap()[0];
    assert_eq!(g.index_arn.as_deref(), Some("arn:aws:dynamodb:us-east-1:000000000000:table/Indexed/index/ByG"));
    assert_eq!(g.index_status, Some(IndexStatus::Creating));
    assert_eq!(d.local_secondary_indexes.as_ref().unwrap()[0].index_name.as_deref(), Some("ByL"));
    let label = d.latest_stream_label.clone().unwrap();
    assert_eq!(label.len(), "2024-01-01T00:00:00.000".len(), "{label}");
    assert_eq!(d.latest_stream_arn, Some(format!("{}/stream/{label}", d.table_arn.unwrap())));

    // An unused definition is named with the keys that are used.
    let mut extra = defs.clone();
    extra.push(attr("zz", ScalarAttributeType::S));
    let msg =
        create_err(&h, CreateTableInput { attribute_definitions: extra, table_name: "Other".into(), ..input.clone() })
            .await;
    assert_eq!(
        msg,
        "One or more parameter values were invalid: Some AttributeDefinitions are not used. AttributeDefinitions: [gk, lk, pk, sk, zz], keys used: [gk, lk, pk, sk]"
    );
    // Provisioned tables need capacity on each GSI.
    let msg = create_err(
        &h,
        CreateTableInput {
            attribute_definitions: vec![attr("pk", ScalarAttributeType::S), attr("gk", ScalarAttributeType::N)],
            global_secondary_indexes: Some(vec![gsi("ByG", "gk")]),
            ..provisioned("Other")
        },
    )
    .await;
    assert_eq!(
        msg,
        "One or more parameter values were invalid: ProvisionedThroughput must be specified for index: ByG"
    );
    // LSIs need a table range key.
    let msg = create_err(
        &h,
        CreateTableInput {
            attribute_definitions: vec![attr("pk", ScalarAttributeType::S), attr("lk", ScalarAttributeType::S)],
            local_secondary_indexes: input.local_secondary_indexes.clone(),
            ..on_demand("Other")
        },
    )
    .await;
    assert!(msg.contains("Table KeySchema does not have a range key"), "{msg}");
    // Duplicate index names.
    let msg = create_err(
        &h,
        CreateTableInput {
            attribute_definitions: vec![attr("pk", ScalarAttributeType::S), attr("gk", ScalarAttributeType::N)],
            global_secondary_indexes: Some(vec![gsi("Dup", "gk"), gsi("Dup", "gk")]),
            ..on_demand("Other")
        },
    )
    .await;
    assert_eq!(msg, "One or more parameter values were invalid: Duplicate index name: Dup");
}

#[tokio::test]
async fn deletion_protection() {
    let h = Handler::default();
    h.create_table(&ctx(), CreateTableInput { deletion_protection_enabled: Some(true), ..on_demand("Kept") })
        .await
        .unwrap();
    let err = h.delete_table(&ctx(), DeleteTableInput { table_name: "Kept".into() }).await.unwrap_err();
    assert!(matches!(err, DeleteTableError::Common(rt::CommonError::Validation(_))), "{err:?}");
    assert!(h.describe_table(&ctx(), DescribeTableInput { table_name: "Kept".into() }).await.is_ok());
}
