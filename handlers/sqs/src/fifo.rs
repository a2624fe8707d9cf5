//! What FIFO queues remember beyond their messages: the deduplication window, and the
//! ReceiveRequestAttemptIds of recent receives so a retried receive gets the same answer.
//!
//! Both are bounded by AWS's five-minute interval and pruned as time passes, so an idle
//! FIFO queue holds at most five minutes' worth of entries.

use std::collections::{HashMap, VecDeque};

use sha2::{Digest, Sha256};

use crate::clock::Millis;

/// AWS keeps deduplication ids and receive attempt ids for five minutes.
pub const INTERVAL_MILLIS: Millis = 5 * 60 * 1_000;

/// The SHA-256 of the body, hex encoded: what content-based deduplication uses as the
/// MessageDeduplicationId (and what ReceiveMessage then reports as that attribute).
pub fn content_deduplication_id(body: &str) -> String {
    let digest = Sha256::digest(body.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The message a deduplication id was first accepted for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    pub message_id: String,
    pub sequence_number: Option<String>,
}

/// Deduplication ids accepted in the last five minutes.
#[derive(Default)]
pub struct DeduplicationWindow {
    seen: HashMap<String, Original>,
    /// Keys in acceptance order with their expiry; the interval is fixed, so expiry
    /// order is acceptance order and pruning pops from the front.
    expiries: VecDeque<(Millis, String)>,
}

impl DeduplicationWindow {
    /// The message an earlier send with this key produced, if still within the window.
    pub fn original(&mut self, key: &str, now: Millis) -> Option<&Original> {
        self.prune(now);
        self.seen.get(key)
    }

    pub fn remember(&mut self, key: String, original: Original, now: Millis) {
        self.expiries.push_back((now + INTERVAL_MILLIS, key.clone()));
        self.seen.insert(key, original);
    }

    fn prune(&mut self, now: Millis) {
        while let Some((expiry, _)) = self.expiries.front() {
            if *expiry > now {
                break;
            }
            if let Some((_, key)) = self.expiries.pop_front() {
                self.seen.remove(&key);
            }
        }
    }
}

/// One receive made with a ReceiveRequestAttemptId: the receipts it handed out.
struct Attempt {
    at: Millis,
    /// `(message id, receipt id)` of each message returned.
    receipts: Vec<(String, String)>,
}

/// Receives of the last five minutes, by ReceiveRequestAttemptId.
#[derive(Default)]
pub struct ReceiveAttempts {
    attempts: HashMap<String, Attempt>,
}

impl ReceiveAttempts {
    /// The receipts an earlier receive with `attempt_id` returned, if within five minutes.
    pub fn receipts(&mut self, attempt_id: &str, now: Millis) -> Option<&[(String, String)]> {
        self.attempts.retain(|_, a| a.at + INTERVAL_MILLIS > now);
        self.attempts.get(attempt_id).map(|a| a.receipts.as_slice())
    }

    pub fn remember(&mut self, attempt_id: &str, receipts: Vec<(String, String)>, now: Millis) {
        self.attempts.insert(attempt_id.to_owned(), Attempt { at: now, receipts });
    }

    pub fn forget(&mut self, attempt_id: &str) {
        self.attempts.remove(attempt_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_id_is_sha256_hex() {
        assert_eq!(
            content_deduplication_id("hello"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
    }

    #[test]
    fn window_forgets_after_five_minutes() {
        let mut w = DeduplicationWindow::default();
        let original = Original { message_id: "m".into(), sequence_number: None };
        w.remember("k".into(), original.clone(), 0);
        assert_eq!(w.original("k", INTERVAL_MILLIS - 1), Some(&original));
        assert_eq!(w.original("k", INTERVAL_MILLIS), None);
    }

    #[test]
    fn attempts_expire() {
        let mut a = ReceiveAttempts::default();
        a.remember("x", vec![("m".into(), "r".into())], 0);
        assert!(a.receipts("x", 1_000).is_some());
        assert!(a.receipts("x", INTERVAL_MILLIS).is_none());
    }
}
