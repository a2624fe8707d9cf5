//! Query and Scan: key ranges over the table or an index, paging (Limit, the 1 MB page,
//! ExclusiveStartKey/LastEvaluatedKey), filters, projections, Select and parallel segments.

use std::ops::Bound;

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, not_found, Result};
use crate::expr::{self, Condition, ExprContext, KeyCondition, RangeCondition};
use crate::item::{self, Item};
use crate::keys::{self, KeyDef};
use crate::state::{Table, Tables};
use crate::storage::{prefix_end, prefix_range, IndexRows};
use crate::table_name;
use crate::write;

/// A page stops once this much item data was read.
const PAGE_BYTES: usize = 1024 * 1024;

type Range = (Bound<Vec<u8>>, Bound<Vec<u8>>);

/// Where a read looks: the table or one of its indexes.
struct Source<'a> {
    table: &'a Table,
    index: Option<&'a IndexRows>,
}

impl<'a> Source<'a> {
    fn open(table: &'a Table, index_name: Option<&str>) -> Result<Source<'a>> {
        let index = match index_name {
            None => None,
            Some(n) => Some(
                table
                    .items
                    .index(n)
                    .ok_or_else(|| invalid(format!("The table does not have the specified index: {n}")))?,
            ),
        };
        Ok(Source { table, index })
    }

    fn key(&self) -> &KeyDef {
        self.index.map_or(&self.table.items.key, |i| &i.key)
    }

    /// The ConsumedCapacity of reading `bytes` here: a read of an index is charged to the
    /// index alone, not to the table.
    fn consumed(
        &self,
        mode: Option<&ReturnConsumedCapacity>,
        bytes: usize,
        consistent: Option<bool>,
    ) -> Option<ConsumedCapacity> {
        let units = write::read_units(bytes, consistent == Some(true));
        let indexes: Vec<(String, bool, f64)> = self.index.iter().map(|i| (i.name.clone(), i.global, units)).collect();
        write::consumed(mode, &self.table.name, if indexes.is_empty() { units } else { 0.0 }, &indexes, false)
    }

    /// The map key where reading resumes after `start` (an ExclusiveStartKey).
    fn start_key(&self, start: &Item) -> Result<Vec<u8>> {
        let bad =
            || invalid("The provided starting key is invalid: The provided key element does not match the schema");
        let table_key = &self.table.items.key;
        if !keys::has_key(table_key, start) || !keys::has_key(self.key(), start) {
            return Err(bad());
        }
        let expected = table_key.names().chain(self.key().names()).collect::<std::collections::HashSet<_>>().len();
        if start.len() != expected {
            return Err(bad());
        }
        keys::check_key(table_key, &table_key.key_of(start)).map_err(|_| bad())?;
        let base = keys::storage_key(table_key, start);
        Ok(match self.index {
            None => base,
            Some(index) => {
                let mut k = keys::storage_key(&index.key, start);
                k.extend_from_slice(&base);
                k
            }
        })
    }

    /// Items in `range`, in map order or reversed: (full item, what the source holds of it).
    fn read(&self, range: Range, forward: bool) -> Box<dyn Iterator<Item = Item> + 'a> {
        let range = (range.0.as_ref().map(|v| v.as_slice()), range.1.as_ref().map(|v| v.as_slice()));
        match self.index {
            None => {
                let items = &self.table.items;
                let it = items.rows.range(range).map(move |r| items.row_item(r));
                if forward {
                    Box::new(it)
                } else {
                    Box::new(it.rev())
                }
            }
            Some(index) => {
                let items = &self.table.items;
                let it = index.rows.range(range).filter_map(move |r| items.get_raw(index.base_key(r.key())));
                if forward {
                    Box::new(it)
                } else {
                    Box::new(it.rev())
                }
            }
        }
    }

