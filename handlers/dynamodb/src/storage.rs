//! Item storage of one table and its secondary indexes.
//!
//! Layout: one `Rows` per table (an ordered byte map packed into small pages, see `rows`)
//! from the order-preserving storage key (partition hash, partition key, sort key; see
//! `keys`) to the item without its key attributes, encoded compactly with attribute names
//! from a per-table dictionary (`item::encode_stored`). Point reads and writes are
//! O(log n) plus a scan of one page; a partition is one contiguous key range, so a Query
//! visits only its key range; ordering the partitions by hash gives AWS-like scan order and
//! lets a parallel scan segment be one contiguous hash range. Each index is a `Rows` of
//! index storage key + base storage key (unique per item); reads project the base item
//! through the index projection. The TTL index is a `Rows` of expiry time + storage key.
//!
//! Internal API for other modules (PartiQL statements, batches, transactions, TTL):
//! `Items::get`, `Items::put`, `Items::delete` (whole-item operations keyed by an `Item`
//! holding the key attributes; index and TTL upkeep is done inside; `store` and `remove`
//! are the same writes without handing back the old item), `Items::scan_all` (every
//! item in scan order) and `Items::key` (the table's key attributes). They do no validation:
//! callers check keys with `keys::check_key` / `keys::check_item_key` and new items with
//! `write::check_new_item`, then write through `write::commit`, which also appends the
//! stream record. `read::select` serves key-range or scan reads (PartiQL SELECT).

mod rows;

use std::ops::Bound;

use dynamodb_api::types::{Projection, ProjectionType};

use crate::item::{self, Item};
use crate::keys::{self, KeyDef};

pub use rows::{RowRef, Rows};

/// One secondary index's entries.
#[derive(Debug, Clone)]
pub struct IndexRows {
    pub name: String,
    pub key: KeyDef,
    pub projection: Projection,
    pub global: bool,
    /// index storage key ++ base storage key -> nothing (`base_key` finds the base key)
    pub rows: Rows,
    pub bytes: usize,
}

impl IndexRows {
    pub fn new(name: String, key: KeyDef, projection: Projection, global: bool) -> IndexRows {
        IndexRows { name, key, projection, global, rows: Rows::new(), bytes: 0 }
    }

    fn entry_key(&self, item: &Item, base_key: &[u8]) -> Option<Vec<u8>> {
        if !keys::has_key(&self.key, item) {
            return None;
        }
        let mut k = keys::storage_key(&self.key, item);
        k.extend_from_slice(base_key);
        Some(k)
    }

    /// The base table's storage key of an entry: what follows the index storage key.
    pub fn base_key<'k>(&self, entry_key: &'k [u8]) -> &'k [u8] {
        let at = keys::storage_key_len(&self.key, entry_key).unwrap_or(entry_key.len());
        &entry_key[at..]
    }

    /// The attributes of `item` this index holds.
    pub fn project(&self, table_key: &KeyDef, item: &Item) -> Item {
        match self.projection.projection_type {
            Some(ProjectionType::All) | None => item.clone(),
            _ => {
                let extra = self.projection.non_key_attributes.as_deref().unwrap_or_default();
                item.iter()
                    .filter(|(k, _)| table_key.is_key(k) || self.key.is_key(k) || extra.iter().any(|e| e == *k))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            }
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self.projection.projection_type, Some(ProjectionType::All) | None)
    }

    pub fn count(&self) -> usize {
        self.rows.len()
    }
}

/// Items by expiry time, kept while TTL is enabled so the reaper visits only expired items.
#[derive(Debug, Clone)]
pub struct TtlIndex {
    pub attribute: String,
    /// expiry (`time_key`) ++ storage key -> nothing: packed like the table's rows.
    by_time: Rows,
}

/// A TTL index key: the expiry time (sign bit flipped, so bytes order as numbers) and then
/// the item's storage key.
fn time_key(at: i64, skey: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(8 + skey.len());
    k.extend_from_slice(&((at as u64) ^ (1 << 63)).to_be_bytes());
    k.extend_from_slice(skey);
    k
}

