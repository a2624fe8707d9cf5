//! BatchGetItem (100 keys, 16 MB per answer) and BatchWriteItem (25 puts or deletes, no
//! conditions). Every request is validated before anything is read or written.

use std::collections::HashSet;

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, not_found, Result};
use crate::expr::{self, ExprContext};
use crate::item::{self, Item};
use crate::keys;
use crate::state::Tables;
use crate::table_name;
use crate::write::{self, Change};

const MAX_GET_KEYS: usize = 100;
const MAX_WRITES: usize = 25;
/// A BatchGetItem answer holds at most this much; the rest comes back as UnprocessedKeys.
const MAX_GET_BYTES: usize = 16 * 1024 * 1024;

/// The write units a batch consumed on one table, and on each of its indexes (name,
/// whether it is global, units).
type Consumed = (f64, Vec<(String, bool, f64)>);

fn duplicates() -> crate::error::Error {
    invalid("Provided list of item keys contains duplicates")
}

pub fn batch_get(t: &Tables, input: BatchGetItemInput) -> Result<BatchGetItemOutput> {
    let total: usize = input.request_items.values().map(|r| r.keys.len()).sum();
    if total > MAX_GET_KEYS {
        return Err(invalid("Too many items requested for the BatchGetItem call"));
    }
    // Validate every table's request first.
    let mut plans = Vec::new();
    for (name, request) in &input.request_items {
        let table = t.by_name.get(table_name::resolve(name)).ok_or_else(not_found)?;
        let mut cx = ExprContext::new(request.expression_attribute_names.as_ref(), None);
        let projection =
            write::projection(&mut cx, request.projection_expression.as_deref(), request.attributes_to_get.as_ref())?;
        cx.finish()?;
        let mut seen = HashSet::new();
        for key in &request.keys {
            keys::check_key(&table.items.key, key)?;
            if !seen.insert(keys::storage_key(&table.items.key, key)) {
                return Err(duplicates());
            }
        }
        plans.push((name, request, table, projection));
    }
    let mut responses: rt::IndexMap<String, Vec<Item>> = rt::IndexMap::new();
    let mut unprocessed: rt::IndexMap<String, KeysAndAttributes> = rt::IndexMap::new();
    let mut consumed = Vec::new();
    let mut bytes = 0usize;
    for (name, request, table, projection) in plans {
        let mut found = Vec::new();
        let mut units = 0.0;
        let mut left = Vec::new();
        for key in &request.keys {
            if bytes >= MAX_GET_BYTES {
                left.push(key.clone());
                continue;
            }
            let Some(found_item) = table.items.get(key) else {
                units += write::read_units(0, request.consistent_read == Some(true));
                continue;
            };
            let size = item::item_size(&found_item);
            bytes += size;
            units += write::read_units(size, request.consistent_read == Some(true));
            found.push(match &projection {
                Some(p) => expr::project(p, &found_item),
                None => found_item,
            });
        }
        if !left.is_empty() {
            unprocessed.insert(name.clone(), KeysAndAttributes { keys: left, ..request.clone() });
        }
        if let Some(c) = write::consumed(input.return_consumed_capacity.as_ref(), &table.name, units, &[], false) {
            consumed.push(c);
        }
        responses.insert(name.clone(), found);
    }
    Ok(BatchGetItemOutput {
        responses: Some(responses),
        unprocessed_keys: Some(unprocessed),
        consumed_capacity: (!consumed.is_empty()).then_some(consumed),
    })
}

pub fn batch_write(t: &mut Tables, input: BatchWriteItemInput) -> Result<BatchWriteItemOutput> {
    let total: usize = input.request_items.values().map(Vec::len).sum();
    if total > MAX_WRITES {
        return Err(invalid("Too many items requested for the BatchWriteItem call"));
    }
    // (table name, key, change) for every request, all checked before the first write.
    let mut plan: Vec<(String, Item, Change)> = Vec::new();
    for (name, requests) in input.request_items {
        let name = table_name::resolve(&name).to_string();
        let table = t.by_name.get(&name).ok_or_else(not_found)?;
        let mut seen = HashSet::new();
        for request in requests {
            let (key, change) = match (request.put_request, request.delete_request) {
                (Some(mut put), None) => {
                    write::check_values(&mut put.item)?;
                    keys::check_item_key(&table.items.key, &put.item)?;
                    write::check_new_item(table, &put.item, false)?;
                    (table.items.key.key_of(&put.item), Change::Put(put.item))
                }
                (None, Some(delete)) => {
                    keys::check_key(&table.items.key, &delete.key)?;
                    (delete.key, Change::Delete)
                }
                _ => {
                    return Err(invalid(
                        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes",
                    ))
                }
            };
            if !seen.insert(keys::storage_key(&table.items.key, &key)) {
                return Err(duplicates());
            }
            plan.push((name.clone(), key, change));
        }
    }
    let mut consumed: rt::IndexMap<String, Consumed> = rt::IndexMap::new();
    let mut metrics: rt::IndexMap<String, Vec<ItemCollectionMetrics>> = rt::IndexMap::new();
    for (name, key, change) in plan {
        let (table, log) = t.table_and_stream(&name).ok_or_else(not_found)?;
        let old = table.items.get(&key);
        let new = match change {
            Change::Put(item) => Some(item),
            _ => None,
        };
        let entry = consumed.entry(name.clone()).or_insert((0.0, Vec::new()));
        entry.0 += write::write_units(old.as_ref(), new.as_ref());
        for (index, global, units) in write::index_writes(table, old.as_ref(), new.as_ref()) {
            match entry.1.iter_mut().find(|e| e.0 == index) {
                Some(e) => e.2 += units,
                None => entry.1.push((index, global, units)),
            }
        }
        if let Some(m) = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key) {
            metrics.entry(name.clone()).or_default().push(m);
        }
        write::commit(table, log, &key, old, new, false);
    }
    let consumed: Vec<ConsumedCapacity> = consumed
        .iter()
        .filter_map(|(name, (units, indexes))| {
            write::consumed(input.return_consumed_capacity.as_ref(), name, *units, indexes, true)
        })
        .collect();
    Ok(BatchWriteItemOutput {
        unprocessed_items: Some(rt::IndexMap::new()),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
        consumed_capacity: (!consumed.is_empty()).then_some(consumed),
    })
}
