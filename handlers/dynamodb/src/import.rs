//! ImportTable, DescribeImport, ListImports: a new table filled from S3 objects (read through
//! the in-process S3 handler) under a key prefix, in DynamoDB JSON (`{"Item": {...}}` a line)
//! or CSV, optionally gzip-compressed.
//!
//! The objects are read before the call answers; lines that do not parse or whose item lacks
//! the table's key (with the right types) are counted in ErrorCount and skipped, as AWS does.
//! The answer says IN_PROGRESS, as AWS's does; the next DescribeImport says COMPLETED (or
//! FAILED, with no table created, when S3 cannot be read). ION and ZSTD are not emulated.

use std::io::Read;

use dynamodb_api::error::ImportTableError;
use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::ddb_json;
use crate::item::Item;
use crate::keys::{self, KeyDef};
use crate::s3io::{Failure, S3};
use crate::{create_rules, describe, extras, s3io, write, Handler};

const LIST_MAX: usize = 25;

/// The CreateTable request an import's table creation parameters amount to.
pub fn create_input(p: &TableCreationParameters) -> CreateTableInput {
    CreateTableInput {
        attribute_definitions: p.attribute_definitions.clone(),
        table_name: p.table_name.clone(),
        key_schema: p.key_schema.clone(),
        global_secondary_indexes: p.global_secondary_indexes.clone(),
        billing_mode: p.billing_mode.clone(),
        provisioned_throughput: p.provisioned_throughput.clone(),
        sse_specification: p.sse_specification.clone(),
        on_demand_throughput: p.on_demand_throughput.clone(),
        ..Default::default()
    }
}

/// What was read from S3.
#[derive(Default)]
pub struct Loaded {
    pub items: Vec<Item>,
    pub errors: i64,
    pub processed_items: i64,
    pub processed_bytes: i64,
}

fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .map_err(|e| ("InvalidInput".to_string(), format!("Unable to decompress the object as GZIP: {e}")))?;
    Ok(out)
}