/// An item's TTL value in epoch seconds: a Number in its TTL attribute, else none.
fn expiry(item: &Item, attribute: &str) -> Option<i64> {
    match item.get(attribute) {
        Some(dynamodb_api::types::AttributeValue::N(n)) => n.parse::<f64>().ok().map(|f| f as i64),
        _ => None,
    }
}

#[derive(Debug, Clone)]
pub struct Items {
    pub key: KeyDef,
    /// storage key -> the item without its key attributes (`item::encode_stored`)
    pub rows: Rows,
    /// The attribute names the stored items refer to.
    names: item::Names,
    bytes: usize,
    pub indexes: Vec<IndexRows>,
    pub ttl: Option<TtlIndex>,
}

impl Items {
    pub fn new(key: KeyDef, indexes: Vec<IndexRows>) -> Items {
        Items { key, rows: Rows::new(), names: item::Names::default(), bytes: 0, indexes, ttl: None }
    }

    pub fn count(&self) -> i64 {
        self.rows.len() as i64
    }

    pub fn size_bytes(&self) -> i64 {
        self.bytes as i64
    }

    pub fn index(&self, name: &str) -> Option<&IndexRows> {
        self.indexes.iter().find(|i| i.name == name)
    }

    /// The whole item of a row: the key attributes decoded from the row key, the rest from
    /// its value (rows do not store the key attributes twice).
    pub fn row_item(&self, row: RowRef) -> Item {
        self.item_of(row.key(), row.value())
    }

    fn item_of(&self, storage_key: &[u8], value: &[u8]) -> Item {
        let mut item = Item::with_capacity(2 + item::attribute_count(value));
        keys::decode_key_into(&self.key, storage_key, &mut item);
        item::decode_stored(value, &self.names, &mut item);
        item
    }

    pub fn get(&self, key: &Item) -> Option<Item> {
        self.get_raw(&keys::storage_key(&self.key, key))
    }

    pub fn get_raw(&self, storage_key: &[u8]) -> Option<Item> {
        self.rows.get(storage_key).map(|r| self.row_item(r))
    }

    /// Stores `item` (which holds the key), replacing and returning any item with its key.
    pub fn put(&mut self, item: Item) -> Option<Item> {
        let old = self.get(&item);
        self.store(&item);
        old
    }

    /// Whether index or TTL upkeep needs the whole replaced item, or its size is enough.
    fn tracks_items(&self) -> bool {
        !self.indexes.is_empty() || self.ttl.is_some()
    }

    /// Stores `item` (which holds the key), replacing any item with its key. The replaced
    /// item is decoded only when indexes or TTL need it.
    pub fn store(&mut self, item: &Item) {
        let skey = keys::storage_key(&self.key, item);
        let key_bytes: usize =
            item.iter().filter(|(k, _)| self.key.is_key(k)).map(|(k, v)| k.len() + item::value_size(v)).sum();
        let value = item::encode_stored(item, |name| self.key.is_key(name), &mut self.names);
        if self.tracks_items() {
            if let Some(old) = self.get_raw(&skey) {
                self.unindex(&skey, &old);
            }
            self.rows.insert(&skey, &value);
        } else if let Some(old_size) = self.rows.insert_with(&skey, &value, |old| item::stored_size(old, &self.names)) {
            self.bytes = self.bytes.saturating_sub(key_bytes + old_size);
        }
        self.bytes += key_bytes + item::stored_size(&value, &self.names);
        for index in &mut self.indexes {
            if let Some(k) = index.entry_key(item, &skey) {
                index.bytes += item::item_size(&index.project(&self.key, item));
                index.rows.insert(&k, &[]);
            }
        }
        if let Some(ttl) = &mut self.ttl {
            if let Some(at) = expiry(item, &ttl.attribute) {
                ttl.by_time.insert(&time_key(at, &skey), &[]);
            }
        }
    }

