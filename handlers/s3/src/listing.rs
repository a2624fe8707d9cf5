//! The walk over a bucket's keys that ListObjects and ListObjectsV2 share: a range scan of
//! the key map from the prefix (or the marker), rolling keys up into common prefixes at the
//! delimiter, until a page is full.

use std::collections::BTreeMap;
use std::ops::Bound;

use base64::Engine;

use crate::stored::StoredObject;

pub struct Walk<'a> {
    pub prefix: &'a str,
    /// `None` when the request has no delimiter or an empty one.
    pub delimiter: Option<&'a str>,
    /// List only what sorts after this (a marker, `start-after`, or a continuation token).
    pub after: Option<&'a str>,
    pub max_keys: usize,
}

pub enum Entry<'a> {
    Object { key: &'a str, object: &'a StoredObject },
    CommonPrefix(String),
}

impl Entry<'_> {
    /// The key or prefix this entry stands at, which the next page starts after.
    pub fn position(&self) -> &str {
        match self {
            Entry::Object { key, .. } => key,
            Entry::CommonPrefix(prefix) => prefix,
        }
    }
}

pub struct Page<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Whether entries remain past this page.
    pub truncated: bool,
}

impl Page<'_> {
    pub fn last_position(&self) -> Option<&str> {
        self.entries.last().map(Entry::position)
    }
}

pub fn walk<'a>(objects: &'a BTreeMap<String, StoredObject>, w: &Walk<'_>) -> Page<'a> {
    let mut entries = Vec::new();
    if w.max_keys == 0 {
        return Page { entries, truncated: false };
    }
    // Keys sharing the prefix are contiguous in byte order; start at the prefix or just past
    // the marker, whichever is later, and stop at the first key outside the prefix.
    let mut lower: Bound<String> = match w.after {
        Some(after) if after >= w.prefix => Bound::Excluded(after.to_owned()),
        _ => Bound::Included(w.prefix.to_owned()),
    };
    // The common prefix most recently rolled up; its remaining keys are skipped.
    let mut rolled_up: Option<String> = None;
    loop {
        let mut seek_past: Option<String> = None;
        for (key, object) in objects.range::<str, _>((lower.as_ref().map(String::as_str), Bound::Unbounded)) {
            if !key.starts_with(w.prefix) {
                return Page { entries, truncated: false };
            }
            if rolled_up.as_deref().is_some_and(|p| key.starts_with(p)) {
                continue;
            }
            let common = w
                .delimiter
                .and_then(|d| key[w.prefix.len()..].find(d).map(|at| key[..w.prefix.len() + at + d.len()].to_owned()));
            match common {
                Some(common) => {
                    // Every entry returned sorts after the marker; a prefix at or before it
                    // was listed on an earlier page (a marker may be a common prefix).
                    if w.after.is_none_or(|after| common.as_str() > after) {
                        if entries.len() == w.max_keys {
                            return Page { entries, truncated: true };
                        }
                        entries.push(Entry::CommonPrefix(common.clone()));
                    }
                    // One seek past the whole group instead of visiting each of its keys;
                    // `rolled_up` catches the rare keys that sort after this bound.
                    seek_past = Some(format!("{common}{}", char::MAX));
                    rolled_up = Some(common);
                    break;
                }
                None => {
                    if entries.len() == w.max_keys {
                        return Page { entries, truncated: true };
                    }
                    entries.push(Entry::Object { key, object });
                }
            }
        }
        match seek_past {
            Some(bound) => lower = Bound::Excluded(bound),
            None => return Page { entries, truncated: false },
        }
    }
}

/// ListObjectsV2 continuation tokens are opaque to clients; ours carry the position the
/// next page starts after.
const TOKEN_TAG: &str = "list-after:";

pub fn encode_token(position: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{TOKEN_TAG}{position}"))
}

