//! PutItem, GetItem, DeleteItem and UpdateItem over the regional tables.

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, not_found, Error, Result};
use crate::expr::{self, Condition, ExprContext};
use crate::item::Item;
use crate::keys;
use crate::state::{Table, Tables};
use crate::stream_log::StreamLog;
use crate::table_name;
use crate::write::{self, Change};

/// PutItem and DeleteItem can hand back only the item as it was: whether they should.
fn returns_old(mode: Option<&ReturnValue>) -> Result<bool> {
    match mode {
        None | Some(ReturnValue::None) => Ok(false),
        Some(ReturnValue::AllOld) => Ok(true),
        Some(_) => Err(invalid("Return values set to invalid value")),
    }
}

/// The item now at `key`, once the write's condition holds on it; a failed condition
/// hands the item back only under ReturnValuesOnConditionCheckFailure ALL_OLD.
fn checked_old(
    table: &Table,
    key: &Item,
    cond: Option<&Condition>,
    on_failure: &Option<ReturnValuesOnConditionCheckFailure>,
) -> Result<Option<Item>> {
    let old = table.items.get(key);
    if !write::holds(cond, old.as_ref())? {
        let return_old = *on_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld);
        return Err(Error::ConditionFailed(old.filter(|_| return_old)));
    }
    Ok(old)
}

/// Stores the write (with its stream record) and gives the ConsumedCapacity the request
/// asked for: the item's units and those of every index the write touched.
fn store(
    table: &mut Table,
    log: Option<&mut StreamLog>,
    key: &Item,
    old: Option<Item>,
    new: Option<Item>,
    capacity: &Option<ReturnConsumedCapacity>,
) -> Option<ConsumedCapacity> {
    let units = write::write_units(old.as_ref(), new.as_ref());
    let indexes = write::index_writes(table, old.as_ref(), new.as_ref());
    let consumed = write::consumed(capacity.as_ref(), &table.name, units, &indexes, true);
    write::commit(table, log, key, old, new, false);
    consumed
}

pub fn put_item(t: &mut Tables, mut input: PutItemInput) -> Result<PutItemOutput> {
    let return_old = returns_old(input.return_values.as_ref())?;
    let mut cx =
        ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
    let cond = write::condition(
        &mut cx,
        input.condition_expression.as_deref(),
        input.expected.as_ref(),
        input.conditional_operator.as_ref(),
    )?;
    cx.finish()?;
    write::check_values(&mut input.item)?;
    let name = table_name::resolve(&input.table_name).to_string();
    let (table, log) = t.table_and_stream(&name).ok_or_else(not_found)?;
    keys::check_item_key(&table.items.key, &input.item)?;
    let key = table.items.key.key_of(&input.item);
    let old = checked_old(table, &key, cond.as_ref(), &input.return_values_on_condition_check_failure)?;
    let new = write::after(table, &key, old.as_ref(), &Change::Put(input.item))?;
    let metrics = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key);
    let consumed = store(table, log, &key, old.clone(), new, &input.return_consumed_capacity);
    Ok(PutItemOutput {
        attributes: old.filter(|_| return_old),
        consumed_capacity: consumed,
        item_collection_metrics: metrics,
    })
}

pub fn get_item(t: &Tables, input: GetItemInput) -> Result<GetItemOutput> {
    let mut cx = ExprContext::new(input.expression_attribute_names.as_ref(), None);
    let projection =
        write::projection(&mut cx, input.projection_expression.as_deref(), input.attributes_to_get.as_ref())?;
    cx.finish()?;
    let name = table_name::resolve(&input.table_name);
    let table = t.by_name.get(name).ok_or_else(not_found)?;
    keys::check_key(&table.items.key, &input.key)?;
    let item = table.items.get(&input.key);
    let consistent = input.consistent_read == Some(true);
    let units = write::read_units(item.as_ref().map_or(0, crate::item::item_size), consistent);
    let consumed = write::consumed(input.return_consumed_capacity.as_ref(), &table.name, units, &[], false);
    let item = match (item, &projection) {
        (Some(i), Some(p)) => Some(expr::project(p, &i)),
        (i, _) => i,
    };
    Ok(GetItemOutput { item, consumed_capacity: consumed })
}

pub fn delete_item(t: &mut Tables, input: DeleteItemInput) -> Result<DeleteItemOutput> {
    let return_old = returns_old(input.return_values.as_ref())?;
    let mut cx =
        ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
    let cond = write::condition(
        &mut cx,
        input.condition_expression.as_deref(),
        input.expected.as_ref(),
        input.conditional_operator.as_ref(),
    )?;
    cx.finish()?;
    let name = table_name::resolve(&input.table_name).to_string();
    let (table, log) = t.table_and_stream(&name).ok_or_else(not_found)?;
    keys::check_key(&table.items.key, &input.key)?;
    let key = input.key;
    let old = checked_old(table, &key, cond.as_ref(), &input.return_values_on_condition_check_failure)?;
    let metrics = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key);
    let consumed = store(table, log, &key, old.clone(), None, &input.return_consumed_capacity);
    Ok(DeleteItemOutput {
        attributes: old.filter(|_| return_old),
        consumed_capacity: consumed,
        item_collection_metrics: metrics,
    })
}

/// The update of an UpdateItem: UpdateExpression or the legacy AttributeUpdates.
pub fn parse_update(
    cx: &mut ExprContext,
    expression: Option<&str>,
    updates: Option<&rt::IndexMap<String, AttributeValueUpdate>>,
) -> Result<expr::Update> {
    match (expression, updates) {
        (Some(_), Some(_)) => Err(write::both_kinds("AttributeUpdates", "UpdateExpression")),
        (Some(e), None) => Ok(expr::parse_update(e, cx)?),
        (None, Some(u)) => Ok(expr::legacy::attribute_updates_to_update(u)?),
        (None, None) => Ok(expr::Update::default()),
    }
}

pub fn update_item(t: &mut Tables, input: UpdateItemInput) -> Result<UpdateItemOutput> {
    let mut cx =
        ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
    let update = parse_update(&mut cx, input.update_expression.as_deref(), input.attribute_updates.as_ref())?;
    let cond = write::condition(
        &mut cx,
        input.condition_expression.as_deref(),
        input.expected.as_ref(),
        input.conditional_operator.as_ref(),
    )?;
    cx.finish()?;
    let name = table_name::resolve(&input.table_name).to_string();
    let (table, log) = t.table_and_stream(&name).ok_or_else(not_found)?;
    keys::check_key(&table.items.key, &input.key)?;
    write::check_update_paths(table, &update)?;
    let key = input.key;
    let old = checked_old(table, &key, cond.as_ref(), &input.return_values_on_condition_check_failure)?;
    let new = write::after(table, &key, old.as_ref(), &Change::Update(update.clone()))?;
    let attributes = match input.return_values.unwrap_or(ReturnValue::None) {
        ReturnValue::AllOld => old.clone(),
        ReturnValue::AllNew => new.clone(),
        ReturnValue::UpdatedOld => write::updated_part(&update, old.as_ref(), false),
        ReturnValue::UpdatedNew => write::updated_part(&update, new.as_ref(), true),
        _ => None,
    };
    let metrics = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key);
    let consumed = store(table, log, &key, old, new, &input.return_consumed_capacity);
    Ok(UpdateItemOutput {
        attributes: attributes.filter(|a| !a.is_empty()),
        consumed_capacity: consumed,
        item_collection_metrics: metrics,
    })
}