    /// Drops what `old` (stored at `skey`, about to be replaced or removed) added to the
    /// size, the indexes and the TTL index.
    fn unindex(&mut self, skey: &[u8], old: &Item) {
        self.bytes = self.bytes.saturating_sub(item::item_size(old));
        if let Some(ttl) = &mut self.ttl {
            if let Some(at) = expiry(old, &ttl.attribute) {
                ttl.by_time.remove(&time_key(at, skey));
            }
        }
        for index in &mut self.indexes {
            if let Some(k) = index.entry_key(old, skey) {
                if index.rows.remove(&k).is_some() {
                    index.bytes = index.bytes.saturating_sub(item::item_size(&index.project(&self.key, old)));
                }
            }
        }
    }

    pub fn delete(&mut self, key: &Item) -> Option<Item> {
        let skey = keys::storage_key(&self.key, key);
        let value = self.rows.remove(&skey)?;
        let old = self.item_of(&skey, &value);
        self.unindex(&skey, &old);
        Some(old)
    }

    /// Deletes the item at `key` without decoding it unless indexes or TTL need it.
    pub fn remove(&mut self, key: &Item) {
        if self.tracks_items() {
            self.delete(key);
            return;
        }
        let skey = keys::storage_key(&self.key, key);
        if let Some(old) = self.rows.remove(&skey) {
            // The stored key, not the caller's spelling of it ("-0" is stored as "0").
            let key_bytes = keys::decode_key(&self.key, &skey).map_or(0, |k| item::item_size(&k));
            self.bytes = self.bytes.saturating_sub(key_bytes + item::stored_size(&old, &self.names));
        }
    }

    /// Every item in scan order.
    pub fn scan_all(&self) -> impl Iterator<Item = Item> + '_ {
        self.rows.iter().map(|r| self.row_item(r))
    }

    /// Builds a new index's entries from the stored items (UpdateTable's GSI creation).
    pub fn backfill(&mut self, mut index: IndexRows) {
        for row in self.rows.iter() {
            let item = self.row_item(row);
            // Items whose attribute has another type than the new key's stay out of it.
            if keys::check_index_key(&index.key, &index.name, &item).is_err() {
                continue;
            }
            if let Some(k) = index.entry_key(&item, row.key()) {
                index.bytes += item::item_size(&index.project(&self.key, &item));
                index.rows.insert(&k, &[]);
            }
        }
        self.indexes.push(index);
    }

    /// Starts (or stops, with `None`) tracking expiry times in `attribute`.
    pub fn set_ttl(&mut self, attribute: Option<&str>) {
        self.ttl = attribute.map(|a| {
            let mut by_time = Rows::new();
            for r in self.rows.iter() {
                if let Some(at) = expiry(&self.row_item(r), a) {
                    by_time.insert(&time_key(at, r.key()), &[]);
                }
            }
            TtlIndex { attribute: a.to_string(), by_time }
        });
    }

    /// Storage keys of items whose expiry lies in `[after, before)`.
    pub fn expired(&self, after: i64, before: i64) -> Vec<Box<[u8]>> {
        let Some(ttl) = &self.ttl else { return Vec::new() };
        let (lo, hi) = (time_key(after, &[]), time_key(before, &[]));
        ttl.by_time.range((Bound::Included(&lo[..]), Bound::Excluded(&hi[..]))).map(|r| r.key()[8..].into()).collect()
    }

    pub fn drop_index(&mut self, name: &str) {
        self.indexes.retain(|i| i.name != name);
    }

    pub fn clear(&mut self) {
        self.rows.clear();
        self.bytes = 0;
        if let Some(ttl) = &mut self.ttl {
            ttl.by_time.clear();
        }
        for i in &mut self.indexes {
            i.rows.clear();
            i.bytes = 0;
        }
    }
}

