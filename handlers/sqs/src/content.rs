//! What a message may contain: the characters SQS accepts in bodies and string
//! attribute values, and the size rules.

use crate::error::SqsError;

const ALLOWED_CHARACTERS: &str = "#x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF";

/// XML 1.0's `Char` production, which SQS applies to message text. Surrogates cannot
/// occur in a Rust string, so only controls and U+FFFE/U+FFFF are left to reject.
pub fn allowed_character(c: char) -> bool {
    matches!(c, '\u{9}' | '\u{a}' | '\u{d}' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// The rules for a message body on their own (size is checked with the attributes).
pub fn validate_body(body: &str) -> Result<(), SqsError> {
    if body.is_empty() {
        return Err(SqsError::missing_parameter("MessageBody"));
    }
    // Most bodies are printable ASCII, which needs no decoding to check.
    let printable = |b: &u8| (0x20..0x80).contains(b) || matches!(b, b'\t' | b'\n' | b'\r');
    if !body.as_bytes().iter().all(printable) && !body.chars().all(allowed_character) {
        return Err(SqsError::InvalidMessageContents(format!(
            "Invalid characters found. Valid unicode characters are {ALLOWED_CHARACTERS}"
        )));
    }
    Ok(())
}

/// A string attribute value with a character SQS rejects.
pub fn invalid_attribute_characters() -> SqsError {
    SqsError::invalid_parameter_value(format!(
        "Invalid characters found. Valid unicode characters are {ALLOWED_CHARACTERS}"
    ))
}

/// Body plus attributes against the queue's `MaximumMessageSize`.
pub fn check_size(total_bytes: usize, maximum_message_size: u32) -> Result<(), SqsError> {
    if total_bytes > maximum_message_size as usize {
        return Err(SqsError::invalid_parameter_value(format!(
            "One or more parameters are invalid. Reason: Message must be shorter than {maximum_message_size} bytes."
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies() {
        assert!(validate_body("hello\tworld\r\n").is_ok());
        assert!(validate_body("emoji \u{1F600} and \u{e000}").is_ok());
        assert!(validate_body("delete \u{7f} is allowed").is_ok());
        assert_eq!(validate_body(""), Err(SqsError::missing_parameter("MessageBody")));
        for bad in ["nul \u{0}", "bell \u{7}", "\u{fffe}", "\u{ffff}"] {
            assert!(matches!(validate_body(bad), Err(SqsError::InvalidMessageContents(_))), "{bad:?}");
        }
    }

    #[test]
    fn sizes() {
        assert!(check_size(262_144, 262_144).is_ok());
        let err = check_size(262_145, 262_144).unwrap_err();
        assert_eq!(err.code(), "InvalidParameterValue");
        assert_eq!(
            err.message(),
            "One or more parameters are invalid. Reason: Message must be shorter than 262144 bytes."
        );
    }
}
