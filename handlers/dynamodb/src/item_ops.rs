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
use crate::write;

/// PutItem and DeleteItem can hand back only the item as it was: whether they should.
fn returns_old(mode: Option<&ReturnValue>) -> Result<bool> {
    match mode {
        None | Some(ReturnValue::None) => Ok(false),
        Some(ReturnValue::AllOld) => Ok(true),
        Some(_) => Err(invalid("Return values set to invalid value")),
    }
}

/// Whether ConsumedCapacity was asked for (it needs the replaced item's size and indexes).
fn wants_capacity(mode: &Option<ReturnConsumedCapacity>) -> bool {
    mode.as_ref().is_some_and(|m| *m != ReturnConsumedCapacity::None)
}

/// Whether the write must decode the item it replaces for more than its condition: a
/// live stream (the record's event name and images, and no record for a write that
/// changes nothing) or ConsumedCapacity. Storage keeps its sizes, indexes and TTL entries
/// up to date without the caller's help.
fn needs_old(log: Option<&StreamLog>, capacity: &Option<ReturnConsumedCapacity>) -> bool {
    log.is_some_and(|l| l.enabled) || wants_capacity(capacity)
}

/// The item now at `key`, once the write's condition holds on it; a failed condition
/// hands the item back only under ReturnValuesOnConditionCheckFailure ALL_OLD. Without a
/// condition, the item is read only when `needed` (else `None`: a plain overwrite or
/// delete leaves the old item undecoded).
fn checked_old(
    table: &Table,
    key: &Item,
    cond: Option<&Condition>,
    on_failure: &Option<ReturnValuesOnConditionCheckFailure>,
    needed: bool,
) -> Result<Option<Item>> {
    if cond.is_none() && !needed {
        return Ok(None);
    }
    let old = table.items.get(key);
    if !write::holds(cond, old.as_ref())? {
        let return_old = *on_failure == Some(ReturnValuesOnConditionCheckFailure::AllOld);
        return Err(Error::ConditionFailed(old.filter(|_| return_old)));
    }
    Ok(old)
}