pub fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix(TOKEN_TAG).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::ObjectBody;
    use crate::stored::{ContentHeaders, Encryption};
    use ferrostack_runtime as rt;

    fn bucket(keys: &[&str]) -> BTreeMap<String, StoredObject> {
        keys.iter()
            .map(|k| {
                let object = StoredObject {
                    body: ObjectBody::Memory(rt::Bytes::new()),
                    etag: String::new(),
                    last_modified: rt::DateTime::from_secs(0),
                    headers: ContentHeaders::default(),
                    metadata: Default::default(),
                    storage_class: s3_api::types::StorageClass::Standard,
                    encryption: Encryption::requested(None, None, None),
                    website_redirect_location: None,
                    version_id: "null".to_owned(),
                    checksum: None,
                    parts: None,
                    tags: Vec::new(),
                    lock: Default::default(),
                    customer_key: None,
                    restore: None,
                };
                (k.to_string(), object)
            })
            .collect()
    }

    fn names(page: &Page<'_>) -> Vec<String> {
        page.entries
            .iter()
            .map(|e| match e {
                Entry::Object { key, .. } => key.to_string(),
                Entry::CommonPrefix(p) => format!("[{p}]"),
            })
            .collect()
    }

    fn run(
        objects: &BTreeMap<String, StoredObject>,
        prefix: &str,
        delimiter: Option<&str>,
        after: Option<&str>,
        max: usize,
    ) -> (Vec<String>, bool) {
        let page = walk(objects, &Walk { prefix, delimiter, after, max_keys: max });
        (names(&page), page.truncated)
    }

    #[test]
    fn prefixes_delimiters_and_markers() {
        let objects = bucket(&["a", "a/1", "a/2", "a/b/3", "b", "b/1", "c/1", "c/2"]);
        assert_eq!(run(&objects, "", None, None, 100).0.len(), 8);
        assert_eq!(
            run(&objects, "", Some("/"), None, 100),
            (vec!["a".into(), "[a/]".into(), "b".into(), "[b/]".into(), "[c/]".into()], false)
        );
        assert_eq!(
            run(&objects, "a/", Some("/"), None, 100),
            (vec!["a/1".into(), "a/2".into(), "[a/b/]".into()], false)
        );
        assert_eq!(run(&objects, "a/", None, None, 100).0, ["a/1", "a/2", "a/b/3"]);
        assert_eq!(run(&objects, "", Some("/"), None, 2), (vec!["a".into(), "[a/]".into()], true));
        // Resuming after a common prefix skips its keys.
        assert_eq!(run(&objects, "", Some("/"), Some("a/"), 2), (vec!["b".into(), "[b/]".into()], true));
        assert_eq!(run(&objects, "", Some("/"), Some("b/"), 2), (vec!["[c/]".into()], false));
        // A marker before the prefix starts at the prefix; one past it lists nothing.
        assert_eq!(run(&objects, "b", None, Some("a"), 100).0, ["b", "b/1"]);
        assert_eq!(run(&objects, "a", None, Some("zzz"), 100).0, Vec::<String>::new());
        // A page that ends exactly at the last entry is not truncated.
        assert_eq!(run(&objects, "c/", None, None, 2), (vec!["c/1".into(), "c/2".into()], false));
        assert_eq!(run(&objects, "", None, None, 0), (vec![], false));
    }

    #[test]
    fn multi_character_delimiters_and_unicode() {
        let objects = bucket(&["x--1--a", "x--1--b", "x--2", "y", "\u{10FFFF}/a", "é/1", "é/\u{10FFFF}z"]);
        assert_eq!(run(&objects, "x--", Some("--"), None, 100).0, ["[x--1--]", "x--2"]);
        // Keys past the seek bound (the highest code point) are still rolled up, not listed.
        assert_eq!(
            run(&objects, "", Some("/"), None, 100).0,
            ["x--1--a", "x--1--b", "x--2", "y", "[é/]", "[\u{10FFFF}/]"]
        );
    }

    #[test]
    fn tokens_round_trip() {
        for position in ["", "a/b", "ünï code/", "\u{10FFFF}"] {
            assert_eq!(decode_token(&encode_token(position)).as_deref(), Some(position));
        }
        assert_eq!(decode_token("not a token"), None);
        assert_eq!(decode_token(&base64::engine::general_purpose::STANDARD.encode("other")), None);
    }
}
