//! DynamoDB's stream records in the Streams API's own types (the two models declare the
//! same shapes separately).

use dynamodb_api::types as ddb;
use dynamodb_handler::stream_log;
use dynamodbstreams_api::types::*;
use ferrostack_runtime as rt;

pub fn value(v: &ddb::AttributeValue) -> AttributeValue {
    match v {
        ddb::AttributeValue::S(s) => AttributeValue::S(s.clone()),
        ddb::AttributeValue::N(n) => AttributeValue::N(n.clone()),
        ddb::AttributeValue::B(b) => AttributeValue::B(b.clone()),
        ddb::AttributeValue::Ss(s) => AttributeValue::Ss(s.clone()),
        ddb::AttributeValue::Ns(s) => AttributeValue::Ns(s.clone()),
        ddb::AttributeValue::Bs(s) => AttributeValue::Bs(s.clone()),
        ddb::AttributeValue::M(m) => AttributeValue::M(item(m)),
        ddb::AttributeValue::L(l) => AttributeValue::L(l.iter().map(value).collect()),
        ddb::AttributeValue::Null(b) => AttributeValue::Null(*b),
        ddb::AttributeValue::Bool(b) => AttributeValue::Bool(*b),
        ddb::AttributeValue::Unknown => AttributeValue::Unknown,
    }
}

pub fn item(m: &rt::IndexMap<String, ddb::AttributeValue>) -> rt::IndexMap<String, AttributeValue> {
    m.iter().map(|(k, v)| (k.clone(), value(v))).collect()
}

pub fn record(r: &stream_log::Record, view: &ddb::StreamViewType, region: &str) -> Record {
    Record {
        event_id: Some(r.event_id.clone()),
        event_name: Some(OperationType::from(r.event_name)),
        event_version: Some("1.1".into()),
        event_source: Some("aws:dynamodb".into()),
        aws_region: Some(region.to_string()),
        dynamodb: Some(StreamRecord {
            // AWS rounds the creation time down to the second.
            approximate_creation_date_time: Some(rt::DateTime::from_secs(r.created_millis / 1000)),
            keys: Some(item(&r.keys)),
            new_image: r.new_image.as_ref().map(item),
            old_image: r.old_image.as_ref().map(item),
            sequence_number: Some(r.sequence_number()),
            size_bytes: Some(r.size_bytes),
            stream_view_type: Some(StreamViewType::from(view.as_str())),
        }),
        user_identity: r
            .by_ttl
            .then(|| Identity { principal_id: Some("dynamodb.amazonaws.com".into()), r#type: Some("Service".into()) }),
    }
}
