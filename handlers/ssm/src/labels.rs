//! Version labels (LabelParameterVersion).

/// A version carries at most ten labels.
pub const MAX_LABELS_PER_VERSION: usize = 10;

/// Labels are up to 100 characters of letters, digits, `.`, `-` and `_`, and may not start
/// with a digit or with `aws`/`ssm`. Bad labels are reported back, not rejected.
pub fn is_valid(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    !label.is_empty()
        && label.len() <= 100
        && !label.starts_with(|c: char| c.is_ascii_digit())
        && !lower.starts_with("aws")
        && !lower.starts_with("ssm")
        && label.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

#[cfg(test)]
mod tests {
    #[test]
    fn rules() {
        assert!(super::is_valid("prod"));
        assert!(super::is_valid("release-1.2_a"));
        for bad in ["", "1st", "awsy", "SSMx", "has space", "a/b"] {
            assert!(!super::is_valid(bad), "{bad}");
        }
    }
}
