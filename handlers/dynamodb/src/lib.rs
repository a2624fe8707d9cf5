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

mod batch;
mod control;
mod create_rules;
mod describe;
pub mod error;
pub mod expr;
pub mod item;
mod item_ops;
pub mod keys;
pub mod number;
pub mod partiql;
mod partiql_ops;
mod read;
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
use ferrostack_store::RegionalStore;

use error::Error;
use state::Tables;

/// ListTables' page size when `Limit` is absent (and its maximum).
const LIST_TABLES_MAX: usize = 100;

#[derive(Default)]
pub struct Handler {
    tables: Arc<RegionalStore<Tables>>,
}

fn table_not_found(name: &str) -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Table: {name} not found")) }
}

impl Handler {
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
        let name = input.table_name.clone();
        let table = describe::new_table(ctx, input);
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
        let description =
            self.tables.with(ctx, |t| t.by_name.get(name).map(|table| describe::describe(table, TableStatus::Active)));
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
        self.tables.with(ctx, |t| {
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
            if let Some((_, arn)) = &table.latest_stream {
                if let Some(log) = t.streams.get_mut(arn) {
                    log.enabled = false;
                }
            }
            Ok(DeleteTableOutput { table_description: Some(describe::describe(&table, TableStatus::Deleting)) })
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

    fn reset(&self) {
        self.tables.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    ttl::spawn(handler.tables.clone());
    peers.register::<dyn dynamodb_api::Handler>(handler.clone());
    // DynamoDB Streams reads the stream logs through the concrete type.
    peers.register::<Handler>(handler.clone());
    dynamodb_api::service(handler)
}
