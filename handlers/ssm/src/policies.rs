//! Parameter policies (Expiration, ExpirationNotification, NoChangeNotification): checked
//! and stored. Nothing acts on them yet: parameters do not expire and no notification is sent.

use serde_json::Value;
use ssm_api::error::PutParameterError;
use ssm_api::types::*;

/// A parameter carries at most ten policies.
pub const MAX_POLICIES: usize = 10;
const TYPES: &[&str] = &["Expiration", "ExpirationNotification", "NoChangeNotification"];

fn attribute_error() -> PutParameterError {
    InvalidPolicyAttributeException { message: Some("A policy attribute or its value is invalid.".to_string()) }.into()
}

fn positive_with_unit(attributes: &serde_json::Map<String, Value>, key: &str) -> bool {
    let amount = match attributes.get(key) {
        Some(Value::String(s)) => s.parse::<u64>().ok(),
        Some(Value::Number(n)) => n.as_u64(),
        _ => None,
    };
    let unit = attributes.get("Unit").and_then(Value::as_str);
    amount.is_some_and(|n| n > 0) && matches!(unit, Some("Days") | Some("Hours"))
}

/// An ISO 8601 timestamp such as `2020-05-13T00:00:00.000Z` (a date alone is accepted too).
fn looks_like_timestamp(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || b[10] == b'T')
}

/// Checks a `Policies` document: a JSON array of policy objects of known types with the
/// attributes each type needs.
pub fn check(raw: &str) -> Result<(), PutParameterError> {
    let invalid_input = || -> PutParameterError {
        ferrostack_runtime::CommonError::validation(format!("Invalid policies input: {raw}.")).into()
    };
    let parsed: Value = serde_json::from_str(raw).map_err(|_| invalid_input())?;
    let list = parsed.as_array().ok_or_else(invalid_input)?;
    if list.len() > MAX_POLICIES {
        return Err(PoliciesLimitExceededException {
            message: Some(format!(
                "You specified more than the maximum number of allowed policies for the parameter. The maximum is {MAX_POLICIES}."
            )),
        }
        .into());
    }
    let mut seen = Vec::new();
    for policy in list {
        let object = policy.as_object().ok_or_else(invalid_input)?;
        let kind = object.get("Type").and_then(Value::as_str).unwrap_or_default();
        if !TYPES.contains(&kind) {
            return Err(InvalidPolicyTypeException {
                message: Some(format!(
                    "The policy type {kind} is not supported. Parameter Store supports the following policy types: Expiration, ExpirationNotification, and NoChangeNotification."
                )),
            }
            .into());
        }
        if seen.contains(&kind) {
            return Err(IncompatiblePolicyException {
                message: Some(format!("A parameter can have only one {kind} policy.")),
            }
            .into());
        }
        seen.push(kind);
        let attributes = object.get("Attributes").and_then(Value::as_object).ok_or_else(attribute_error)?;
        let ok = match kind {
            "Expiration" => attributes.get("Timestamp").and_then(Value::as_str).is_some_and(looks_like_timestamp),
            "ExpirationNotification" => positive_with_unit(attributes, "Before"),
            _ => positive_with_unit(attributes, "After"),
        };
        if !ok {
            return Err(attribute_error());
        }
    }
    Ok(())
}

/// Whether a stored `Policies` document holds any policy.
pub fn any(raw: Option<&str>) -> bool {
    raw.and_then(|r| serde_json::from_str::<Value>(r).ok())
        .and_then(|v| v.as_array().map(|a| !a.is_empty()))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        assert!(check(
            r#"[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"2030-05-13T00:00:00.000Z"}}]"#
        )
        .is_ok());
        assert!(check(r#"[{"Type":"ExpirationNotification","Version":"1.0","Attributes":{"Before":"15","Unit":"Days"}},{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"20","Unit":"Hours"}}]"#).is_ok());
        assert!(matches!(check(r#"{"Type":"Expiration"}"#), Err(PutParameterError::Common(_))));
        assert!(matches!(
            check(r#"[{"Type":"Nope","Attributes":{}}]"#),
            Err(PutParameterError::InvalidPolicyTypeException(_))
        ));
        assert!(matches!(
            check(r#"[{"Type":"Expiration","Attributes":{"Timestamp":"soon"}}]"#),
            Err(PutParameterError::InvalidPolicyAttributeException(_))
        ));
        assert!(matches!(
            check(r#"[{"Type":"NoChangeNotification","Attributes":{"After":"2","Unit":"Weeks"}}]"#),
            Err(PutParameterError::InvalidPolicyAttributeException(_))
        ));
        assert!(any(Some("[{}]")) && !any(Some("[]")) && !any(None));
    }
}
