//! Behaviour of `dynamodb` (DynamoDB_20120810). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! Tables are created ACTIVE at once: there is no provisioning to wait for locally, and
//! SDK waiters accept it.
//!
//! Where things are: `storage` (items and indexes per table, order-preserving `keys`,
//! compact `item` encoding), `write` (the one write path: checks, conditions, stream
//! records, return values, capacity), `item_ops` / `read` / `batch` / `transact` /
//! `partiql_ops` (the operations over it), `control` (UpdateTable, TTL, tags, PITR, limits),
//! `ttl` (the reaper), `stream_log` (records read by the `dynamodbstreams-handler` crate
//! through `Handler::with_streams`). `expr`, `number` and `partiql` are the languages.

mod backup;
mod batch;
mod control;
mod create_rules;
mod ddb_json;
mod describe;
pub mod error;
mod export;
pub mod expr;
mod extras;
mod global_tables;
mod import;
mod insights;
pub mod item;
mod item_ops;
pub mod keys;
mod kinesis;
pub mod number;
pub mod partiql;
mod partiql_ops;
mod read;
mod resource_policy;
mod s3io;
pub mod state;
pub mod storage;
pub mod stream_log;
mod table_name;
mod transact;
mod ttl;
mod write;

use std::ops::Bound;
use std::sync::Arc;

use dynamodb_api::error::*;
use dynamodb_api::types::*;
use ferrostack_runtime as rt;
use ferrostack_store::{GlobalStore, RegionalStore};

use error::Error;
use extras::Extras;
use ferrostack_store::Peers;
use state::Tables;

/// ListTables' page size when `Limit` is absent (and its maximum).
const LIST_TABLES_MAX: usize = 100;

pub struct Handler {
    tables: Arc<RegionalStore<Tables>>,
    /// Backups, policies, insights, exports, imports, Kinesis destinations (see `extras`).
    /// Locked after `tables` when both are needed, never the other way round.
    extras: RegionalStore<Extras>,
    /// Global tables (2017.11.29) of every account; replicas live in `tables`.
    globals: Arc<GlobalStore<global_tables::Globals>>,
    /// Other services, for exports and imports (S3) and streaming destinations (Kinesis).
    peers: Arc<Peers>,
}

impl Default for Handler {
    fn default() -> Handler {
        Handler::new(Peers::new())
    }
}

fn table_not_found(name: &str) -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {name} not found")) }
}

impl Handler {
    pub fn new(peers: Arc<Peers>) -> Handler {
        Handler { tables: Arc::default(), extras: RegionalStore::default(), globals: Arc::default(), peers }
    }

    /// Runs `f` over the tables and the extras of the caller's account and region.
    fn with_both<R>(&self, ctx: &rt::RequestContext, f: impl FnOnce(&mut Tables, &mut Extras) -> R) -> R {
        self.tables.with(ctx, |t| self.extras.with(ctx, |x| f(t, x)))
    }

    /// The stream logs of the caller's account and region, for the `dynamodbstreams-handler`
    /// crate (which reaches this handler through `Peers` as the concrete type).
    pub fn with_streams<R>(
        &self,
        ctx: &rt::RequestContext,
        f: impl FnOnce(&mut std::collections::BTreeMap<String, stream_log::StreamLog>) -> R,
    ) -> R {
        self.tables.with(ctx, |t| f(&mut t.streams))
    }
}

/// TransactWriteItems models IdempotentParameterMismatchException.
fn tx_error(e: Error) -> TransactWriteItemsError {
    match e {
        Error::IdempotentMismatch => IdempotentParameterMismatchException {
            message: Some(
                "Request parameters do not match the parameters of an earlier request with the same idempotency token"
                    .into(),
            ),
        }
        .into(),
        other => other.tx_op(),
    }
}

#[rt::async_trait]
impl dynamodb_api::Handler for Handler {
    async fn list_tables(
        &self,
        ctx: &rt::RequestContext,
        input: ListTablesInput,
    ) -> Result<ListTablesOutput, ListTablesError> {
        let limit = input.limit.map_or(LIST_TABLES_MAX, |l| l.clamp(1, LIST_TABLES_MAX as i32) as usize);
        let (names, last) = self.tables.with(ctx, |t| {
            let start = match input.exclusive_start_table_name.as_deref() {
                Some(after) => Bound::Excluded(after),
                None => Bound::Unbounded,
            };
            let mut rest = t.by_name.range::<str, _>((start, Bound::Unbounded)).map(|(name, _)| name.clone());
            let names: Vec<String> = rest.by_ref().take(limit).collect();
            // The last name is handed back only when more tables follow it.
            let last = if rest.next().is_some() { names.last().cloned() } else { None };
            (names, last)
        });
        Ok(ListTablesOutput { table_names: Some(names), last_evaluated_table_name: last })
    }

