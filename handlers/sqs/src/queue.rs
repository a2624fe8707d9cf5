//! One queue: its settings and tags, its messages, and the rules that move a message
//! between delayed, visible and in flight.
//!
//! All methods run under the region's lock and never wait. Long polling happens in the
//! handler, which sleeps on [`Queue::changes`] between attempts; every change that can make
//! a message receivable (a send, a visibility reset, the queue going away) wakes it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ferrostack_runtime as rt;
use tokio::sync::Notify;

use crate::attributes::{self as attr, QueueSettings, MAX_VISIBILITY_TIMEOUT};
use crate::clock::{seconds_to_millis, Millis};
use crate::error::SqsError;
use crate::fifo::{self, DeduplicationWindow, Original, ReceiveAttempts};
use crate::message::{sequence_number, MessageId, NewMessage, StoredMessage};
use crate::receipt::{self, ReceiptHandle};

/// Makes each created queue distinguishable from an earlier or later one of the same name.
static NEXT_INCARNATION: AtomicU64 = AtomicU64::new(1);

pub struct Queue {
    pub name: String,
    pub account_id: String,
    pub arn: String,
    pub incarnation: u64,
    pub created_at: Millis,
    pub last_modified_at: Millis,
    pub settings: QueueSettings,
    pub tags: rt::IndexMap<String, String>,
    /// When the last PurgeQueue ran, for the once-a-minute rule.
    pub last_purged_at: Option<Millis>,
    /// Messages in arrival order, keyed by a per-queue sequence number.
    /// Boxed: B-tree nodes are often half empty, and empty slots cost a pointer, not a message.
    messages: BTreeMap<u64, Box<StoredMessage>>,
    /// Scrambles sequence numbers into the ids of messages sent here (see [`MessageId`]).
    id_key: u64,
    /// Messages that came from another queue keep their id, which does not name their
    /// sequence number here: those few are looked up in this map.
    moved_in: HashMap<MessageId, u64>,
    next_sequence: u64,
    /// FIFO only: deduplication ids of the last five minutes.
    deduplication: DeduplicationWindow,
    /// FIFO only: recent receives by ReceiveRequestAttemptId.
    receive_attempts: ReceiveAttempts,
    changes: Arc<Notify>,
}

/// What SendMessage reports for one message.
pub struct Sent {
    pub message_id: String,
    pub sequence_number: Option<String>,
    pub md5_of_body: String,
    pub md5_of_message_attributes: Option<String>,
}

/// What one receive took out of the queue.
#[derive(Default)]
pub struct Received {
    pub deliveries: Vec<Delivery>,
    /// Messages received `maxReceiveCount` times already, taken out for the dead-letter queue.
    pub dead_letters: Vec<StoredMessage>,
}

/// A message handed to a receiver, as it was right after the receive.
pub struct Delivery {
    pub message: StoredMessage,
    pub receipt_handle: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MessageCounts {
    pub visible: usize,
    pub in_flight: usize,
    pub delayed: usize,
}

impl Queue {
    pub fn new(
        name: &str,
        account_id: &str,
        region: &str,
        settings: QueueSettings,
        tags: rt::IndexMap<String, String>,
        now: Millis,
    ) -> Queue {
        Queue {
            name: name.to_owned(),
            account_id: account_id.to_owned(),
            arn: format!("arn:aws:sqs:{region}:{account_id}:{name}"),
            incarnation: NEXT_INCARNATION.fetch_add(1, Ordering::Relaxed),
            created_at: now,
            last_modified_at: now,
            settings,
            tags,
            last_purged_at: None,
            messages: BTreeMap::new(),
            id_key: rt::random_uuid() as u64,
            moved_in: HashMap::new(),
            next_sequence: 0,
            deduplication: DeduplicationWindow::default(),
            receive_attempts: ReceiveAttempts::default(),
            changes: Arc::new(Notify::new()),
        }
    }

    /// What long pollers wait on.
    pub fn changes(&self) -> Arc<Notify> {
        self.changes.clone()
    }

    /// Wakes every long poller of this queue so it looks again.
    pub fn wake_waiters(&self) {
        self.changes.notify_waiters();
    }