/// Splits one CSV record into fields (RFC 4180 quoting; `"` doubled inside quotes).
fn csv_records(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    field.push('"');
                    chars.next();
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == delimiter {
            record.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            record.push(std::mem::take(&mut field));
            if !(record.len() == 1 && record[0].is_empty()) {
                records.push(std::mem::take(&mut record));
            }
            record.clear();
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// A CSV value as an attribute: key attributes take their defined type, the rest are strings.
fn csv_value(key: &KeyDef, name: &str, text: String) -> Option<AttributeValue> {
    let kind = key.attributes().find(|(n, _)| n == name).map(|(_, t)| t.clone());
    Some(match kind {
        Some(ScalarAttributeType::N) => AttributeValue::N(text),
        Some(ScalarAttributeType::B) => {
            use base64::Engine;
            AttributeValue::B(rt::Bytes::from(base64::engine::general_purpose::STANDARD.decode(&text).ok()?))
        }
        _ => AttributeValue::S(text),
    })
}

fn valid(key: &KeyDef, item: &Item) -> bool {
    keys::check_item_key(key, item).is_ok()
}

/// Reads every object under the prefix into items.
pub async fn load(s3: Result<S3, Failure>, input: &ImportTableInput, key: &KeyDef) -> Result<Loaded, Failure> {
    let s3 = s3?;
    let source = &input.s3_bucket_source;
    let prefix = source.s3_key_prefix.clone().unwrap_or_default();
    let objects = s3.list(&source.s3_bucket, &prefix).await?;
    let mut loaded = Loaded::default();
    let csv = input.input_format_options.as_ref().and_then(|o| o.csv.as_ref());
    let delimiter = csv.and_then(|c| c.delimiter.as_deref()).and_then(|d| d.chars().next()).unwrap_or(',');
    for (object, size) in objects {
        if object.ends_with('/') {
            continue;
        }
        let mut body = s3.get(&source.s3_bucket, &object).await?;
        loaded.processed_bytes += size;
        if input.input_compression_type == Some(InputCompressionType::Gzip) {
            body = gunzip(&body)?;
        }
        let text = String::from_utf8_lossy(&body);
        match input.input_format {
            InputFormat::Csv => {
                let mut records = csv_records(&text, delimiter).into_iter();
                let header = match csv.and_then(|c| c.header_list.clone()) {
                    Some(h) => h,
                    None => records.next().unwrap_or_default(),
                };
                for record in records {
                    loaded.processed_items += 1;
                    let item: Option<Item> = header
                        .iter()
                        .zip(record)
                        .filter(|(_, v)| !v.is_empty())
                        .map(|(name, v)| Some((name.clone(), csv_value(key, name, v)?)))
                        .collect();
                    match item.filter(|i| valid(key, i)) {
                        Some(i) => loaded.items.push(i),
                        None => loaded.errors += 1,
                    }
                }
            }
            _ => {
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    loaded.processed_items += 1;
                    match ddb_json::parse_line(line).filter(|i| valid(key, i)) {
                        Some(i) => loaded.items.push(i),
                        None => loaded.errors += 1,
                    }
                }
            }
        }
    }
    Ok(loaded)
}

/// Whether a retried request (same client token) asks for the same import.
pub fn same_request(d: &ImportTableDescription, input: &ImportTableInput) -> bool {
    d.s3_bucket_source.as_ref() == Some(&input.s3_bucket_source)
        && d.input_format.as_ref() == Some(&input.input_format)
        && d.table_creation_parameters.as_ref() == Some(&input.table_creation_parameters)
}

pub fn list(
    imports: &std::collections::BTreeMap<String, ImportTableDescription>,
    input: ListImportsInput,
) -> Result<ListImportsOutput, String> {
    let limit = input.page_size.map_or(LIST_MAX, |m| (m.max(1) as usize).min(LIST_MAX));
    let start = match &input.next_token {
        Some(t) => t.parse::<usize>().map_err(|_| "Invalid NextToken".to_string())?,
        None => 0,
    };
    let mut matching: Vec<&ImportTableDescription> = imports
        .values()
        .filter(|d| input.table_arn.as_deref().is_none_or(|a| d.table_arn.as_deref() == Some(a)))
        .collect();
    matching.sort_by_key(|d| (d.start_time.map(|t| t.as_millis()), d.import_arn.clone()));
    let page: Vec<ImportSummary> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|d| ImportSummary {
            import_arn: d.import_arn.clone(),
            import_status: d.import_status.clone(),
            table_arn: d.table_arn.clone(),
            s3_bucket_source: d.s3_bucket_source.clone(),
            cloud_watch_log_group_arn: d.cloud_watch_log_group_arn.clone(),
            input_format: d.input_format.clone(),
            start_time: d.start_time,
            end_time: d.end_time,
        })
        .collect();
    let next = start + page.len();
    Ok(ListImportsOutput {
        import_summary_list: Some(page),
        next_token: (next < matching.len()).then(|| next.to_string()),
    })
}

