//! A message as the queue keeps it, and as ReceiveMessage returns it.

use std::collections::HashSet;

use ferrostack_runtime as rt;
use sqs_api::types;

use crate::clock::Millis;
use crate::md5;
use crate::message_attributes::{AttributeNameFilter, UserAttributes, AWS_TRACE_HEADER};

pub const SENDER_ID: &str = "SenderId";
pub const SENT_TIMESTAMP: &str = "SentTimestamp";
pub const APPROXIMATE_RECEIVE_COUNT: &str = "ApproximateReceiveCount";
pub const APPROXIMATE_FIRST_RECEIVE_TIMESTAMP: &str = "ApproximateFirstReceiveTimestamp";
pub const MESSAGE_GROUP_ID: &str = "MessageGroupId";
pub const MESSAGE_DEDUPLICATION_ID: &str = "MessageDeduplicationId";
pub const SEQUENCE_NUMBER: &str = "SequenceNumber";
pub const DEAD_LETTER_QUEUE_SOURCE_ARN: &str = "DeadLetterQueueSourceArn";

/// FIFO sequence numbers are large decimal strings on AWS; ours count up from this base
/// so they look alike and compare (as numbers and as equal-length strings) in send order.
const SEQUENCE_NUMBER_BASE: u128 = 18_000_000_000_000_000_000;

/// The SequenceNumber string of the `n`th message of a FIFO queue.
pub fn sequence_number(n: u64) -> String {
    (SEQUENCE_NUMBER_BASE + n as u128).to_string()
}

/// A message id: a version 4 UUID, kept as its 128 bits. Ids a queue hands out carry the
/// message's sequence number in that queue, scrambled into their low 60 bits, so a queue
/// finds a message by id with its ordered map alone: no id index to grow with the queue.
/// The other 62 bits are random, so ids stay unique across queues and restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MessageId(u128);

/// The bits of an id that hold the scrambled sequence number: below the UUID's variant bits.
const SEQUENCE_BITS: u128 = (1 << 60) - 1;
/// Odd, so multiplying by it permutes the 60-bit numbers; consecutive sequence numbers then
/// differ in all their bits instead of counting up visibly.
const SCRAMBLE: u64 = 0x9e37_79b9_7f4a_7c15;
/// `SCRAMBLE`'s inverse modulo 2^64 (and so modulo 2^60), by Newton's iteration.
const UNSCRAMBLE: u64 = {
    let mut inverse = SCRAMBLE;
    let mut i = 0;
    while i < 6 {
        inverse = inverse.wrapping_mul(2u64.wrapping_sub(SCRAMBLE.wrapping_mul(inverse)));
        i += 1;
    }
    inverse
};

impl MessageId {
    /// Never generated (ids are random v4 UUIDs); looks up nothing.
    pub const NONE: MessageId = MessageId(0);

    /// A fresh id for the message with `sequence` number in the queue whose id key is `key`.
    pub fn for_sequence(sequence: u64, key: u64) -> MessageId {
        let scrambled = ((sequence ^ key).wrapping_mul(SCRAMBLE)) as u128 & SEQUENCE_BITS;
        MessageId(rt::random_uuid() & !SEQUENCE_BITS | scrambled)
    }

    /// The sequence number [`MessageId::for_sequence`] put into this id under `key`. Ids from
    /// another queue (a moved message) or made up by a client decode to some number that
    /// the caller must check against the message filed under it.
    pub fn sequence(self, key: u64) -> u64 {
        let scrambled = (self.0 & SEQUENCE_BITS) as u64;
        (scrambled.wrapping_mul(UNSCRAMBLE) ^ key) & SEQUENCE_BITS as u64
    }

    /// The id a client sent back (inside a receipt handle); `None` if it is not a UUID.
    pub fn parse(text: &str) -> Option<MessageId> {
        rt::parse_uuid(text).map(MessageId)
    }

    /// The id as text, written straight into its own buffer (`to_string` goes through the
    /// formatter, which costs about as much again; every send makes one).
    pub fn text(&self) -> String {
        rt::uuid_text(self.0)
    }
}

impl std::fmt::Display for MessageId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(rt::write_uuid(self.0, &mut [0; 36]))
    }
}

/// A validated message on its way into a queue.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub body: String,
    pub message_attributes: UserAttributes,
    pub trace_header: Option<String>,
    pub sender_id: String,
    /// Seconds before the message can first be received.
    pub delay_seconds: u32,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
}

