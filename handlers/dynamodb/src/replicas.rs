//! Global tables, version 2019.11.21: replicas added, changed and removed with UpdateTable
//! `ReplicaUpdates` (what Terraform's `aws_dynamodb_table` `replica` blocks send), shown by
//! DescribeTable as `Replicas` (the other regions) and `GlobalTableVersion`.
//!
//! A new replica is the table's copy in the other region: same keys, indexes, billing and
//! stream, with the request's KMS key, read capacity and table class overrides, holding the
//! items at once. From then on the replicas are kept in step by `global_tables`' stream
//! replicator, as legacy global tables are. The table must stream NEW_AND_OLD_IMAGES, as
//! replication reads the stream.

use dynamodb_api::error::UpdateTableError;
use dynamodb_api::types::*;
use ferrostack_runtime as rt;
use ferrostack_store::lock;

use crate::backup::{self, Overrides};
use crate::global_tables::{stream_end, GlobalTable};
use crate::{describe, table_name, Handler};

pub const VERSION: &str = "2019.11.21";

fn invalid(message: impl Into<String>) -> UpdateTableError {
    rt::CommonError::validation(message).into()
}

/// `(GlobalTableVersion, the other replicas)` of a table that has 2019.11.21 replicas.
pub fn describe(h: &Handler, account: &str, region: &str, name: &str) -> Option<(String, Vec<ReplicaDescription>)> {
    h.globals.with(|g| {
        let g = g.by_name.get(&(account.to_string(), name.to_string())).filter(|g| !g.legacy)?;
        if !g.regions.iter().any(|r| r == region) {
            return None;
        }
        let others = g
            .regions
            .iter()
            .filter(|r| *r != region)
            .map(|r| ReplicaDescription {
                region_name: Some(r.clone()),
                replica_status: Some(ReplicaStatus::Active),
                ..Default::default()
            })
            .collect();
        Some((VERSION.to_string(), others))
    })
}

/// A table left its group (deleted in its region): the group forgets it, and a group of
/// one is no group.
pub fn table_deleted(h: &Handler, account: &str, region: &str, name: &str) {
    h.globals.with(|all| {
        let key = (account.to_string(), name.to_string());
        if let Some(g) = all.by_name.get_mut(&key) {
            g.regions.retain(|r| r != region);
            g.cursors.remove(region);
            g.echoes.remove(region);
            if g.regions.len() < 2 && !g.legacy {
                all.by_name.remove(&key);
            }
        }
    });
}

pub async fn update_table(
    h: &Handler,
    ctx: &rt::RequestContext,
    mut input: UpdateTableInput,
) -> Result<UpdateTableOutput, UpdateTableError> {
    let updates = input.replica_updates.take().unwrap_or_default();
    let name = table_name::resolve(&input.table_name).to_string();
    let others = input.billing_mode.is_some()
        || input.provisioned_throughput.is_some()
        || input.global_secondary_index_updates.is_some()
        || input.stream_specification.is_some()
        || input.sse_specification.is_some()
        || input.table_class.is_some()
        || input.deletion_protection_enabled.is_some()
        || input.on_demand_throughput.is_some()
        || input.warm_throughput.is_some();
    if others {
        h.tables
            .with(ctx, |t| crate::control::update_table(t, input))
            .map_err(crate::error::Error::op::<UpdateTableError>)?;
    } else if updates.is_empty() {
        // Nothing at all: control's own message.
        h.tables
            .with(ctx, |t| crate::control::update_table(t, input))
            .map_err(crate::error::Error::op::<UpdateTableError>)?;
    }
    if !h.tables.with(ctx, |t| t.by_name.contains_key(&name)) {
        return Err(crate::table_not_found(&name).into());
    }
    let mut creating = Vec::new();
    for u in updates {
        match (u.create, u.update, u.delete) {
            (Some(c), None, None) => {
                add(h, ctx, &name, c.clone())?;
                creating.push(c.region_name);
            }
            (None, Some(u), None) => change(h, ctx, &name, u)?,
            (None, None, Some(d)) => remove(h, ctx, &name, &d.region_name)?,
            _ => {
                return Err(invalid(
                    "One or more parameter values were invalid: Only one of Create, Update, or Delete can be specified in a ReplicationGroupUpdate",
                ))
            }
        }
    }
    let mut description = h
        .tables
        .with(ctx, |t| t.by_name.get(&name).map(|table| describe::describe(table, TableStatus::Updating)))
        .ok_or_else(|| crate::table_not_found(&name))?;
    if let Some((version, mut replicas)) = describe(h, &ctx.account_id, &ctx.region, &name) {
        for r in &mut replicas {
            if r.region_name.as_ref().is_some_and(|n| creating.contains(n)) {
                r.replica_status = Some(ReplicaStatus::Creating);
            }
        }
        description.global_table_version = Some(version);
        description.replicas = Some(replicas);
    }
    Ok(UpdateTableOutput { table_description: Some(description) })
}

fn group(h: &Handler, account: &str, name: &str) -> Option<GlobalTable> {
    h.globals.with(|g| g.by_name.get(&(account.to_string(), name.to_string())).cloned())
}

