//! The MD5 digests SQS returns so clients can check what it stored.
//!
//! SDKs (botocore, the Java, .NET and Go SDKs) recompute these and reject a response
//! whose digest differs, so the encoding must be byte-exact. For message attributes AWS
//! documents it: attributes sorted by name; for each, the name, the data type and the
//! value, each a 4-byte big-endian length followed by the UTF-8 bytes, with a one-byte
//! transport type (1 string, 2 binary, 3 string list, 4 binary list) before the value.

use ::md5::{Digest, Md5};

use ferrostack_runtime as rt;
use sqs_api::types::{MessageAttributeValue, MessageSystemAttributeValue};

const STRING_TRANSPORT: u8 = 1;
const BINARY_TRANSPORT: u8 = 2;
const STRING_LIST_TRANSPORT: u8 = 3;
const BINARY_LIST_TRANSPORT: u8 = 4;

/// Lower-case hex MD5 of `bytes`.
pub fn hex_digest(bytes: &[u8]) -> String {
    rt::hex(&Md5::digest(bytes))
}

/// `MD5OfMessageBody` / `MD5OfBody`.
pub fn of_body(body: &str) -> String {
    hex_digest(body.as_bytes())
}

/// The parts of an attribute value the digest covers; user and system attributes share
/// the layout but not the Rust type.
pub struct AttributeParts<'a> {
    pub data_type: &'a str,
    pub string_value: Option<&'a str>,
    pub binary_value: Option<&'a [u8]>,
    pub string_list_values: Option<&'a [String]>,
    pub binary_list_values: Option<&'a [rt::Bytes]>,
}

impl<'a> From<&'a MessageAttributeValue> for AttributeParts<'a> {
    fn from(v: &'a MessageAttributeValue) -> Self {
        AttributeParts {
            data_type: &v.data_type,
            string_value: v.string_value.as_deref(),
            binary_value: v.binary_value.as_deref(),
            string_list_values: v.string_list_values.as_deref(),
            binary_list_values: v.binary_list_values.as_deref(),
        }
    }
}

impl<'a> From<&'a MessageSystemAttributeValue> for AttributeParts<'a> {
    fn from(v: &'a MessageSystemAttributeValue) -> Self {
        AttributeParts {
            data_type: &v.data_type,
            string_value: v.string_value.as_deref(),
            binary_value: v.binary_value.as_deref(),
            string_list_values: v.string_list_values.as_deref(),
            binary_list_values: v.binary_list_values.as_deref(),
        }
    }
}

/// `MD5OfMessageAttributes` (or `MD5OfMessageSystemAttributes`) of `(name, value)`
/// pairs in any order; `None` when there are none, as AWS then omits the member.
pub fn of_attributes<'a>(attributes: impl IntoIterator<Item = (&'a str, AttributeParts<'a>)>) -> Option<String> {
    let mut sorted: Vec<(&str, AttributeParts)> = attributes.into_iter().collect();
    if sorted.is_empty() {
        return None;
    }
    sorted.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut buffer = Vec::new();
    for (name, parts) in &sorted {
        push_length_prefixed(&mut buffer, name.as_bytes());
        push_length_prefixed(&mut buffer, parts.data_type.as_bytes());
        // Exactly one value member is set on a valid attribute; the order below only
        // matters for invalid ones, which never reach here.
        if let Some(s) = parts.string_value {
            buffer.push(STRING_TRANSPORT);
            push_length_prefixed(&mut buffer, s.as_bytes());
        } else if let Some(b) = parts.binary_value {
            buffer.push(BINARY_TRANSPORT);
            push_length_prefixed(&mut buffer, b);
        } else if let Some(list) = parts.string_list_values {
            buffer.push(STRING_LIST_TRANSPORT);
            for s in list {
                push_length_prefixed(&mut buffer, s.as_bytes());
            }
        } else if let Some(list) = parts.binary_list_values {
            buffer.push(BINARY_LIST_TRANSPORT);
            for b in list {
                push_length_prefixed(&mut buffer, b);
            }
        }
    }
    Some(hex_digest(&buffer))
}

fn push_length_prefixed(buffer: &mut Vec<u8>, bytes: &[u8]) {
    // Lengths are bounded by the message size limit, far below u32::MAX.
    buffer.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    buffer.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_digest() {
        assert_eq!(of_body("test"), "098f6bcd4621d373cade4e832627b4f6");
        assert_eq!(of_body(""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn no_attributes_no_digest() {
        assert_eq!(of_attributes(std::iter::empty()), None);
    }

    #[test]
    fn attribute_order_does_not_matter() {
        let a =
            MessageAttributeValue { data_type: "String".into(), string_value: Some("x".into()), ..Default::default() };
        let b =
            MessageAttributeValue { data_type: "Number".into(), string_value: Some("1".into()), ..Default::default() };
        let one = of_attributes([("a", (&a).into()), ("b", (&b).into())]);
        let two = of_attributes([("b", (&b).into()), ("a", (&a).into())]);
        assert_eq!(one, two);
    }
}
