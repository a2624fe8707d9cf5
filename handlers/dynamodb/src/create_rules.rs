//! CreateTable's consistency rules between key schemas, attribute definitions, indexes and
//! billing, checked in the order DynamoDB checks them so the first message matches.
//! Every failure is a `ValidationException`.

use std::collections::HashSet;

use dynamodb_api::types::*;

use crate::table_name;

const INVALID: &str = "One or more parameter values were invalid:";
/// Capacity units above this are rejected outright.
const MAX_CAPACITY_UNITS: i64 = 1_000_000_000_000;
const MAX_LOCAL_INDEXES: usize = 5;
const MAX_GLOBAL_INDEXES: usize = 20;

fn list(names: &[&str]) -> String {
    format!("[{}]", names.join(", "))
}

pub fn check(input: &CreateTableInput) -> Result<(), String> {
    table_name::check(&input.table_name, "tableName")?;
    let on_demand = matches!(input.billing_mode, Some(BillingMode::PayPerRequest));
    check_billing(on_demand, input.provisioned_throughput.as_ref())?;

    let defined: Vec<&str> = input.attribute_definitions.iter().map(|d| d.attribute_name.as_str()).collect();
    check_key_schema(&input.key_schema, "keySchema", &defined)?;

    let locals = input.local_secondary_indexes.as_deref();
    let globals = input.global_secondary_indexes.as_deref();
    let has_indexes = locals.is_some() || globals.is_some();
    if !has_indexes && input.key_schema.len() != defined.len() {
        return Err(format!(
            "{INVALID} Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions"
        ));
    }

    let mut index_names = HashSet::new();
    if let Some(locals) = locals {
        check_local_indexes(locals, &input.key_schema, &defined, &mut index_names)?;
    }
    if let Some(globals) = globals {
        check_global_indexes(globals, on_demand, &defined, &mut index_names)?;
    }

    if has_indexes {
        // Every definition must be used by the table or some index key.
        let used: Vec<&str> = input
            .key_schema
            .iter()
            .chain(locals.into_iter().flatten().flat_map(|i| &i.key_schema))
            .chain(globals.into_iter().flatten().flat_map(|i| &i.key_schema))
            .map(|k| k.attribute_name.as_str())
            .fold(Vec::new(), |mut acc, n| {
                if !acc.contains(&n) {
                    acc.push(n);
                }
                acc
            });
        if defined.iter().any(|d| !used.contains(d)) {
            let mut defs = defined.clone();
            defs.sort_unstable();
            let mut keys = used.clone();
            keys.sort_unstable();
            return Err(format!(
                "{INVALID} Some AttributeDefinitions are not used. AttributeDefinitions: {}, keys used: {}",
                list(&defs),
                list(&keys)
            ));
        }
    }

    if let Some(stream) = &input.stream_specification {
        if stream.stream_enabled && stream.stream_view_type.is_none() {
            return Err(format!("{INVALID} StreamViewType must be specified when StreamEnabled is true"));
        }
    }
    Ok(())
}