    /// What a read of this source returns of `item` before any projection expression.
    fn visible(&self, item: Item, all_attributes: bool) -> Item {
        match self.index {
            Some(index) if !all_attributes => index.project(&self.table.items.key, &item),
            _ => item,
        }
    }

    /// LastEvaluatedKey: the table key, plus the index key for index reads.
    fn last_key(&self, item: &Item) -> Item {
        let mut k = self.table.items.key.key_of(item);
        if let Some(index) = self.index {
            for (n, v) in index.key.key_of(item) {
                k.insert(n, v);
            }
        }
        k
    }
}

/// Narrows `range` to what follows `start` in reading order.
fn resume(range: Range, start: Vec<u8>, forward: bool) -> Range {
    if forward {
        let lo = match &range.0 {
            Bound::Included(l) | Bound::Excluded(l) if *l > start => range.0,
            _ => Bound::Excluded(start),
        };
        (lo, range.1)
    } else {
        let hi = match &range.1 {
            Bound::Included(h) | Bound::Excluded(h) if *h < start => range.1,
            _ => Bound::Excluded(start),
        };
        (range.0, hi)
    }
}

fn encoded(v: &AttributeValue) -> Vec<u8> {
    let mut out = Vec::new();
    keys::push_value(&mut out, v);
    out
}

/// The storage range of a key condition: the partition, narrowed by the sort-key condition.
fn key_range(cond: &KeyCondition) -> Range {
    let mut pk = Vec::new();
    keys::push_value(&mut pk, &cond.hash_value);
    let prefix = keys::partition_prefix_of(&pk);
    let at = |v: &AttributeValue| {
        let mut k = prefix.clone();
        k.extend_from_slice(&encoded(v));
        k
    };
    let after = |v: &AttributeValue| prefix_end(&at(v)).map_or(Bound::Unbounded, Bound::Excluded);
    let (lo, hi) = prefix_range(&prefix);
    match &cond.range {
        None => (lo, hi),
        Some(RangeCondition::Eq(v)) => (Bound::Included(at(v)), after(v)),
        Some(RangeCondition::Lt(v)) => (lo, Bound::Excluded(at(v))),
        Some(RangeCondition::Le(v)) => (lo, after(v)),
        Some(RangeCondition::Gt(v)) => match prefix_end(&at(v)) {
            Some(k) => (Bound::Included(k), hi),
            // Nothing sorts after all-0xFF keys: an empty range.
            None => (Bound::Excluded(at(v)), Bound::Excluded(at(v))),
        },
        Some(RangeCondition::Ge(v)) => (Bound::Included(at(v)), hi),
        Some(RangeCondition::Between(a, b)) => (Bound::Included(at(a)), after(b)),
        Some(RangeCondition::BeginsWith(v)) => {
            let mut k = prefix.clone();
            // The escaped bytes without the terminator: every key that starts with them.
            let mut e = encoded(v);
            e.truncate(e.len().saturating_sub(2));
            k.extend_from_slice(&e);
            prefix_range(&k)
        }
    }
}

/// What to return of each item, from Select and the projection parameters.
enum Output {
    Count,
    Items { all_attributes: bool, projection: Option<expr::Projection> },
}