    async fn create_table(
        &self,
        ctx: &rt::RequestContext,
        input: CreateTableInput,
    ) -> Result<CreateTableOutput, CreateTableError> {
        create_rules::check(&input).map_err(rt::CommonError::Validation)?;
        if let Some(policy) = &input.resource_policy {
            resource_policy::check_document(policy).map_err(rt::CommonError::Validation)?;
        }
        let policy = input.resource_policy.clone();
        let name = input.table_name.clone();
        let table = describe::new_table(ctx, input);
        if let Some(document) = policy {
            let revision = rt::DateTime::now().as_millis().to_string();
            self.extras.with(ctx, |x| x.policies.insert(table.arn.clone(), extras::Policy { document, revision }));
        }
        let description = self.tables.with(ctx, |t| {
            if t.by_name.contains_key(&name) {
                return Err(ResourceInUseException { message: Some(format!("Table already exists: {name}")) });
            }
            let description = describe::describe(&table, TableStatus::Active);
            if let Some(log) = describe::new_stream_log(&table) {
                t.streams.insert(log.arn.clone(), log);
            }
            t.by_name.insert(name, table);
            Ok(description)
        })?;
        Ok(CreateTableOutput { table_description: Some(description) })
    }

    async fn describe_table(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeTableInput,
    ) -> Result<DescribeTableOutput, DescribeTableError> {
        let name = table_name::resolve(&input.table_name);
        let description = self.with_both(ctx, |t, x| {
            let table = t.by_name.get(name)?;
            let mut d = describe::describe(table, TableStatus::Active);
            d.restore_summary =
                x.restores.get(name).filter(|(id, _)| *id == table.id).map(|(_, summary)| summary.clone());
            Some(d)
        });
        match description {
            Some(d) => Ok(DescribeTableOutput { table: Some(d) }),
            None => Err(table_not_found(name).into()),
        }
    }

    async fn delete_table(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteTableInput,
    ) -> Result<DeleteTableOutput, DeleteTableError> {
        let name = table_name::resolve(&input.table_name).to_string();
        self.with_both(ctx, |t, x| {
            let Some(table) = t.by_name.get(&name) else {
                return Err(table_not_found(&name).into());
            };
            if table.deletion_protection {
                return Err(rt::CommonError::validation(
                    "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.",
                )
                .into());
            }
            // Deletion is immediate here; the answer still says DELETING, as AWS's does.
            let table = t.by_name.remove(&name).ok_or_else(|| table_not_found(&name))?;
            x.table_deleted(&name, &table.arn);
            if let Some((_, arn)) = &table.latest_stream {
                if let Some(log) = t.streams.get_mut(arn) {
                    log.enabled = false;
                }
            }
            let description = describe::describe(&table, TableStatus::Deleting);
            backup::on_delete(x, table);
            Ok(DeleteTableOutput { table_description: Some(description) })
        })
    }

    async fn put_item(&self, ctx: &rt::RequestContext, input: PutItemInput) -> Result<PutItemOutput, PutItemError> {
        self.tables.with(ctx, |t| item_ops::put_item(t, input)).map_err(Error::write_op)
    }

    async fn get_item(&self, ctx: &rt::RequestContext, input: GetItemInput) -> Result<GetItemOutput, GetItemError> {
        self.tables.with(ctx, |t| item_ops::get_item(t, input)).map_err(Error::op)
    }

    async fn delete_item(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteItemInput,
    ) -> Result<DeleteItemOutput, DeleteItemError> {
        self.tables.with(ctx, |t| item_ops::delete_item(t, input)).map_err(Error::write_op)
    }

    async fn update_item(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateItemInput,
    ) -> Result<UpdateItemOutput, UpdateItemError> {
        self.tables.with(ctx, |t| item_ops::update_item(t, input)).map_err(Error::write_op)
    }

    async fn query(&self, ctx: &rt::RequestContext, input: QueryInput) -> Result<QueryOutput, QueryError> {
        self.tables.with(ctx, |t| read::query(t, input)).map_err(Error::op)
    }

    async fn scan(&self, ctx: &rt::RequestContext, input: ScanInput) -> Result<ScanOutput, ScanError> {
        self.tables.with(ctx, |t| read::scan(t, input)).map_err(Error::op)
    }

    async fn batch_get_item(
        &self,
        ctx: &rt::RequestContext,
        input: BatchGetItemInput,
    ) -> Result<BatchGetItemOutput, BatchGetItemError> {
        self.tables.with(ctx, |t| batch::batch_get(t, input)).map_err(Error::op)
    }

    async fn batch_write_item(
        &self,
        ctx: &rt::RequestContext,
        input: BatchWriteItemInput,
    ) -> Result<BatchWriteItemOutput, BatchWriteItemError> {
        self.tables.with(ctx, |t| batch::batch_write(t, input)).map_err(Error::op)
    }

    async fn transact_write_items(
        &self,
        ctx: &rt::RequestContext,
        input: TransactWriteItemsInput,
    ) -> Result<TransactWriteItemsOutput, TransactWriteItemsError> {
        self.tables.with(ctx, |t| transact::transact_write(t, input)).map_err(tx_error)
    }

    async fn transact_get_items(
        &self,
        ctx: &rt::RequestContext,
        input: TransactGetItemsInput,
    ) -> Result<TransactGetItemsOutput, TransactGetItemsError> {
        self.tables.with(ctx, |t| transact::transact_get(t, input)).map_err(Error::tx_op)
    }

    async fn update_table(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateTableInput,
    ) -> Result<UpdateTableOutput, UpdateTableError> {
        let description =
            self.tables.with(ctx, |t| control::update_table(t, input)).map_err(Error::op::<UpdateTableError>)?;
        Ok(UpdateTableOutput { table_description: Some(description) })
    }

