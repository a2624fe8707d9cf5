//! Message attributes: validation on send, the bytes they add to a message's size, and
//! which of them a ReceiveMessage call asked for.

use std::collections::HashSet;

use ferrostack_runtime as rt;
use sqs_api::types::{MessageAttributeValue, MessageSystemAttributeValue};

use crate::content;
use crate::error::SqsError;

pub const MAX_ATTRIBUTES: usize = 10;
const MAX_NAME_BYTES: usize = 255;
const MAX_TYPE_BYTES: usize = 255;
/// The only system attribute a sender may set.
pub const AWS_TRACE_HEADER: &str = "AWSTraceHeader";

pub type UserAttributes = rt::IndexMap<String, MessageAttributeValue>;
pub type SystemAttributes = rt::IndexMap<String, MessageSystemAttributeValue>;

/// Checks user attributes and returns the bytes they count towards the message size
/// (name, data type and value of each).
pub fn validate_user_attributes(attributes: &UserAttributes) -> Result<usize, SqsError> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(SqsError::invalid_parameter_value(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{MAX_ATTRIBUTES}].",
            attributes.len()
        )));
    }
    let mut size = 0;
    for (name, value) in attributes {
        validate_name(name)?;
        size += name.len() + validate_value(name, value)?;
    }
    Ok(size)
}

/// The bytes attributes add to a message, counted without validating them (for the
/// size limit of a whole batch, checked before its entries are).
pub fn raw_size(attributes: &UserAttributes) -> usize {
    attributes
        .iter()
        .map(|(name, v)| {
            name.len()
                + v.data_type.len()
                + v.string_value.as_ref().map_or(0, String::len)
                + v.binary_value.as_ref().map_or(0, |b| b.len())
        })
        .sum()
}

fn validate_name(name: &str) -> Result<(), SqsError> {
    if name.len() > MAX_NAME_BYTES {
        return Err(SqsError::invalid_parameter_value("Message (user) attribute names must be shorter than 256 Bytes"));
    }
    let characters_ok = !name.is_empty()
        && !name.contains("..")
        && name.chars().all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !characters_ok {
        return Err(SqsError::invalid_parameter_value(
            "Message (user) attributes name can only contain upper and lower score characters, digits, periods, \
             hyphens and underscores. ",
        ));
    }
    let lower = name.to_ascii_lowercase();
    if lower.starts_with("aws.") || lower.starts_with("amazon.") || name.starts_with('.') || name.ends_with('.') {
        return Err(SqsError::invalid_parameter_value(
            "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved \
             for internal use. Additionally, they cannot start or end with '.'.",
        ));
    }
    Ok(())
}

/// The value's share of the message size.
fn validate_value(name: &str, value: &MessageAttributeValue) -> Result<usize, SqsError> {
    let data_type = value.data_type.as_str();
    if data_type.is_empty() {
        return Err(SqsError::invalid_parameter_value(format!(
            "The message attribute '{name}' must contain non-empty message attribute type."
        )));
    }
    if data_type.len() > MAX_TYPE_BYTES {
        return Err(SqsError::invalid_parameter_value("Message (user) attribute types must be shorter than 256 Bytes"));
    }
    if value.string_list_values.as_ref().is_some_and(|l| !l.is_empty())
        || value.binary_list_values.as_ref().is_some_and(|l| !l.is_empty())
    {
        return Err(SqsError::UnsupportedOperation(
            "Message attribute list values in SendMessage operation are not supported.".to_owned(),
        ));
    }
    let value_bytes = match base_type(data_type) {
        Some(BaseType::String) => {
            let text = non_empty_string(name, value, "String")?;
            if !text.chars().all(content::allowed_character) {
                return Err(content::invalid_attribute_characters());
            }
            text.len()
        }
        Some(BaseType::Number) => {
            let text = non_empty_string(name, value, "Number")?;
            if !is_number(text) {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Can't cast the value of message (user) attribute '{name}' to a number."
                )));
            }
            text.len()
        }
        Some(BaseType::Binary) => match value.binary_value.as_ref().filter(|b| !b.is_empty()) {
            Some(bytes) => bytes.len(),
            None => {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Message (user) attribute '{name}' must contain a non-empty value of type 'Binary'."
                )))
            }
        },
        None => {
            return Err(SqsError::invalid_parameter_value(format!(
                "The type of message (user) attribute '{name}' is invalid. You must use only the following \
                 supported type prefixes: Binary, Number, String."
            )))
        }
    };
    Ok(data_type.len() + value_bytes)
}

enum BaseType {
    String,
    Number,
    Binary,
}

/// `String`, `Number` or `Binary`, optionally followed by `.` and a custom label.
fn base_type(data_type: &str) -> Option<BaseType> {
    let (base, _label) = data_type.split_once('.').unwrap_or((data_type, ""));
    match base {
        "String" => Some(BaseType::String),
        "Number" => Some(BaseType::Number),
        "Binary" => Some(BaseType::Binary),
        _ => None,
    }
}

fn non_empty_string<'a>(name: &str, value: &'a MessageAttributeValue, kind: &str) -> Result<&'a str, SqsError> {
    value.string_value.as_deref().filter(|s| !s.is_empty()).ok_or_else(|| {
        SqsError::invalid_parameter_value(format!(
            "Message (user) attribute '{name}' must contain a non-empty value of type '{kind}'."
        ))
    })
}

