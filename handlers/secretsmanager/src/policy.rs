//! Resource policies: stored verbatim after a syntax check and, when asked, a check that
//! they do not open the secret to everyone.

use serde_json::Value;

#[derive(Debug, PartialEq)]
pub enum PolicyError {
    Malformed(String),
    Public,
}

pub const PUBLIC_MESSAGE: &str = "This resource policy will grant public access to the secret. Add a condition to narrow access, or remove the wildcard principal.";

/// Checks the document's grammar: a JSON object with a non-empty `Statement`, each statement
/// with an `Effect` of Allow or Deny.
pub fn check_syntax(document: &str) -> Result<Value, String> {
    let malformed = |m: &str| format!("This resource policy contains a syntax error: {m}");
    let parsed: Value = serde_json::from_str(document).map_err(|_| malformed("the document is not valid JSON."))?;
    let statements = match parsed.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list.clone(),
        Some(s @ Value::Object(_)) => vec![s.clone()],
        _ => return Err(malformed("the document has no Statement.")),
    };
    for s in &statements {
        match s.get("Effect").and_then(Value::as_str) {
            Some("Allow") | Some("Deny") => {}
            _ => return Err(malformed("each statement needs an Effect of Allow or Deny.")),
        }
        if s.get("Principal").is_none() && s.get("NotPrincipal").is_none() {
            return Err(malformed("a resource policy statement needs a Principal."));
        }
    }
    Ok(parsed)
}

fn is_everyone(principal: &Value) -> bool {
    match principal {
        Value::String(s) => s == "*",
        Value::Object(m) => m.get("AWS").is_some_and(|aws| match aws {
            Value::String(s) => s == "*",
            Value::Array(list) => list.iter().any(|p| p.as_str() == Some("*")),
            _ => false,
        }),
        _ => false,
    }
}

/// An Allow statement for the wildcard principal without a Condition grants public access.
pub fn is_public(parsed: &Value) -> bool {
    let statements: Vec<&Value> = match parsed.get("Statement") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(s) => vec![s],
        None => vec![],
    };
    statements.iter().any(|s| {
        s.get("Effect").and_then(Value::as_str) == Some("Allow")
            && s.get("Principal").is_some_and(is_everyone)
            && s.get("Condition").is_none_or(|c| c.as_object().is_none_or(|m| m.is_empty()))
    })
}

pub fn validate(document: &str, block_public: bool) -> Result<(), PolicyError> {
    let parsed = check_syntax(document).map_err(PolicyError::Malformed)?;
    if block_public && is_public(&parsed) {
        return Err(PolicyError::Public);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#;
        assert_eq!(validate(ok, true), Ok(()));
        let public = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        assert_eq!(validate(public, true), Err(PolicyError::Public));
        assert_eq!(validate(public, false), Ok(()));
        assert!(matches!(validate("not json", false), Err(PolicyError::Malformed(_))));
        assert!(matches!(validate("{}", false), Err(PolicyError::Malformed(_))));
    }
}