fn output(
    select: Option<&Select>,
    projection: Option<expr::Projection>,
    src: &Source,
    legacy_attrs: bool,
) -> Result<Output> {
    let what = if legacy_attrs { "AttributesToGet" } else { "ProjectionExpression" };
    let all_attributes = |src: &Source| -> Result<bool> {
        match src.index {
            Some(i) if i.global && !i.is_all() => Err(invalid(format!(
                "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index {} because its projection type is not ALL",
                i.name
            ))),
            _ => Ok(true),
        }
    };
    match select {
        Some(Select::Count) => {
            if projection.is_some() {
                return Err(invalid(format!(
                    "One or more parameter values were invalid: Cannot specify the {what} when choosing to get only the Count"
                )));
            }
            Ok(Output::Count)
        }
        Some(Select::AllAttributes) => {
            if projection.is_some() {
                return Err(invalid(format!(
                    "One or more parameter values were invalid: Cannot specify the {what} when choosing to get ALL_ATTRIBUTES"
                )));
            }
            Ok(Output::Items { all_attributes: all_attributes(src)?, projection: None })
        }
        Some(Select::AllProjectedAttributes) => {
            if src.index.is_none() {
                return Err(invalid(
                    "One or more parameter values were invalid: ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName",
                ));
            }
            if projection.is_some() {
                return Err(invalid(format!(
                    "One or more parameter values were invalid: Cannot specify the {what} when choosing to get ALL_PROJECTED_ATTRIBUTES"
                )));
            }
            Ok(Output::Items { all_attributes: false, projection: None })
        }
        Some(Select::SpecificAttributes) | None if projection.is_some() => {
            // Local indexes fetch unprojected attributes from the table.
            let all = src.index.is_none_or(|i| !i.global);
            Ok(Output::Items { all_attributes: all, projection })
        }
        Some(Select::SpecificAttributes) => Err(invalid(
            "One or more parameter values were invalid: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES",
        )),
        _ => Ok(Output::Items { all_attributes: src.index.is_none(), projection: None }),
    }
}

struct Page {
    items: Vec<Item>,
    count: i32,
    scanned: i32,
    last: Option<Item>,
    bytes: usize,
}

fn run(
    src: &Source,
    range: Range,
    forward: bool,
    limit: Option<i32>,
    filter: Option<&Condition>,
    out: &Output,
) -> Result<Page> {
    let mut page = Page { items: Vec::new(), count: 0, scanned: 0, last: None, bytes: 0 };
    let limit = limit.map(|l| l.max(1));
    let all = matches!(out, Output::Items { all_attributes: true, .. });
    for full in src.read(range, forward) {
        let visible = src.visible(full, all);
        page.scanned += 1;
        page.bytes += item::item_size(&visible);
        // Only the item a page stops at needs its key (LastEvaluatedKey); what is visible
        // of an item always holds the table and index keys.
        let stop = limit == Some(page.scanned) || page.bytes >= PAGE_BYTES;
        if stop {
            page.last = Some(src.last_key(&visible));
        }
        if write::holds(filter, Some(&visible))? {
            page.count += 1;
            if let Output::Items { projection, .. } = out {
                page.items.push(match projection {
                    Some(p) => expr::project(p, &visible),
                    None => visible,
                });
            }
        }
        if stop {
            break;
        }
    }
    Ok(page)
}

fn type_name(def: &Option<(String, ScalarAttributeType)>) -> Option<&'static str> {
    def.as_ref().map(|(_, t)| keys::type_name(t))
}

fn filter_condition(
    cx: &mut ExprContext,
    expression: Option<&str>,
    legacy: Option<&rt::IndexMap<String, dynamodb_api::types::Condition>>,
    legacy_name: &str,
    operator: Option<&ConditionalOperator>,
) -> Result<Option<Condition>> {
    match (expression, legacy) {
        (Some(_), Some(_)) => Err(write::both_kinds(legacy_name, "FilterExpression")),
        (Some(e), None) => Ok(Some(expr::parse_filter(e, cx)?)),
        (None, Some(f)) => Ok(expr::legacy::filter_to_condition(f, operator)?),
        (None, None) => Ok(None),
    }
}

