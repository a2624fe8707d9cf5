//! Policy documents as IAM stores and returns them.
//!
//! IAM keeps a document exactly as given and returns it URL-encoded (RFC 3986: everything
//! but unreserved characters percent-encoded); SDKs decode it on the way back.

use crate::errors::{malformed_policy, Result};

pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// What a document is for: the checks differ.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Inline and managed identity policies, permissions boundaries.
    Identity,
    /// A role's trust (assume-role) policy.
    Trust,
}

/// A document's size as IAM counts it against quotas: whitespace does not count.
pub fn size(document: &str) -> usize {
    document.chars().filter(|c| !c.is_whitespace()).count()
}

/// Rejects a document over `quota` characters (`name` is the quota's name in the message).
pub fn within(document: &str, name: &str, quota: usize) -> Result<()> {
    if size(document) > quota {
        return Err(crate::errors::limit_exceeded(format!("Cannot exceed quota for {name}: {quota}")));
    }
    Ok(())
}

/// An `AWS` principal: `*`, an account id, or an IAM/STS ARN of an account's principal.
fn aws_principal(p: &str) -> bool {
    let account = |a: &str| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit());
    if p == "*" || account(p) {
        return true;
    }
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    parts.len() == 6
        && parts[0] == "arn"
        && parts[1].starts_with("aws")
        && (parts[2] == "iam" || parts[2] == "sts")
        && parts[3].is_empty()
        && account(parts[4])
        && (parts[5] == "root"
            || ["user/", "role/", "assumed-role/", "federated-user/"].iter().any(|k| parts[5].starts_with(k)))
}

/// Rejects a document IAM would call malformed.
pub fn check(document: &str, kind: Kind) -> Result<()> {
    let parsed = ferrostack_policy::Policy::parse(document).map_err(|e| malformed_policy(e.to_string()))?;
    for statement in &parsed.statements {
        match kind {
            Kind::Identity => {
                if statement.principal.is_some() {
                    return Err(malformed_policy("Policy document should not specify a principal."));
                }
                if statement.resource.is_none() {
                    return Err(malformed_policy("Policy statement must contain resources."));
                }
            }
            Kind::Trust => {
                if statement.resource.is_some() {
                    return Err(malformed_policy("Has prohibited field Resource"));
                }
                match &statement.principal {
                    None => return Err(malformed_policy("Missing required field Principal")),
                    Some(ferrostack_policy::Principal::Listed(kinds)) => {
                        for (kind, values) in kinds {
                            if let Some(bad) = values.iter().find(|v| kind == "AWS" && !aws_principal(v)) {
                                return Err(malformed_policy(format!(
                                    "Invalid principal in policy: \"AWS\":\"{bad}\""
                                )));
                            }
                        }
                    }
                    Some(_) => {}
                }
            }
        }
        if statement.action.is_none() {
            return Err(malformed_policy("Policy statement must contain actions."));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_aws() {
        assert_eq!(url_encode(r#"{"a": "s3:*"}"#), "%7B%22a%22%3A%20%22s3%3A%2A%22%7D");
    }

    #[test]
    fn rejects_what_iam_rejects() {
        assert!(check("not json", Kind::Identity).is_err());
        let ok = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
        assert!(check(ok, Kind::Identity).is_ok());
        assert!(check(ok, Kind::Trust).is_err());
        let trust = |p: &str| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"AWS":"{p}"}},"Action":"sts:AssumeRole"}}}}"#
            )
        };
        assert!(check(&trust("arn:aws:iam::123456789012:root"), Kind::Trust).is_ok());
        assert!(check(&trust("123456789012"), Kind::Trust).is_ok());
        assert!(check(&trust("arn:aws:iam::123456789012:role/x"), Kind::Trust).is_ok());
        assert!(check(&trust("not-an-arn"), Kind::Trust).is_err());
        let no_resource = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}"#;
        assert!(check(no_resource, Kind::Identity).is_err());
    }
}
