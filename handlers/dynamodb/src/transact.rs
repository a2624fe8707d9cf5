//! TransactWriteItems and TransactGetItems: up to 100 actions, all or nothing, with
//! CancellationReasons in request order and ClientRequestToken idempotency (10 minutes).

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, not_found, Error, Result, CONDITION_FAILED};
use crate::expr::{self, Condition, ExprContext};
use crate::item::Item;
use crate::keys;
use crate::state::Tables;
use crate::table_name;
use crate::write::{self, Change};

const MAX_ACTIONS: usize = 100;
const TOKEN_MILLIS: i64 = 10 * 60 * 1000;

struct Action {
    table: String,
    key: Item,
    cond: Option<Condition>,
    /// `None` for ConditionCheck.
    change: Option<Change>,
    return_old_on_failure: bool,
}

fn prepare(t: &Tables, item: TransactWriteItem) -> Result<Action> {
    let set = [item.condition_check.is_some(), item.put.is_some(), item.delete.is_some(), item.update.is_some()];
    if set.iter().filter(|s| **s).count() != 1 {
        return Err(invalid("TransactItems can only contain one of Check, Put, Update or Delete"));
    }
    let on_failure = |m: &Option<ReturnValuesOnConditionCheckFailure>| {
        m.as_ref() == Some(&ReturnValuesOnConditionCheckFailure::AllOld)
    };
    let lookup =
        |name: &str| -> Result<&crate::state::Table> { t.by_name.get(table_name::resolve(name)).ok_or_else(not_found) };
    if let Some(c) = item.condition_check {
        let table = lookup(&c.table_name)?;
        let mut cx = ExprContext::new(c.expression_attribute_names.as_ref(), c.expression_attribute_values.as_ref());
        let cond = expr::parse_condition(&c.condition_expression, &mut cx)?;
        cx.finish()?;
        keys::check_key(&table.items.key, &c.key)?;
        return Ok(Action {
            table: table.name.clone(),
            key: c.key,
            cond: Some(cond),
            change: None,
            return_old_on_failure: on_failure(&c.return_values_on_condition_check_failure),
        });
    }
    if let Some(mut p) = item.put {
        let table = lookup(&p.table_name)?;
        let mut cx = ExprContext::new(p.expression_attribute_names.as_ref(), p.expression_attribute_values.as_ref());
        let cond = p.condition_expression.as_deref().map(|e| expr::parse_condition(e, &mut cx)).transpose()?;
        cx.finish()?;
        write::check_values(&mut p.item)?;
        keys::check_item_key(&table.items.key, &p.item)?;
        return Ok(Action {
            table: table.name.clone(),
            key: table.items.key.key_of(&p.item),
            cond,
            change: Some(Change::Put(p.item)),
            return_old_on_failure: on_failure(&p.return_values_on_condition_check_failure),
        });
    }
    if let Some(d) = item.delete {
        let table = lookup(&d.table_name)?;
        let mut cx = ExprContext::new(d.expression_attribute_names.as_ref(), d.expression_attribute_values.as_ref());
        let cond = d.condition_expression.as_deref().map(|e| expr::parse_condition(e, &mut cx)).transpose()?;
        cx.finish()?;
        keys::check_key(&table.items.key, &d.key)?;
        return Ok(Action {
            table: table.name.clone(),
            key: d.key,
            cond,
            change: Some(Change::Delete),
            return_old_on_failure: on_failure(&d.return_values_on_condition_check_failure),
        });
    }
    let u = item.update.expect("one action is set");
    let table = lookup(&u.table_name)?;
    let mut cx = ExprContext::new(u.expression_attribute_names.as_ref(), u.expression_attribute_values.as_ref());
    let update = expr::parse_update(&u.update_expression, &mut cx)?;
    let cond = u.condition_expression.as_deref().map(|e| expr::parse_condition(e, &mut cx)).transpose()?;
    cx.finish()?;
    keys::check_key(&table.items.key, &u.key)?;
    write::check_update_paths(table, &update)?;
    Ok(Action {
        table: table.name.clone(),
        key: u.key,
        cond,
        change: Some(Change::Update(update)),
        return_old_on_failure: on_failure(&u.return_values_on_condition_check_failure),
    })
}

fn fingerprint(input: &TransactWriteItemsInput) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{:?}", input.transact_items).hash(&mut h);
    h.finish()
}