fn check_billing(on_demand: bool, throughput: Option<&ProvisionedThroughput>) -> Result<(), String> {
    match (on_demand, throughput) {
        (true, Some(_)) => Err(format!(
            "{INVALID} Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
        )),
        (true, None) => Ok(()),
        (false, None) => Err(format!(
            "{INVALID} ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )),
        (false, Some(t)) => check_capacity(t, "provisionedThroughput"),
    }
}

fn check_capacity(t: &ProvisionedThroughput, field: &str) -> Result<(), String> {
    for (value, name, member) in [
        (t.read_capacity_units, "ReadCapacityUnits", "readCapacityUnits"),
        (t.write_capacity_units, "WriteCapacityUnits", "writeCapacityUnits"),
    ] {
        if value < 1 {
            return Err(format!(
                "1 validation error detected: Value '{value}' at '{field}.{member}' failed to satisfy constraint: Member must have value greater than or equal to 1"
            ));
        }
        if value > MAX_CAPACITY_UNITS {
            return Err(format!("Given value {value} for {name} is out of bounds"));
        }
    }
    Ok(())
}

/// One HASH key first, optionally one RANGE key second, all defined.
fn check_key_schema(keys: &[KeySchemaElement], field: &str, defined: &[&str]) -> Result<(), String> {
    if keys.is_empty() || keys.len() > 2 {
        let bound = if keys.is_empty() { "greater than or equal to 1" } else { "less than or equal to 2" };
        return Err(format!(
            "1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must have length {bound}"
        ));
    }
    let names: Vec<&str> = keys.iter().map(|k| k.attribute_name.as_str()).collect();
    if names.len() > defined.len() {
        return Err("Invalid KeySchema: Some index key attribute have no definition".to_string());
    }
    if names.iter().any(|n| !defined.contains(n)) {
        return Err(format!(
            "{INVALID} Some index key attributes are not defined in AttributeDefinitions. Keys: {}, AttributeDefinitions: {}",
            list(&names),
            list(defined)
        ));
    }
    if names.len() == 2 && names[0] == names[1] {
        return Err("Both the Hash Key and the Range Key element in the KeySchema have the same name".to_string());
    }
    if keys[0].key_type != KeyType::Hash {
        return Err("Invalid KeySchema: The first KeySchemaElement is not a HASH key type".to_string());
    }
    if keys.len() == 2 && keys[1].key_type != KeyType::Range {
        return Err("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type".to_string());
    }
    Ok(())
}

fn check_projection(p: &Projection) -> Result<(), String> {
    let Some(kind) = &p.projection_type else {
        return Err(format!("{INVALID} Unknown ProjectionType: null"));
    };
    if p.non_key_attributes.is_some() && *kind != ProjectionType::Include {
        return Err(format!("{INVALID} ProjectionType is {}, but NonKeyAttributes is specified", kind.as_str()));
    }
    Ok(())
}

fn check_local_indexes(
    indexes: &[LocalSecondaryIndex],
    table_keys: &[KeySchemaElement],
    defined: &[&str],
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    if indexes.is_empty() {
        return Err(format!("{INVALID} List of LocalSecondaryIndexes is empty"));
    }
    if table_keys.len() != 2 {
        return Err(format!(
            "{INVALID} Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        ));
    }
    let table_hash = table_keys[0].attribute_name.as_str();
    for index in indexes {
        table_name::check(&index.index_name, "indexName")?;
        check_key_schema(&index.key_schema, "localSecondaryIndexes.member.keySchema", defined)?;
        if index.key_schema.len() != 2 {
            return Err(format!("{INVALID} Index KeySchema does not have a range key for index: {}", index.index_name));
        }
        let index_hash = index.key_schema[0].attribute_name.as_str();
        if index_hash != table_hash {
            return Err(format!(
                "{INVALID} Index KeySchema does not have the same leading hash key as table KeySchema for index: {}. index hash key: {index_hash}, table hash key: {table_hash}",
                index.index_name
            ));
        }
        check_projection(&index.projection)?;
        if !seen.insert(index.index_name.clone()) {
            return Err(format!("{INVALID} Duplicate index name: {}", index.index_name));
        }
    }
    if indexes.len() > MAX_LOCAL_INDEXES {
        return Err(format!(
            "{INVALID} Number of LocalSecondaryIndexes exceeds per-table limit of {MAX_LOCAL_INDEXES}"
        ));
    }
    Ok(())
}

fn check_global_indexes(
    indexes: &[GlobalSecondaryIndex],
    on_demand: bool,
    defined: &[&str],
    seen: &mut HashSet<String>,
) -> Result<(), String> {
    if indexes.is_empty() {
        return Err(format!("{INVALID} List of GlobalSecondaryIndexes is empty"));
    }
    for index in indexes {
        table_name::check(&index.index_name, "indexName")?;
        check_key_schema(&index.key_schema, "globalSecondaryIndexes.member.keySchema", defined)?;
        check_projection(&index.projection)?;
        match (&index.provisioned_throughput, on_demand) {
            (Some(_), true) => {
                return Err(format!(
                    "{INVALID} ProvisionedThroughput should not be specified for index: {} when BillingMode is PAY_PER_REQUEST",
                    index.index_name
                ))
            }
            (None, false) => {
                return Err(format!("{INVALID} ProvisionedThroughput must be specified for index: {}", index.index_name))
            }
            (Some(t), false) => check_capacity(t, "globalSecondaryIndexes.member.provisionedThroughput")?,
            (None, true) => {}
        }
        if !seen.insert(index.index_name.clone()) {
            return Err(format!("{INVALID} Duplicate index name: {}", index.index_name));
        }
    }
    if indexes.len() > MAX_GLOBAL_INDEXES {
        return Err(format!(
            "{INVALID} GlobalSecondaryIndex count exceeds the per-table limit of {MAX_GLOBAL_INDEXES}"
        ));
    }
    Ok(())
}
