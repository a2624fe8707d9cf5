//! Table settings after creation: UpdateTable (billing, throughput, GSIs, streams, SSE,
//! table class, deletion protection), TTL, tags, point-in-time recovery, limits, endpoints.
//! Changes take effect at once; the UpdateTable answer still says UPDATING (and CREATING
//! for a new index), as AWS's does, and the next DescribeTable says ACTIVE.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::describe;
use crate::error::{invalid, not_found, Error, Result};
use crate::keys::KeyDef;
use crate::state::{Index, Table, Tables};
use crate::storage::IndexRows;
use crate::table_name;

const INVALID: &str = "One or more parameter values were invalid:";

pub fn update_table(t: &mut Tables, input: UpdateTableInput) -> Result<TableDescription> {
    let name = table_name::resolve(&input.table_name).to_string();
    let table = t.by_name.get_mut(&name).ok_or_else(not_found)?;
    let nothing = input.billing_mode.is_none()
        && input.provisioned_throughput.is_none()
        && input.global_secondary_index_updates.is_none()
        && input.stream_specification.is_none()
        && input.sse_specification.is_none()
        && input.replica_updates.is_none()
        && input.table_class.is_none()
        && input.deletion_protection_enabled.is_none()
        && input.on_demand_throughput.is_none()
        && input.warm_throughput.is_none();
    if nothing {
        return Err(invalid(
            "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required",
        ));
    }
    // Check everything before changing anything.
    let mode = input.billing_mode.clone().or_else(|| table.billing_mode.clone());
    let on_demand = matches!(mode, Some(BillingMode::PayPerRequest));
    if on_demand && input.provisioned_throughput.is_some() {
        return Err(invalid(format!(
            "{INVALID} Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
        )));
    }
    if input.billing_mode == Some(BillingMode::Provisioned)
        && input.provisioned_throughput.is_none()
        && table.provisioned_throughput.is_none()
    {
        return Err(invalid(format!(
            "{INVALID} ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )));
    }
    let mut defs = table.attribute_definitions.clone();
    for d in input.attribute_definitions.iter().flatten() {
        match defs.iter_mut().find(|x| x.attribute_name == d.attribute_name) {
            Some(x) => x.attribute_type = d.attribute_type.clone(),
            None => defs.push(d.clone()),
        }
    }
    let updates = input.global_secondary_index_updates.clone().unwrap_or_default();
    for u in &updates {
        if let Some(c) = &u.create {
            crate::table_name::check(&c.index_name, "indexName")?;
            if table.global_indexes.iter().chain(&table.local_indexes).any(|i| i.name == c.index_name) {
                return Err(invalid(format!("{INVALID} Attempting to create an index which already exists")));
            }
            for k in &c.key_schema {
                if !defs.iter().any(|d| d.attribute_name == k.attribute_name) {
                    return Err(invalid(format!(
                        "{INVALID} Global Secondary Index key attribute {} does not have an attribute definition",
                        k.attribute_name
                    )));
                }
            }
            if !on_demand && c.provisioned_throughput.is_none() {
                return Err(invalid(format!(
                    "{INVALID} ProvisionedThroughput must be specified for index: {}",
                    c.index_name
                )));
            }
        }
        for missing in
            [u.update.as_ref().map(|x| &x.index_name), u.delete.as_ref().map(|x| &x.index_name)].into_iter().flatten()
        {
            if !table.global_indexes.iter().any(|i| &i.name == missing) {
                return Err(Error::NotFound(format!("Requested resource not found: Index: {missing} not found")));
            }
        }
    }
    if let Some(spec) = &input.stream_specification {
        match (spec.stream_enabled, &table.stream) {
            (true, Some(_)) => {
                return Err(invalid(format!("Table already has an enabled stream: TableName: {}", table.name)))
            }
            (true, None) if spec.stream_view_type.is_none() => {
                return Err(invalid(format!("{INVALID} StreamViewType must be specified when StreamEnabled is true")))
            }
            (false, None) => return Err(invalid("Table is not currently streaming. Cannot disable.")),
            (false, Some(_)) if spec.stream_view_type.is_some() => {
                return Err(invalid(format!(
                    "{INVALID} StreamViewType can only be specified when StreamEnabled is true"
                )))
            }
            _ => {}
        }
    }

    // Apply.
    let mut creating = Vec::new();
    if let Some(mode) = input.billing_mode.clone() {
        table.billing_mode = Some(mode);
        if table.is_on_demand() {
            table.provisioned_throughput = None;
            for g in &mut table.global_indexes {
                g.provisioned_throughput = None;
            }
        }
    }
    if let Some(p) = input.provisioned_throughput.clone() {
        table.provisioned_throughput = Some(p);
    }
    if let Some(o) = input.on_demand_throughput.clone() {
        table.on_demand_throughput = Some(o);
    }
    table.attribute_definitions = defs;
    for u in updates {
        if let Some(c) = u.create {
            let index = Index {
                name: c.index_name.clone(),
                key_schema: c.key_schema,
                projection: c.projection,
                provisioned_throughput: if on_demand { None } else { c.provisioned_throughput },
                on_demand_throughput: c.on_demand_throughput,
            };
            let rows = IndexRows::new(
                index.name.clone(),
                KeyDef::new(&index.key_schema, &table.attribute_definitions),
                index.projection.clone(),
                true,
            );
            table.items.backfill(rows);
            creating.push(index.name.clone());
            table.global_indexes.push(index);
        }
        if let Some(up) = u.update {
            if let Some(g) = table.global_indexes.iter_mut().find(|i| i.name == up.index_name) {
                if up.provisioned_throughput.is_some() {
                    g.provisioned_throughput = up.provisioned_throughput;
                }
                if up.on_demand_throughput.is_some() {
                    g.on_demand_throughput = up.on_demand_throughput;
                }
            }
        }
        if let Some(d) = u.delete {
            table.global_indexes.retain(|i| i.name != d.index_name);
            table.items.drop_index(&d.index_name);
        }
    }
    // Attribute definitions no key uses any more are dropped, as AWS does.
    let used: Vec<String> = table
        .key_schema
        .iter()
        .chain(table.local_indexes.iter().flat_map(|i| &i.key_schema))
        .chain(table.global_indexes.iter().flat_map(|i| &i.key_schema))
        .map(|k| k.attribute_name.clone())
        .collect();
    table.attribute_definitions.retain(|d| used.contains(&d.attribute_name));
    if let Some(c) = input.table_class.clone() {
        table.table_class = Some(c);
    }
    if let Some(p) = input.deletion_protection_enabled {
        table.deletion_protection = p;
    }
    if let Some(sse) = &input.sse_specification {
        table.sse = describe::sse(&table.arn, sse.clone());
    }
    let mut new_log = None;
    if let Some(spec) = input.stream_specification.clone() {
        if spec.stream_enabled {
            let (label, arn) = describe::stream_names(&table.arn, rt::DateTime::now());
            table.stream = Some(spec);
            table.latest_stream = Some((label, arn));
            new_log = describe::new_stream_log(table);
        } else {
            table.stream = None;
            if let Some((_, arn)) = &table.latest_stream {
                if let Some(log) = t.streams.get_mut(arn) {
                    log.enabled = false;
                }
            }
        }
    }
    let table = t.by_name.get(&name).ok_or_else(not_found)?;
    let mut description = describe::describe(table, TableStatus::Updating);
    if let Some(globals) = &mut description.global_secondary_indexes {
        for g in globals.iter_mut() {
            if g.index_name.as_ref().is_some_and(|n| creating.contains(n)) {
                g.index_status = Some(IndexStatus::Creating);
                g.backfilling = Some(false);
            }
        }
    }
    if let Some(log) = new_log {
        t.streams.insert(log.arn.clone(), log);
    }
    Ok(description)
}

// ---- TTL ----

pub fn update_ttl(t: &mut Tables, input: UpdateTimeToLiveInput) -> Result<TimeToLiveSpecification> {
    let table = t.by_name.get_mut(table_name::resolve(&input.table_name)).ok_or_else(not_found)?;
    let spec = input.time_to_live_specification;
    match (&table.ttl_attribute, spec.enabled) {
        (Some(_), true) => return Err(invalid("TimeToLive is already enabled")),
        (None, false) => return Err(invalid("TimeToLive is already disabled")),
        (Some(current), false) if *current != spec.attribute_name => {
            return Err(invalid(format!(
                "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
            )))
        }
        _ => {}
    }
    table.ttl_attribute = spec.enabled.then(|| spec.attribute_name.clone());
    table.items.set_ttl(table.ttl_attribute.as_deref());
    Ok(spec)
}

pub fn describe_ttl(t: &Tables, name: &str) -> Result<TimeToLiveDescription> {
    let table = t.by_name.get(table_name::resolve(name)).ok_or_else(not_found)?;
    Ok(match &table.ttl_attribute {
        Some(a) => TimeToLiveDescription {
            time_to_live_status: Some(TimeToLiveStatus::Enabled),
            attribute_name: Some(a.clone()),
        },
        None => TimeToLiveDescription { time_to_live_status: Some(TimeToLiveStatus::Disabled), attribute_name: None },
    })
}

// ---- tags ----

const MAX_TAGS: usize = 50;

fn by_arn<'a>(t: &'a mut Tables, arn: &str) -> Result<&'a mut Table> {
    let missing = || Error::NotFound(format!("Requested resource not found: ResourcArn: {arn} not found"));
    if !arn.starts_with("arn:") {
        return Err(invalid(format!("Invalid TableArn: Invalid ResourceArn provided as input {arn}")));
    }
    let name = table_name::resolve(arn).to_string();
    match t.by_name.get_mut(&name) {
        Some(table) if table.arn == arn => Ok(table),
        _ => Err(missing()),
    }
}

pub fn tag(t: &mut Tables, arn: &str, tags: Vec<Tag>) -> Result<()> {
    let table = by_arn(t, arn)?;
    let mut merged = table.tags.clone();
    for tag in tags {
        match merged.iter_mut().find(|x| x.key == tag.key) {
            Some(x) => x.value = tag.value,
            None => merged.push(tag),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(Error::LimitExceeded("The number of tags exceeds the limit of 50".into()));
    }
    table.tags = merged;
    Ok(())
}

pub fn untag(t: &mut Tables, arn: &str, keys: &[String]) -> Result<()> {
    let table = by_arn(t, arn)?;
    table.tags.retain(|x| !keys.contains(&x.key));
    Ok(())
}

pub fn list_tags(t: &mut Tables, arn: &str) -> Result<Vec<Tag>> {
    Ok(by_arn(t, arn)?.tags.clone())
}

// ---- point-in-time recovery ----

pub fn continuous_backups(table: &Table) -> ContinuousBackupsDescription {
    let now = rt::DateTime::now();
    ContinuousBackupsDescription {
        continuous_backups_status: ContinuousBackupsStatus::Enabled,
        point_in_time_recovery_description: Some(if table.pitr {
            PointInTimeRecoveryDescription {
                point_in_time_recovery_status: Some(PointInTimeRecoveryStatus::Enabled),
                recovery_period_in_days: Some(table.pitr_days),
                earliest_restorable_date_time: Some(table.created),
                latest_restorable_date_time: Some(rt::DateTime::from_secs(now.as_millis() / 1000 - 300)),
            }
        } else {
            PointInTimeRecoveryDescription {
                point_in_time_recovery_status: Some(PointInTimeRecoveryStatus::Disabled),
                ..Default::default()
            }
        }),
    }
}

pub fn table_not_found(name: &str) -> TableNotFoundException {
    TableNotFoundException { message: Some(format!("Table not found: {name}")) }
}

pub fn update_pitr(
    t: &mut Tables,
    input: UpdateContinuousBackupsInput,
) -> std::result::Result<ContinuousBackupsDescription, std::result::Result<TableNotFoundException, String>> {
    let name = table_name::resolve(&input.table_name).to_string();
    let table = t.by_name.get_mut(&name).ok_or_else(|| Ok(table_not_found(&name)))?;
    let spec = input.point_in_time_recovery_specification;
    if let Some(days) = spec.recovery_period_in_days {
        if !(1..=35).contains(&days) {
            return Err(Err(format!(
                "1 validation error detected: Value '{days}' at 'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy constraint: Member must have value between 1 and 35"
            )));
        }
    }
    table.pitr = spec.point_in_time_recovery_enabled;
    table.pitr_days = spec.recovery_period_in_days.unwrap_or(35);
    Ok(continuous_backups(table))
}

// ---- account ----

pub fn limits() -> DescribeLimitsOutput {
    DescribeLimitsOutput {
        account_max_read_capacity_units: Some(80_000),
        account_max_write_capacity_units: Some(80_000),
        table_max_read_capacity_units: Some(40_000),
        table_max_write_capacity_units: Some(40_000),
    }
}

/// The one endpoint clients should use: this server as the client reached it.
pub fn endpoints(ctx: &rt::RequestContext) -> DescribeEndpointsResponse {
    let address = ctx.host.clone().unwrap_or_else(|| format!("{}:{}", ctx.endpoint.host, ctx.endpoint.port));
    DescribeEndpointsResponse { endpoints: vec![Endpoint { address, cache_period_in_minutes: 1440 }] }
}