    /// Stores a message, unless a FIFO queue accepted one with the same deduplication id
    /// in the last five minutes: then the original's id is reported and nothing is stored.
    pub fn send(&mut self, new: NewMessage, now: Millis) -> Sent {
        self.expire(now);
        // `insert` files the message under `next_sequence`, which its id carries.
        let mut message = StoredMessage::new(MessageId::for_sequence(self.next_sequence, self.id_key), new, now);
        let mut deduplication_key = None;
        if let Some(settings) = &self.settings.fifo {
            // Validation let a message without an id through only for content-based queues.
            let id = match message.deduplication_id() {
                Some(id) => id.clone(),
                None => fifo::content_deduplication_id(&message.body),
            };
            message.rare_mut().deduplication_id = Some(id.clone());
            let key = match (settings.deduplication_scope.as_str(), message.group_id()) {
                ("messageGroup", Some(group)) => format!("{group}\u{0}{id}"),
                _ => id,
            };
            if let Some(original) = self.deduplication.original(&key, now) {
                return Sent {
                    message_id: original.message_id.clone(),
                    sequence_number: original.sequence_number.clone(),
                    md5_of_body: message.md5_of_body(),
                    md5_of_message_attributes: message.md5_of_message_attributes(),
                };
            }
            deduplication_key = Some(key);
        }
        let sent = Sent {
            message_id: message.message_id.text(),
            sequence_number: None,
            md5_of_body: message.md5_of_body(),
            md5_of_message_attributes: message.md5_of_message_attributes(),
        };
        let sequence = self.insert(message, now);
        let sequence_number = self.settings.is_fifo().then(|| sequence_number(sequence));
        if let Some(key) = deduplication_key {
            let original = Original { message_id: sent.message_id.clone(), sequence_number: sequence_number.clone() };
            self.deduplication.remember(key, original, now);
        }
        Sent { sequence_number, ..sent }
    }

    /// Takes in a message moved from another queue (redrive, or a message move task). It
    /// keeps its id, body, attributes and send time, and is visible at once.
    pub fn accept_moved(&mut self, mut message: StoredMessage, dead_letter_source_arn: Option<&str>, now: Millis) {
        message.available_at = now;
        message.receipt_id = None;
        if let Some(rare) = message.rare_if_any() {
            rare.sequence_number = None;
        }
        if let Some(arn) = dead_letter_source_arn {
            message.rare_mut().dead_letter_source_arn = Some(arn.to_owned());
        }
        self.insert(message, now);
    }

    /// Files a message under the next sequence number and wakes long pollers if it can be
    /// received now.
    fn insert(&mut self, mut message: StoredMessage, now: Millis) -> u64 {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        if self.settings.is_fifo() {
            message.rare_mut().sequence_number = Some(sequence);
        }
        if message.message_id.sequence(self.id_key) != sequence {
            self.moved_in.insert(message.message_id, sequence);
        }
        let receivable = message.is_receivable(now);
        self.messages.insert(sequence, Box::new(message));
        if receivable {
            self.changes.notify_waiters();
        }
        sequence
    }

    /// Takes up to `max` receivable messages, oldest first, and hides each for
    /// `visibility_timeout` seconds under a fresh receipt. On a FIFO queue a message
    /// group with a message in flight (or still delayed) yields nothing, so each group is
    /// consumed strictly in order. Messages already received `max_receive_count` times are
    /// taken out instead, for the dead-letter queue.
    pub fn receive(
        &mut self,
        now: Millis,
        max: usize,
        visibility_timeout: u32,
        max_receive_count: Option<u32>,
    ) -> Received {
        self.expire(now);
        let fifo = self.settings.is_fifo();
        // Groups with an earlier message in flight or delayed. Within a group messages
        // leave in order, so only earlier messages can hold a group: one pass suffices.
        let mut blocked_groups: HashSet<String> = HashSet::new();
        let mut received = Received::default();
        let mut dead_sequences = Vec::new();
        let mut expired_sequences = Vec::new();
        let retention = seconds_to_millis(self.settings.message_retention_period);
        for (sequence, message) in self.messages.iter_mut() {
            if received.deliveries.len() >= max {
                break;
            }
            // Moved messages keep their first send time, so an expired one can sit behind
            // newer messages, out of reach of `expire`.
            if message.sent_at + retention <= now {
                expired_sequences.push(*sequence);
                continue;
            }
            if !message.is_receivable(now) {
                if let (true, Some(group)) = (fifo, message.group_id()) {
                    blocked_groups.insert(group.clone());
                }
                continue;
            }
            if message.group_id().is_some_and(|g| blocked_groups.contains(g)) {
                continue;
            }
            if max_receive_count.is_some_and(|limit| message.receive_count >= limit) {
                dead_sequences.push(*sequence);
                continue;
            }
            let receipt_id = rt::request_id();
            message.receive_count += 1;
            message.first_received_at.get_or_insert(now);
            message.last_received_at = Some(now);
            message.available_at = now + seconds_to_millis(visibility_timeout);
            message.receipt_id = Some(receipt_id.clone());
            let handle =
                ReceiptHandle { queue_arn: self.arn.clone(), message_id: message.message_id.text(), receipt_id };
            received.deliveries.push(Delivery { message: (**message).clone(), receipt_handle: handle.encode() });
        }
        for sequence in expired_sequences {
            self.take(sequence);
        }
        for sequence in dead_sequences {
            if let Some(message) = self.take(sequence) {
                received.dead_letters.push(message);
            }
        }
        received
    }

