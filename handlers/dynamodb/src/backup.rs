//! On-demand backups (CreateBackup, DescribeBackup, ListBackups, DeleteBackup) and the two
//! restores (RestoreTableFromBackup, RestoreTableToPointInTime).
//!
//! A backup is a copy of the table as it was (items and indexes included); a restore builds
//! a new table from it the way CreateTable would (same checks, with the request's index,
//! billing and encryption overrides), then copies the items in. As on AWS, a restore does
//! not bring back tags, streams, TTL, point-in-time recovery or deletion protection.
//!
//! Point-in-time recovery keeps no history here: a point-in-time restore copies the table
//! as it is now, which is the state at the latest restorable time of an idle table.
//!
//! Status transitions happen at once; the answers still carry the transitional states AWS
//! answers with (CREATING for a new backup, a restored table CREATING with
//! `RestoreInProgress`), and the next Describe shows the settled ones.

use dynamodb_api::error::{CreateBackupError, RestoreTableToPointInTimeError};
use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::describe;
use crate::extras::{hex8, Backup, Extras};
use crate::state::{Index, Table, Tables};
use crate::{table_name, Handler};

const LIST_MAX: usize = 100;

pub fn backup_not_found(arn: &str) -> BackupNotFoundException {
    BackupNotFoundException { message: Some(format!("Backup not found: {arn}")) }
}

pub fn table_not_found(name: &str) -> TableNotFoundException {
    TableNotFoundException { message: Some(format!("Table not found: {name}")) }
}

pub fn table_exists(name: &str) -> TableAlreadyExistsException {
    TableAlreadyExistsException { message: Some(format!("Table already exists: {name}")) }
}

/// `<table ARN>/backup/<creation millis, 14 digits zero-padded>-<8 hex>` (AWS writes e.g. `01489602797149-73d8d5bc`)
fn backup_arn(table_arn: &str, at: rt::DateTime) -> String {
    format!("{table_arn}/backup/{:014}-{}", at.as_millis(), hex8())
}

/// Orders backups made within the same millisecond.
fn next_sequence() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

pub fn create(t: &Tables, x: &mut Extras, name: &str, backup_name: String) -> Result<BackupDetails, CreateBackupError> {
    let table = t.by_name.get(name).ok_or_else(|| table_not_found(name))?;
    let created = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    let backup = Backup {
        arn: backup_arn(&table.arn, created),
        name: backup_name,
        created,
        kind: BackupType::User,
        expires: None,
        table: table.clone(),
        sequence: next_sequence(),
    };
    let details = details(&backup, BackupStatus::Creating);
    x.backups.insert(backup.arn.clone(), backup);
    Ok(details)
}

/// The SYSTEM backup AWS keeps for 35 days when a table with point-in-time recovery is
/// deleted; RestoreTableToPointInTime of the deleted table restores from it.
pub fn on_delete(x: &mut Extras, table: Table) {
    if !table.pitr {
        return;
    }
    let created = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    let backup = Backup {
        arn: backup_arn(&table.arn, created),
        name: format!("{}$DeletedTableBackup", table.name),
        created,
        kind: BackupType::System,
        expires: Some(rt::DateTime::from_millis(created.as_millis() + 35 * 24 * 3600 * 1000)),
        table,
        sequence: next_sequence(),
    };
    x.backups.insert(backup.arn.clone(), backup);
}

/// The newest SYSTEM backup of a deleted table named `name` (or with ARN `arn`).
pub fn deleted_table(x: &Extras, name: &str, arn: Option<&str>) -> Option<Table> {
    x.backups
        .values()
        .filter(|b| b.kind == BackupType::System && b.table.name == name && arn.is_none_or(|a| a == b.table.arn))
        .max_by_key(|b| b.created.as_millis())
        .map(|b| b.table.clone())
}

fn details(b: &Backup, status: BackupStatus) -> BackupDetails {
    BackupDetails {
        backup_arn: b.arn.clone(),
        backup_name: b.name.clone(),
        backup_size_bytes: Some(b.table.items.size_bytes()),
        backup_status: status,
        backup_type: b.kind.clone(),
        backup_creation_date_time: b.created,
        backup_expiry_date_time: b.expires,
    }
}

