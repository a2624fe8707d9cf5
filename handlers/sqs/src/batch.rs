//! Rules every batch request shares: 1 to 10 entries, each with a distinct id of at most
//! 80 alphanumerics, hyphens and underscores. Breaking one fails the whole request; errors
//! of a single entry are reported in the result's `Failed` list instead.

use std::collections::HashSet;

use crate::error::SqsError;

pub const MAX_ENTRIES: usize = 10;
const MAX_ID_LENGTH: usize = 80;

/// Checks the ids of a batch whose entries are of type `entry_type`
/// (`SendMessageBatchRequestEntry`, ...).
pub fn check_entries(ids: &[&str], entry_type: &str) -> Result<(), SqsError> {
    if ids.is_empty() {
        return Err(SqsError::EmptyBatchRequest(format!("There should be at least one {entry_type} in the request.")));
    }
    if ids.len() > MAX_ENTRIES {
        return Err(SqsError::TooManyEntriesInBatchRequest(format!(
            "Maximum number of entries per request are {MAX_ENTRIES}. You have sent {}.",
            ids.len()
        )));
    }
    let mut seen = HashSet::new();
    for id in ids {
        let well_formed = !id.is_empty()
            && id.len() <= MAX_ID_LENGTH
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(SqsError::InvalidBatchEntryId(
                "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at \
                 most 80 letters long."
                    .to_owned(),
            ));
        }
        if !seen.insert(*id) {
            return Err(SqsError::BatchEntryIdsNotDistinct(format!("Id {id} repeated.")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batch_shape_rules() {
        assert!(check_entries(&["a", "b-1", "C_2"], "X").is_ok());
        assert_eq!(
            check_entries(&[], "SendMessageBatchRequestEntry"),
            Err(SqsError::EmptyBatchRequest(
                "There should be at least one SendMessageBatchRequestEntry in the request.".into()
            ))
        );
        let eleven: Vec<String> = (0..11).map(|i| i.to_string()).collect();
        let eleven: Vec<&str> = eleven.iter().map(String::as_str).collect();
        assert_eq!(
            check_entries(&eleven, "X"),
            Err(SqsError::TooManyEntriesInBatchRequest(
                "Maximum number of entries per request are 10. You have sent 11.".into()
            ))
        );
        assert!(matches!(check_entries(&["bad id"], "X"), Err(SqsError::InvalidBatchEntryId(_))));
        assert!(matches!(check_entries(&[&"a".repeat(81)], "X"), Err(SqsError::InvalidBatchEntryId(_))));
        assert_eq!(check_entries(&["a", "a"], "X"), Err(SqsError::BatchEntryIdsNotDistinct("Id a repeated.".into())));
    }
}