pub async fn import_table(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: ImportTableInput,
) -> Result<ImportTableOutput, ImportTableError> {
    if input.input_format == InputFormat::Ion {
        return Err(rt::CommonError::NotImplemented("ImportTable with InputFormat ION").into());
    }
    if input.input_compression_type == Some(InputCompressionType::Zstd) {
        return Err(rt::CommonError::NotImplemented("ImportTable with InputCompressionType ZSTD").into());
    }
    if input.input_format_options.as_ref().is_some_and(|o| o.csv.is_some()) && input.input_format != InputFormat::Csv {
        return Err(
            rt::CommonError::validation("InputFormatOptions CSV can only be specified with InputFormat CSV").into()
        );
    }
    let create = create_input(&input.table_creation_parameters);
    create_rules::check(&create).map_err(rt::CommonError::Validation)?;
    let key = keys::KeyDef::new(&create.key_schema, &create.attribute_definitions);
    let name = create.table_name.clone();
    let table_arn = describe::table_arn(ctx, &name);
    let table_id = rt::request_id();
    let started =
        h.with_both(ctx, |t, x| -> Result<Result<ImportTableDescription, ImportTableDescription>, ImportTableError> {
            if let Some(token) = &input.client_token {
                if let Some(d) = x.imports.values().find(|d| d.client_token.as_deref() == Some(token.as_str())) {
                    if same_request(d, &input) {
                        return Ok(Err(d.clone()));
                    }
                    return Err(ImportConflictException {
                        message: Some(format!(
                            "An import with client token {token} already exists with different parameters"
                        )),
                    }
                    .into());
                }
            }
            let importing = x.imports.values().any(|d| {
                d.table_arn.as_deref() == Some(table_arn.as_str()) && d.import_status == Some(ImportStatus::InProgress)
            });
            if t.by_name.contains_key(&name) || importing {
                return Err(ResourceInUseException { message: Some(format!("Table already exists: {name}")) }.into());
            }
            let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
            let d = ImportTableDescription {
                import_arn: Some(format!("{table_arn}/import/{:014}-{}", now.as_millis(), extras::hex8())),
                import_status: Some(ImportStatus::InProgress),
                table_arn: Some(table_arn.clone()),
                table_id: Some(table_id.clone()),
                client_token: input.client_token.clone(),
                s3_bucket_source: Some(input.s3_bucket_source.clone()),
                cloud_watch_log_group_arn: Some(format!(
                    "arn:aws:logs:{}:{}:log-group:/aws-dynamodb/imports:*",
                    ctx.region, ctx.account_id
                )),
                input_format: Some(input.input_format.clone()),
                input_format_options: input.input_format_options.clone(),
                input_compression_type: Some(
                    input.input_compression_type.clone().unwrap_or(InputCompressionType::None),
                ),
                table_creation_parameters: Some(input.table_creation_parameters.clone()),
                start_time: Some(now),
                ..Default::default()
            };
            x.imports.insert(d.import_arn.clone().unwrap_or_default(), d.clone());
            Ok(Ok(d))
        })?;
    let answer = match started {
        Ok(d) => d,
        Err(existing) => return Ok(ImportTableOutput { import_table_description: existing }),
    };
    let loaded = load(s3io::S3::new(&h.peers, ctx), &input, &key).await;
    let arn = answer.import_arn.clone().unwrap_or_default();
    h.with_both(ctx, |t, x| {
        let mut d = answer.clone();
        d.end_time = Some(rt::DateTime::from_millis(rt::DateTime::now().as_millis()));
        match loaded {
            Ok(loaded) if !t.by_name.contains_key(&name) => {
                let mut table = describe::new_table(ctx, create);
                table.id = table_id;
                let indexes = std::mem::take(&mut table.items.indexes);
                let mut imported = 0;
                let mut errors = loaded.errors;
                for mut item in loaded.items {
                    if write::check_values(&mut item).is_err() {
                        errors += 1;
                        continue;
                    }
                    table.items.put(item);
                    imported += 1;
                }
                for index in indexes {
                    table.items.backfill(index);
                }
                t.by_name.insert(name.clone(), table);
                d.import_status = Some(ImportStatus::Completed);
                d.imported_item_count = imported;
                d.processed_item_count = loaded.processed_items;
                d.processed_size_bytes = Some(loaded.processed_bytes);
                d.error_count = errors;
            }
            Ok(_) => {
                d.import_status = Some(ImportStatus::Failed);
                d.failure_code = Some("ResourceInUseException".into());
                d.failure_message = Some(format!("Table already exists: {name}"));
            }
            Err((code, message)) => {
                d.import_status = Some(ImportStatus::Failed);
                d.failure_code = Some(code);
                d.failure_message = Some(message);
            }
        }
        x.imports.insert(arn, d);
    });
    Ok(ImportTableOutput { import_table_description: answer })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quoting() {
        let r = csv_records("a,b\n\"x,1\",\"say \"\"hi\"\"\"\r\n\nlast,", ',');
        assert_eq!(r, vec![vec!["a", "b"], vec!["x,1", "say \"hi\""], vec!["last", ""]]);
    }
}