fn add(
    h: &Handler,
    ctx: &rt::RequestContext,
    name: &str,
    c: CreateReplicationGroupMemberAction,
) -> Result<(), UpdateTableError> {
    let account = ctx.account_id.as_str();
    let region = c.region_name.as_str();
    if region == ctx.region {
        return Err(invalid(format!(
            "One or more parameter values were invalid: Cannot add a replica in the table's own region {region}"
        )));
    }
    let existing = group(h, account, name);
    if existing.as_ref().is_some_and(|g| g.legacy) {
        return Err(invalid(format!(
            "Table {name} is part of a global table of version 2017.11.29; its replicas are managed with UpdateGlobalTable"
        )));
    }
    if existing.as_ref().is_some_and(|g| g.regions.iter().any(|r| r == region)) {
        return Err(invalid(format!("Replica already exists in region {region}")));
    }
    // The copy and the point its stream has reached are taken together, so a write made
    // after the copy is replicated to the new replica and one before it is not sent twice.
    let (source, source_end) = h
        .tables
        .with(ctx, |t| t.by_name.get(name).cloned().map(|table| (table, stream_end(t, name))))
        .ok_or_else(|| crate::table_not_found(name))?;
    let streaming =
        source.stream.as_ref().and_then(|s| s.stream_view_type.clone()) == Some(StreamViewType::NewAndOldImages);
    if !streaming {
        return Err(invalid(format!(
            "One or more parameter values were invalid: Table {name} must have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES to add replicas"
        )));
    }
    let read = c.provisioned_throughput_override.as_ref().and_then(|o| o.read_capacity_units);
    let overrides = Overrides {
        billing_mode: None,
        global_indexes: None,
        local_indexes: None,
        provisioned_throughput: source.provisioned_throughput.clone().map(|p| ProvisionedThroughput {
            read_capacity_units: read.unwrap_or(p.read_capacity_units),
            write_capacity_units: p.write_capacity_units,
        }),
        on_demand_throughput: None,
        sse: c.kms_master_key_id.clone().map(|key| SSESpecification {
            enabled: Some(true),
            sse_type: Some(SSEType::Kms),
            kms_master_key_id: Some(key),
        }),
    };
    let mut create = backup::create_input(&source, name, overrides);
    create.stream_specification = source.stream.clone();
    if let Some(class) = c.table_class_override.clone() {
        create.table_class = Some(class);
    }
    let region_ctx = rt::RequestContext::internal(account, region);
    let mut table = describe::new_table(&region_ctx, create);
    table.deletion_protection = source.deletion_protection;
    let indexes = std::mem::take(&mut table.items.indexes);
    for item in source.items.scan_all() {
        table.items.put(item);
    }
    for index in indexes {
        table.items.backfill(index);
    }
    let scope = h.tables.scope_of(account, region);
    let end = {
        let mut t = lock(&scope);
        if t.by_name.contains_key(name) {
            return Err(invalid(format!(
                "Failed to create a new replica of table with name: '{name}' because one or more replicas already existed as tables."
            )));
        }
        if let Some(log) = describe::new_stream_log(&table) {
            t.streams.insert(log.arn.clone(), log);
        }
        t.by_name.insert(name.to_string(), table);
        stream_end(&t, name)
    };
    h.globals.with(|all| {
        let g = all.by_name.entry((account.to_string(), name.to_string())).or_insert_with(|| GlobalTable {
            name: name.to_string(),
            account: account.to_string(),
            created: rt::DateTime::from_millis(rt::DateTime::now().as_millis()),
            legacy: false,
            regions: vec![ctx.region.clone()],
            cursors: [(ctx.region.clone(), source_end)].into_iter().collect(),
            echoes: Default::default(),
        });
        g.regions.push(region.to_string());
        g.cursors.insert(region.to_string(), end);
    });
    Ok(())
}

fn member(h: &Handler, ctx: &rt::RequestContext, name: &str, region: &str) -> Result<(), UpdateTableError> {
    match group(h, &ctx.account_id, name) {
        Some(g) if !g.legacy && g.regions.iter().any(|r| r == region) && region != ctx.region => Ok(()),
        _ => Err(invalid(format!(
            "One or more parameter values were invalid: Replica in region {region} was not found for table {name}"
        ))),
    }
}

fn change(
    h: &Handler,
    ctx: &rt::RequestContext,
    name: &str,
    u: UpdateReplicationGroupMemberAction,
) -> Result<(), UpdateTableError> {
    member(h, ctx, name, &u.region_name)?;
    let scope = h.tables.scope_of(&ctx.account_id, &u.region_name);
    let mut t = lock(&scope);
    let Some(table) = t.by_name.get_mut(name) else { return Ok(()) };
    if let Some(class) = u.table_class_override {
        table.table_class = Some(class);
    }
    if let (Some(read), Some(p)) =
        (u.provisioned_throughput_override.and_then(|o| o.read_capacity_units), table.provisioned_throughput.as_mut())
    {
        p.read_capacity_units = read;
    }
    if let Some(key) = u.kms_master_key_id {
        table.sse = describe::sse(
            &table.arn,
            SSESpecification { enabled: Some(true), sse_type: Some(SSEType::Kms), kms_master_key_id: Some(key) },
        );
    }
    Ok(())
}

fn remove(h: &Handler, ctx: &rt::RequestContext, name: &str, region: &str) -> Result<(), UpdateTableError> {
    member(h, ctx, name, region)?;
    let scope = h.tables.scope_of(&ctx.account_id, region);
    {
        let mut t = lock(&scope);
        if let Some(table) = t.by_name.remove(name) {
            if let Some((_, arn)) = &table.latest_stream {
                if let Some(log) = t.streams.get_mut(arn) {
                    log.enabled = false;
                }
            }
        }
    }
    table_deleted(h, &ctx.account_id, region, name);
    Ok(())
}
