//! ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL statements
//! (parsed by `partiql`) run over the same storage and write path as the item operations.

use dynamodb_api::types::*;

use crate::error::{invalid, not_found, Error, Result, CONDITION_FAILED, DUPLICATE};
use crate::item::{self, Item};
use crate::keys;
use crate::partiql::{self, Statement, WriteAction, WriteError};
use crate::read;
use crate::state::{Table, Tables};
use crate::table_name;
use crate::write;

const MAX_BATCH: usize = 25;
const MAX_TRANSACTION: usize = 100;

fn parse(statement: &str, parameters: Option<&Vec<AttributeValue>>) -> Result<Statement> {
    Ok(partiql::parse(statement, parameters.map_or(&[][..], |p| p.as_slice()))?)
}

fn key_names(table: &Table) -> (String, Option<String>) {
    let k = &table.items.key;
    (k.hash.0.clone(), k.range.as_ref().map(|r| r.0.clone()))
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A planned write: the key, the item before and after.
struct Planned {
    table: String,
    key: Item,
    old: Option<Item>,
    new: Option<Item>,
    returned: Option<Item>,
}

fn plan_write(t: &Tables, stmt: &Statement, return_old: bool) -> Result<Planned> {
    let table = t.by_name.get(table_name::resolve(stmt.table())).ok_or_else(not_found)?;
    let (hash, range) = key_names(table);
    let key = partiql::write_key(stmt, &hash, range.as_deref())?;
    keys::check_key(&table.items.key, &key)?;
    let old = table.items.get(&key);
    let outcome = match partiql::apply_write(stmt, &hash, range.as_deref(), old.as_ref()) {
        Ok(o) => o,
        Err(WriteError::ConditionalCheckFailed) => {
            return Err(Error::ConditionFailed(old.filter(|_| return_old)));
        }
        Err(WriteError::DuplicateItem) => return Err(Error::Duplicate),
        Err(WriteError::Invalid(e)) => return Err(e.into()),
    };
    let new = match outcome.action {
        WriteAction::Put(mut item) => {
            write::check_values(&mut item)?;
            keys::check_item_key(&table.items.key, &item)?;
            write::check_new_item(table, &item, !matches!(stmt, Statement::Insert(_)))?;
            Some(item)
        }
        WriteAction::Delete => None,
        WriteAction::Nothing => {
            return Ok(Planned { table: table.name.clone(), key, old: old.clone(), new: old, returned: None })
        }
    };
    Ok(Planned { table: table.name.clone(), key, old, new, returned: outcome.returned })
}

fn commit(t: &mut Tables, p: Planned) {
    if p.old == p.new {
        return;
    }
    if let Some((table, log)) = t.table_and_stream(&p.table) {
        write::commit(table, log, &p.key, p.old, p.new, false);
    }
}

pub fn execute(t: &mut Tables, input: ExecuteStatementInput) -> Result<ExecuteStatementOutput> {
    let stmt = parse(&input.statement, input.parameters.as_ref())?;
    if let Statement::Select(sel) = &stmt {
        let table = t.by_name.get(table_name::resolve(&sel.table)).ok_or_else(not_found)?;
        let key_def = match &sel.index {
            Some(i) => table
                .items
                .index(i)
                .ok_or_else(|| invalid(format!("The table does not have the specified index: {i}")))?
                .key
                .clone(),
            None => table.items.key.clone(),
        };
        let cond = sel.key_condition(&key_def.hash.0, key_def.range.as_ref().map(|r| r.0.as_str()));
        let start = match &input.next_token {
            Some(token) => Some(
                unhex(token)
                    .filter(|b| !b.is_empty())
                    .and_then(|b| item::try_decode(&b))
                    .ok_or_else(|| invalid("Invalid NextToken"))?,
            ),
            None => None,
        };
        let (items, last) = read::select(
            table,
            sel.index.as_deref(),
            cond.as_ref(),
            start.as_ref(),
            input.limit,
            |i| sel.matches(i),
            |i| sel.output(i),
        )?;
        let units = write::read_units(items.iter().map(item::item_size).sum(), input.consistent_read == Some(true));
        return Ok(ExecuteStatementOutput {
            items: Some(items),
            next_token: last.as_ref().map(|k| ferrostack_runtime::hex(&item::encode(k))),
            consumed_capacity: write::consumed(input.return_consumed_capacity.as_ref(), &table.name, units, &[], false),
            last_evaluated_key: None,
        });
    }
    let return_old =
        input.return_values_on_condition_check_failure.as_ref() == Some(&ReturnValuesOnConditionCheckFailure::AllOld);
    let planned = plan_write(t, &stmt, return_old)?;
    let units = write::write_units(planned.old.as_ref(), planned.new.as_ref());
    let consumed = write::consumed(input.return_consumed_capacity.as_ref(), &planned.table, units, &[], true);
    let returned = planned.returned.clone();
    commit(t, planned);
    Ok(ExecuteStatementOutput {
        items: Some(returned.into_iter().collect()),
        next_token: None,
        consumed_capacity: consumed,
        last_evaluated_key: None,
    })
}

fn batch_error(e: Error) -> BatchStatementError {
    let (code, message, item) = match e {
        Error::ConditionFailed(item) => {
            (BatchStatementErrorCodeEnum::ConditionalCheckFailed, CONDITION_FAILED.to_string(), item)
        }
        Error::Duplicate => (BatchStatementErrorCodeEnum::DuplicateItem, DUPLICATE.to_string(), None),
        Error::NotFound(m) => (BatchStatementErrorCodeEnum::ResourceNotFound, m, None),
        Error::Validation(m) => (BatchStatementErrorCodeEnum::ValidationError, m, None),
        other => (BatchStatementErrorCodeEnum::ValidationError, format!("{other:?}"), None),
    };
    BatchStatementError { code: Some(code), message: Some(message), item }
}

pub fn batch(t: &mut Tables, input: BatchExecuteStatementInput) -> Result<BatchExecuteStatementOutput> {
    if input.statements.len() > MAX_BATCH {
        return Err(invalid(format!(
            "1 validation error detected: Value at 'statements' failed to satisfy constraint: Member must have length less than or equal to {MAX_BATCH}"
        )));
    }
    let parsed: Vec<Result<Statement>> =
        input.statements.iter().map(|s| parse(&s.statement, s.parameters.as_ref())).collect();
    let reads = parsed.iter().filter(|s| matches!(s, Ok(s) if s.is_read())).count();
    if reads != 0 && reads != parsed.iter().filter(|s| s.is_ok()).count() {
        return Err(invalid("Statements in a batch must be all reads or all writes"));
    }
    let mut responses = Vec::with_capacity(parsed.len());
    for (request, stmt) in input.statements.iter().zip(parsed) {
        let table_of = |s: &Statement| Some(table_name::resolve(s.table()).to_string());
        let response = match stmt {
            Err(e) => BatchStatementResponse { error: Some(batch_error(e)), ..Default::default() },
            Ok(Statement::Select(sel)) => {
                let name = table_name::resolve(&sel.table).to_string();
                let found = (|| -> Result<Option<Item>> {
                    let table = t.by_name.get(&name).ok_or_else(not_found)?;
                    let (hash, range) = key_names(table);
                    let cond = sel
                        .key_condition(&hash, range.as_deref())
                        .filter(|c| range.is_none() || matches!(c.range, Some(crate::expr::RangeCondition::Eq(_))));
                    let Some(cond) = cond else {
                        return Err(invalid(
                            "Select statements within BatchExecuteStatement must specify the full primary key",
                        ));
                    };
                    let mut key = Item::new();
                    key.insert(hash, cond.hash_value.clone());
                    if let (Some(r), Some(crate::expr::RangeCondition::Eq(v))) = (range, &cond.range) {
                        key.insert(r, v.clone());
                    }
                    Ok(table.items.get(&key).filter(|i| sel.matches(i)).map(|i| sel.output(&i)))
                })();
                match found {
                    Ok(item) => BatchStatementResponse { table_name: Some(name), item, error: None },
                    Err(e) => {
                        BatchStatementResponse { table_name: Some(name), error: Some(batch_error(e)), item: None }
                    }
                }
            }
            Ok(stmt) => {
                let return_old = request.return_values_on_condition_check_failure.as_ref()
                    == Some(&ReturnValuesOnConditionCheckFailure::AllOld);
                match plan_write(t, &stmt, return_old) {
                    Ok(p) => {
                        commit(t, p);
                        BatchStatementResponse { table_name: table_of(&stmt), ..Default::default() }
                    }
                    Err(e) => {
                        BatchStatementResponse { table_name: table_of(&stmt), error: Some(batch_error(e)), item: None }
                    }
                }
            }
        };
        responses.push(response);
    }
    Ok(BatchExecuteStatementOutput { responses: Some(responses), consumed_capacity: None })
}

pub fn transaction(t: &mut Tables, input: ExecuteTransactionInput) -> Result<ExecuteTransactionOutput> {
    if input.transact_statements.len() > MAX_TRANSACTION {
        return Err(invalid(format!(
            "1 validation error detected: Value at 'transactStatements' failed to satisfy constraint: Member must have length less than or equal to {MAX_TRANSACTION}"
        )));
    }
    let stmts: Vec<Statement> =
        input.transact_statements.iter().map(|s| parse(&s.statement, s.parameters.as_ref())).collect::<Result<_>>()?;
    let reads = stmts.iter().filter(|s| s.is_read()).count();
    if reads != 0 && reads != stmts.len() {
        return Err(invalid("Transaction must contain either all reads or all writes"));
    }
    if reads > 0 {
        let mut responses = Vec::with_capacity(stmts.len());
        for stmt in &stmts {
            let Statement::Select(sel) = stmt else { unreachable!("all reads") };
            let table = t.by_name.get(table_name::resolve(&sel.table)).ok_or_else(not_found)?;
            let (hash, range) = key_names(table);
            let cond = sel.key_condition(&hash, range.as_deref());
            let (items, _) =
                read::select(table, None, cond.as_ref(), None, Some(1), |i| sel.matches(i), |i| sel.output(i))?;
            responses.push(ItemResponse { item: items.into_iter().next() });
        }
        return Ok(ExecuteTransactionOutput { responses: Some(responses), consumed_capacity: None });
    }
    let mut plans = Vec::with_capacity(stmts.len());
    let mut reasons = Vec::with_capacity(stmts.len());
    let mut failed = false;
    let mut seen = std::collections::HashSet::new();
    for (stmt, request) in stmts.iter().zip(&input.transact_statements) {
        let return_old = request.return_values_on_condition_check_failure.as_ref()
            == Some(&ReturnValuesOnConditionCheckFailure::AllOld);
        match plan_write(t, stmt, return_old) {
            Ok(p) => {
                if !seen.insert((p.table.clone(), format!("{:?}", p.key))) {
                    return Err(invalid("Transaction request cannot include multiple operations on one item"));
                }
                reasons.push(CancellationReason { code: Some("None".into()), ..Default::default() });
                plans.push(p);
            }
            Err(Error::ConditionFailed(item)) => {
                failed = true;
                reasons.push(CancellationReason {
                    code: Some("ConditionalCheckFailed".into()),
                    message: Some(CONDITION_FAILED.into()),
                    item,
                });
            }
            Err(Error::Duplicate) => {
                failed = true;
                reasons.push(CancellationReason {
                    code: Some("DuplicateItem".into()),
                    message: Some(DUPLICATE.into()),
                    item: None,
                });
            }
            Err(e) => return Err(e),
        }
    }
    if failed {
        return Err(Error::Canceled(reasons));
    }
    for p in plans {
        commit(t, p);
    }
    Ok(ExecuteTransactionOutput { responses: None, consumed_capacity: None })
}