    /// A FIFO receive retried with the ReceiveRequestAttemptId of one in the last five
    /// minutes gets the same messages and receipt handles again, with their visibility
    /// timeout restarted, as long as all of them are still in flight under those receipts.
    pub fn replay_receive(&mut self, attempt_id: &str, visibility_timeout: u32, now: Millis) -> Option<Vec<Delivery>> {
        let receipts = self.receive_attempts.receipts(attempt_id, now)?.to_vec();
        let mut deliveries = Vec::with_capacity(receipts.len());
        for (message_id, receipt_id) in receipts {
            let message = MessageId::parse(&message_id)
                .and_then(|id| self.sequence_of(id))
                .and_then(|s| self.messages.get_mut(&s));
            match message {
                Some(m) if m.receipt_id.as_deref() == Some(receipt_id.as_str()) && m.is_in_flight(now) => {
                    m.available_at = now + seconds_to_millis(visibility_timeout);
                    let handle = ReceiptHandle { queue_arn: self.arn.clone(), message_id, receipt_id };
                    deliveries.push(Delivery { message: (**m).clone(), receipt_handle: handle.encode() });
                }
                _ => {
                    self.receive_attempts.forget(attempt_id);
                    return None;
                }
            }
        }
        Some(deliveries)
    }

    /// Records what a FIFO receive with a ReceiveRequestAttemptId returned.
    pub fn remember_receive(&mut self, attempt_id: &str, deliveries: &[Delivery], now: Millis) {
        let receipts = deliveries
            .iter()
            .filter_map(|d| Some((d.message.message_id.text(), d.message.receipt_id.clone()?)))
            .collect();
        self.receive_attempts.remember(attempt_id, receipts, now);
    }

    /// Parses a handle a client sent for this queue.
    pub fn check_handle(&self, handle: &str) -> Result<ReceiptHandle, SqsError> {
        let parsed = ReceiptHandle::decode(handle)?;
        if parsed.queue_arn != self.arn {
            return Err(receipt::invalid(handle));
        }
        Ok(parsed)
    }

    /// Deletes the message a handle was issued for. Deleting a message that is already gone
    /// succeeds, as on AWS; so does deleting with an older handle of a standard-queue message.
    pub fn delete_message(&mut self, handle: &ReceiptHandle) {
        let id = MessageId::parse(&handle.message_id);
        if let Some(sequence) = id.and_then(|id| self.sequence_of(id)) {
            self.take(sequence);
            // On a FIFO queue the delete may release the message's group to long pollers.
            if self.settings.is_fifo() {
                self.changes.notify_waiters();
            }
        }
    }

    /// ChangeMessageVisibility: hides the message for `timeout` seconds from now, or makes
    /// it receivable at once for 0.
    pub fn change_visibility(
        &mut self,
        handle: &ReceiptHandle,
        raw_handle: &str,
        timeout: u32,
        now: Millis,
    ) -> Result<(), SqsError> {
        let message = self
            .sequence_of(MessageId::parse(&handle.message_id).unwrap_or(MessageId::NONE))
            .and_then(|sequence| self.messages.get_mut(&sequence))
            .ok_or_else(|| {
                SqsError::invalid_parameter_value(format!(
                    "Value {raw_handle} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is \
                     not available for visibility timeout change."
                ))
            })?;
        // An expired receipt (visibility already over, or the message received again since)
        // changes nothing, and AWS answers it with success: observed against real SQS, which
        // has not been seen to answer the modelled MessageNotInflight (localstack#9632, moto#3586).
        let current = message.receipt_id.as_deref() == Some(handle.receipt_id.as_str());
        if !current || !message.is_in_flight(now) {
            return Ok(());
        }
        // A message stays hidden at most 12 hours counted from the receive.
        let received_at = message.last_received_at.unwrap_or(now);
        if now + seconds_to_millis(timeout) - received_at > seconds_to_millis(MAX_VISIBILITY_TIMEOUT) {
            return Err(SqsError::invalid_parameter_value(format!(
                "Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the \
                 message is beyond the limit [{MAX_VISIBILITY_TIMEOUT} seconds]."
            )));
        }
        message.available_at = now + seconds_to_millis(timeout);
        if timeout == 0 {
            self.changes.notify_waiters();
        }
        Ok(())
    }

