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
//!
//! Beside the tables (in `extras`, its own store): `backup` (on-demand and SYSTEM backups,
//! both restores), `resource_policy`, `insights` (contributor insights), `export` / `import`
//! (S3 through the in-process S3 handler, via `s3io`, in `ddb_json` or CSV), `kinesis`
//! (streaming destinations, checked with Kinesis). `global_tables` (2017.11.29 operations and
//! the stream replicator) and `replicas` (2019.11.21 replicas made by UpdateTable) keep
//! same-named tables of several regions in step.

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
mod replicas;
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
            // AWS answers CREATING; the table is usable at once, so DescribeTable (and
            // every waiter polling it) sees ACTIVE from the next call on.
            let description = describe::describe(&table, TableStatus::Creating);
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
            Some(mut d) => {
                if let Some((version, others)) = replicas::describe(self, &ctx.account_id, &ctx.region, name) {
                    d.global_table_version = Some(version);
                    d.replicas = Some(others);
                }
                Ok(DescribeTableOutput { table: Some(d) })
            }
            None => Err(table_not_found(name).into()),
        }
    }

    async fn delete_table(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteTableInput,
    ) -> Result<DeleteTableOutput, DeleteTableError> {
        let name = table_name::resolve(&input.table_name).to_string();
        let out = self.with_both(ctx, |t, x| -> Result<DeleteTableOutput, DeleteTableError> {
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
        })?;
        // A replica leaves its global table.
        replicas::table_deleted(self, &ctx.account_id, &ctx.region, &name);
        Ok(out)
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
        if input.replica_updates.is_some() {
            return replicas::update_table(self, ctx, input).await;
        }
        let mut description =
            self.tables.with(ctx, |t| control::update_table(t, input)).map_err(Error::op::<UpdateTableError>)?;
        if let Some(name) = description.table_name.clone() {
            if let Some((version, others)) = replicas::describe(self, &ctx.account_id, &ctx.region, &name) {
                description.global_table_version = Some(version);
                description.replicas = Some(others);
            }
        }
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
        backup::restore_table_to_point_in_time(self, ctx, input).await
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
        export::export_table_to_point_in_time(self, ctx, input).await
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
        import::import_table(self, ctx, input).await
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
        global_tables::create_global_table(self, ctx, input).await
    }

    async fn describe_global_table(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeGlobalTableInput,
    ) -> Result<DescribeGlobalTableOutput, DescribeGlobalTableError> {
        let key = (ctx.account_id.clone(), input.global_table_name);
        match self.globals.with(|g| {
            g.by_name.get(&key).filter(|g| g.legacy).map(|g| global_tables::description(g, GlobalTableStatus::Active))
        }) {
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
        global_tables::update_global_table(self, ctx, input).await
    }

    async fn describe_global_table_settings(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeGlobalTableSettingsInput,
    ) -> Result<DescribeGlobalTableSettingsOutput, DescribeGlobalTableSettingsError> {
        global_tables::describe_global_table_settings(self, ctx, input).await
    }

    async fn update_global_table_settings(
        &self,
        ctx: &rt::RequestContext,
        input: UpdateGlobalTableSettingsInput,
    ) -> Result<UpdateGlobalTableSettingsOutput, UpdateGlobalTableSettingsError> {
        global_tables::update_global_table_settings(self, ctx, input).await
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
        // The table's 2019.11.21 replicas; none has auto scaling settings, as Application
        // Auto Scaling is not emulated.
        let replicas = replicas::describe(self, &ctx.account_id, &ctx.region, &name)
            .map(|(_, others)| others)
            .unwrap_or_default()
            .into_iter()
            .map(|r| ReplicaAutoScalingDescription {
                region_name: r.region_name,
                replica_status: r.replica_status,
                ..Default::default()
            })
            .collect();
        Ok(DescribeTableReplicaAutoScalingOutput {
            table_auto_scaling_description: Some(TableAutoScalingDescription {
                table_name: Some(name),
                table_status: Some(TableStatus::Active),
                replicas: Some(replicas),
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