/// The top-level attributes a condition reads.
fn condition_roots<'c>(c: &'c Condition, out: &mut Vec<&'c str>) {
    let operand = |o: &'c expr::Operand, out: &mut Vec<&'c str>| match o {
        expr::Operand::Path(p) | expr::Operand::Size(p) => out.push(p.root()),
        expr::Operand::Value(_) => {}
    };
    match c {
        Condition::Compare(a, _, b) | Condition::BeginsWith(a, b) | Condition::Contains(a, b) => {
            operand(a, out);
            operand(b, out);
        }
        Condition::Between(a, b, c) => {
            for o in [a, b, c] {
                operand(o, out);
            }
        }
        Condition::In(a, list) => {
            operand(a, out);
            for o in list {
                operand(o, out);
            }
        }
        Condition::And(a, b) | Condition::Or(a, b) => {
            condition_roots(a, out);
            condition_roots(b, out);
        }
        Condition::Not(a) => condition_roots(a, out),
        Condition::Exists(p) | Condition::NotExists(p) => out.push(p.root()),
        Condition::AttributeType(p, o) => {
            out.push(p.root());
            operand(o, out);
        }
        Condition::True => {}
    }
}

fn check_consistent(src: &Source, consistent: Option<bool>) -> Result<()> {
    if consistent == Some(true) && src.index.is_some_and(|i| i.global) {
        return Err(invalid("Consistent reads are not supported on global secondary indexes"));
    }
    Ok(())
}

pub fn query(t: &Tables, input: QueryInput) -> Result<QueryOutput> {
    let name = table_name::resolve(&input.table_name);
    let table = t.by_name.get(name).ok_or_else(not_found)?;
    let src = Source::open(table, input.index_name.as_deref())?;
    check_consistent(&src, input.consistent_read)?;
    let key = src.key().clone();
    let mut cx =
        ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
    let range_name = key.range.as_ref().map(|r| r.0.as_str());
    let cond = match (&input.key_condition_expression, &input.key_conditions) {
        (Some(_), Some(_)) => return Err(write::both_kinds("KeyConditions", "KeyConditionExpression")),
        (Some(e), None) => expr::parse_key_condition(e, &mut cx, &key.hash.0, range_name)?,
        (None, Some(k)) => expr::legacy::key_conditions_to_key_condition(k, &key.hash.0, range_name)?,
        (None, None) => {
            return Err(invalid(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.",
            ))
        }
    };
    let filter = filter_condition(
        &mut cx,
        input.filter_expression.as_deref(),
        input.query_filter.as_ref(),
        "QueryFilter",
        input.conditional_operator.as_ref(),
    )?;
    let projection =
        write::projection(&mut cx, input.projection_expression.as_deref(), input.attributes_to_get.as_ref())?;
    cx.finish()?;
    if let (Some(f), Some(_)) = (&filter, &input.filter_expression) {
        let mut roots = Vec::new();
        condition_roots(f, &mut roots);
        if let Some(k) = roots.iter().find(|r| key.is_key(r)) {
            return Err(invalid(format!(
                "Filter Expression can only contain non-primary key attributes: Primary key attribute: {k}"
            )));
        }
    }
    cond.check_types(keys::type_name(&key.hash.1), type_name(&key.range))?;
    let out = output(input.select.as_ref(), projection, &src, input.attributes_to_get.is_some())?;
    let forward = input.scan_index_forward != Some(false);
    let mut range = key_range(&cond);
    if let Some(start) = &input.exclusive_start_key {
        range = resume(range, src.start_key(start)?, forward);
    }
    let page = run(&src, range, forward, input.limit, filter.as_ref(), &out)?;
    let consumed = src.consumed(input.return_consumed_capacity.as_ref(), page.bytes, input.consistent_read);
    Ok(QueryOutput {
        items: matches!(out, Output::Items { .. }).then_some(page.items),
        count: page.count,
        scanned_count: page.scanned,
        last_evaluated_key: page.last,
        consumed_capacity: consumed,
    })
}

/// The hash range of parallel-scan segment `segment` of `total`.
fn segment_range(segment: i32, total: i32) -> Range {
    let bound = |s: i32| -> u64 { ((s as u128) << 64).div_ceil(total as u128) as u64 };
    let lo = Bound::Included(keys::hash_bound(bound(segment)));
    let hi =
        if segment + 1 >= total { Bound::Unbounded } else { Bound::Excluded(keys::hash_bound(bound(segment + 1))) };
    (lo, hi)
}