/// The smallest byte string greater than every string starting with `prefix`, or `None`
/// when there is none (all 0xFF).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xFF {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// The range of keys starting with `prefix`.
pub fn prefix_range(prefix: &[u8]) -> (Bound<Vec<u8>>, Bound<Vec<u8>>) {
    (Bound::Included(prefix.to_vec()), prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dynamodb_api::types::*;

    fn item(pk: &str, sk: &str) -> Item {
        let mut i = Item::new();
        i.insert("pk".into(), AttributeValue::S(pk.into()));
        i.insert("sk".into(), AttributeValue::N(sk.into()));
        i
    }

    #[test]
    fn partitions_are_contiguous_and_sorted() {
        let key =
            KeyDef { hash: ("pk".into(), ScalarAttributeType::S), range: Some(("sk".into(), ScalarAttributeType::N)) };
        let mut items = Items::new(key.clone(), vec![]);
        for pk in ["a", "b", "ab", "a\0"] {
            for sk in ["10", "-3", "2", "1.5"] {
                items.put(item(pk, sk));
            }
        }
        assert_eq!(items.count(), 16);
        let prefix = keys::partition_prefix(&key, &item("a", "0"));
        let (lo, hi) = prefix_range(&prefix);
        let got: Vec<String> = items
            .rows
            .range((lo.as_ref().map(|v| v.as_slice()), hi.as_ref().map(|v| v.as_slice())))
            .map(|r| match &items.row_item(r)["sk"] {
                AttributeValue::N(n) => n.clone(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(got, ["-3", "1.5", "2", "10"]);
        assert!(items.delete(&item("a", "2")).is_some());
        assert_eq!(items.count(), 15);
    }

    #[test]
    fn ttl_index_follows_writes() {
        let key =
            KeyDef { hash: ("pk".into(), ScalarAttributeType::S), range: Some(("sk".into(), ScalarAttributeType::N)) };
        let mut items = Items::new(key, vec![]);
        let with_exp = |sk: &str, exp: &str| {
            let mut i = item("a", sk);
            i.insert("exp".into(), AttributeValue::N(exp.into()));
            i
        };
        items.put(with_exp("1", "100"));
        items.set_ttl(Some("exp"));
        items.put(with_exp("2", "200"));
        items.put(with_exp("3", "300"));
        items.put(item("a", "4"));
        assert_eq!(items.expired(0, 250).len(), 2);
        items.put(with_exp("2", "900")); // moved later
        assert_eq!(items.expired(0, 250).len(), 1);
        items.delete(&item("a", "1"));
        assert_eq!(items.expired(0, 250).len(), 0);
        assert_eq!(items.expired(250, 1000).len(), 2);
        items.set_ttl(None);
        assert!(items.expired(0, 1000).is_empty());
    }

    /// TableSizeBytes, ItemCount and index sizes follow overwrites and deletes, whether the
    /// replaced item is decoded (an index exists) or only measured from its bytes.
    #[test]
    fn sizes_follow_writes() {
        let key =
            KeyDef { hash: ("pk".into(), ScalarAttributeType::S), range: Some(("sk".into(), ScalarAttributeType::N)) };
        let gsi_key = KeyDef { hash: ("g".into(), ScalarAttributeType::S), range: None };
        let projection = Projection { projection_type: Some(ProjectionType::KeysOnly), non_key_attributes: None };
        for indexes in [vec![], vec![IndexRows::new("gsi".into(), gsi_key.clone(), projection, true)]] {
            let mut items = Items::new(key.clone(), indexes);
            let mut seed = 1u64;
            for round in 0..3000 {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                let r = seed >> 33;
                let mut i = item(&format!("p{}", r % 40), &format!("{}", r % 13));
                if r.is_multiple_of(5) {
                    items.remove(&i);
                    continue;
                }
                i.insert("v".into(), AttributeValue::S("x".repeat((r % 50) as usize)));
                if r.is_multiple_of(3) {
                    i.insert("g".into(), AttributeValue::S(format!("g{round}")));
                    i.insert("n".into(), AttributeValue::Ns(vec!["1.5".into(), "-20".into()]));
                }
                items.store(&i);
            }
            let all: Vec<Item> = items.scan_all().collect();
            assert_eq!(items.count() as usize, all.len());
            assert_eq!(items.size_bytes() as usize, all.iter().map(item::item_size).sum::<usize>());
            if let Some(index) = items.indexes.first() {
                let held: Vec<&Item> = all.iter().filter(|i| i.contains_key("g")).collect();
                assert_eq!(index.count(), held.len());
                let size: usize = held.iter().map(|i| item::item_size(&index.project(&items.key, i))).sum();
                assert_eq!(index.bytes, size);
            }
        }
    }
}