#[derive(Debug, Clone)]
pub struct StoredMessage {
    pub message_id: MessageId,
    pub body: String,
    pub message_attributes: UserAttributes,
    pub sender_id: String,
    /// What only some messages carry; `None` when none of it is set.
    rare: Option<Box<Rare>>,
    pub sent_at: Millis,
    /// The message cannot be received before this instant: first the send delay, then
    /// the visibility timeout of each receive.
    pub available_at: Millis,
    pub receive_count: u32,
    pub first_received_at: Option<Millis>,
    pub last_received_at: Option<Millis>,
    /// The receipt of the newest receive; only its handle may change the visibility.
    pub receipt_id: Option<String>,
}

/// The attributes of a message that most messages lack: those of FIFO queues, an X-Ray
/// trace header, a redrive's source. They sit behind one pointer so that each message of a
/// standard queue does not hold five empty fields (112 bytes, a third of a message).
#[derive(Debug, Clone, Default)]
pub struct Rare {
    pub trace_header: Option<String>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
    /// FIFO queues number their messages in send order.
    pub sequence_number: Option<u64>,
    /// Set when redrive moved the message here from the queue with this ARN.
    pub dead_letter_source_arn: Option<String>,
}

impl StoredMessage {
    pub fn new(message_id: MessageId, new: NewMessage, now: Millis) -> StoredMessage {
        let rare =
            (new.trace_header.is_some() || new.group_id.is_some() || new.deduplication_id.is_some()).then(|| {
                Box::new(Rare {
                    trace_header: new.trace_header,
                    group_id: new.group_id,
                    deduplication_id: new.deduplication_id,
                    ..Rare::default()
                })
            });
        StoredMessage {
            message_id,
            body: new.body,
            message_attributes: new.message_attributes,
            sender_id: new.sender_id,
            rare,
            sent_at: now,
            available_at: now + crate::clock::seconds_to_millis(new.delay_seconds),
            receive_count: 0,
            first_received_at: None,
            last_received_at: None,
            receipt_id: None,
        }
    }

    pub fn trace_header(&self) -> Option<&String> {
        self.rare.as_ref()?.trace_header.as_ref()
    }

    pub fn group_id(&self) -> Option<&String> {
        self.rare.as_ref()?.group_id.as_ref()
    }

    pub fn deduplication_id(&self) -> Option<&String> {
        self.rare.as_ref()?.deduplication_id.as_ref()
    }

    pub fn sequence_number(&self) -> Option<u64> {
        self.rare.as_ref()?.sequence_number
    }

    pub fn dead_letter_source_arn(&self) -> Option<&String> {
        self.rare.as_ref()?.dead_letter_source_arn.as_ref()
    }

    /// The rare attributes, to set one.
    pub fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }

    /// The rare attributes, to clear one: `None` when none is set.
    pub fn rare_if_any(&mut self) -> Option<&mut Rare> {
        self.rare.as_deref_mut()
    }

    /// Digests are computed when needed rather than stored: they cost less than a
    /// microsecond for typical messages, and storing them cost ~150 bytes a message.
    pub fn md5_of_body(&self) -> String {
        md5::of_body(&self.body)
    }

    pub fn md5_of_message_attributes(&self) -> Option<String> {
        md5::of_attributes(self.message_attributes.iter().map(|(k, v)| (k.as_str(), v.into())))
    }

    pub fn is_receivable(&self, now: Millis) -> bool {
        self.available_at <= now
    }

    /// Received and still hidden by its visibility timeout.
    pub fn is_in_flight(&self, now: Millis) -> bool {
        self.receive_count > 0 && self.available_at > now
    }

    /// Never received and still within its delay.
    pub fn is_delayed(&self, now: Millis) -> bool {
        self.receive_count == 0 && self.available_at > now
    }

    /// The message as ReceiveMessage returns it, with the system and user attributes the
    /// caller asked for.
    pub fn to_api(
        &self,
        receipt_handle: String,
        system: &SystemAttributeSelection,
        user: &AttributeNameFilter,
    ) -> types::Message {
        let mut attributes = rt::IndexMap::new();
        let mut add = |name: &str, value: Option<String>| {
            if let Some(value) = value.filter(|_| system.wants(name)) {
                attributes.insert(name.to_owned(), value);
            }
        };
        add(SENDER_ID, Some(self.sender_id.clone()));
        add(SENT_TIMESTAMP, Some(self.sent_at.to_string()));
        add(APPROXIMATE_RECEIVE_COUNT, Some(self.receive_count.to_string()));
        add(APPROXIMATE_FIRST_RECEIVE_TIMESTAMP, self.first_received_at.map(|t| t.to_string()));
        add(AWS_TRACE_HEADER, self.trace_header().cloned());
        add(MESSAGE_GROUP_ID, self.group_id().cloned());
        add(MESSAGE_DEDUPLICATION_ID, self.deduplication_id().cloned());
        add(SEQUENCE_NUMBER, self.sequence_number().map(sequence_number));
        add(DEAD_LETTER_QUEUE_SOURCE_ARN, self.dead_letter_source_arn().cloned());

        let message_attributes: rt::IndexMap<String, types::MessageAttributeValue> = self
            .message_attributes
            .iter()
            .filter(|(name, _)| user.matches(name))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        // Clients verify the digest against the attributes they got, so it covers only those.
        let md5_of_message_attributes =
            md5::of_attributes(message_attributes.iter().map(|(k, v)| (k.as_str(), v.into())));

        types::Message {
            message_id: Some(self.message_id.text()),
            receipt_handle: Some(receipt_handle),
            md5_of_body: Some(self.md5_of_body()),
            body: Some(self.body.clone()),
            attributes: (!attributes.is_empty()).then_some(attributes),
            md5_of_message_attributes,
            message_attributes: (!message_attributes.is_empty()).then_some(message_attributes),
        }
    }
}