    async fn update_time_to_live(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateTimeToLiveInput,
    ) -> Result<UpdateTimeToLiveOutput, UpdateTimeToLiveError> {
        let spec =
            self.tables.with(ctx, |t| control::update_ttl(t, input)).map_err(Error::op::<UpdateTimeToLiveError>)?;
        Ok(UpdateTimeToLiveOutput { time_to_live_specification: Some(spec) })
    }

    async fn describe_time_to_live(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeTimeToLiveInput,
    ) -> Result<DescribeTimeToLiveOutput, DescribeTimeToLiveError> {
        let d = self
            .tables
            .with(ctx, |t| control::describe_ttl(t, &input.table_name))
            .map_err(Error::op::<DescribeTimeToLiveError>)?;
        Ok(DescribeTimeToLiveOutput { time_to_live_description: Some(d) })
    }

    async fn tag_resource(
        &self,
        ctx: &rt::RequestContext,
        input: TagResourceInput,
    ) -> Result<rt::Unit, TagResourceError> {
        self.tables
            .with(ctx, |t| control::tag(t, &input.resource_arn, input.tags))
            .map_err(Error::op::<TagResourceError>)?;
        Ok(rt::Unit)
    }

    async fn untag_resource(
        &self,
        ctx: &rt::RequestContext,
        input: UntagResourceInput,
    ) -> Result<rt::Unit, UntagResourceError> {
        self.tables
            .with(ctx, |t| control::untag(t, &input.resource_arn, &input.tag_keys))
            .map_err(Error::op::<UntagResourceError>)?;
        Ok(rt::Unit)
    }

    async fn list_tags_of_resource(
        &self,
        ctx: &rt::RequestContext,
        input: ListTagsOfResourceInput,
    ) -> Result<ListTagsOfResourceOutput, ListTagsOfResourceError> {
        let tags = self
            .tables
            .with(ctx, |t| control::list_tags(t, &input.resource_arn))
            .map_err(Error::op::<ListTagsOfResourceError>)?;
        Ok(ListTagsOfResourceOutput { tags: Some(tags), next_token: None })
    }

    async fn describe_continuous_backups(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeContinuousBackupsInput,
    ) -> Result<DescribeContinuousBackupsOutput, DescribeContinuousBackupsError> {
        let name = table_name::resolve(&input.table_name);
        let d = self.tables.with(ctx, |t| t.by_name.get(name).map(control::continuous_backups));
        match d {
            Some(d) => Ok(DescribeContinuousBackupsOutput { continuous_backups_description: Some(d) }),
            None => Err(control::table_not_found(name).into()),
        }
    }

    async fn update_continuous_backups(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateContinuousBackupsInput,
    ) -> Result<UpdateContinuousBackupsOutput, UpdateContinuousBackupsError> {
        match self.tables.with(ctx, |t| control::update_pitr(t, input)) {
            Ok(d) => Ok(UpdateContinuousBackupsOutput { continuous_backups_description: Some(d) }),
            Err(Ok(not_found)) => Err(not_found.into()),
            Err(Err(message)) => Err(rt::CommonError::Validation(message).into()),
        }
    }

    async fn describe_limits(
        &self,
        _ctx: &rt::RequestContext,
        _input: DescribeLimitsInput,
    ) -> Result<DescribeLimitsOutput, DescribeLimitsError> {
        Ok(control::limits())
    }

    async fn describe_endpoints(
        &self,
        ctx: &rt::RequestContext,
        _input: DescribeEndpointsRequest,
    ) -> Result<DescribeEndpointsResponse, DescribeEndpointsError> {
        Ok(control::endpoints(ctx))
    }

    async fn execute_statement(
        &self,
        ctx: &rt::RequestContext,
        input: ExecuteStatementInput,
    ) -> Result<ExecuteStatementOutput, ExecuteStatementError> {
        self.tables.with(ctx, |t| partiql_ops::execute(t, input)).map_err(|e| match e {
            Error::Duplicate => DuplicateItemException { message: Some(error::DUPLICATE.into()) }.into(),
            other => other.write_op(),
        })
    }

    async fn batch_execute_statement(
        &self,
        ctx: &rt::RequestContext,
        input: BatchExecuteStatementInput,
    ) -> Result<BatchExecuteStatementOutput, BatchExecuteStatementError> {
        self.tables.with(ctx, |t| partiql_ops::batch(t, input)).map_err(Error::plain)
    }

    async fn execute_transaction(
        &self,
        ctx: &rt::RequestContext,
        input: ExecuteTransactionInput,
    ) -> Result<ExecuteTransactionOutput, ExecuteTransactionError> {
        self.tables.with(ctx, |t| partiql_ops::transaction(t, input)).map_err(Error::tx_op)
    }

    async fn create_backup(
        &self,
        ctx: &rt::RequestContext,
        input: CreateBackupInput,
    ) -> Result<CreateBackupOutput, CreateBackupError> {
        let name = table_name::resolve(&input.table_name).to_string();
        let details = self.with_both(ctx, |t, x| backup::create(t, x, &name, input.backup_name))?;
        Ok(CreateBackupOutput { backup_details: Some(details) })
    }

