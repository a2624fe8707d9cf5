//! Behaviour of `dynamodbstreams` (DynamoDBStreams_20120810): ListStreams, DescribeStream,
//! GetShardIterator and GetRecords over the stream logs DynamoDB writes.
//!
//! Design: the records live in the dynamodb handler's regional state, appended under the
//! same lock as the write that caused them (see `dynamodb_handler::stream_log`), so there is
//! one copy and no ordering gap between a write and its record. This crate reaches them
//! through `Peers` (the dynamodb handler registers its concrete type) and only renders
//! them. Each stream has one shard. Shard iterators are self-contained strings (stream ARN,
//! shard, position, issue time), valid for 15 minutes as in AWS.

mod convert;

use std::sync::Arc;

use dynamodb_handler::stream_log::StreamLog;
use dynamodbstreams_api::error::*;
use dynamodbstreams_api::types::*;
use ferrostack_runtime as rt;
use ferrostack_store::Peers;

const MAX_RECORDS: usize = 1000;
const LIST_MAX: usize = 100;
const ITERATOR_MILLIS: i64 = 15 * 60 * 1000;

pub struct Handler {
    peers: Arc<Peers>,
}

impl Handler {
    pub fn new(peers: Arc<Peers>) -> Handler {
        Handler { peers }
    }

    fn with_streams<R>(
        &self,
        ctx: &rt::RequestContext,
        f: impl FnOnce(&mut std::collections::BTreeMap<String, StreamLog>) -> R,
    ) -> Result<R, rt::CommonError> {
        let ddb = self
            .peers
            .get::<dynamodb_handler::Handler>()
            .ok_or_else(|| rt::CommonError::internal("DynamoDB is not served in this process"))?;
        Ok(ddb.with_streams(ctx, f))
    }
}

fn stream_not_found(arn: &str) -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Stream: {arn} not found")) }
}

fn shard_not_found(shard: &str) -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some(format!("Requested resource not found: Shard does not exist: {shard}")) }
}

/// The position an iterator reads from next, and what it refers to.
struct Iterator {
    arn: String,
    shard: String,
    position: u128,
    issued: i64,
}

impl Iterator {
    fn encode(&self) -> String {
        format!("{}|{}|{}|{}", self.arn, self.shard, self.position, self.issued)
    }

    fn decode(text: &str) -> Option<Iterator> {
        let mut parts = text.rsplitn(4, '|');
        let issued = parts.next()?.parse().ok()?;
        let position = parts.next()?.parse().ok()?;
        let shard = parts.next()?.to_string();
        let arn = parts.next()?.to_string();
        Some(Iterator { arn, shard, position, issued })
    }
}

fn describe(log: &StreamLog) -> StreamDescription {
    let ending =
        (!log.enabled).then(|| (log.next_sequence().saturating_sub(1)).max(log.starting_sequence()).to_string());
    StreamDescription {
        stream_arn: Some(log.arn.clone()),
        stream_label: Some(log.label.clone()),
        stream_status: Some(if log.enabled { StreamStatus::Enabled } else { StreamStatus::Disabled }),
        stream_view_type: Some(StreamViewType::from(log.view_type.as_str())),
        creation_request_date_time: Some(rt::DateTime::from_millis(log.created_millis)),
        table_name: Some(log.table_name.clone()),
        key_schema: Some(
            log.key_schema
                .iter()
                .map(|k| KeySchemaElement {
                    attribute_name: k.attribute_name.clone(),
                    key_type: KeyType::from(k.key_type.as_str()),
                })
                .collect(),
        ),
        shards: Some(vec![Shard {
            shard_id: Some(log.shard_id.clone()),
            sequence_number_range: Some(SequenceNumberRange {
                starting_sequence_number: Some(log.starting_sequence().to_string()),
                ending_sequence_number: ending,
            }),
            parent_shard_id: None,
        }]),
        last_evaluated_shard_id: None,
    }
}

#[rt::async_trait]
impl dynamodbstreams_api::Handler for Handler {
    async fn list_streams(
        &self,
        ctx: &rt::RequestContext,
        input: ListStreamsInput,
    ) -> Result<ListStreamsOutput, ListStreamsError> {
        let limit = input.limit.map_or(LIST_MAX, |l| l.clamp(1, LIST_MAX as i32) as usize);
        let (streams, last) = self.with_streams(ctx, |logs| {
            let mut matching = logs
                .values()
                .filter(|l| input.table_name.as_ref().is_none_or(|t| *t == l.table_name))
                .filter(|l| input.exclusive_start_stream_arn.as_ref().is_none_or(|start| l.arn > *start));
            let page: Vec<Stream> = matching
                .by_ref()
                .take(limit)
                .map(|l| Stream {
                    stream_arn: Some(l.arn.clone()),
                    table_name: Some(l.table_name.clone()),
                    stream_label: Some(l.label.clone()),
                })
                .collect();
            let last = if matching.next().is_some() { page.last().and_then(|s| s.stream_arn.clone()) } else { None };
            (page, last)
        })?;
        Ok(ListStreamsOutput { streams: Some(streams), last_evaluated_stream_arn: last })
    }