pub fn transact_write(t: &mut Tables, input: TransactWriteItemsInput) -> Result<TransactWriteItemsOutput> {
    if input.transact_items.len() > MAX_ACTIONS {
        return Err(invalid(format!(
            "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to {MAX_ACTIONS}"
        )));
    }
    let now = rt::DateTime::now().as_millis();
    t.tx_tokens.retain(|_, (_, at)| now - *at < TOKEN_MILLIS);
    let print = fingerprint(&input);
    if let Some(token) = &input.client_request_token {
        if let Some((earlier, _)) = t.tx_tokens.get(token) {
            if *earlier != print {
                return Err(Error::IdempotentMismatch);
            }
            // The same request again: it already took effect.
            return Ok(TransactWriteItemsOutput::default());
        }
    }
    let mut actions = Vec::with_capacity(input.transact_items.len());
    let mut seen = HashSet::new();
    for item in input.transact_items {
        let action = prepare(t, item)?;
        let table = &t.by_name[&action.table];
        if !seen.insert((action.table.clone(), keys::storage_key(&table.items.key, &action.key))) {
            return Err(invalid("Transaction request cannot include multiple operations on one item"));
        }
        actions.push(action);
    }
    // Evaluate every condition and compute every new item before writing anything.
    let mut reasons = Vec::with_capacity(actions.len());
    let mut results = Vec::with_capacity(actions.len());
    let mut failed = false;
    for a in &actions {
        let table = &t.by_name[&a.table];
        let old = table.items.get(&a.key);
        let reason = |code: &str, message: Option<String>, item: Option<Item>| CancellationReason {
            code: Some(code.into()),
            message,
            item,
        };
        if !write::holds(a.cond.as_ref(), old.as_ref())? {
            failed = true;
            let item = if a.return_old_on_failure { old.clone() } else { None };
            reasons.push(reason("ConditionalCheckFailed", Some(CONDITION_FAILED.into()), item));
            results.push(None);
            continue;
        }
        match &a.change {
            None => {
                reasons.push(reason("None", None, None));
                results.push(None);
            }
            Some(change) => match write::after(table, &a.key, old.as_ref(), change) {
                Ok(new) => {
                    reasons.push(reason("None", None, None));
                    results.push(Some((old, new)));
                }
                Err(Error::Validation(m)) => {
                    failed = true;
                    reasons.push(reason("ValidationError", Some(m), None));
                    results.push(None);
                }
                Err(e) => return Err(e),
            },
        }
    }
    if failed {
        return Err(Error::Canceled(reasons));
    }
    let mut consumed: rt::IndexMap<String, f64> = rt::IndexMap::new();
    let mut metrics: rt::IndexMap<String, Vec<ItemCollectionMetrics>> = rt::IndexMap::new();
    for (a, result) in actions.iter().zip(results) {
        let (table, log) = t.table_and_stream(&a.table).ok_or_else(not_found)?;
        let units = match &result {
            Some((old, new)) => write::write_units(old.as_ref(), new.as_ref()),
            None => 1.0,
        };
        // Transactional writes cost twice the units.
        *consumed.entry(a.table.clone()).or_default() += 2.0 * units;
        if let Some(m) = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &a.key) {
            metrics.entry(a.table.clone()).or_default().push(m);
        }
        if let Some((old, new)) = result {
            write::commit(table, log, &a.key, old, new, false);
        }
    }
    if let Some(token) = input.client_request_token {
        t.tx_tokens.insert(token, (print, now));
    }
    let consumed: Vec<ConsumedCapacity> = consumed
        .iter()
        .filter_map(|(name, units)| write::consumed(input.return_consumed_capacity.as_ref(), name, *units, &[], true))
        .collect();
    Ok(TransactWriteItemsOutput {
        consumed_capacity: (!consumed.is_empty()).then_some(consumed),
        item_collection_metrics: (!metrics.is_empty()).then_some(metrics),
    })
}

pub fn transact_get(t: &Tables, input: TransactGetItemsInput) -> Result<TransactGetItemsOutput> {
    if input.transact_items.len() > MAX_ACTIONS {
        return Err(invalid(format!(
            "1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to {MAX_ACTIONS}"
        )));
    }
    let mut plans = Vec::new();
    let mut seen = HashSet::new();
    for item in &input.transact_items {
        let get = &item.get;
        let table = t.by_name.get(table_name::resolve(&get.table_name)).ok_or_else(not_found)?;
        let mut cx = ExprContext::new(get.expression_attribute_names.as_ref(), None);
        let projection =
            get.projection_expression.as_deref().map(|e| expr::parse_projection(e, &mut cx)).transpose()?;
        cx.finish()?;
        keys::check_key(&table.items.key, &get.key)?;
        if !seen.insert((table.name.clone(), keys::storage_key(&table.items.key, &get.key))) {
            return Err(invalid("Transaction request cannot include multiple operations on one item"));
        }
        plans.push((table, &get.key, projection));
    }
    let mut responses = Vec::with_capacity(plans.len());
    let mut consumed: rt::IndexMap<String, f64> = rt::IndexMap::new();
    for (table, key, projection) in plans {
        let found = table.items.get(key);
        *consumed.entry(table.name.clone()).or_default() +=
            2.0 * write::read_units(found.as_ref().map_or(0, crate::item::item_size), true);
        let item = match (found, &projection) {
            (Some(i), Some(p)) => Some(expr::project(p, &i)),
            (i, _) => i,
        };
        responses.push(ItemResponse { item });
    }
    let consumed: Vec<ConsumedCapacity> = consumed
        .iter()
        .filter_map(|(name, units)| write::consumed(input.return_consumed_capacity.as_ref(), name, *units, &[], false))
        .collect();
    Ok(TransactGetItemsOutput {
        responses: Some(responses),
        consumed_capacity: (!consumed.is_empty()).then_some(consumed),
    })
}