/// A decimal number as SQS reads one: optional sign, digits, fraction and exponent.
/// (Rust's float parser also takes `inf` and `NaN`, which SQS does not.)
fn is_number(text: &str) -> bool {
    let plain = text.trim_start_matches(['+', '-']);
    plain.starts_with(|c: char| c.is_ascii_digit() || c == '.') && text.parse::<f64>().is_ok_and(f64::is_finite)
}

/// Checks the system attributes a sender may set (only `AWSTraceHeader`), returning the
/// trace header.
pub fn validate_system_attributes(attributes: &SystemAttributes) -> Result<Option<String>, SqsError> {
    let mut trace_header = None;
    for (name, value) in attributes {
        if name != AWS_TRACE_HEADER {
            return Err(SqsError::invalid_parameter_value(format!(
                "Message system attribute name '{name}' is invalid."
            )));
        }
        let text = value.string_value.as_deref().filter(|s| !s.is_empty());
        match (value.data_type.as_str(), text) {
            ("String", Some(text)) => trace_header = Some(text.to_owned()),
            _ => {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Message system attribute '{name}' must contain a non-empty value of type 'String'."
                )))
            }
        }
    }
    Ok(trace_header)
}

/// The user attributes a ReceiveMessage call asked for through `MessageAttributeNames`:
/// `All` or `.*` for every one, `prefix.*` for names under a prefix, or exact names.
pub struct AttributeNameFilter {
    all: bool,
    exact: HashSet<String>,
    prefixes: Vec<String>,
}

impl AttributeNameFilter {
    pub fn new(requested: &[String]) -> AttributeNameFilter {
        let mut filter = AttributeNameFilter { all: false, exact: HashSet::new(), prefixes: Vec::new() };
        for name in requested {
            if name == "All" || name == ".*" {
                filter.all = true;
            } else if let Some(prefix) = name.strip_suffix('*').filter(|p| p.ends_with('.')) {
                filter.prefixes.push(prefix.to_owned());
            } else {
                filter.exact.insert(name.clone());
            }
        }
        filter
    }

    pub fn matches(&self, name: &str) -> bool {
        self.all || self.exact.contains(name) || self.prefixes.iter().any(|p| name.starts_with(p.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(v: &str) -> MessageAttributeValue {
        MessageAttributeValue { data_type: "String".into(), string_value: Some(v.into()), ..Default::default() }
    }

    fn attrs(pairs: &[(&str, MessageAttributeValue)]) -> UserAttributes {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn size_counts_name_type_and_value() {
        let a = attrs(&[("color", string("blue"))]);
        assert_eq!(validate_user_attributes(&a), Ok(5 + 6 + 4));
        let bin = MessageAttributeValue {
            data_type: "Binary.gif".into(),
            binary_value: Some(rt::Bytes::from_static(b"\x01\x02")),
            ..Default::default()
        };
        assert_eq!(validate_user_attributes(&attrs(&[("b", bin)])), Ok(1 + 10 + 2));
    }

    #[test]
    fn rejects_bad_attributes() {
        let number = |v: &str| MessageAttributeValue {
            data_type: "Number".into(),
            string_value: Some(v.into()),
            ..Default::default()
        };
        let bad: Vec<UserAttributes> = vec![
            attrs(&[("AWS.reserved", string("x"))]),
            attrs(&[(".leading", string("x"))]),
            attrs(&[("two..dots", string("x"))]),
            attrs(&[("sp ace", string("x"))]),
            attrs(&[("", string("x"))]),
            attrs(&[("empty", string(""))]),
            attrs(&[("n", number("twelve"))]),
            attrs(&[("n", number("inf"))]),
            attrs(&[(
                "t",
                MessageAttributeValue {
                    data_type: "Text".into(),
                    string_value: Some("x".into()),
                    ..Default::default()
                },
            )]),
            attrs(&[(
                "t",
                MessageAttributeValue { data_type: "".into(), string_value: Some("x".into()), ..Default::default() },
            )]),
            attrs(&[("b", MessageAttributeValue { data_type: "Binary".into(), ..Default::default() })]),
            (0..11).map(|i| (format!("a{i}"), string("x"))).collect(),
        ];
        for a in bad {
            assert!(validate_user_attributes(&a).is_err(), "{a:?}");
        }
        assert!(validate_user_attributes(&attrs(&[("n", number("-1.5e3"))])).is_ok());
        assert!(validate_user_attributes(&attrs(&[(
            "custom",
            MessageAttributeValue {
                data_type: "String.json".into(),
                string_value: Some("{}".into()),
                ..Default::default()
            }
        )]))
        .is_ok());
    }

    #[test]
    fn system_attributes_allow_only_the_trace_header() {
        let header = MessageSystemAttributeValue {
            data_type: "String".into(),
            string_value: Some("Root=1-abc".into()),
            ..Default::default()
        };
        let ok: SystemAttributes = [(AWS_TRACE_HEADER.to_owned(), header.clone())].into_iter().collect();
        assert_eq!(validate_system_attributes(&ok), Ok(Some("Root=1-abc".to_owned())));
        let bad: SystemAttributes = [("SenderId".to_owned(), header)].into_iter().collect();
        assert!(validate_system_attributes(&bad).is_err());
    }

    #[test]
    fn name_filter() {
        let f = AttributeNameFilter::new(&["exact".into(), "group.*".into()]);
        assert!(f.matches("exact"));
        assert!(f.matches("group.one"));
        assert!(!f.matches("groupie"));
        assert!(!f.matches("other"));
        assert!(AttributeNameFilter::new(&["All".into()]).matches("anything"));
        assert!(AttributeNameFilter::new(&[".*".into()]).matches("anything"));
        assert!(!AttributeNameFilter::new(&[]).matches("anything"));
    }
}
