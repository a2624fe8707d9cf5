//! Global tables, version 2017.11.29 (CreateGlobalTable, UpdateGlobalTable,
//! DescribeGlobalTable, ListGlobalTables, DescribeGlobalTableSettings): same-named tables in
//! several regions of one account, kept in step.
//!
//! As on AWS, replication rides on the replicas' streams (which must be NEW_AND_OLD_IMAGES):
//! a background task reads each replica's new stream records and applies the new image (or
//! the deletion) to the other replicas through the normal write path, so their indexes and
//! streams follow. Writes it made itself are remembered by sequence number and not sent
//! back. Replication is asynchronous (a few hundred milliseconds here), like AWS's.
//! Concurrent writes of one key in two regions are settled by arrival order, not AWS's
//! last-writer-wins timestamps.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use dynamodb_api::error::*;
use dynamodb_api::types::GlobalTable as GlobalTable_;
use dynamodb_api::types::*;
use ferrostack_runtime as rt;
use ferrostack_store::{lock, GlobalStore, RegionalStore};

use crate::item::Item;
use crate::state::{Table, Tables};
use crate::{global_table_not_found, state, write, Handler};

const INTERVAL: Duration = Duration::from_millis(100);
const LIST_MAX: usize = 100;

#[derive(Debug, Clone)]
pub struct GlobalTable {
    pub name: String,
    pub account: String,
    pub created: rt::DateTime,
    /// Made by CreateGlobalTable (version 2017.11.29); else by UpdateTable ReplicaUpdates
    /// (version 2019.11.21), which the legacy operations do not see.
    pub legacy: bool,
    /// Replica regions, in the order they were added.
    pub regions: Vec<String>,
    /// Per region: the last stream sequence number already replicated from it.
    pub cursors: HashMap<String, u128>,
    /// Per region: sequence numbers of records the replicator itself caused there.
    pub echoes: HashMap<String, HashSet<u128>>,
}

/// Global tables by (account, name).
#[derive(Debug, Default)]
pub struct Globals {
    pub by_name: BTreeMap<(String, String), GlobalTable>,
}

pub fn arn(account: &str, name: &str) -> String {
    format!("arn:aws:dynamodb::{account}:global-table/{name}")
}

pub fn description(g: &GlobalTable, status: GlobalTableStatus) -> GlobalTableDescription {
    let replica = match status {
        GlobalTableStatus::Creating => ReplicaStatus::Creating,
        _ => ReplicaStatus::Active,
    };
    GlobalTableDescription {
        replication_group: Some(
            g.regions
                .iter()
                .map(|r| ReplicaDescription {
                    region_name: Some(r.clone()),
                    replica_status: Some(replica.clone()),
                    ..Default::default()
                })
                .collect(),
        ),
        global_table_arn: Some(arn(&g.account, &g.name)),
        creation_date_time: Some(g.created),
        global_table_status: Some(status),
        global_table_name: Some(g.name.clone()),
    }
}

/// Why a table cannot be a replica (or `None` when it can). `like` is another replica to
/// compare the key schema with.
pub fn replica_problem(table: Option<&Table>, name: &str, region: &str, like: Option<&Table>) -> Option<Problem> {
    let Some(table) = table else {
        return Some(Problem::NoTable(format!("Table not found: {name} in region {region}")));
    };
    let streaming =
        table.stream.as_ref().and_then(|s| s.stream_view_type.clone()) == Some(StreamViewType::NewAndOldImages);
    if !streaming {
        return Some(Problem::Invalid(format!(
            "One or more parameter values were invalid: Table {name} in region {region} does not have DynamoDB Streams enabled with StreamViewType NEW_AND_OLD_IMAGES"
        )));
    }
    if table.items.count() > 0 {
        return Some(Problem::Invalid(format!(
            "One or more parameter values were invalid: Table {name} in region {region} is not empty"
        )));
    }
    if let Some(other) = like {
        let key = |t: &Table| {
            let mut k: Vec<(String, String)> = t
                .key_schema
                .iter()
                .map(|e| {
                    let ty = t
                        .attribute_definitions
                        .iter()
                        .find(|d| d.attribute_name == e.attribute_name)
                        .map(|d| d.attribute_type.clone());
                    (e.attribute_name.clone(), format!("{:?}{ty:?}", e.key_type))
                })
                .collect();
            k.sort();
            k
        };
        if key(table) != key(other) {
            return Some(Problem::Invalid(format!(
                "One or more parameter values were invalid: Table {name} in region {region} does not have the same key schema as the other replicas"
            )));
        }
        // Secondary indexes must match by name and key, as AWS requires.
        let indexes = |list: &[crate::state::Index]| {
            let mut v: Vec<(String, Vec<(String, String)>)> = list
                .iter()
                .map(|i| {
                    (
                        i.name.clone(),
                        i.key_schema.iter().map(|k| (k.attribute_name.clone(), format!("{:?}", k.key_type))).collect(),
                    )
                })
                .collect();
            v.sort();
            v
        };
        if indexes(&table.global_indexes) != indexes(&other.global_indexes)
            || indexes(&table.local_indexes) != indexes(&other.local_indexes)
        {
            return Some(Problem::Invalid(format!(
                "One or more parameter values were invalid: Table {name} in region {region} does not have the same secondary indexes (names and keys) as the other replicas"
            )));
        }
    }
    None
}