    async fn describe_backup(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeBackupInput,
    ) -> Result<DescribeBackupOutput, DescribeBackupError> {
        let arn = input.backup_arn;
        let d = self.extras.with(ctx, |x| x.backups.get(&arn).map(|b| backup::description(b, BackupStatus::Available)));
        match d {
            Some(d) => Ok(DescribeBackupOutput { backup_description: Some(d) }),
            None => Err(backup::backup_not_found(&arn).into()),
        }
    }

    async fn list_backups(
        &self,
        ctx: &rt::RequestContext,
        input: ListBackupsInput,
    ) -> Result<ListBackupsOutput, ListBackupsError> {
        Ok(self.extras.with(ctx, |x| backup::list(x, input)))
    }

    async fn delete_backup(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteBackupInput,
    ) -> Result<DeleteBackupOutput, DeleteBackupError> {
        let arn = input.backup_arn;
        match self.extras.with(ctx, |x| x.backups.remove(&arn)) {
            Some(b) => {
                Ok(DeleteBackupOutput { backup_description: Some(backup::description(&b, BackupStatus::Deleted)) })
            }
            None => Err(backup::backup_not_found(&arn).into()),
        }
    }

    async fn restore_table_from_backup(
        &self,
        ctx: &rt::RequestContext,
        input: RestoreTableFromBackupInput,
    ) -> Result<RestoreTableFromBackupOutput, RestoreTableFromBackupError> {
        let overrides = backup::Overrides {
            billing_mode: input.billing_mode_override,
            global_indexes: input.global_secondary_index_override,
            local_indexes: input.local_secondary_index_override,
            provisioned_throughput: input.provisioned_throughput_override,
            on_demand_throughput: input.on_demand_throughput_override,
            sse: input.sse_specification_override,
        };
        let target = input.target_table_name;
        let arn = input.backup_arn;
        let d = self.with_both(ctx, |t, x| -> Result<TableDescription, RestoreTableFromBackupError> {
            let source = x.backups.get(&arn).ok_or_else(|| backup::backup_not_found(&arn))?.table.clone();
            backup::restore(ctx, t, x, &source, &target, overrides, Some(arn.clone())).map_err(|e| match e {
                backup::RestoreError::Exists(name) => backup::table_exists(&name).into(),
                backup::RestoreError::Invalid(m) => rt::CommonError::Validation(m).into(),
            })
        })?;
        Ok(RestoreTableFromBackupOutput { table_description: Some(d) })
    }