fn throughput(p: Option<&ProvisionedThroughput>) -> ProvisionedThroughput {
    p.cloned().unwrap_or(ProvisionedThroughput { read_capacity_units: 0, write_capacity_units: 0 })
}

pub fn description(b: &Backup, status: BackupStatus) -> BackupDescription {
    let t = &b.table;
    let locals: Vec<LocalSecondaryIndexInfo> = t
        .local_indexes
        .iter()
        .map(|i| LocalSecondaryIndexInfo {
            index_name: Some(i.name.clone()),
            key_schema: Some(i.key_schema.clone()),
            projection: Some(i.projection.clone()),
        })
        .collect();
    let globals: Vec<GlobalSecondaryIndexInfo> = t
        .global_indexes
        .iter()
        .map(|i| GlobalSecondaryIndexInfo {
            index_name: Some(i.name.clone()),
            key_schema: Some(i.key_schema.clone()),
            projection: Some(i.projection.clone()),
            provisioned_throughput: Some(throughput(i.provisioned_throughput.as_ref())),
            on_demand_throughput: i.on_demand_throughput.clone(),
        })
        .collect();
    BackupDescription {
        backup_details: Some(details(b, status)),
        source_table_details: Some(SourceTableDetails {
            table_name: t.name.clone(),
            table_id: t.id.clone(),
            table_arn: Some(t.arn.clone()),
            table_size_bytes: Some(t.items.size_bytes()),
            key_schema: t.key_schema.clone(),
            table_creation_date_time: t.created,
            provisioned_throughput: throughput(t.provisioned_throughput.as_ref()),
            on_demand_throughput: t.on_demand_throughput.clone(),
            item_count: Some(t.items.count()),
            billing_mode: Some(t.billing_mode.clone().unwrap_or(BillingMode::Provisioned)),
        }),
        source_table_feature_details: Some(SourceTableFeatureDetails {
            local_secondary_indexes: (!locals.is_empty()).then_some(locals),
            global_secondary_indexes: (!globals.is_empty()).then_some(globals),
            stream_description: t.stream.clone(),
            time_to_live_description: t.ttl_attribute.as_ref().map(|a| TimeToLiveDescription {
                time_to_live_status: Some(TimeToLiveStatus::Enabled),
                attribute_name: Some(a.clone()),
            }),
            sse_description: t.sse.clone(),
        }),
    }
}

pub fn list(x: &Extras, input: ListBackupsInput) -> ListBackupsOutput {
    let limit = input.limit.map_or(LIST_MAX, |l| l.clamp(1, LIST_MAX as i32) as usize);
    // USER unless asked otherwise, as AWS lists; no AWS_BACKUP backups exist here.
    let wanted = |b: &Backup| match &input.backup_type {
        None | Some(BackupTypeFilter::User) => b.kind == BackupType::User,
        Some(BackupTypeFilter::System) => b.kind == BackupType::System,
        Some(BackupTypeFilter::All) => true,
        Some(_) => false,
    };
    let mut matching: Vec<&Backup> = x
        .backups
        .values()
        .filter(|b| wanted(b))
        .filter(|b| input.table_name.as_deref().is_none_or(|n| b.table.name == n || b.table.arn == n))
        .filter(|b| input.time_range_lower_bound.is_none_or(|lo| b.created.as_millis() >= lo.as_millis()))
        .filter(|b| input.time_range_upper_bound.is_none_or(|hi| b.created.as_millis() < hi.as_millis()))
        .collect();
    // In the order they were made: backups of the same millisecond differ only by the
    // random tail of their ARNs, so that cannot order them.
    matching.sort_by_key(|b| (b.created.as_millis(), b.sequence));
    let start = match &input.exclusive_start_backup_arn {
        Some(arn) => matching.iter().position(|b| &b.arn == arn).map_or(0, |i| i + 1),
        None => 0,
    };
    let page: Vec<&Backup> = matching.iter().skip(start).take(limit).copied().collect();
    let more = start + page.len() < matching.len();
    ListBackupsOutput {
        last_evaluated_backup_arn: if more { page.last().map(|b| b.arn.clone()) } else { None },
        backup_summaries: Some(
            page.into_iter()
                .map(|b| BackupSummary {
                    table_name: Some(b.table.name.clone()),
                    table_id: Some(b.table.id.clone()),
                    table_arn: Some(b.table.arn.clone()),
                    backup_arn: Some(b.arn.clone()),
                    backup_name: Some(b.name.clone()),
                    backup_creation_date_time: Some(b.created),
                    backup_expiry_date_time: b.expires,
                    backup_status: Some(BackupStatus::Available),
                    backup_type: Some(b.kind.clone()),
                    backup_size_bytes: Some(b.table.items.size_bytes()),
                })
                .collect(),
        ),
    }
}

