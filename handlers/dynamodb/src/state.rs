//! The tables of one account and region.

use std::collections::BTreeMap;

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

pub use crate::storage::Items;
use crate::stream_log::StreamLog;

/// A secondary index as created; descriptions are derived from it.
#[derive(Debug, Clone)]
pub struct Index {
    pub name: String,
    pub key_schema: Vec<KeySchemaElement>,
    pub projection: Projection,
    /// GSIs only; `None` for on-demand tables and for LSIs.
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    pub on_demand_throughput: Option<OnDemandThroughput>,
}

/// Everything CreateTable fixed about a table, plus its items.
#[derive(Debug, Clone)]
pub struct Table {
    pub name: String,
    pub arn: String,
    pub id: String,
    pub created: rt::DateTime,
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeySchemaElement>,
    /// `None` when the request left BillingMode out (AWS then omits BillingModeSummary).
    pub billing_mode: Option<BillingMode>,
    /// Capacity for provisioned tables; `None` when on demand.
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    pub on_demand_throughput: Option<OnDemandThroughput>,
    pub local_indexes: Vec<Index>,
    pub global_indexes: Vec<Index>,
    /// Only kept when streams are enabled.
    pub stream: Option<StreamSpecification>,
    /// `(stream label, stream ARN)` of the current stream.
    pub latest_stream: Option<(String, String)>,
    pub sse: Option<SSEDescription>,
    pub table_class: Option<TableClass>,
    pub deletion_protection: bool,
    pub tags: Vec<Tag>,
    /// TimeToLive: the attribute holding expiry times, when enabled.
    pub ttl_attribute: Option<String>,
    /// Point-in-time recovery flag (continuous backups are always on).
    pub pitr: bool,
    pub pitr_days: i32,
    pub items: Items,
}

impl Table {
    pub fn is_on_demand(&self) -> bool {
        matches!(self.billing_mode, Some(BillingMode::PayPerRequest))
    }
}

/// Tables by name; a `BTreeMap` because ListTables pages in name order.
#[derive(Debug, Default)]
pub struct Tables {
    pub by_name: BTreeMap<String, Table>,
    /// Stream logs by stream ARN; they outlive their table (see `stream_log`).
    pub streams: BTreeMap<String, StreamLog>,
    /// TransactWriteItems idempotency: token -> (request fingerprint, first use in millis).
    pub tx_tokens: std::collections::HashMap<String, (u64, i64)>,
}

impl Tables {
    /// The table and the log of its enabled stream, borrowed together for a write.
    pub fn table_and_stream(&mut self, name: &str) -> Option<(&mut Table, Option<&mut StreamLog>)> {
        let table = self.by_name.get_mut(name)?;
        let log = match (&table.stream, &table.latest_stream) {
            (Some(_), Some((_, arn))) => self.streams.get_mut(arn),
            _ => None,
        };
        Some((table, log))
    }
}