    async fn restore_table_to_point_in_time(
        &self,
        ctx: &rt::RequestContext,
        input: RestoreTableToPointInTimeInput,
    ) -> Result<RestoreTableToPointInTimeOutput, RestoreTableToPointInTimeError> {
        let source_name = match (&input.source_table_name, &input.source_table_arn) {
            (Some(name), None) => name.clone(),
            (None, Some(arn)) => table_name::resolve(arn).to_string(),
            (Some(_), Some(_)) => {
                return Err(rt::CommonError::validation(
                    "Only one of SourceTableArn or SourceTableName can be specified",
                )
                .into())
            }
            (None, None) => {
                return Err(
                    rt::CommonError::validation("Either SourceTableArn or SourceTableName must be specified").into()
                )
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
        let overrides = backup::Overrides {
            billing_mode: input.billing_mode_override,
            global_indexes: input.global_secondary_index_override,
            local_indexes: input.local_secondary_index_override,
            provisioned_throughput: input.provisioned_throughput_override,
            on_demand_throughput: input.on_demand_throughput_override,
            sse: input.sse_specification_override,
        };
        let target = input.target_table_name;
        let d = self.with_both(ctx, |t, x| -> Result<TableDescription, RestoreTableToPointInTimeError> {
            let live =
                t.by_name.get(&source_name).filter(|s| input.source_table_arn.as_deref().is_none_or(|a| a == s.arn));
            // A deleted table with point-in-time recovery is restored from its SYSTEM backup.
            let deleted;
            let source = match live {
                Some(s) => s,
                None => match backup::deleted_table(x, &source_name, input.source_table_arn.as_deref()) {
                    Some(table) => {
                        deleted = table;
                        &deleted
                    }
                    None => return Err(backup::table_not_found(&source_name).into()),
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
            backup::restore(ctx, t, x, &source, &target, overrides, None).map_err(|e| match e {
                backup::RestoreError::Exists(name) => backup::table_exists(&name).into(),
                backup::RestoreError::Invalid(m) => rt::CommonError::Validation(m).into(),
            })
        })?;
        Ok(RestoreTableToPointInTimeOutput { table_description: Some(d) })
    }

    async fn put_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: PutResourcePolicyInput,
    ) -> Result<PutResourcePolicyOutput, PutResourcePolicyError> {
        let revision = self
            .with_both(ctx, |t, x| resource_policy::put(t, x, input))
            .map_err(policy_error::<PutResourcePolicyError>)?;
        Ok(PutResourcePolicyOutput { revision_id: Some(revision) })
    }

    async fn get_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: GetResourcePolicyInput,
    ) -> Result<GetResourcePolicyOutput, GetResourcePolicyError> {
        let p = self
            .with_both(ctx, |t, x| resource_policy::get(t, x, &input.resource_arn))
            .map_err(policy_error::<GetResourcePolicyError>)?;
        Ok(GetResourcePolicyOutput { policy: Some(p.document), revision_id: Some(p.revision) })
    }

    async fn delete_resource_policy(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteResourcePolicyInput,
    ) -> Result<DeleteResourcePolicyOutput, DeleteResourcePolicyError> {
        let revision = self
            .with_both(ctx, |t, x| {
                resource_policy::delete(t, x, &input.resource_arn, input.expected_revision_id.as_deref())
            })
            .map_err(policy_error::<DeleteResourcePolicyError>)?;
        Ok(DeleteResourcePolicyOutput { revision_id: Some(revision) })
    }

    async fn describe_contributor_insights(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeContributorInsightsInput,
    ) -> Result<DescribeContributorInsightsOutput, DescribeContributorInsightsError> {
        self.with_both(ctx, |t, x| insights::describe(t, x, &input.table_name, input.index_name)).map_err(Error::op)
    }

    async fn update_contributor_insights(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateContributorInsightsInput,
    ) -> Result<UpdateContributorInsightsOutput, UpdateContributorInsightsError> {
        self.with_both(ctx, |t, x| insights::update(t, x, input)).map_err(Error::op)
    }

    async fn list_contributor_insights(
        &self,
        ctx: &rt::RequestContext,
        input: ListContributorInsightsInput,
    ) -> Result<ListContributorInsightsOutput, ListContributorInsightsError> {
        self.with_both(ctx, |t, x| insights::list(t, x, input)).map_err(Error::op)
    }

    async fn export_table_to_point_in_time(
        &self,
        ctx: &rt::RequestContext,
        input: ExportTableToPointInTimeInput,
    ) -> Result<ExportTableToPointInTimeOutput, ExportTableToPointInTimeError> {
        if matches!(input.export_format, Some(ExportFormat::Ion)) {
            return Err(rt::CommonError::NotImplemented("ExportTableToPointInTime with ExportFormat ION").into());
        }
        if matches!(input.export_type, Some(ExportType::IncrementalExport)) {
            return Err(rt::CommonError::NotImplemented("ExportTableToPointInTime INCREMENTAL_EXPORT").into());
        }
        let started = self.with_both(
            ctx,
            |t, x| -> Result<Result<export::Job, ExportDescription>, ExportTableToPointInTimeError> {
                if let Some(token) = &input.client_token {
                    if let Some(d) = x.exports.values().find(|d| d.client_token.as_deref() == Some(token.as_str())) {
                        if export::same_request(d, &input) {
                            return Ok(Err(d.clone()));
                        }
                        return Err(ExportConflictException {
                            message: Some(format!(
                                "An export with client token {token} already exists with different parameters"
                            )),
                        }
                        .into());
                    }
                }
                let name = table_name::resolve(&input.table_arn);
                let table = t
                    .by_name
                    .get(name)
                    .filter(|table| table.arn == input.table_arn)
                    .ok_or_else(|| backup::table_not_found(&input.table_arn))?;
                if !table.pitr {
                    return Err(PointInTimeRecoveryUnavailableException {
                        message: Some(format!("Point in time recovery is not enabled for table '{name}'")),
                    }
                    .into());
                }
                let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
                let export_time = input.export_time.unwrap_or(now);
                if export_time.as_millis() > now.as_millis() {
                    return Err(InvalidExportTimeException {
                        message: Some("Export time must not be in the future".into()),
                    }
                    .into());
                }
                if export_time.as_millis() < table.created.as_millis() - 1000 {
                    return Err(InvalidExportTimeException {
                        message: Some(format!(
                            "Export time is earlier than the earliest restorable time {}",
                            table.created.to_rfc3339()
                        )),
                    }
                    .into());
                }
                let job = export::new_job(table, &input, export_time);
                let arn = job.description.export_arn.clone().unwrap_or_default();
                x.exports.insert(arn, job.description.clone());
                Ok(Ok(job))
            },
        )?;
        let job = match started {
            Ok(job) => job,
            Err(existing) => return Ok(ExportTableToPointInTimeOutput { export_description: Some(existing) }),
        };
        let answer = job.description.clone();
        let settled = export::run(s3io::S3::new(&self.peers, ctx), job).await;
        let arn = answer.export_arn.clone().unwrap_or_default();
        self.extras.with(ctx, |x| x.exports.insert(arn, settled));
        Ok(ExportTableToPointInTimeOutput { export_description: Some(answer) })
    }

    async fn describe_export(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeExportInput,
    ) -> Result<DescribeExportOutput, DescribeExportError> {
        match self.extras.with(ctx, |x| x.exports.get(&input.export_arn).cloned()) {
            Some(d) => Ok(DescribeExportOutput { export_description: Some(d) }),
            None => {
                Err(ExportNotFoundException { message: Some(format!("Export not found: {}", input.export_arn)) }.into())
            }
        }
    }

    async fn list_exports(
        &self,
        ctx: &rt::RequestContext,
        input: ListExportsInput,
    ) -> Result<ListExportsOutput, ListExportsError> {
        Ok(self.extras.with(ctx, |x| export::list(&x.exports, input)).map_err(rt::CommonError::Validation)?)
    }

    async fn import_table(
        &self,
        ctx: &rt::RequestContext,
        input: ImportTableInput,
    ) -> Result<ImportTableOutput, ImportTableError> {
        if input.input_format == InputFormat::Ion {
            return Err(rt::CommonError::NotImplemented("ImportTable with InputFormat ION").into());
        }
        if input.input_compression_type == Some(InputCompressionType::Zstd) {
            return Err(rt::CommonError::NotImplemented("ImportTable with InputCompressionType ZSTD").into());
        }
        if input.input_format_options.as_ref().is_some_and(|o| o.csv.is_some())
            && input.input_format != InputFormat::Csv
        {
            return Err(rt::CommonError::validation(
                "InputFormatOptions CSV can only be specified with InputFormat CSV",
            )
            .into());
        }
        let create = import::create_input(&input.table_creation_parameters);
        create_rules::check(&create).map_err(rt::CommonError::Validation)?;
        let key = keys::KeyDef::new(&create.key_schema, &create.attribute_definitions);
        let name = create.table_name.clone();
        let table_arn = describe::table_arn(ctx, &name);
        let table_id = rt::request_id();
        let started = self.with_both(
            ctx,
            |t, x| -> Result<Result<ImportTableDescription, ImportTableDescription>, ImportTableError> {
                if let Some(token) = &input.client_token {
                    if let Some(d) = x.imports.values().find(|d| d.client_token.as_deref() == Some(token.as_str())) {
                        if import::same_request(d, &input) {
                            return Ok(Err(d.clone()));
                        }
                        return Err(ImportConflictException {
                            message: Some(format!(
                                "An import with client token {token} already exists with different parameters"
                            )),
                        }
                        .into());
                    }
                }
                let importing = x.imports.values().any(|d| {
                    d.table_arn.as_deref() == Some(table_arn.as_str())
                        && d.import_status == Some(ImportStatus::InProgress)
                });
                if t.by_name.contains_key(&name) || importing {
                    return Err(
                        ResourceInUseException { message: Some(format!("Table already exists: {name}")) }.into()
                    );
                }
                let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
                let d = ImportTableDescription {
                    import_arn: Some(format!("{table_arn}/import/{:014}-{}", now.as_millis(), extras::hex8())),
                    import_status: Some(ImportStatus::InProgress),
                    table_arn: Some(table_arn.clone()),
                    table_id: Some(table_id.clone()),
                    client_token: input.client_token.clone(),
                    s3_bucket_source: Some(input.s3_bucket_source.clone()),
                    cloud_watch_log_group_arn: Some(format!(
                        "arn:aws:logs:{}:{}:log-group:/aws-dynamodb/imports:*",
                        ctx.region, ctx.account_id
                    )),
                    input_format: Some(input.input_format.clone()),
                    input_format_options: input.input_format_options.clone(),
                    input_compression_type: Some(
                        input.input_compression_type.clone().unwrap_or(InputCompressionType::None),
                    ),
                    table_creation_parameters: Some(input.table_creation_parameters.clone()),
                    start_time: Some(now),
                    ..Default::default()
                };
                x.imports.insert(d.import_arn.clone().unwrap_or_default(), d.clone());
                Ok(Ok(d))
            },
        )?;
        let answer = match started {
            Ok(d) => d,
            Err(existing) => return Ok(ImportTableOutput { import_table_description: existing }),
        };
        let loaded = import::load(s3io::S3::new(&self.peers, ctx), &input, &key).await;
        let arn = answer.import_arn.clone().unwrap_or_default();
        self.with_both(ctx, |t, x| {
            let mut d = answer.clone();
            d.end_time = Some(rt::DateTime::from_millis(rt::DateTime::now().as_millis()));
            match loaded {
                Ok(loaded) if !t.by_name.contains_key(&name) => {
                    let mut table = describe::new_table(ctx, create);
                    table.id = table_id;
                    let indexes = std::mem::take(&mut table.items.indexes);
                    let mut imported = 0;
                    let mut errors = loaded.errors;
                    for mut item in loaded.items {
                        if write::check_values(&mut item).is_err() {
                            errors += 1;
                            continue;
                        }
                        table.items.put(item);
                        imported += 1;
                    }
                    for index in indexes {
                        table.items.backfill(index);
                    }
                    t.by_name.insert(name.clone(), table);
                    d.import_status = Some(ImportStatus::Completed);
                    d.imported_item_count = imported;
                    d.processed_item_count = loaded.processed_items;
                    d.processed_size_bytes = Some(loaded.processed_bytes);
                    d.error_count = errors;
                }
                Ok(_) => {
                    d.import_status = Some(ImportStatus::Failed);
                    d.failure_code = Some("ResourceInUseException".into());
                    d.failure_message = Some(format!("Table already exists: {name}"));
                }
                Err((code, message)) => {
                    d.import_status = Some(ImportStatus::Failed);
                    d.failure_code = Some(code);
                    d.failure_message = Some(message);
                }
            }
            x.imports.insert(arn, d);
        });
        Ok(ImportTableOutput { import_table_description: answer })
    }

    async fn describe_import(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeImportInput,
    ) -> Result<DescribeImportOutput, DescribeImportError> {
        match self.extras.with(ctx, |x| x.imports.get(&input.import_arn).cloned()) {
            Some(d) => Ok(DescribeImportOutput { import_table_description: d }),
            None => {
                Err(ImportNotFoundException { message: Some(format!("Import not found: {}", input.import_arn)) }.into())
            }
        }
    }

    async fn list_imports(
        &self,
        ctx: &rt::RequestContext,
        input: ListImportsInput,
    ) -> Result<ListImportsOutput, ListImportsError> {
        Ok(self.extras.with(ctx, |x| import::list(&x.imports, input)).map_err(rt::CommonError::Validation)?)
    }

    async fn enable_kinesis_streaming_destination(
        &self,
        ctx: &rt::RequestContext,
        input: KinesisStreamingDestinationInput,
    ) -> Result<KinesisStreamingDestinationOutput, EnableKinesisStreamingDestinationError> {
        let name = table_name::resolve(&input.table_name).to_string();
        if !self.tables.with(ctx, |t| t.by_name.contains_key(&name)) {
            return Err(table_not_found(&name).into());
        }
        if !kinesis::stream_exists(&self.peers, &input.stream_arn).await {
            return Err(Error::op(kinesis::stream_missing(&input.stream_arn)));
        }
        self.with_both(ctx, |t, x| kinesis::enable(t, x, input)).map_err(Error::op)
    }

    async fn disable_kinesis_streaming_destination(
        &self,
        ctx: &rt::RequestContext,
        input: KinesisStreamingDestinationInput,
    ) -> Result<KinesisStreamingDestinationOutput, DisableKinesisStreamingDestinationError> {
        self.with_both(ctx, |t, x| kinesis::disable(t, x, input)).map_err(Error::op)
    }

    async fn describe_kinesis_streaming_destination(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeKinesisStreamingDestinationInput,
    ) -> Result<DescribeKinesisStreamingDestinationOutput, DescribeKinesisStreamingDestinationError> {
        self.with_both(ctx, |t, x| kinesis::describe(t, x, &input.table_name)).map_err(Error::op)
    }

    async fn update_kinesis_streaming_destination(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateKinesisStreamingDestinationInput,
    ) -> Result<UpdateKinesisStreamingDestinationOutput, UpdateKinesisStreamingDestinationError> {
        self.with_both(ctx, |t, x| kinesis::update(t, x, input)).map_err(Error::op)
    }

    async fn create_global_table(
        &self,
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
        if self.globals.with(|g| g.by_name.contains_key(&(account.clone(), name.clone()))) {
            return Err(GlobalTableAlreadyExistsException {
                message: Some("Global table with this name already exists".into()),
            }
            .into());
        }
        let mut first: Option<state::Table> = None;
        let mut cursors = std::collections::HashMap::new();
        for region in &regions {
            let scope = self.tables.scope_of(&account, region);
            let t = ferrostack_store::lock(&scope);
            let table = t.by_name.get(&name);
            match global_tables::replica_problem(table, &name, region, first.as_ref()) {
                Some(global_tables::Problem::NoTable(m)) => {
                    return Err(TableNotFoundException { message: Some(m) }.into())
                }
                Some(global_tables::Problem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
                None => {}
            }
            if first.is_none() {
                first = table.cloned();
            }
            cursors.insert(region.clone(), global_tables::stream_end(&t, &name));
        }
        let g = global_tables::GlobalTable {
            name: name.clone(),
            account: account.clone(),
            created: rt::DateTime::from_millis(rt::DateTime::now().as_millis()),
            regions,
            cursors,
            echoes: Default::default(),
        };
        let description = global_tables::description(&g, GlobalTableStatus::Creating);
        let inserted = self.globals.with(|all| match all.by_name.entry((account, name)) {
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

    async fn describe_global_table(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeGlobalTableInput,
    ) -> Result<DescribeGlobalTableOutput, DescribeGlobalTableError> {
        let key = (ctx.account_id.clone(), input.global_table_name);
        match self
            .globals
            .with(|g| g.by_name.get(&key).map(|g| global_tables::description(g, GlobalTableStatus::Active)))
        {
            Some(d) => Ok(DescribeGlobalTableOutput { global_table_description: Some(d) }),
            None => Err(global_table_not_found().into()),
        }
    }

    async fn list_global_tables(
        &self,
        ctx: &rt::RequestContext,
        input: ListGlobalTablesInput,
    ) -> Result<ListGlobalTablesOutput, ListGlobalTablesError> {
        Ok(self.globals.with(|g| global_tables::list(g, &ctx.account_id, input)))
    }

    async fn update_global_table(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateGlobalTableInput,
    ) -> Result<UpdateGlobalTableOutput, UpdateGlobalTableError> {
        let key = (ctx.account_id.clone(), input.global_table_name.clone());
        let name = input.global_table_name;
        let account = ctx.account_id.clone();
        let Some(mut g) = self.globals.with(|all| all.by_name.get(&key).cloned()) else {
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
            let scope = self.tables.scope_of(&account, r);
            let t = ferrostack_store::lock(&scope);
            t.by_name.get(&name).cloned()
        });
        for region in &creates {
            let scope = self.tables.scope_of(&account, region);
            let t = ferrostack_store::lock(&scope);
            match global_tables::replica_problem(t.by_name.get(&name), &name, region, existing.as_ref()) {
                Some(global_tables::Problem::NoTable(m)) => {
                    return Err(TableNotFoundException { message: Some(m) }.into())
                }
                Some(global_tables::Problem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
                None => {}
            }
        }
        // New replicas start with a copy of the items, then follow the streams.
        for region in &creates {
            let scope = self.tables.scope_of(&account, region);
            let mut t = ferrostack_store::lock(&scope);
            if let (Some(from), Some((table, mut log))) = (&existing, t.table_and_stream(&name)) {
                for item in from.items.scan_all() {
                    let keys = table.items.key.key_of(&item);
                    write::commit(table, log.as_deref_mut(), &keys, None, Some(item), false);
                }
            }
            let end = global_tables::stream_end(&t, &name);
            g.cursors.insert(region.clone(), end);
        }
        g.regions = regions;
        g.cursors.retain(|r, _| g.regions.contains(r));
        let description = global_tables::description(&g, GlobalTableStatus::Updating);
        self.globals.with(|all| {
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

    async fn describe_global_table_settings(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeGlobalTableSettingsInput,
    ) -> Result<DescribeGlobalTableSettingsOutput, DescribeGlobalTableSettingsError> {
        let key = (ctx.account_id.clone(), input.global_table_name.clone());
        let Some(g) = self.globals.with(|all| all.by_name.get(&key).cloned()) else {
            return Err(global_table_not_found().into());
        };
        let replica_settings = g
            .regions
            .iter()
            .filter_map(|region| {
                let scope = self.tables.scope_of(&g.account, region);
                let t = ferrostack_store::lock(&scope);
                t.by_name.get(&g.name).map(|table| global_tables::settings(table, region))
            })
            .collect();
        Ok(DescribeGlobalTableSettingsOutput {
            global_table_name: Some(g.name),
            replica_settings: Some(replica_settings),
        })
    }

    async fn update_global_table_settings(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateGlobalTableSettingsInput,
    ) -> Result<UpdateGlobalTableSettingsOutput, UpdateGlobalTableSettingsError> {
        let key = (ctx.account_id.clone(), input.global_table_name.clone());
        let Some(g) = self.globals.with(|all| all.by_name.get(&key).cloned()) else {
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
            let scope = self.tables.scope_of(&g.account, region);
            let t = ferrostack_store::lock(&scope);
            let Some(table) = t.by_name.get(&g.name) else { continue };
            match global_tables::check_settings(table, &input) {
                Ok(()) => {}
                Err(global_tables::SettingsProblem::Unsupported) => {
                    return Err(rt::CommonError::NotImplemented(
                        "UpdateGlobalTableSettings auto scaling settings (Application Auto Scaling is not emulated)",
                    )
                    .into())
                }
                Err(global_tables::SettingsProblem::NoIndex(m)) => {
                    return Err(IndexNotFoundException { message: Some(m) }.into())
                }
                Err(global_tables::SettingsProblem::Invalid(m)) => return Err(rt::CommonError::Validation(m).into()),
            }
        }
        let mut replica_settings = Vec::new();
        for region in &g.regions {
            let scope = self.tables.scope_of(&g.account, region);
            let mut t = ferrostack_store::lock(&scope);
            if let Some(table) = t.by_name.get_mut(&g.name) {
                global_tables::apply_settings(table, region, &input);
                replica_settings.push(global_tables::settings(table, region));
            }
        }
        Ok(UpdateGlobalTableSettingsOutput {
            global_table_name: Some(g.name),
            replica_settings: Some(replica_settings),
        })
    }

    async fn describe_table_replica_auto_scaling(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeTableReplicaAutoScalingInput,
    ) -> Result<DescribeTableReplicaAutoScalingOutput, DescribeTableReplicaAutoScalingError> {
        let name = table_name::resolve(&input.table_name).to_string();
        if !self.tables.with(ctx, |t| t.by_name.contains_key(&name)) {
            return Err(table_not_found(&name).into());
        }
        // Replicas of the 2019.11.21 version are made by UpdateTable ReplicaUpdates, which is
        // not emulated: no table has any, so there is no replica auto scaling to describe.
        Ok(DescribeTableReplicaAutoScalingOutput {
            table_auto_scaling_description: Some(TableAutoScalingDescription {
                table_name: Some(name),
                table_status: Some(TableStatus::Active),
                replicas: Some(Vec::new()),
            }),
        })
    }

    fn reset(&self) {
        self.globals.reset();
        self.tables.reset();
        self.extras.reset();
    }
}

fn global_table_not_found() -> GlobalTableNotFoundException {
    GlobalTableNotFoundException { message: Some("Global table not found".into()) }
}

/// The resource-policy operations model the same three failures.
fn policy_error<E>(f: resource_policy::Failure) -> E
where
    E: From<rt::CommonError> + From<ResourceNotFoundException> + From<PolicyNotFoundException>,
{
    match f {
        resource_policy::Failure::NoResource(m) => ResourceNotFoundException { message: Some(m) }.into(),
        resource_policy::Failure::NoPolicy(m) => PolicyNotFoundException { message: Some(m) }.into(),
        resource_policy::Failure::Invalid(m) => rt::CommonError::Validation(m).into(),
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::new(peers.clone()));
    ttl::spawn(handler.tables.clone());
    global_tables::spawn(handler.tables.clone(), handler.globals.clone());
    peers.register::<dyn dynamodb_api::Handler>(handler.clone());
    // DynamoDB Streams reads the stream logs through the concrete type.
    peers.register::<Handler>(handler.clone());
    dynamodb_api::service(handler)
}
