//! Building tables from CreateTable input and TableDescriptions from tables.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::keys::KeyDef;
use crate::state::{Index, Items, Table};
use crate::storage::IndexRows;
use crate::stream_log::StreamLog;

/// `arn:aws:dynamodb:<region>:<account>:table/<name>`
pub fn table_arn(ctx: &rt::RequestContext, name: &str) -> String {
    format!("arn:aws:dynamodb:{}:{}:table/{name}", ctx.region, ctx.account_id)
}

/// Stream labels are the creation time as `YYYY-MM-DDThh:mm:ss.mmm` (no zone suffix).
fn stream_label(at: rt::DateTime) -> String {
    let text = rt::DateTime::from_millis(at.as_millis()).to_rfc3339();
    let base = text.trim_end_matches('Z');
    let (whole, frac) = base.split_once('.').unwrap_or((base, ""));
    format!("{whole}.{:0<3}", frac)
}

/// `(label, stream ARN)` of a stream enabled at `at`.
pub fn stream_names(table_arn: &str, at: rt::DateTime) -> (String, String) {
    let label = stream_label(at);
    let arn = format!("{table_arn}/stream/{label}");
    (label, arn)
}

/// Server-side encryption as described, from a specification (None when disabled).
pub fn sse(table_arn: &str, spec: SSESpecification) -> Option<SSEDescription> {
    if spec.enabled != Some(true) {
        return None;
    }
    // arn:aws:dynamodb:<region>:<account>:table/<name>
    let parts: Vec<&str> = table_arn.split(':').collect();
    let (region, account) = (parts.get(3).copied().unwrap_or(""), parts.get(4).copied().unwrap_or(""));
    Some(SSEDescription {
        status: Some(SSEStatus::Enabled),
        sse_type: Some(SSEType::Kms),
        // Without a customer key, the AWS-managed `alias/aws/dynamodb` key is used.
        kms_master_key_arn: Some(match spec.kms_master_key_id {
            Some(id) if id.starts_with("arn:") => id,
            Some(id) => format!("arn:aws:kms:{region}:{account}:key/{id}"),
            None => format!("arn:aws:kms:{region}:{account}:key/{}", rt::request_id()),
        }),
        inaccessible_encryption_date_time: None,
    })
}

/// A validated CreateTable request as a stored table.
pub fn new_table(ctx: &rt::RequestContext, input: CreateTableInput) -> Table {
    let created = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    let arn = table_arn(ctx, &input.table_name);
    let on_demand = matches!(input.billing_mode, Some(BillingMode::PayPerRequest));
    let stream = input.stream_specification.filter(|s| s.stream_enabled);
    let latest_stream = stream.as_ref().map(|_| stream_names(&arn, created));
    let sse = input.sse_specification.and_then(|s| sse(&arn, s));
    let local_indexes: Vec<Index> = input
        .local_secondary_indexes
        .unwrap_or_default()
        .into_iter()
        .map(|i| Index {
            name: i.index_name,
            key_schema: i.key_schema,
            projection: i.projection,
            provisioned_throughput: None,
            on_demand_throughput: None,
        })
        .collect();
    let global_indexes: Vec<Index> = input
        .global_secondary_indexes
        .unwrap_or_default()
        .into_iter()
        .map(|i| Index {
            name: i.index_name,
            key_schema: i.key_schema,
            projection: i.projection,
            provisioned_throughput: i.provisioned_throughput,
            on_demand_throughput: i.on_demand_throughput,
        })
        .collect();
    let items = new_items(&input.key_schema, &input.attribute_definitions, &local_indexes, &global_indexes);
    Table {
        name: input.table_name,
        arn,
        id: rt::request_id(),
        created,
        attribute_definitions: input.attribute_definitions,
        key_schema: input.key_schema,
        billing_mode: input.billing_mode,
        provisioned_throughput: if on_demand { None } else { input.provisioned_throughput },
        on_demand_throughput: input.on_demand_throughput,
        local_indexes,
        global_indexes,
        stream,
        latest_stream,
        sse,
        table_class: input.table_class,
        deletion_protection: input.deletion_protection_enabled.unwrap_or(false),
        tags: input.tags.unwrap_or_default(),
        ttl_attribute: None,
        pitr: false,
        pitr_days: 35,
        items,
    }
}

/// The log of a table's newly enabled stream.
pub fn new_stream_log(table: &Table) -> Option<StreamLog> {
    let spec = table.stream.as_ref()?;
    let (label, arn) = table.latest_stream.clone()?;
    let view = spec.stream_view_type.clone().unwrap_or(StreamViewType::KeysOnly);
    Some(StreamLog::new(arn, label, table.name.clone(), view, table.key_schema.clone()))
}

