//! The tables of one account and region.

use std::collections::BTreeMap;

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

/// Items of a table. Empty until the data-plane operations arrive; kept as its own type
/// so item storage, counts and sizes grow here without touching table metadata.
#[derive(Debug, Default, Clone)]
pub struct Items {}

impl Items {
    pub fn count(&self) -> i64 {
        0
    }

    pub fn size_bytes(&self) -> i64 {
        0
    }
}

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
}
