//! The single-item write path (PutItem, DeleteItem, UpdateItem), shared by BatchWriteItem,
//! TransactWriteItems, PartiQL and the TTL reaper: checks, conditions, index upkeep (inside
//! `Items`), stream records, return values and consumed capacity.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, Error, Result};
use crate::expr::{self, Condition, ExprContext};
use crate::item::{self, Item};
use crate::keys;
use crate::state::Table;
use crate::stream_log::StreamLog;

pub fn both_kinds(non_expr: &str, expr: &str) -> Error {
    invalid(format!(
        "Can not use both expression and non-expression parameters in the same request: Non-expression parameters: {{{non_expr}}} Expression parameters: {{{expr}}}"
    ))
}

/// The condition of a write: ConditionExpression or the legacy Expected map.
pub fn condition(
    cx: &mut ExprContext,
    expression: Option<&str>,
    expected: Option<&rt::IndexMap<String, ExpectedAttributeValue>>,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>> {
    match (expression, expected) {
        (Some(_), Some(_)) => Err(both_kinds("Expected", "ConditionExpression")),
        (Some(e), None) => Ok(Some(expr::parse_condition(e, cx)?)),
        (None, Some(exp)) => Ok(expr::legacy::expected_to_condition(exp, operator)?),
        (None, None) => {
            if operator.is_some() {
                return Err(invalid("ConditionalOperator can only be used when Expected has two or more elements"));
            }
            Ok(None)
        }
    }
}

/// A read projection: ProjectionExpression or the legacy AttributesToGet.
pub fn projection(
    cx: &mut ExprContext,
    expression: Option<&str>,
    attributes: Option<&Vec<String>>,
) -> Result<Option<expr::Projection>> {
    match (expression, attributes) {
        (Some(_), Some(_)) => Err(both_kinds("AttributesToGet", "ProjectionExpression")),
        (Some(e), None) => Ok(Some(expr::parse_projection(e, cx)?)),
        (None, Some(names)) => {
            let mut seen = std::collections::HashSet::new();
            for n in names {
                if !seen.insert(n) {
                    return Err(invalid(format!(
                        "One or more parameter values were invalid: Duplicate value in attribute name: {n}"
                    )));
                }
            }
            Ok(Some(expr::legacy::attributes_to_get_to_projection(names)))
        }
        (None, None) => Ok(None),
    }
}

pub fn holds(cond: Option<&Condition>, item: Option<&Item>) -> Result<bool> {
    let Some(cond) = cond else { return Ok(true) };
    let empty = Item::new();
    Ok(expr::eval_condition(cond, item.unwrap_or(&empty))?)
}

/// Checks every value of an item about to be stored and puts numbers in canonical form.
pub fn check_values(item: &mut Item) -> Result<()> {
    for v in item.values_mut() {
        item::check_value(v)?;
    }
    Ok(())
}

/// The checks a whole new item passes before it is stored.
pub fn check_new_item(table: &Table, item: &Item, update: bool) -> Result<()> {
    if item::item_size(item) > item::MAX_ITEM_BYTES {
        return Err(invalid(if update {
            "Item size to update has exceeded the maximum allowed size"
        } else {
            "Item size has exceeded the maximum allowed size"
        }));
    }
    for index in &table.items.indexes {
        keys::check_index_key(&index.key, &index.name, item)?;
    }
    Ok(())
}

/// What a write does to the item at its key.
pub enum Change {
    Put(Item),
    Delete,
    Update(expr::Update),
}

/// Computes the item after `change` (None = deleted), with the checks on it.
pub fn after(table: &Table, key: &Item, old: Option<&Item>, change: &Change) -> Result<Option<Item>> {
    match change {
        Change::Put(item) => {
            check_new_item(table, item, false)?;
            Ok(Some(item.clone()))
        }
        Change::Delete => Ok(None),
        Change::Update(update) => updated(table, key, old, update).map(Some),
    }
}

/// The item an update makes of `old` (or of a new item holding only `key`), with the
/// checks on it.
pub fn updated(table: &Table, key: &Item, old: Option<&Item>, update: &expr::Update) -> Result<Item> {
    let mut new = old.cloned().unwrap_or_else(|| key.clone());
    expr::apply_update(update, &mut new)?;
    check_values(&mut new)?;
    check_new_item(table, &new, true)?;
    Ok(new)
}

/// Stores `new` (or deletes the item at `key`) and records the stream event.
pub fn commit(
    table: &mut Table,
    log: Option<&mut StreamLog>,
    key: &Item,
    old: Option<Item>,
    new: Option<Item>,
    by_ttl: bool,
) {
    match &new {
        Some(item) => table.items.store(item),
        None => table.items.remove(key),
    }
    // A write that changes nothing leaves no stream record, as DynamoDB documents.
    if let Some(log) = log {
        if old != new {
            log.append(key.clone(), old, new, by_ttl);
        }
    }
}

/// Key attributes of an update must not change.
pub fn check_update_paths(table: &Table, update: &expr::Update) -> Result<()> {
    for path in update.paths() {
        if table.items.key.is_key(path.root()) {
            return Err(invalid(format!(
                "One or more parameter values were invalid: Cannot update attribute {}. This attribute is part of the key",
                path.root()
            )));
        }
    }
    Ok(())
}

/// UpdateItem's UPDATED_OLD / UPDATED_NEW: only the paths the update touched (a nested SET
/// gives back its fragment, not the whole top-level attribute), as DynamoDB answers. A
/// REMOVE has no new value, except that removing list elements shifts the rest: the list
/// counts as updated as a whole.
pub fn updated_part(update: &expr::Update, item: Option<&Item>, new_side: bool) -> Option<Item> {
    let mut paths = Vec::new();
    for action in &update.actions {
        match action {
            expr::UpdateAction::Remove(p) => match p.0.iter().position(|e| matches!(e, expr::PathElem::Index(_))) {
                Some(i) => paths.push(expr::Path(p.0[..i].to_vec())),
                None if !new_side => paths.push(p.clone()),
                None => {}
            },
            expr::UpdateAction::Set(p, _) | expr::UpdateAction::Add(p, _) | expr::UpdateAction::Delete(p, _) => {
                paths.push(p.clone())
            }
        }
    }
    Some(expr::project(&expr::Projection { paths }, item?))
}

// ---- capacity ----

fn units(size: usize, per: usize) -> f64 {
    size.max(1).div_ceil(per) as f64
}

pub fn read_units(size: usize, consistent: bool) -> f64 {
    let u = units(size, 4096);
    if consistent {
        u
    } else {
        u / 2.0
    }
}

pub fn write_units(old: Option<&Item>, new: Option<&Item>) -> f64 {
    let size = old.map_or(0, item::item_size).max(new.map_or(0, item::item_size));
    units(size, 1024)
}

/// ConsumedCapacity as AWS reports it: TOTAL gives the table's units, INDEXES adds the
/// per-index breakdown; `indexes` are (name, global, units).
pub fn consumed(
    mode: Option<&ReturnConsumedCapacity>,
    table: &str,
    table_units: f64,
    indexes: &[(String, bool, f64)],
    write: bool,
) -> Option<ConsumedCapacity> {
    let mode = mode?;
    if *mode == ReturnConsumedCapacity::None {
        return None;
    }
    let total = table_units + indexes.iter().map(|i| i.2).sum::<f64>();
    let split = |u: f64| if write { (None, Some(u)) } else { (Some(u), None) };
    let mut out = ConsumedCapacity {
        table_name: Some(table.to_string()),
        capacity_units: Some(total),
        read_capacity_units: split(total).0,
        write_capacity_units: split(total).1,
        ..Default::default()
    };
    if *mode == ReturnConsumedCapacity::Indexes {
        let cap = |u: f64| Capacity {
            capacity_units: Some(u),
            read_capacity_units: split(u).0,
            write_capacity_units: split(u).1,
        };
        out.table = Some(cap(table_units));
        let globals: rt::IndexMap<String, Capacity> =
            indexes.iter().filter(|i| i.1).map(|i| (i.0.clone(), cap(i.2))).collect();
        let locals: rt::IndexMap<String, Capacity> =
            indexes.iter().filter(|i| !i.1).map(|i| (i.0.clone(), cap(i.2))).collect();
        out.global_secondary_indexes = (!globals.is_empty()).then_some(globals);
        out.local_secondary_indexes = (!locals.is_empty()).then_some(locals);
    }
    Some(out)
}

/// The indexes a write touched (the old or new item is in them), each charged its units.
pub fn index_writes(table: &Table, old: Option<&Item>, new: Option<&Item>) -> Vec<(String, bool, f64)> {
    table
        .items
        .indexes
        .iter()
        .filter(|i| old.is_some_and(|o| keys::has_key(&i.key, o)) || new.is_some_and(|n| keys::has_key(&i.key, n)))
        .map(|i| {
            let p = |x: Option<&Item>| x.filter(|x| keys::has_key(&i.key, x)).map(|x| i.project(&table.items.key, x));
            (i.name.clone(), i.global, write_units(p(old).as_ref(), p(new).as_ref()))
        })
        .collect()
}

/// ItemCollectionMetrics, reported only for tables with local secondary indexes.
pub fn collection_metrics(
    mode: Option<&ReturnItemCollectionMetrics>,
    table: &Table,
    key: &Item,
) -> Option<ItemCollectionMetrics> {
    if mode != Some(&ReturnItemCollectionMetrics::Size) || table.local_indexes.is_empty() {
        return None;
    }
    let hash = &table.items.key.hash.0;
    let key: Item = key.iter().filter(|(k, _)| *k == hash).map(|(k, v)| (k.clone(), v.clone())).collect();
    Some(ItemCollectionMetrics { item_collection_key: Some(key), size_estimate_range_gb: Some(vec![0.0, 1.0]) })
}
