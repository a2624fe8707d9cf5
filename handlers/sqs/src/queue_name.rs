//! Queue name rules: 1 to 80 characters of `[A-Za-z0-9_-]`, plus a `.fifo` suffix (counted
//! in the 80) that FIFO queues must have and standard queues must not.

use crate::error::SqsError;

const FIFO_SUFFIX: &str = ".fifo";
const MAX_LENGTH: usize = 80;

/// Checks `name` for a queue of the given type, with AWS's messages.
pub fn validate(name: &str, fifo: bool) -> Result<(), SqsError> {
    let base = name.strip_suffix(FIFO_SUFFIX);
    let valid = match (fifo, base) {
        (true, Some(base)) => name.len() <= MAX_LENGTH && allowed_characters(base),
        (true, None) | (false, Some(_)) => false,
        (false, None) => !name.is_empty() && name.len() <= MAX_LENGTH && allowed_characters(name),
    };
    if valid {
        return Ok(());
    }
    let message = if fifo {
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, \
         must end with .fifo suffix and be 1 to 80 in length."
    } else {
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    };
    Err(SqsError::invalid_parameter_value(message))
}

fn allowed_characters(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_names() {
        assert!(validate("orders", false).is_ok());
        assert!(validate("Orders_2-x", false).is_ok());
        assert!(validate(&"a".repeat(80), false).is_ok());
        for bad in ["", "has space", "dot.ted", "orders.fifo", "ünicode", "slash/ed"] {
            assert!(validate(bad, false).is_err(), "{bad:?}");
        }
        assert!(validate(&"a".repeat(81), false).is_err());
    }

    #[test]
    fn fifo_names() {
        assert!(validate("orders.fifo", true).is_ok());
        assert!(validate(&format!("{}.fifo", "a".repeat(75)), true).is_ok());
        assert!(validate(&format!("{}.fifo", "a".repeat(76)), true).is_err());
        for bad in ["orders", ".fifo", "a.b.fifo", "orders.FIFO"] {
            let err = validate(bad, true).unwrap_err();
            assert!(err.message().starts_with("The name of a FIFO queue"), "{bad:?}");
        }
    }
}
