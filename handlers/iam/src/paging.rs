//! Marker/IsTruncated/MaxItems paging, as every IAM list operation does it.
//!
//! The marker names the sort key of the first item of the next page (hex-encoded so it
//! reads as opaque), so deleting items between pages neither skips nor repeats others.

use crate::errors::{validation, Result};

/// Page size when MaxItems is absent.
pub const DEFAULT_MAX_ITEMS: usize = 100;

pub struct Page<T> {
    pub items: Vec<T>,
    pub is_truncated: bool,
    pub marker: Option<String>,
}

fn encode(key: &str) -> String {
    key.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode(marker: &str) -> Option<String> {
    if marker.len() & 1 == 1 {
        return None;
    }
    let bytes: Option<Vec<u8>> =
        (0..marker.len()).step_by(2).map(|i| u8::from_str_radix(marker.get(i..i + 2)?, 16).ok()).collect();
    String::from_utf8(bytes?).ok()
}

/// One page of `items`, which are `(sort key, item)` pairs in ascending key order.
pub fn page<T>(items: Vec<(String, T)>, marker: Option<&str>, max_items: Option<i32>) -> Result<Page<T>> {
    let start = match marker {
        None => None,
        Some(m) => Some(decode(m).ok_or_else(|| validation("Invalid Marker."))?),
    };
    let max = max_items.map_or(DEFAULT_MAX_ITEMS, |n| n.max(1) as usize);
    let mut rest = items.into_iter().filter(|(k, _)| start.as_ref().is_none_or(|s| k >= s)).peekable();
    let mut out = Vec::new();
    while out.len() < max {
        match rest.next() {
            Some((_, item)) => out.push(item),
            None => break,
        }
    }
    let next = rest.peek().map(|(k, _)| encode(k));
    Ok(Page { items: out, is_truncated: next.is_some(), marker: next })
}

/// Pages over items whose order is their position (tags, versions): the key is the
/// zero-padded index.
pub fn page_ordered<T>(items: Vec<T>, marker: Option<&str>, max_items: Option<i32>) -> Result<Page<T>> {
    page(items.into_iter().enumerate().map(|(i, t)| (format!("{i:08}"), t)).collect(), marker, max_items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_pages_and_stops() {
        let items = || (0..5).map(|i| (format!("k{i}"), i)).collect::<Vec<_>>();
        let p1 = page(items(), None, Some(2)).unwrap();
        assert_eq!(p1.items, vec![0, 1]);
        assert!(p1.is_truncated);
        let p2 = page(items(), p1.marker.as_deref(), Some(2)).unwrap();
        assert_eq!(p2.items, vec![2, 3]);
        let p3 = page(items(), p2.marker.as_deref(), Some(2)).unwrap();
        assert_eq!(p3.items, vec![4]);
        assert!(!p3.is_truncated && p3.marker.is_none());
        assert!(page(items(), Some("zz"), None).is_err());
    }
}
