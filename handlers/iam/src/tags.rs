//! Tags on IAM entities: at most 50 per entity, keys unique regardless of case.

use iam_api::types::Tag;

use crate::errors::{invalid_input, limit_exceeded, Result};
use crate::paging::{page_ordered, Page};

const MAX_TAGS: usize = 50;

fn no_duplicates(tags: &[Tag]) -> Result<()> {
    let mut seen = std::collections::HashSet::new();
    for t in tags {
        if !seen.insert(t.key.to_lowercase()) {
            return Err(invalid_input("Duplicate tag keys found. Please note that Tag keys are case insensitive."));
        }
    }
    Ok(())
}

/// Tags given at creation.
pub fn initial(tags: Option<Vec<Tag>>) -> Result<Vec<Tag>> {
    let tags = tags.unwrap_or_default();
    no_duplicates(&tags)?;
    if tags.len() > MAX_TAGS {
        return Err(limit_exceeded("The number of tags has reached the maximum limit."));
    }
    Ok(tags)
}

/// TagX: adds or overwrites.
pub fn add(existing: &mut Vec<Tag>, tags: Vec<Tag>) -> Result<()> {
    no_duplicates(&tags)?;
    let mut merged = existing.clone();
    for t in tags {
        match merged.iter_mut().find(|e| e.key.eq_ignore_ascii_case(&t.key)) {
            Some(e) => *e = t,
            None => merged.push(t),
        }
    }
    if merged.len() > MAX_TAGS {
        return Err(limit_exceeded("The number of tags has reached the maximum limit."));
    }
    *existing = merged;
    Ok(())
}

/// UntagX: removing a key that is not there is not an error.
pub fn remove(existing: &mut Vec<Tag>, keys: &[String]) {
    existing.retain(|t| !keys.iter().any(|k| k.eq_ignore_ascii_case(&t.key)));
}

pub fn list(existing: &[Tag], marker: Option<&str>, max_items: Option<i32>) -> Result<Page<Tag>> {
    page_ordered(existing.to_vec(), marker, max_items)
}

/// Responses carry Tags only when there are some.
pub fn render(tags: &[Tag]) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| tags.to_vec())
}