pub fn scan(t: &Tables, input: ScanInput) -> Result<ScanOutput> {
    let name = table_name::resolve(&input.table_name);
    let table = t.by_name.get(name).ok_or_else(not_found)?;
    let src = Source::open(table, input.index_name.as_deref())?;
    check_consistent(&src, input.consistent_read)?;
    let range = match (input.segment, input.total_segments) {
        (None, None) => (Bound::Unbounded, Bound::Unbounded),
        (Some(_), None) => {
            return Err(invalid(
                "The TotalSegments parameter is required but was not present in the request when Segment parameter is present",
            ))
        }
        (None, Some(_)) => {
            return Err(invalid(
                "The Segment parameter is required but was not present in the request when parameter TotalSegments is present",
            ))
        }
        (Some(s), Some(total)) => {
            if s >= total {
                return Err(invalid(format!(
                    "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: {s} is not less than TotalSegments: {total}"
                )));
            }
            segment_range(s, total)
        }
    };
    let mut cx =
        ExprContext::new(input.expression_attribute_names.as_ref(), input.expression_attribute_values.as_ref());
    let filter = filter_condition(
        &mut cx,
        input.filter_expression.as_deref(),
        input.scan_filter.as_ref(),
        "ScanFilter",
        input.conditional_operator.as_ref(),
    )?;
    let projection =
        write::projection(&mut cx, input.projection_expression.as_deref(), input.attributes_to_get.as_ref())?;
    cx.finish()?;
    let out = output(input.select.as_ref(), projection, &src, input.attributes_to_get.is_some())?;
    let mut range = range;
    if let Some(start) = &input.exclusive_start_key {
        let start = src.start_key(start)?;
        if let Some(total) = input.total_segments {
            // A start key from another segment is a client error in AWS too.
            let seg = ((keys::hash_of(&start) as u128 * total as u128) >> 64) as i32;
            if Some(seg) != input.segment {
                return Err(invalid(
                    "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. TotalSegments: ".to_string()
                        + &format!("{total} Segment: {}", input.segment.unwrap_or(0)),
                ));
            }
        }
        range = resume(range, start, true);
    }
    let page = run(&src, range, true, input.limit, filter.as_ref(), &out)?;
    let consumed = src.consumed(input.return_consumed_capacity.as_ref(), page.bytes, input.consistent_read);
    Ok(ScanOutput {
        items: matches!(out, Output::Items { .. }).then_some(page.items),
        count: page.count,
        scanned_count: page.scanned,
        last_evaluated_key: page.last,
        consumed_capacity: consumed,
    })
}

/// PartiQL SELECT: a key range when the WHERE clause fixes the partition key, else a scan;
/// `keep` filters and `output` projects. Returns the page and the key to resume after.
pub fn select(
    table: &Table,
    index: Option<&str>,
    cond: Option<&KeyCondition>,
    start: Option<&Item>,
    limit: Option<i32>,
    keep: impl Fn(&Item) -> bool,
    output: impl Fn(&Item) -> Item,
) -> Result<(Vec<Item>, Option<Item>)> {
    let src = Source::open(table, index)?;
    let mut range = cond.map_or((Bound::Unbounded, Bound::Unbounded), key_range);
    if let Some(start) = start {
        range = resume(range, src.start_key(start)?, true);
    }
    let (mut items, mut read, mut bytes) = (Vec::new(), 0, 0usize);
    for full in src.read(range, true) {
        let visible = src.visible(full, false);
        read += 1;
        bytes += item::item_size(&visible);
        if keep(&visible) {
            items.push(output(&visible));
        }
        if limit == Some(read) || bytes >= PAGE_BYTES {
            return Ok((items, Some(src.last_key(&visible))));
        }
    }
    Ok((items, None))
}