    async fn describe_stream(
        &self,
        ctx: &rt::RequestContext,
        input: DescribeStreamInput,
    ) -> Result<DescribeStreamOutput, DescribeStreamError> {
        let found = self.with_streams(ctx, |logs| logs.get(&input.stream_arn).map(describe))?;
        let mut d = found.ok_or_else(|| stream_not_found(&input.stream_arn))?;
        // The single shard is past any ExclusiveStartShardId.
        if input.exclusive_start_shard_id.is_some() {
            d.shards = Some(vec![]);
        }
        Ok(DescribeStreamOutput { stream_description: Some(d) })
    }

    async fn get_shard_iterator(
        &self,
        ctx: &rt::RequestContext,
        input: GetShardIteratorInput,
    ) -> Result<GetShardIteratorOutput, GetShardIteratorError> {
        let sequence = match (&input.shard_iterator_type, &input.sequence_number) {
            (ShardIteratorType::AtSequenceNumber | ShardIteratorType::AfterSequenceNumber, None) => {
                return Err(rt::CommonError::validation(
                    "Must specify SequenceNumber when ShardIteratorType is AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER",
                )
                .into())
            }
            (_, Some(s)) => Some(s.parse::<u128>().map_err(|_| {
                rt::CommonError::validation(format!(
                    "1 validation error detected: Value '{s}' at 'sequenceNumber' failed to satisfy constraint: Member must have length greater than or equal to 21"
                ))
            })?),
            _ => None,
        };
        let outcome = self.with_streams(ctx, |logs| -> Result<u128, GetShardIteratorError> {
            let log = logs.get(&input.stream_arn).ok_or_else(|| stream_not_found(&input.stream_arn))?;
            if log.shard_id != input.shard_id {
                return Err(shard_not_found(&input.shard_id).into());
            }
            let oldest = log.records.front().map_or(log.next_sequence(), |r| r.sequence);
            let check = |seq: u128| -> Result<u128, GetShardIteratorError> {
                if seq < log.starting_sequence() || seq >= log.next_sequence() {
                    return Err(rt::CommonError::validation(format!(
                        "Invalid SequenceNumber for ShardIteratorType: {} SequenceNumber: {seq}",
                        input.shard_iterator_type.as_str()
                    ))
                    .into());
                }
                if seq < oldest {
                    return Err(TrimmedDataAccessException {
                        message: Some(
                            "The operation attempted to read past the oldest stream record in a shard.".into(),
                        ),
                    }
                    .into());
                }
                Ok(seq)
            };
            Ok(match input.shard_iterator_type {
                ShardIteratorType::TrimHorizon => oldest,
                ShardIteratorType::Latest => log.next_sequence(),
                ShardIteratorType::AtSequenceNumber => check(sequence.unwrap_or_default())?,
                ShardIteratorType::AfterSequenceNumber => check(sequence.unwrap_or_default())? + 1,
                ShardIteratorType::Unknown(ref other) => {
                    return Err(rt::CommonError::validation(format!("Invalid ShardIteratorType: {other}")).into())
                }
            })
        })?;
        let position = outcome?;
        let iterator = Iterator {
            arn: input.stream_arn,
            shard: input.shard_id,
            position,
            issued: rt::DateTime::now().as_millis(),
        };
        Ok(GetShardIteratorOutput { shard_iterator: Some(iterator.encode()) })
    }

    async fn get_records(
        &self,
        ctx: &rt::RequestContext,
        input: GetRecordsInput,
    ) -> Result<GetRecordsOutput, GetRecordsError> {
        let it = Iterator::decode(&input.shard_iterator)
            .ok_or_else(|| rt::CommonError::validation("Invalid ShardIterator"))?;
        let now = rt::DateTime::now().as_millis();
        if now - it.issued > ITERATOR_MILLIS {
            return Err(ExpiredIteratorException { message: Some("Iterator expired".into()) }.into());
        }
        let limit = input.limit.map_or(MAX_RECORDS, |l| l.clamp(1, MAX_RECORDS as i32) as usize);
        let region = ctx.region.clone();
        let outcome = self.with_streams(ctx, |logs| -> Result<(Vec<Record>, Option<u128>), GetRecordsError> {
            let log = logs.get(&it.arn).ok_or_else(|| stream_not_found(&it.arn))?;
            if log.shard_id != it.shard {
                return Err(shard_not_found(&it.shard).into());
            }
            let start = log.position_from(it.position);
            let records: Vec<Record> = log
                .records
                .iter()
                .skip(start)
                .take(limit)
                .map(|r| convert::record(r, &log.view_type, &region))
                .collect();
            let next = log.records.get(start + records.len()).map_or(log.next_sequence(), |r| r.sequence);
            // A disabled stream's shard is closed: once read to its end there is no next iterator.
            let closed = !log.enabled && next >= log.next_sequence();
            Ok((records, (!closed).then_some(next)))
        })?;
        let (records, next) = outcome?;
        let next_shard_iterator = next
            .map(|position| Iterator { arn: it.arn.clone(), shard: it.shard.clone(), position, issued: now }.encode());
        Ok(GetRecordsOutput { records: Some(records), next_shard_iterator })
    }
}

/// The service with a DynamoDB of its own to read streams from.
pub fn service() -> Arc<dyn rt::Service> {
    let peers = Peers::new();
    dynamodb_handler::serve(&peers);
    serve(&peers)
}

pub fn serve(peers: &Arc<Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::new(peers.clone()));
    peers.register::<dyn dynamodbstreams_api::Handler>(handler.clone());
    dynamodbstreams_api::service(handler)
}