pub enum Problem {
    NoTable(String),
    Invalid(String),
}

/// The last sequence number of a replica's current stream (where replication starts).
pub fn stream_end(t: &Tables, name: &str) -> u128 {
    t.by_name
        .get(name)
        .and_then(|table| table.latest_stream.as_ref())
        .and_then(|(_, arn)| t.streams.get(arn))
        .and_then(|log| log.records.back())
        .map_or(0, |r| r.sequence)
}

pub fn list(g: &Globals, account: &str, input: ListGlobalTablesInput) -> ListGlobalTablesOutput {
    let limit = input.limit.map_or(LIST_MAX, |l| l.clamp(1, LIST_MAX as i32) as usize);
    let mut rest = g
        .by_name
        .values()
        .filter(|t| t.account == account && t.legacy)
        .filter(|t| input.exclusive_start_global_table_name.as_deref().is_none_or(|after| t.name.as_str() > after))
        .filter(|t| input.region_name.as_deref().is_none_or(|r| t.regions.iter().any(|x| x == r)));
    let page: Vec<&GlobalTable> = rest.by_ref().take(limit).collect();
    let more = rest.next().is_some();
    ListGlobalTablesOutput {
        last_evaluated_global_table_name: if more { page.last().map(|t| t.name.clone()) } else { None },
        global_tables: Some(
            page.iter()
                .map(|t| GlobalTable_ {
                    global_table_name: Some(t.name.clone()),
                    replication_group: Some(
                        t.regions.iter().map(|r| Replica { region_name: Some(r.clone()) }).collect(),
                    ),
                })
                .collect(),
        ),
    }
}

pub fn settings(table: &Table, region: &str) -> ReplicaSettingsDescription {
    let throughput = table.provisioned_throughput.as_ref();
    ReplicaSettingsDescription {
        region_name: region.to_string(),
        replica_status: Some(ReplicaStatus::Active),
        replica_billing_mode_summary: Some(BillingModeSummary {
            billing_mode: Some(table.billing_mode.clone().unwrap_or(BillingMode::Provisioned)),
            last_update_to_pay_per_request_date_time: None,
        }),
        replica_provisioned_read_capacity_units: Some(throughput.map_or(0, |t| t.read_capacity_units)),
        replica_provisioned_write_capacity_units: Some(throughput.map_or(0, |t| t.write_capacity_units)),
        replica_global_secondary_index_settings: Some(
            table
                .global_indexes
                .iter()
                .map(|i| ReplicaGlobalSecondaryIndexSettingsDescription {
                    index_name: i.name.clone(),
                    index_status: Some(IndexStatus::Active),
                    provisioned_read_capacity_units: Some(
                        i.provisioned_throughput.as_ref().map_or(0, |t| t.read_capacity_units),
                    ),
                    provisioned_write_capacity_units: Some(
                        i.provisioned_throughput.as_ref().map_or(0, |t| t.write_capacity_units),
                    ),
                    ..Default::default()
                })
                .collect(),
        ),
        replica_table_class_summary: table
            .table_class
            .as_ref()
            .map(|c| TableClassSummary { table_class: Some(c.clone()), last_update_date_time: None }),
        ..Default::default()
    }
}

