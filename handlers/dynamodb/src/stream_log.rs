//! DynamoDB Streams records, kept per stream in the same regional state as the tables so a
//! write and its stream record are one atomic step under one lock.
//!
//! Design: the `dynamodbstreams-handler` crate depends on this crate and reads these logs
//! through `Handler::streams` (registered in `Peers` as the concrete `dynamodb_handler::Handler`);
//! there is one copy of every record. A stream has one shard; records carry increasing
//! sequence numbers (21 digits, as AWS's). A stream outlives its table's deletion or its
//! disabling (AWS keeps it readable for 24 hours); records older than 24 hours are trimmed.

use std::collections::VecDeque;

use dynamodb_api::types::{KeySchemaElement, StreamViewType};
use ferrostack_runtime as rt;

use crate::item::Item;

/// Records are kept this long, as AWS does.
pub const RETENTION_MILLIS: i64 = 24 * 3600 * 1000;
/// Sequence numbers start here so they are 21 digits long.
const SEQUENCE_BASE: u128 = 100_000_000_000_000_000_000;

#[derive(Debug, Clone)]
pub struct Record {
    pub sequence: u128,
    pub event_id: String,
    /// INSERT, MODIFY or REMOVE.
    pub event_name: &'static str,
    pub created_millis: i64,
    pub keys: Item,
    pub old_image: Option<Item>,
    pub new_image: Option<Item>,
    pub size_bytes: i64,
    /// TTL deletions are made by the service itself.
    pub by_ttl: bool,
}

impl Record {
    pub fn sequence_number(&self) -> String {
        self.sequence.to_string()
    }
}

#[derive(Debug, Clone)]
pub struct StreamLog {
    pub arn: String,
    pub label: String,
    pub table_name: String,
    pub view_type: StreamViewType,
    pub key_schema: Vec<KeySchemaElement>,
    pub created_millis: i64,
    /// False once streaming was turned off (or the table deleted): no new records.
    pub enabled: bool,
    pub shard_id: String,
    pub records: VecDeque<Record>,
    next: u128,
}

impl StreamLog {
    pub fn new(
        arn: String,
        label: String,
        table_name: String,
        view_type: StreamViewType,
        key_schema: Vec<KeySchemaElement>,
    ) -> StreamLog {
        let now = rt::DateTime::now().as_millis();
        let hex: String = rt::request_id().chars().filter(|c| c.is_ascii_hexdigit()).take(8).collect();
        StreamLog {
            arn,
            label,
            table_name,
            view_type,
            key_schema,
            created_millis: now,
            enabled: true,
            shard_id: format!("shardId-{:020}-{hex}", now),
            records: VecDeque::new(),
            next: SEQUENCE_BASE + (now as u128) * 1000,
        }
    }

    /// The first sequence number the shard ever gave (its range start).
    pub fn starting_sequence(&self) -> u128 {
        SEQUENCE_BASE + (self.created_millis as u128) * 1000
    }

    /// The sequence number the next record will get.
    pub fn next_sequence(&self) -> u128 {
        self.next
    }

    /// Records a write. `old`/`new` are the whole item before and after; the view type
    /// decides which images the record keeps.
    pub fn append(&mut self, keys: Item, old: Option<Item>, new: Option<Item>, by_ttl: bool) {
        if !self.enabled {
            return;
        }
        let event_name = match (&old, &new) {
            (None, Some(_)) => "INSERT",
            (Some(_), Some(_)) => "MODIFY",
            (Some(_), None) => "REMOVE",
            (None, None) => return,
        };
        let (keep_old, keep_new) = match self.view_type {
            StreamViewType::NewImage => (false, true),
            StreamViewType::OldImage => (true, false),
            StreamViewType::NewAndOldImages => (true, true),
            _ => (false, false),
        };
        let old_image = old.filter(|_| keep_old);
        let new_image = new.filter(|_| keep_new);
        let size = crate::item::item_size(&keys)
            + old_image.as_ref().map_or(0, crate::item::item_size)
            + new_image.as_ref().map_or(0, crate::item::item_size);
        let now = rt::DateTime::now().as_millis();
        self.trim(now);
        let sequence = self.next;
        self.next += 1;
        self.records.push_back(Record {
            sequence,
            event_id: rt::request_id().replace('-', ""),
            event_name,
            created_millis: now,
            keys,
            old_image,
            new_image,
            size_bytes: size as i64,
            by_ttl,
        });
    }

    fn trim(&mut self, now: i64) {
        while self.records.front().is_some_and(|r| now - r.created_millis > RETENTION_MILLIS) {
            self.records.pop_front();
        }
    }

    /// Index of the first record with sequence >= `seq`.
    pub fn position_from(&self, seq: u128) -> usize {
        self.records.partition_point(|r| r.sequence < seq)
    }
}