/// What a restore may change about the source table.
pub struct Overrides {
    pub billing_mode: Option<BillingMode>,
    pub global_indexes: Option<Vec<GlobalSecondaryIndex>>,
    pub local_indexes: Option<Vec<LocalSecondaryIndex>>,
    pub provisioned_throughput: Option<ProvisionedThroughput>,
    pub on_demand_throughput: Option<OnDemandThroughput>,
    pub sse: Option<SSESpecification>,
}

fn global(i: &Index) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex {
        index_name: i.name.clone(),
        key_schema: i.key_schema.clone(),
        projection: i.projection.clone(),
        provisioned_throughput: i.provisioned_throughput.clone(),
        on_demand_throughput: i.on_demand_throughput.clone(),
        warm_throughput: None,
    }
}

fn local(i: &Index) -> LocalSecondaryIndex {
    LocalSecondaryIndex {
        index_name: i.name.clone(),
        key_schema: i.key_schema.clone(),
        projection: i.projection.clone(),
    }
}

/// The CreateTable request that makes `target` from `source` with `o` applied.
pub fn create_input(source: &Table, target: &str, o: Overrides) -> CreateTableInput {
    let billing_mode = o.billing_mode.or_else(|| source.billing_mode.clone());
    let on_demand = matches!(billing_mode, Some(BillingMode::PayPerRequest));
    let provisioned =
        if on_demand { None } else { o.provisioned_throughput.or_else(|| source.provisioned_throughput.clone()) };
    let mut globals = o.global_indexes.unwrap_or_else(|| source.global_indexes.iter().map(global).collect());
    for g in &mut globals {
        if on_demand {
            g.provisioned_throughput = None;
        } else if g.provisioned_throughput.is_none() {
            // An on-demand source restored as provisioned: its indexes take the table's capacity.
            g.provisioned_throughput = provisioned.clone();
        }
    }
    let locals = o.local_indexes.unwrap_or_else(|| source.local_indexes.iter().map(local).collect());
    let used: Vec<&str> = source
        .key_schema
        .iter()
        .chain(locals.iter().flat_map(|i| &i.key_schema))
        .chain(globals.iter().flat_map(|i| &i.key_schema))
        .map(|k| k.attribute_name.as_str())
        .collect();
    let attribute_definitions =
        source.attribute_definitions.iter().filter(|d| used.contains(&d.attribute_name.as_str())).cloned().collect();
    let sse = o.sse.or_else(|| {
        source.sse.as_ref().map(|d| SSESpecification {
            enabled: Some(true),
            sse_type: d.sse_type.clone(),
            kms_master_key_id: d.kms_master_key_arn.clone(),
        })
    });
    CreateTableInput {
        attribute_definitions,
        table_name: target.to_string(),
        key_schema: source.key_schema.clone(),
        local_secondary_indexes: (!locals.is_empty()).then_some(locals),
        global_secondary_indexes: (!globals.is_empty()).then_some(globals),
        billing_mode,
        provisioned_throughput: provisioned,
        stream_specification: None,
        sse_specification: sse,
        tags: None,
        table_class: source.table_class.clone(),
        deletion_protection_enabled: None,
        warm_throughput: None,
        resource_policy: None,
        on_demand_throughput: o.on_demand_throughput.or_else(|| source.on_demand_throughput.clone()),
    }
}

/// Why a restore could not start.
pub enum RestoreError {
    Exists(String),
    Invalid(String),
}