/// Stores the write (with its stream record) and gives the ConsumedCapacity the request
/// asked for: the item's units and those of every index the write touched. `old` is the
/// replaced item whenever a stream or ConsumedCapacity needs it (see `needs_old`).
fn store(
    table: &mut Table,
    log: Option<&mut StreamLog>,
    key: &Item,
    old: Option<Item>,
    new: Option<Item>,
    capacity: &Option<ReturnConsumedCapacity>,
) -> Option<ConsumedCapacity> {
    let consumed = if wants_capacity(capacity) {
        let units = write::write_units(old.as_ref(), new.as_ref());
        let indexes = write::index_writes(table, old.as_ref(), new.as_ref());
        write::consumed(capacity.as_ref(), &table.name, units, &indexes, true)
    } else {
        None
    };
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
    let needed = return_old || needs_old(log.as_deref(), &input.return_consumed_capacity);
    let on_failure = &input.return_values_on_condition_check_failure;
    let old = checked_old(table, &key, cond.as_ref(), on_failure, needed)?;
    // The checks `write::after` makes on a Put, without copying the item: it moves into storage.
    write::check_new_item(table, &input.item, false)?;
    let metrics = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key);
    let attributes = if return_old { old.clone() } else { None };
    let consumed = store(table, log, &key, old, Some(input.item), &input.return_consumed_capacity);
    Ok(PutItemOutput { attributes, consumed_capacity: consumed, item_collection_metrics: metrics })
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
    let needed = return_old || needs_old(log.as_deref(), &input.return_consumed_capacity);
    let on_failure = &input.return_values_on_condition_check_failure;
    let old = checked_old(table, &key, cond.as_ref(), on_failure, needed)?;
    let metrics = write::collection_metrics(input.return_item_collection_metrics.as_ref(), table, &key);
    let attributes = if return_old { old.clone() } else { None };
    let consumed = store(table, log, &key, old, None, &input.return_consumed_capacity);
    Ok(DeleteItemOutput { attributes, consumed_capacity: consumed, item_collection_metrics: metrics })
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
    // An update is applied to the old item: it is always read.
    let old = checked_old(table, &key, cond.as_ref(), &input.return_values_on_condition_check_failure, true)?;
    let new = Some(write::updated(table, &key, old.as_ref(), &update)?);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe;

    fn tables(stream: Option<StreamViewType>) -> Tables {
        let input = CreateTableInput {
            table_name: "t".into(),
            attribute_definitions: vec![AttributeDefinition {
                attribute_name: "id".into(),
                attribute_type: ScalarAttributeType::S,
            }],
            key_schema: vec![KeySchemaElement { attribute_name: "id".into(), key_type: KeyType::Hash }],
            billing_mode: Some(BillingMode::PayPerRequest),
            stream_specification: stream
                .map(|v| StreamSpecification { stream_enabled: true, stream_view_type: Some(v) }),
            ..Default::default()
        };
        let table = describe::new_table(&rt::RequestContext::internal("000000000000", "us-east-1"), input);
        let mut t = Tables::default();
        if let Some(log) = describe::new_stream_log(&table) {
            t.streams.insert(log.arn.clone(), log);
        }
        t.by_name.insert("t".into(), table);
        t
    }

    fn item(id: &str, v: &str) -> Item {
        let mut i = Item::new();
        i.insert("id".into(), AttributeValue::S(id.into()));
        i.insert("v".into(), AttributeValue::S(v.into()));
        i
    }

    fn key(id: &str) -> Item {
        let mut i = Item::new();
        i.insert("id".into(), AttributeValue::S(id.into()));
        i
    }

    fn put(item: Item) -> PutItemInput {
        PutItemInput { table_name: "t".into(), item, ..Default::default() }
    }

    /// Plain writes leave the replaced item undecoded; whatever asks for it later (ALL_OLD,
    /// ConsumedCapacity, a condition) still sees the stored item and sizes stay exact.
    #[test]
    fn plain_writes_keep_what_later_writes_see() {
        let mut t = tables(None);
        let big = "x".repeat(2000);
        put_item(&mut t, put(item("a", &big))).unwrap();
        let out = put_item(
            &mut t,
            PutItemInput { return_consumed_capacity: Some(ReturnConsumedCapacity::Total), ..put(item("a", "s")) },
        )
        .unwrap();
        // The replaced item's 2 KB count.
        assert_eq!(out.consumed_capacity.and_then(|c| c.capacity_units), Some(2.0));
        put_item(&mut t, put(item("a", "t"))).unwrap();
        let out =
            put_item(&mut t, PutItemInput { return_values: Some(ReturnValue::AllOld), ..put(item("a", "u")) }).unwrap();
        assert_eq!(out.attributes, Some(item("a", "t")));
        let items = &t.by_name["t"].items;
        assert_eq!((items.count(), items.size_bytes()), (1, crate::item::item_size(&item("a", "u")) as i64));
        let failed = put_item(
            &mut t,
            PutItemInput {
                condition_expression: Some("attribute_not_exists(id)".into()),
                return_values_on_condition_check_failure: Some(ReturnValuesOnConditionCheckFailure::AllOld),
                ..put(item("a", "w"))
            },
        );
        assert!(matches!(failed, Err(Error::ConditionFailed(Some(i))) if i == item("a", "u")));
        let out = delete_item(&mut t, DeleteItemInput { table_name: "t".into(), key: key("a"), ..Default::default() })
            .unwrap();
        assert_eq!(out.attributes, None);
        let items = &t.by_name["t"].items;
        assert_eq!((items.count(), items.size_bytes()), (0, 0));
    }

    /// With a stream, plain writes still give INSERT / MODIFY / REMOVE with their images,
    /// and none for a put that changes nothing.
    #[test]
    fn plain_writes_feed_the_stream() {
        let mut t = tables(Some(StreamViewType::NewAndOldImages));
        put_item(&mut t, put(item("a", "1"))).unwrap();
        put_item(&mut t, put(item("a", "1"))).unwrap();
        put_item(&mut t, put(item("a", "2"))).unwrap();
        delete_item(&mut t, DeleteItemInput { table_name: "t".into(), key: key("a"), ..Default::default() }).unwrap();
        let log = t.streams.values().next().unwrap();
        let got: Vec<_> =
            log.records.iter().map(|r| (r.event_name, r.old_image.clone(), r.new_image.clone())).collect();
        assert_eq!(
            got,
            vec![
                ("INSERT", None, Some(item("a", "1"))),
                ("MODIFY", Some(item("a", "1")), Some(item("a", "2"))),
                ("REMOVE", Some(item("a", "2")), None),
            ]
        );
    }
}