/// The system attributes a ReceiveMessage call asked for, from `MessageSystemAttributeNames`
/// and the older `AttributeNames` together. Names SQS does not know are ignored.
pub struct SystemAttributeSelection {
    all: bool,
    names: HashSet<String>,
}

impl SystemAttributeSelection {
    pub fn new<'a>(requested: impl IntoIterator<Item = &'a str>) -> SystemAttributeSelection {
        let mut selection = SystemAttributeSelection { all: false, names: HashSet::new() };
        for name in requested {
            if name == "All" {
                selection.all = true;
            } else {
                selection.names.insert(name.to_owned());
            }
        }
        selection
    }

    pub fn wants(&self, name: &str) -> bool {
        self.all || self.names.contains(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> StoredMessage {
        let mut attrs = UserAttributes::new();
        attrs.insert(
            "keep.me".into(),
            types::MessageAttributeValue {
                data_type: "String".into(),
                string_value: Some("1".into()),
                ..Default::default()
            },
        );
        attrs.insert(
            "drop".into(),
            types::MessageAttributeValue {
                data_type: "String".into(),
                string_value: Some("2".into()),
                ..Default::default()
            },
        );
        let new = NewMessage {
            body: "hello".into(),
            message_attributes: attrs,
            trace_header: None,
            sender_id: "000000000000".into(),
            delay_seconds: 2,
            group_id: None,
            deduplication_id: None,
        };
        StoredMessage::new(MessageId::for_sequence(0, 7), new, 1_000)
    }

    #[test]
    fn message_ids_round_trip() {
        let id = MessageId::for_sequence(0, 7);
        let text = id.to_string();
        assert_eq!(text.len(), 36);
        assert_eq!(text.as_bytes()[14], b'4', "{text}");
        assert!(matches!(text.as_bytes()[19], b'8' | b'9' | b'a' | b'b'), "{text}");
        assert_eq!(MessageId::parse(&text), Some(id));
        for bad in ["", "x", "0000000000000000000000000000000000000", "zzzzzzzz-0000-0000-0000-000000000000"] {
            assert_eq!(MessageId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn message_ids_carry_their_sequence_number() {
        let key = 0x0123_4567_89ab_cdef;
        for sequence in [0, 1, 2, 1_000_000, (1 << 60) - 1] {
            let id = MessageId::for_sequence(sequence, key);
            assert_eq!(id.sequence(key), sequence);
            assert_ne!(id, MessageId::for_sequence(sequence, key), "the rest of an id is random");
        }
        // Neighbours share no visible counting pattern.
        let (a, b) = (MessageId::for_sequence(41, key).to_string(), MessageId::for_sequence(42, key).to_string());
        assert_ne!(a[24..], b[24..]);
    }

    #[test]
    fn delay_sets_first_availability() {
        let m = stored();
        assert!(m.is_delayed(2_999));
        assert!(!m.is_in_flight(2_999));
        assert!(m.is_receivable(3_000));
    }

    #[test]
    fn rendering_filters_attributes_and_redigests() {
        let m = stored();
        let api = m.to_api(
            "handle".into(),
            &SystemAttributeSelection::new(["SentTimestamp", "Bogus"]),
            &AttributeNameFilter::new(&["keep.*".into()]),
        );
        let attributes = api.attributes.unwrap();
        assert_eq!(attributes.len(), 1);
        assert_eq!(attributes["SentTimestamp"], "1000");
        let user = api.message_attributes.unwrap();
        assert_eq!(user.keys().collect::<Vec<_>>(), ["keep.me"]);
        assert_ne!(api.md5_of_message_attributes, m.md5_of_message_attributes());
        assert!(api.md5_of_message_attributes.is_some());

        let bare = m.to_api("h".into(), &SystemAttributeSelection::new([]), &AttributeNameFilter::new(&[]));
        assert_eq!((bare.attributes, bare.message_attributes, bare.md5_of_message_attributes), (None, None, None));
    }
}