/// Creates `target` from `source` (a snapshot or a live table) and answers its description.
pub fn restore(
    ctx: &rt::RequestContext,
    t: &mut Tables,
    x: &mut Extras,
    source: &Table,
    target: &str,
    o: Overrides,
    from_backup: Option<String>,
) -> Result<TableDescription, RestoreError> {
    if t.by_name.contains_key(target) {
        return Err(RestoreError::Exists(target.to_string()));
    }
    let input = create_input(source, target, o);
    crate::create_rules::check(&input).map_err(RestoreError::Invalid)?;
    let mut table = describe::new_table(ctx, input);
    // Items first, then each index built from them, so items whose attributes do not fit
    // an index's key types stay out of it, as a backfill does.
    let indexes = std::mem::take(&mut table.items.indexes);
    for item in source.items.scan_all() {
        table.items.put(item);
    }
    for index in indexes {
        table.items.backfill(index);
    }
    let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    let summary = RestoreSummary {
        source_backup_arn: from_backup,
        source_table_arn: Some(source.arn.clone()),
        restore_date_time: now,
        restore_in_progress: true,
    };
    let mut description = describe::describe(&table, TableStatus::Creating);
    description.restore_summary = Some(summary.clone());
    x.restores.insert(target.to_string(), (table.id.clone(), RestoreSummary { restore_in_progress: false, ..summary }));
    t.by_name.insert(target.to_string(), table);
    Ok(description)
}

pub async fn restore_table_to_point_in_time(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: RestoreTableToPointInTimeInput,
) -> Result<RestoreTableToPointInTimeOutput, RestoreTableToPointInTimeError> {
    let source_name = match (&input.source_table_name, &input.source_table_arn) {
        (Some(name), None) => name.clone(),
        (None, Some(arn)) => table_name::resolve(arn).to_string(),
        (Some(_), Some(_)) => {
            return Err(
                rt::CommonError::validation("Only one of SourceTableArn or SourceTableName can be specified").into()
            )
        }
        (None, None) => {
            return Err(rt::CommonError::validation("Either SourceTableArn or SourceTableName must be specified").into())
        }
    };
    if input.use_latest_restorable_time == Some(true) && input.restore_date_time.is_some() {
        return Err(rt::CommonError::validation(
            "Only one of RestoreDateTime or UseLatestRestorableTime can be specified",
        )
        .into());
    }
    if input.use_latest_restorable_time != Some(true) && input.restore_date_time.is_none() {
        return Err(rt::CommonError::validation(
            "Either RestoreDateTime must be specified or UseLatestRestorableTime must be set to true",
        )
        .into());
    }
    let overrides = Overrides {
        billing_mode: input.billing_mode_override,
        global_indexes: input.global_secondary_index_override,
        local_indexes: input.local_secondary_index_override,
        provisioned_throughput: input.provisioned_throughput_override,
        on_demand_throughput: input.on_demand_throughput_override,
        sse: input.sse_specification_override,
    };
    let target = input.target_table_name;
    let d = h.with_both(ctx, |t, x| -> Result<TableDescription, RestoreTableToPointInTimeError> {
        let live = t.by_name.get(&source_name).filter(|s| input.source_table_arn.as_deref().is_none_or(|a| a == s.arn));
        // A deleted table with point-in-time recovery is restored from its SYSTEM backup.
        let deleted;
        let source = match live {
            Some(s) => s,
            None => match deleted_table(x, &source_name, input.source_table_arn.as_deref()) {
                Some(table) => {
                    deleted = table;
                    &deleted
                }
                None => return Err(table_not_found(&source_name).into()),
            },
        };
        if !source.pitr {
            return Err(PointInTimeRecoveryUnavailableException {
                message: Some(format!("Point in time recovery is not enabled for table '{source_name}'")),
            }
            .into());
        }
        if let Some(at) = input.restore_date_time {
            // Restorable: from the table's creation up to now (the state kept is the current one).
            let now = rt::DateTime::now().as_millis();
            if at.as_millis() < source.created.as_millis() - 1000 || at.as_millis() > now {
                return Err(InvalidRestoreTimeException {
                    message: Some(format!(
                        "Restore time is outside of the recoverable window: earliest {}, latest {}",
                        source.created.to_rfc3339(),
                        rt::DateTime::from_millis(now).to_rfc3339()
                    )),
                }
                .into());
            }
        }
        let source = source.clone();
        restore(ctx, t, x, &source, &target, overrides, None).map_err(|e| match e {
            RestoreError::Exists(name) => table_exists(&name).into(),
            RestoreError::Invalid(m) => rt::CommonError::Validation(m).into(),
        })
    })?;
    Ok(RestoreTableToPointInTimeOutput { table_description: Some(d) })
}