    /// Up to `max` messages receivable now (not in flight, not delayed), oldest first, by
    /// id with the queue they were dead-lettered from.
    pub fn visible_messages(&self, now: Millis, max: usize) -> Vec<(String, Option<String>)> {
        let retention = seconds_to_millis(self.settings.message_retention_period);
        self.messages
            .values()
            .filter(|m| m.is_receivable(now) && m.sent_at + retention > now)
            .take(max)
            .map(|m| (m.message_id.text(), m.dead_letter_source_arn().cloned()))
            .collect()
    }

    /// Takes a message out of the queue, whatever its state.
    pub fn remove_message(&mut self, message_id: &str) -> Option<StoredMessage> {
        let sequence = self.sequence_of(MessageId::parse(message_id)?)?;
        self.take(sequence)
    }

    /// The sequence number of the message with `id`, if it is in this queue.
    fn sequence_of(&self, id: MessageId) -> Option<u64> {
        let sequence = id.sequence(self.id_key);
        if self.messages.get(&sequence).is_some_and(|m| m.message_id == id) {
            return Some(sequence);
        }
        self.moved_in.get(&id).copied()
    }

    /// Takes the message filed under `sequence` out of the queue.
    fn take(&mut self, sequence: u64) -> Option<StoredMessage> {
        let message = self.messages.remove(&sequence)?;
        if !self.moved_in.is_empty() {
            self.moved_in.remove(&message.message_id);
        }
        Some(*message)
    }

    /// Drops every message, whatever its state.
    pub fn purge(&mut self, now: Millis) {
        self.messages.clear();
        self.moved_in.clear();
        self.last_purged_at = Some(now);
    }

    pub fn counts(&self, now: Millis) -> MessageCounts {
        let mut counts = MessageCounts::default();
        for message in self.messages.values().filter(|m| !self.is_expired(m, now)) {
            if message.is_delayed(now) {
                counts.delayed += 1;
            } else if message.is_in_flight(now) {
                counts.in_flight += 1;
            } else {
                counts.visible += 1;
            }
        }
        counts
    }

    /// The earliest instant after `now` at which a hidden message becomes receivable.
    pub fn next_change_after(&self, now: Millis) -> Option<Millis> {
        self.messages.values().map(|m| m.available_at).filter(|&at| at > now).min()
    }

    /// The current value of attribute `name`, derived or configured.
    pub fn attribute(&self, name: &str, now: Millis) -> Option<String> {
        let value = match name {
            attr::QUEUE_ARN => self.arn.clone(),
            attr::APPROXIMATE_NUMBER_OF_MESSAGES => self.counts(now).visible.to_string(),
            attr::APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE => self.counts(now).in_flight.to_string(),
            attr::APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED => self.counts(now).delayed.to_string(),
            attr::CREATED_TIMESTAMP => (self.created_at / 1_000).to_string(),
            attr::LAST_MODIFIED_TIMESTAMP => (self.last_modified_at / 1_000).to_string(),
            _ => return self.settings.render(name),
        };
        Some(value)
    }

    fn is_expired(&self, message: &StoredMessage, now: Millis) -> bool {
        message.sent_at + seconds_to_millis(self.settings.message_retention_period) <= now
    }

