//! `TableName` parameters: a name, or (since 2024) the table's ARN.

/// The table name a `TableName` parameter refers to.
pub fn resolve(text: &str) -> &str {
    // arn:aws:dynamodb:<region>:<account>:table/<name>
    if text.starts_with("arn:") {
        if let Some((_, name)) = text.split_once(":table/") {
            return name.split('/').next().unwrap_or(name);
        }
    }
    text
}

/// Table and index names: 3 to 255 characters of `[a-zA-Z0-9_.-]`. Returns the message
/// AWS gives for a name that breaks the rule, quoting the field it came in.
pub fn check(name: &str, field: &str) -> Result<(), String> {
    let prefix = format!("1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint:");
    if name.len() < 3 {
        return Err(format!("{prefix} Member must have length greater than or equal to 3"));
    }
    if name.len() > 255 {
        return Err(format!("{prefix} Member must have length less than or equal to 255"));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b)) {
        return Err(format!("{prefix} Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns() {
        assert_eq!(resolve("Music"), "Music");
        assert_eq!(resolve("arn:aws:dynamodb:us-east-1:000000000000:table/Music"), "Music");
        assert_eq!(resolve("arn:aws:dynamodb:us-east-1:000000000000:table/Music/index/ByArtist"), "Music");
        assert!(check("ab", "tableName").is_err());
        assert!(check("a b c", "tableName").is_err());
        assert!(check("My_Table-1.0", "tableName").is_ok());
    }
}
