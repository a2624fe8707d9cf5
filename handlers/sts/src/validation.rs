//! Input rules STS enforces, with the exact `ValidationError` messages AWS uses.
//!
//! The model's own constraints are checked by the protocol layer before a handler runs;
//! the ones repeated here are the ones whose outcome decides behaviour (durations, session
//! names), so that a direct call gets the same answer as one through the wire.

use ferrostack_runtime as rt;

/// `1 validation error detected: Value '…' at '…' failed to satisfy constraint: …`
pub fn violation(value: &str, field: &str, constraint: &str) -> rt::CommonError {
    rt::CommonError::validation(format!(
        "1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}"
    ))
}

/// `DurationSeconds` within `[min, max]`, or the model's range message.
pub fn duration_in_range(seconds: i32, min: i32, max: i32) -> Result<(), rt::CommonError> {
    if seconds < min {
        return Err(violation(
            &seconds.to_string(),
            "durationSeconds",
            &format!("Member must have value greater than or equal to {min}"),
        ));
    }
    if seconds > max {
        return Err(violation(
            &seconds.to_string(),
            "durationSeconds",
            &format!("Member must have value less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// Session, federated-user and source-identity names: `[\w+=,.@-]*` within a length range.
pub fn principal_name(value: &str, field: &str, min: usize, max: usize) -> Result<(), rt::CommonError> {
    let len = value.chars().count();
    if len < min {
        return Err(violation(value, field, &format!("Member must have length greater than or equal to {min}")));
    }
    if len > max {
        return Err(violation(value, field, &format!("Member must have length less than or equal to {max}")));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c);
    if !value.chars().all(allowed) {
        return Err(violation(value, field, "Member must satisfy regular expression pattern: [\\w+=,.@-]*"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(principal_name("my-session_1@x.y", "roleSessionName", 2, 64).is_ok());
        assert!(principal_name("a", "roleSessionName", 2, 64).is_err());
        assert!(principal_name("has space", "roleSessionName", 2, 64).is_err());
        assert!(principal_name(&"a".repeat(65), "roleSessionName", 2, 64).is_err());
    }
}