    /// Drops messages older than the retention period.
    fn expire(&mut self, now: Millis) {
        let retention = seconds_to_millis(self.settings.message_retention_period);
        let expired: Vec<u64> = self
            .messages
            .iter()
            .take_while(|(_, m)| m.sent_at + retention <= now)
            .map(|(sequence, _)| *sequence)
            .collect();
        for sequence in expired {
            self.take(sequence);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn queue() -> Queue {
        Queue::new("q", "000000000000", "us-east-1", QueueSettings::defaults(false), Default::default(), 0)
    }

    fn message(body: &str, delay_seconds: u32) -> NewMessage {
        NewMessage {
            body: body.into(),
            message_attributes: Default::default(),
            trace_header: None,
            sender_id: "000000000000".into(),
            delay_seconds,
            group_id: None,
            deduplication_id: None,
        }
    }

    #[test]
    fn receive_hides_for_the_visibility_timeout() {
        let mut q = queue();
        q.send(message("a", 0), 0);
        let first = q.receive(0, 10, 30, None).deliveries;
        assert_eq!(first.len(), 1);
        assert_eq!(q.receive(29_999, 10, 30, None).deliveries.len(), 0);
        assert_eq!(q.counts(1_000), MessageCounts { visible: 0, in_flight: 1, delayed: 0 });
        let again = q.receive(30_000, 10, 30, None).deliveries;
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].message.receive_count, 2);
        assert_eq!(again[0].message.first_received_at, Some(0));
        assert_ne!(first[0].receipt_handle, again[0].receipt_handle);
    }

    #[test]
    fn delayed_messages_are_counted_apart() {
        let mut q = queue();
        q.send(message("a", 5), 0);
        assert_eq!(q.counts(0), MessageCounts { visible: 0, in_flight: 0, delayed: 1 });
        assert_eq!(q.next_change_after(0), Some(5_000));
        assert!(q.receive(4_999, 1, 30, None).deliveries.is_empty());
        assert_eq!(q.receive(5_000, 1, 30, None).deliveries.len(), 1);
    }

    #[test]
    fn retention_drops_old_messages() {
        let mut q = queue();
        q.settings.message_retention_period = 60;
        q.send(message("old", 0), 0);
        q.send(message("new", 0), 30_000);
        assert_eq!(q.counts(60_000).visible, 1);
        let got = q.receive(60_000, 10, 30, None).deliveries;
        assert_eq!(got.iter().map(|d| d.message.body.as_str()).collect::<Vec<_>>(), ["new"]);
    }

    #[test]
    fn visibility_changes_follow_the_newest_receipt() {
        let mut q = queue();
        q.send(message("a", 0), 0);
        let old = q.receive(0, 1, 1, None).deliveries.remove(0).receipt_handle;
        let new = q.receive(1_000, 1, 30, None).deliveries.remove(0).receipt_handle;
        let old_parsed = q.check_handle(&old).unwrap();
        // The old receipt has expired: accepted, but the message stays hidden.
        q.change_visibility(&old_parsed, &old, 0, 2_000).unwrap();
        assert!(q.receive(2_000, 1, 30, None).deliveries.is_empty());
        let new_parsed = q.check_handle(&new).unwrap();
        q.change_visibility(&new_parsed, &new, 0, 2_000).unwrap();
        assert_eq!(q.receive(2_000, 1, 30, None).deliveries.len(), 1);
    }

    #[test]
    fn visibility_is_capped_at_twelve_hours_from_receipt() {
        let mut q = queue();
        q.send(message("a", 0), 0);
        let handle = q.receive(0, 1, 60, None).deliveries.remove(0).receipt_handle;
        let parsed = q.check_handle(&handle).unwrap();
        assert!(q.change_visibility(&parsed, &handle, 43_200, 0).is_ok());
        let err = q.change_visibility(&parsed, &handle, 43_200, 1_000).unwrap_err();
        assert!(err.message().ends_with("beyond the limit [43200 seconds]."), "{err}");
    }

    #[test]
    fn deleted_messages_cannot_change_visibility() {
        let mut q = queue();
        q.send(message("a", 0), 0);
        let handle = q.receive(0, 1, 60, None).deliveries.remove(0).receipt_handle;
        let parsed = q.check_handle(&handle).unwrap();
        q.delete_message(&parsed);
        q.delete_message(&parsed);
        let err = q.change_visibility(&parsed, &handle, 10, 0).unwrap_err();
        assert_eq!(err.code(), "InvalidParameterValue");
        assert_eq!(q.counts(0), MessageCounts::default());
    }

    fn fifo_queue() -> Queue {
        let mut settings = QueueSettings::defaults(true);
        settings.fifo.as_mut().unwrap().content_based_deduplication = true;
        Queue::new("q.fifo", "000000000000", "us-east-1", settings, Default::default(), 0)
    }