/// Empty storage for a table with these keys and indexes.
fn new_items(
    key_schema: &[KeySchemaElement],
    defs: &[AttributeDefinition],
    locals: &[Index],
    globals: &[Index],
) -> Items {
    let rows = |i: &Index, global: bool| {
        IndexRows::new(i.name.clone(), KeyDef::new(&i.key_schema, defs), i.projection.clone(), global)
    };
    let indexes = locals.iter().map(|i| rows(i, false)).chain(globals.iter().map(|i| rows(i, true))).collect();
    Items::new(KeyDef::new(key_schema, defs), indexes)
}

/// On-demand tables and indexes still report a throughput block, all zeros.
fn throughput(t: Option<&ProvisionedThroughput>) -> ProvisionedThroughputDescription {
    ProvisionedThroughputDescription {
        last_increase_date_time: None,
        last_decrease_date_time: None,
        number_of_decreases_today: Some(0),
        read_capacity_units: Some(t.map_or(0, |t| t.read_capacity_units)),
        write_capacity_units: Some(t.map_or(0, |t| t.write_capacity_units)),
    }
}

pub fn describe(table: &Table, status: TableStatus) -> TableDescription {
    let index_arn = |name: &str| format!("{}/index/{name}", table.arn);
    let locals: Vec<LocalSecondaryIndexDescription> = table
        .local_indexes
        .iter()
        .map(|i| LocalSecondaryIndexDescription {
            index_name: Some(i.name.clone()),
            key_schema: Some(i.key_schema.clone()),
            projection: Some(i.projection.clone()),
            index_size_bytes: Some(table.items.index(&i.name).map_or(0, |r| r.bytes as i64)),
            item_count: Some(table.items.index(&i.name).map_or(0, |r| r.count() as i64)),
            index_arn: Some(index_arn(&i.name)),
        })
        .collect();
    let globals: Vec<GlobalSecondaryIndexDescription> = table
        .global_indexes
        .iter()
        .map(|i| GlobalSecondaryIndexDescription {
            index_name: Some(i.name.clone()),
            key_schema: Some(i.key_schema.clone()),
            projection: Some(i.projection.clone()),
            // A new table's indexes are built with it.
            index_status: Some(if status == TableStatus::Creating {
                IndexStatus::Creating
            } else {
                IndexStatus::Active
            }),
            provisioned_throughput: Some(throughput(i.provisioned_throughput.as_ref())),
            index_size_bytes: Some(table.items.index(&i.name).map_or(0, |r| r.bytes as i64)),
            item_count: Some(table.items.index(&i.name).map_or(0, |r| r.count() as i64)),
            index_arn: Some(index_arn(&i.name)),
            on_demand_throughput: i.on_demand_throughput.clone(),
            ..Default::default()
        })
        .collect();
    let billing_mode_summary = table.billing_mode.as_ref().map(|mode| BillingModeSummary {
        billing_mode: Some(mode.clone()),
        last_update_to_pay_per_request_date_time: table.is_on_demand().then_some(table.created),
    });
    TableDescription {
        attribute_definitions: Some(table.attribute_definitions.clone()),
        table_name: Some(table.name.clone()),
        key_schema: Some(table.key_schema.clone()),
        table_status: Some(status),
        creation_date_time: Some(table.created),
        provisioned_throughput: Some(throughput(table.provisioned_throughput.as_ref())),
        table_size_bytes: Some(table.items.size_bytes()),
        item_count: Some(table.items.count()),
        table_arn: Some(table.arn.clone()),
        table_id: Some(table.id.clone()),
        billing_mode_summary,
        local_secondary_indexes: (!locals.is_empty()).then_some(locals),
        global_secondary_indexes: (!globals.is_empty()).then_some(globals),
        stream_specification: table.stream.clone(),
        latest_stream_label: table.latest_stream.as_ref().map(|(label, _)| label.clone()),
        latest_stream_arn: table.latest_stream.as_ref().map(|(_, arn)| arn.clone()),
        sse_description: table.sse.clone(),
        table_class_summary: table
            .table_class
            .as_ref()
            .map(|c| TableClassSummary { table_class: Some(c.clone()), last_update_date_time: None }),
        deletion_protection_enabled: Some(table.deletion_protection),
        on_demand_throughput: table.on_demand_throughput.clone(),
        ..Default::default()
    }
}