/// One change read from a replica's stream.
struct Change {
    keys: Item,
    new: Option<Item>,
}

/// Replicates every global table once; answers how many changes were applied.
pub fn replicate(tables: &RegionalStore<Tables>, globals: &GlobalStore<Globals>) -> usize {
    let plan: Vec<GlobalTable> = globals.with(|g| g.by_name.values().cloned().collect());
    let mut applied = 0;
    for g in plan {
        for source in &g.regions {
            let cursor = g.cursors.get(source).copied().unwrap_or(0);
            let echoes = g.echoes.get(source).cloned().unwrap_or_default();
            // Read the source's new records.
            let (changes, last) = {
                let scope = tables.scope_of(&g.account, source);
                let t = lock(&scope);
                let log = t
                    .by_name
                    .get(&g.name)
                    .and_then(|table| table.latest_stream.as_ref())
                    .and_then(|(_, arn)| t.streams.get(arn));
                let Some(log) = log else { continue };
                let mut last = cursor;
                let mut changes = Vec::new();
                for r in log.records.iter().filter(|r| r.sequence > cursor) {
                    last = r.sequence;
                    if !echoes.contains(&r.sequence) {
                        changes.push(Change { keys: r.keys.clone(), new: r.new_image.clone() });
                    }
                }
                (changes, last)
            };
            let mut caused: Vec<(String, u128)> = Vec::new();
            if !changes.is_empty() {
                for target in g.regions.iter().filter(|r| *r != source) {
                    let scope = tables.scope_of(&g.account, target);
                    let mut t = lock(&scope);
                    let Some((table, mut log)) = t.table_and_stream(&g.name) else { continue };
                    for c in &changes {
                        let old = table.items.get(&c.keys);
                        if old == c.new {
                            continue;
                        }
                        write::commit(table, log.as_deref_mut(), &c.keys, old, c.new.clone(), false);
                        applied += 1;
                        if let Some(r) = log.as_deref().and_then(|l| l.records.back()) {
                            caused.push((target.clone(), r.sequence));
                        }
                    }
                }
            }
            globals.with(|all| {
                if let Some(live) = all.by_name.get_mut(&(g.account.clone(), g.name.clone())) {
                    live.cursors.insert(source.clone(), last);
                    if let Some(set) = live.echoes.get_mut(source) {
                        set.retain(|s| *s > last);
                    }
                    for (region, seq) in caused {
                        live.echoes.entry(region).or_default().insert(seq);
                    }
                }
            });
        }
    }
    applied
}

/// Starts the replicator on the current tokio runtime, if there is one.
pub fn spawn(tables: Arc<RegionalStore<Tables>>, globals: Arc<GlobalStore<Globals>>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    let (tables, globals) = (Arc::downgrade(&tables), Arc::downgrade(&globals));
    runtime.spawn(async move {
        loop {
            tokio::time::sleep(INTERVAL).await;
            let (Some(tables), Some(globals)) = (tables.upgrade(), globals.upgrade()) else { return };
            if globals.with(|g| g.by_name.is_empty()) {
                continue;
            }
            replicate(&tables, &globals);
        }
    });
}

