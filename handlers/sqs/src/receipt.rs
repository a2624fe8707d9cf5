//! Receipt handles: the token a ReceiveMessage hands out for one receipt of one message.
//!
//! A handle names the queue (by ARN, so a handle from another queue is recognisably
//! invalid), the message, and the receipt (a fresh id per receive, so every receive yields
//! a different handle and a stale one can be told from the newest). It travels base64
//! encoded, like AWS's, and is opaque to clients.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::error::SqsError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptHandle {
    pub queue_arn: String,
    pub message_id: String,
    pub receipt_id: String,
}

impl ReceiptHandle {
    pub fn encode(&self) -> String {
        STANDARD.encode(format!("{} {} {}", self.queue_arn, self.message_id, self.receipt_id))
    }

    /// Parses a handle a client sent; `ReceiptHandleIsInvalid` when it is not one of ours.
    pub fn decode(handle: &str) -> Result<ReceiptHandle, SqsError> {
        Self::parse(handle).ok_or_else(|| invalid(handle))
    }

    fn parse(handle: &str) -> Option<ReceiptHandle> {
        let bytes = STANDARD.decode(handle.trim()).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let mut parts = text.split(' ');
        let (queue_arn, message_id, receipt_id) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || !queue_arn.starts_with("arn:") || message_id.is_empty() || receipt_id.is_empty() {
            return None;
        }
        Some(ReceiptHandle {
            queue_arn: queue_arn.to_owned(),
            message_id: message_id.to_owned(),
            receipt_id: receipt_id.to_owned(),
        })
    }
}

/// `The input receipt handle "x" is not a valid receipt handle.`
pub fn invalid(handle: &str) -> SqsError {
    SqsError::ReceiptHandleIsInvalid(format!("The input receipt handle \"{handle}\" is not a valid receipt handle."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let h = ReceiptHandle {
            queue_arn: "arn:aws:sqs:us-east-1:000000000000:q".into(),
            message_id: "m-1".into(),
            receipt_id: "r-1".into(),
        };
        assert_eq!(ReceiptHandle::decode(&h.encode()), Ok(h));
    }

    #[test]
    fn garbage_is_invalid() {
        for bad in ["", "not base64!", "aGVsbG8=", &STANDARD.encode("arn:x m"), &STANDARD.encode("x m r")] {
            assert_eq!(
                ReceiptHandle::decode(bad),
                Err(SqsError::ReceiptHandleIsInvalid(format!(
                    "The input receipt handle \"{bad}\" is not a valid receipt handle."
                )))
            );
        }
    }
}