    fn grouped(body: &str, group: &str) -> NewMessage {
        NewMessage { group_id: Some(group.into()), ..message(body, 0) }
    }

    fn bodies(received: &Received) -> Vec<&str> {
        received.deliveries.iter().map(|d| d.message.body.as_str()).collect()
    }

    #[test]
    fn fifo_groups_are_locked_while_in_flight() {
        let mut q = fifo_queue();
        for (body, group) in [("a1", "a"), ("b1", "b"), ("a2", "a")] {
            q.send(grouped(body, group), 0);
        }
        assert_eq!(bodies(&q.receive(0, 1, 30, None)), ["a1"]);
        assert_eq!(bodies(&q.receive(0, 10, 30, None)), ["b1"]);
        // Both timeouts end: a1 comes back, still ahead of a2.
        assert_eq!(bodies(&q.receive(30_000, 10, 30, None)), ["a1", "b1", "a2"]);
    }

    #[test]
    fn fifo_deduplicates_within_five_minutes() {
        let mut q = fifo_queue();
        let first = q.send(grouped("same", "g"), 0);
        let again = q.send(grouped("same", "g"), 299_999);
        assert_eq!(first.message_id, again.message_id);
        assert_eq!(first.sequence_number, again.sequence_number);
        let later = q.send(grouped("same", "g"), 300_000);
        assert_ne!(first.message_id, later.message_id);
        assert!(later.sequence_number > first.sequence_number);
    }

    #[test]
    fn redrive_takes_messages_past_the_limit() {
        let mut q = queue();
        q.send(message("poison", 0), 0);
        assert_eq!(q.receive(0, 1, 0, Some(2)).deliveries.len(), 1);
        assert_eq!(q.receive(0, 1, 0, Some(2)).deliveries.len(), 1);
        let third = q.receive(0, 1, 0, Some(2));
        assert!(third.deliveries.is_empty());
        assert_eq!(third.dead_letters.len(), 1);
        assert_eq!(q.counts(0), MessageCounts::default());
    }

    #[test]
    fn moved_messages_expire_by_their_first_send_time() {
        let mut dlq = queue();
        dlq.settings.message_retention_period = 60;
        dlq.send(message("fresh", 0), 50_000);
        let mut old = queue();
        old.send(message("old", 0), 0);
        let moved = old.receive(0, 1, 0, Some(0)).dead_letters.remove(0);
        dlq.accept_moved(moved, Some("arn:aws:sqs:us-east-1:000000000000:q"), 50_000);
        let got = dlq.receive(60_000, 10, 30, None);
        assert_eq!(got.deliveries.iter().map(|d| d.message.body.as_str()).collect::<Vec<_>>(), ["fresh"]);
        assert_eq!(dlq.counts(60_000).in_flight, 1);
        assert_eq!(dlq.counts(60_000).visible, 0);
    }

    #[test]
    fn messages_are_found_by_id_whether_sent_here_or_moved_in() {
        let mut dlq = queue();
        let mut source = queue();
        let native = dlq.send(message("native", 0), 0).message_id;
        source.send(message("moved", 0), 0);
        let moved = source.receive(0, 1, 0, Some(0)).dead_letters.remove(0);
        let moved_id = moved.message_id.text();
        dlq.accept_moved(moved, None, 0);
        // A made-up id whose bits decode to a filed sequence number finds nothing.
        assert!(dlq.remove_message("00000000-0000-4000-8000-000000000000").is_none());
        assert_eq!(dlq.remove_message(&moved_id).map(|m| m.body), Some("moved".to_owned()));
        assert!(dlq.remove_message(&moved_id).is_none());
        assert_eq!(dlq.remove_message(&native).map(|m| m.body), Some("native".to_owned()));
        assert!(dlq.moved_in.is_empty());
    }

    #[test]
    fn handles_of_other_queues_are_invalid() {
        let mut other =
            Queue::new("other", "000000000000", "us-east-1", QueueSettings::defaults(false), Default::default(), 0);
        other.send(message("a", 0), 0);
        let handle = other.receive(0, 1, 30, None).deliveries.remove(0).receipt_handle;
        assert!(matches!(queue().check_handle(&handle), Err(SqsError::ReceiptHandleIsInvalid(_))));
    }
}