/// UpdateGlobalTableSettings, checked against one replica (all replicas share the schema).
pub fn check_settings(table: &Table, input: &UpdateGlobalTableSettingsInput) -> Result<(), SettingsProblem> {
    let autoscaling = input.global_table_provisioned_write_capacity_auto_scaling_settings_update.is_some()
        || input
            .global_table_global_secondary_index_settings_update
            .iter()
            .flatten()
            .any(|u| u.provisioned_write_capacity_auto_scaling_settings_update.is_some())
        || input.replica_settings_update.iter().flatten().any(|r| {
            r.replica_provisioned_read_capacity_auto_scaling_settings_update.is_some()
                || r.replica_global_secondary_index_settings_update
                    .iter()
                    .flatten()
                    .any(|u| u.provisioned_read_capacity_auto_scaling_settings_update.is_some())
        });
    if autoscaling {
        return Err(SettingsProblem::Unsupported);
    }
    let index_names =
        input.global_table_global_secondary_index_settings_update.iter().flatten().map(|u| &u.index_name).chain(
            input
                .replica_settings_update
                .iter()
                .flatten()
                .flat_map(|r| r.replica_global_secondary_index_settings_update.iter().flatten().map(|u| &u.index_name)),
        );
    for name in index_names {
        if !table.global_indexes.iter().any(|i| &i.name == name) {
            return Err(SettingsProblem::NoIndex(format!("Requested resource not found: Index: {name} not found")));
        }
    }
    let mode = input.global_table_billing_mode.clone().or_else(|| table.billing_mode.clone());
    let on_demand = matches!(mode, Some(BillingMode::PayPerRequest));
    let units_given = input.global_table_provisioned_write_capacity_units.is_some()
        || input
            .global_table_global_secondary_index_settings_update
            .iter()
            .flatten()
            .any(|u| u.provisioned_write_capacity_units.is_some())
        || input.replica_settings_update.iter().flatten().any(|r| {
            r.replica_provisioned_read_capacity_units.is_some()
                || r.replica_global_secondary_index_settings_update
                    .iter()
                    .flatten()
                    .any(|u| u.provisioned_read_capacity_units.is_some())
        });
    if on_demand && units_given {
        return Err(SettingsProblem::Invalid(
            "One or more parameter values were invalid: Provisioned capacity units cannot be specified when BillingMode is PAY_PER_REQUEST"
                .into(),
        ));
    }
    if !on_demand
        && table.provisioned_throughput.is_none()
        && input.global_table_provisioned_write_capacity_units.is_none()
    {
        return Err(SettingsProblem::Invalid(
            "One or more parameter values were invalid: GlobalTableProvisionedWriteCapacityUnits must be specified when switching GlobalTableBillingMode to PROVISIONED"
                .into(),
        ));
    }
    Ok(())
}

pub enum SettingsProblem {
    Unsupported,
    NoIndex(String),
    Invalid(String),
}

/// Applies checked settings to the replica in `region`.
pub fn apply_settings(table: &mut Table, region: &str, input: &UpdateGlobalTableSettingsInput) {
    if let Some(mode) = &input.global_table_billing_mode {
        table.billing_mode = Some(mode.clone());
    }
    if table.is_on_demand() {
        table.provisioned_throughput = None;
        for g in &mut table.global_indexes {
            g.provisioned_throughput = None;
        }
        return;
    }
    let current = table.provisioned_throughput.clone();
    let write = input
        .global_table_provisioned_write_capacity_units
        .or(current.as_ref().map(|t| t.write_capacity_units))
        .unwrap_or(1);
    let replica = input.replica_settings_update.iter().flatten().find(|r| r.region_name == region);
    let read = replica
        .and_then(|r| r.replica_provisioned_read_capacity_units)
        .or(current.as_ref().map(|t| t.read_capacity_units))
        .unwrap_or(write);
    table.provisioned_throughput =
        Some(ProvisionedThroughput { read_capacity_units: read, write_capacity_units: write });
    for g in &mut table.global_indexes {
        let now = g.provisioned_throughput.clone();
        let write = input
            .global_table_global_secondary_index_settings_update
            .iter()
            .flatten()
            .find(|u| u.index_name == g.name)
            .and_then(|u| u.provisioned_write_capacity_units)
            .or(now.as_ref().map(|t| t.write_capacity_units))
            .unwrap_or(write);
        let read = replica
            .and_then(|r| r.replica_global_secondary_index_settings_update.as_ref())
            .and_then(|l| l.iter().find(|u| u.index_name == g.name))
            .and_then(|u| u.provisioned_read_capacity_units)
            .or(now.as_ref().map(|t| t.read_capacity_units))
            .unwrap_or(read);
        g.provisioned_throughput =
            Some(ProvisionedThroughput { read_capacity_units: read, write_capacity_units: write });
    }
    if let Some(class) = replica.and_then(|r| r.replica_table_class.clone()) {
        table.table_class = Some(class);
    }
}

pub async fn create_global_table(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: CreateGlobalTableInput,
) -> Result<CreateGlobalTableOutput, CreateGlobalTableError> {
    let name = input.global_table_name;
    let account = ctx.account_id.clone();
    let mut regions: Vec<String> = Vec::new();
    for r in input.replication_group {
        let Some(region) = r.region_name else {
            return Err(rt::CommonError::validation(
                "One or more parameter values were invalid: RegionName must be specified for each replica",
            )
            .into());
        };
        if !regions.contains(&region) {
            regions.push(region);
        }
    }
    if h.globals.with(|g| g.by_name.contains_key(&(account.clone(), name.clone()))) {
        return Err(GlobalTableAlreadyExistsException {
            message: Some("Global table with this name already exists".into()),
        }
        .into());
    }
    let mut first: Option<state::Table> = None;
    let mut cursors = std::collections::HashMap::new();
    for region in &regions {
        let scope = h.tables.scope_of(&account, region);
        let t = ferrostack_store::lock(&scope);
        let table = t.by_name.get(&name);
        match replica_problem(table, &name, region, first.as_ref()) {
            Some(Problem::NoTable(m)) => return Err(TableNotFoundException { message: Some(m) }.into()),
            Some(Problem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
            None => {}
        }
        if first.is_none() {
            first = table.cloned();
        }
        cursors.insert(region.clone(), stream_end(&t, &name));
    }
    let g = GlobalTable {
        legacy: true,
        name: name.clone(),
        account: account.clone(),
        created: rt::DateTime::from_millis(rt::DateTime::now().as_millis()),
        regions,
        cursors,
        echoes: Default::default(),
    };
    let description = description(&g, GlobalTableStatus::Creating);
    let inserted = h.globals.with(|all| match all.by_name.entry((account, name)) {
        std::collections::btree_map::Entry::Occupied(_) => false,
        std::collections::btree_map::Entry::Vacant(v) => {
            v.insert(g);
            true
        }
    });
    if !inserted {
        return Err(GlobalTableAlreadyExistsException {
            message: Some("Global table with this name already exists".into()),
        }
        .into());
    }
    Ok(CreateGlobalTableOutput { global_table_description: Some(description) })
}

pub async fn update_global_table(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: UpdateGlobalTableInput,
) -> Result<UpdateGlobalTableOutput, UpdateGlobalTableError> {
    let key = (ctx.account_id.clone(), input.global_table_name.clone());
    let name = input.global_table_name;
    let account = ctx.account_id.clone();
    let Some(mut g) = h.globals.with(|all| all.by_name.get(&key).filter(|g| g.legacy).cloned()) else {
        return Err(global_table_not_found().into());
    };
    // Check every update before applying any.
    let mut regions = g.regions.clone();
    let mut creates = Vec::new();
    for u in &input.replica_updates {
        match (&u.create, &u.delete) {
            (Some(c), None) => {
                if regions.contains(&c.region_name) {
                    return Err(ReplicaAlreadyExistsException {
                        message: Some(format!("Replica already exists in region {}", c.region_name)),
                    }
                    .into());
                }
                regions.push(c.region_name.clone());
                creates.push(c.region_name.clone());
            }
            (None, Some(d)) => {
                if !regions.contains(&d.region_name) {
                    return Err(ReplicaNotFoundException {
                        message: Some(format!("Replica not found in region {}", d.region_name)),
                    }
                    .into());
                }
                regions.retain(|r| *r != d.region_name);
            }
            _ => {
                return Err(rt::CommonError::validation(
                    "One or more parameter values were invalid: One of Create or Delete must be specified in a ReplicaUpdate",
                )
                .into())
            }
        }
    }
    // A source of existing items for new replicas, and the key schema they must match.
    let source = g.regions.iter().find(|r| regions.contains(r)).cloned();
    let existing: Option<state::Table> = source.as_ref().and_then(|r| {
        let scope = h.tables.scope_of(&account, r);
        let t = ferrostack_store::lock(&scope);
        t.by_name.get(&name).cloned()
    });
    for region in &creates {
        let scope = h.tables.scope_of(&account, region);
        let t = ferrostack_store::lock(&scope);
        match replica_problem(t.by_name.get(&name), &name, region, existing.as_ref()) {
            Some(Problem::NoTable(m)) => return Err(TableNotFoundException { message: Some(m) }.into()),
            Some(Problem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
            None => {}
        }
    }
    // New replicas start with a copy of the items, then follow the streams.
    for region in &creates {
        let scope = h.tables.scope_of(&account, region);
        let mut t = ferrostack_store::lock(&scope);
        if let (Some(from), Some((table, mut log))) = (&existing, t.table_and_stream(&name)) {
            for item in from.items.scan_all() {
                let keys = table.items.key.key_of(&item);
                write::commit(table, log.as_deref_mut(), &keys, None, Some(item), false);
            }
        }
        let end = stream_end(&t, &name);
        g.cursors.insert(region.clone(), end);
    }
    g.regions = regions;
    g.cursors.retain(|r, _| g.regions.contains(r));
    let description = description(&g, GlobalTableStatus::Updating);
    h.globals.with(|all| {
        if let Some(live) = all.by_name.get_mut(&key) {
            live.regions = g.regions.clone();
            for (r, c) in &g.cursors {
                live.cursors.entry(r.clone()).or_insert(*c);
            }
            live.cursors.retain(|r, _| g.regions.contains(r));
            live.echoes.retain(|r, _| g.regions.contains(r));
        }
    });
    Ok(UpdateGlobalTableOutput { global_table_description: Some(description) })
}

pub async fn describe_global_table_settings(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: DescribeGlobalTableSettingsInput,
) -> Result<DescribeGlobalTableSettingsOutput, DescribeGlobalTableSettingsError> {
    let key = (ctx.account_id.clone(), input.global_table_name.clone());
    let Some(g) = h.globals.with(|all| all.by_name.get(&key).filter(|g| g.legacy).cloned()) else {
        return Err(global_table_not_found().into());
    };
    let replica_settings = g
        .regions
        .iter()
        .filter_map(|region| {
            let scope = h.tables.scope_of(&g.account, region);
            let t = ferrostack_store::lock(&scope);
            t.by_name.get(&g.name).map(|table| settings(table, region))
        })
        .collect();
    Ok(DescribeGlobalTableSettingsOutput { global_table_name: Some(g.name), replica_settings: Some(replica_settings) })
}

pub async fn update_global_table_settings(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: UpdateGlobalTableSettingsInput,
) -> Result<UpdateGlobalTableSettingsOutput, UpdateGlobalTableSettingsError> {
    let key = (ctx.account_id.clone(), input.global_table_name.clone());
    let Some(g) = h.globals.with(|all| all.by_name.get(&key).filter(|g| g.legacy).cloned()) else {
        return Err(global_table_not_found().into());
    };
    for r in input.replica_settings_update.iter().flatten() {
        if !g.regions.contains(&r.region_name) {
            return Err(ReplicaNotFoundException {
                message: Some(format!("Replica not found in region {}", r.region_name)),
            }
            .into());
        }
    }
    // Check against every replica before changing any.
    for region in &g.regions {
        let scope = h.tables.scope_of(&g.account, region);
        let t = ferrostack_store::lock(&scope);
        let Some(table) = t.by_name.get(&g.name) else { continue };
        match check_settings(table, &input) {
            Ok(()) => {}
            Err(SettingsProblem::Unsupported) => {
                return Err(rt::CommonError::NotImplemented(
                    "UpdateGlobalTableSettings auto scaling settings (Application Auto Scaling is not emulated)",
                )
                .into())
            }
            Err(SettingsProblem::NoIndex(m)) => return Err(IndexNotFoundException { message: Some(m) }.into()),
            Err(SettingsProblem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
        }
    }
    let mut replica_settings = Vec::new();
    for region in &g.regions {
        let scope = h.tables.scope_of(&g.account, region);
        let mut t = ferrostack_store::lock(&scope);
        if let Some(table) = t.by_name.get_mut(&g.name) {
            apply_settings(table, region, &input);
            replica_settings.push(settings(table, region));
        }
    }
    Ok(UpdateGlobalTableSettingsOutput { global_table_name: Some(g.name), replica_settings: Some(replica_settings) })
}
