//! ExportTableToPointInTime, DescribeExport, ListExports: a full export of a table written
//! to S3 (through the in-process S3 handler) in DynamoDB's layout:
//!
//! ```text
//! <prefix>/AWSDynamoDB/<export id>/manifest-summary.json
//! <prefix>/AWSDynamoDB/<export id>/manifest-summary.md5
//! <prefix>/AWSDynamoDB/<export id>/manifest-files.json   (one JSON object per data file)
//! <prefix>/AWSDynamoDB/<export id>/manifest-files.md5
//! <prefix>/AWSDynamoDB/<export id>/data/<name>.json.gz   (DynamoDB JSON, one item a line)
//! ```
//!
//! The table is read when the request arrives (an export time, when given, must lie in the
//! table's recoverable window; the state exported is the current one: no history is kept).
//! The files are written before the call answers, so the next DescribeExport says COMPLETED
//! (or FAILED with S3's reason, e.g. `S3NoSuchBucket`); the answer itself says IN_PROGRESS,
//! as AWS's does. ION output and incremental exports are not emulated.

use std::io::Write;

use base64::Engine;
use dynamodb_api::error::ExportTableToPointInTimeError;
use dynamodb_api::types::*;
use ferrostack_runtime as rt;
use md5::{Digest, Md5};
use serde_json::json;

use crate::ddb_json;
use crate::extras::hex8;
use crate::item::Item;
use crate::s3io::{Failure, S3};
use crate::{backup, s3io, table_name, Handler};

/// Items per data file.
const ITEMS_PER_FILE: usize = 10_000;
const LIST_MAX: usize = 25;

/// What the request fixed, read under the lock; written out after it is released.
pub struct Job {
    pub description: ExportDescription,
    pub items: Vec<Item>,
    pub bucket: String,
    /// The export's folder: `<prefix>/AWSDynamoDB/<export id>` (no prefix: no leading slash).
    pub folder: String,
}

pub fn new_job(table: &crate::state::Table, input: &ExportTableToPointInTimeInput, export_time: rt::DateTime) -> Job {
    let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
    let id = format!("{:014}-{}", now.as_millis(), hex8());
    let arn = format!("{}/export/{id}", table.arn);
    let folder = match input.s3_prefix.as_deref().map(|p| p.trim_end_matches('/')) {
        Some(p) if !p.is_empty() => format!("{p}/AWSDynamoDB/{id}"),
        _ => format!("AWSDynamoDB/{id}"),
    };
    let description = ExportDescription {
        export_arn: Some(arn),
        export_status: Some(ExportStatus::InProgress),
        start_time: Some(now),
        table_arn: Some(table.arn.clone()),
        table_id: Some(table.id.clone()),
        export_time: Some(export_time),
        client_token: input.client_token.clone(),
        s3_bucket: Some(input.s3_bucket.clone()),
        s3_bucket_owner: input.s3_bucket_owner.clone(),
        s3_prefix: input.s3_prefix.clone(),
        s3_sse_algorithm: Some(input.s3_sse_algorithm.clone().unwrap_or(S3SseAlgorithm::Aes256)),
        s3_sse_kms_key_id: input.s3_sse_kms_key_id.clone(),
        export_format: Some(ExportFormat::DynamodbJson),
        export_type: Some(ExportType::FullExport),
        ..Default::default()
    };
    Job { description, items: table.items.scan_all().collect(), bucket: input.s3_bucket.clone(), folder }
}

fn gzip(text: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(text);
    enc.finish().unwrap_or_default()
}

fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn md5_b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(Md5::digest(bytes))
}

/// Writes the export; answers the settled description.
pub async fn run(s3: Result<S3, Failure>, job: Job) -> ExportDescription {
    let mut d = job.description.clone();
    match write(s3, &job).await {
        Ok((bytes, manifest)) => {
            d.export_status = Some(ExportStatus::Completed);
            d.item_count = Some(job.items.len() as i64);
            d.billed_size_bytes = Some(bytes);
            d.export_manifest = Some(manifest);
        }
        Err((code, message)) => {
            d.export_status = Some(ExportStatus::Failed);
            d.failure_code = Some(code);
            d.failure_message = Some(message);
        }
    }
    d.end_time = Some(rt::DateTime::from_millis(rt::DateTime::now().as_millis()));
    d
}

async fn write(s3: Result<S3, Failure>, job: &Job) -> Result<(i64, String), Failure> {
    let s3 = s3?;
    let folder = &job.folder;
    // AWS writes this marker first; it also surfaces a missing bucket before any data.
    s3.put(&job.bucket, &format!("{folder}/_started"), Vec::new()).await?;
    let mut files = String::new();
    let mut billed = 0i64;
    for chunk in job.items.chunks(ITEMS_PER_FILE) {
        let mut text = String::new();
        for item in chunk {
            text.push_str(&ddb_json::line(item));
            text.push('\n');
        }
        billed += text.len() as i64;
        let body = gzip(text.as_bytes());
        let key = format!("{folder}/data/{}{}.json.gz", hex8(), hex8());
        let md5 = md5_b64(&body);
        let etag = s3.put(&job.bucket, &key, body).await?;
        files.push_str(
            &json!({"itemCount": chunk.len(), "md5Checksum": md5, "etag": etag, "dataFileS3Key": key}).to_string(),
        );
        files.push('\n');
    }
    let files_key = format!("{folder}/manifest-files.json");
    s3.put(&job.bucket, &format!("{folder}/manifest-files.md5"), md5_hex(files.as_bytes()).into_bytes()).await?;
    s3.put(&job.bucket, &files_key, files.into_bytes()).await?;
    let d = &job.description;
    let time = |t: Option<rt::DateTime>| t.map(|t| t.to_rfc3339());
    let summary = json!({
        "version": "2020-06-30",
        "exportArn": d.export_arn,
        "startTime": time(d.start_time),
        "endTime": rt::DateTime::now().to_rfc3339(),
        "tableArn": d.table_arn,
        "tableId": d.table_id,
        "exportTime": time(d.export_time),
        "s3Bucket": job.bucket,
        "s3Prefix": d.s3_prefix,
        "s3SseAlgorithm": d.s3_sse_algorithm.as_ref().map(|a| match a {
            S3SseAlgorithm::Kms => "KMS",
            _ => "AES256",
        }),
        "s3SseKmsKeyId": d.s3_sse_kms_key_id,
        "manifestFilesS3Key": files_key,
        "billedSizeBytes": billed,
        "itemCount": job.items.len(),
        "outputFormat": "DYNAMODB_JSON",
        "exportType": "FULL_EXPORT",
    })
    .to_string();
    let summary_key = format!("{folder}/manifest-summary.json");
    s3.put(&job.bucket, &format!("{folder}/manifest-summary.md5"), md5_hex(summary.as_bytes()).into_bytes()).await?;
    s3.put(&job.bucket, &summary_key, summary.into_bytes()).await?;
    Ok((billed, summary_key))
}

/// Whether a retried request (same client token) asks for the same export.
pub fn same_request(d: &ExportDescription, input: &ExportTableToPointInTimeInput) -> bool {
    d.table_arn.as_deref() == Some(input.table_arn.as_str())
        && d.s3_bucket.as_deref() == Some(input.s3_bucket.as_str())
        && d.s3_prefix == input.s3_prefix
        && d.s3_bucket_owner == input.s3_bucket_owner
        && input.export_time.is_none_or(|t| d.export_time.map(|e| e.as_millis()) == Some(t.as_millis()))
}

pub fn list(
    exports: &std::collections::BTreeMap<String, ExportDescription>,
    input: ListExportsInput,
) -> Result<ListExportsOutput, String> {
    let limit = input.max_results.map_or(LIST_MAX, |m| (m.max(1) as usize).min(LIST_MAX));
    let start = match &input.next_token {
        Some(t) => t.parse::<usize>().map_err(|_| "Invalid NextToken".to_string())?,
        None => 0,
    };
    let mut matching: Vec<&ExportDescription> = exports
        .values()
        .filter(|d| input.table_arn.as_deref().is_none_or(|a| d.table_arn.as_deref() == Some(a)))
        .collect();
    matching.sort_by_key(|d| (d.start_time.map(|t| t.as_millis()), d.export_arn.clone()));
    let page: Vec<ExportSummary> = matching
        .iter()
        .skip(start)
        .take(limit)
        .map(|d| ExportSummary {
            export_arn: d.export_arn.clone(),
            export_status: d.export_status.clone(),
            export_type: d.export_type.clone(),
        })
        .collect();
    let next = start + page.len();
    Ok(ListExportsOutput {
        export_summaries: Some(page),
        next_token: (next < matching.len()).then(|| next.to_string()),
    })
}

pub async fn export_table_to_point_in_time(
    h: &Handler,
    ctx: &rt::RequestContext,
    input: ExportTableToPointInTimeInput,
) -> Result<ExportTableToPointInTimeOutput, ExportTableToPointInTimeError> {
    if matches!(input.export_format, Some(ExportFormat::Ion)) {
        return Err(rt::CommonError::NotImplemented("ExportTableToPointInTime with ExportFormat ION").into());
    }
    if matches!(input.export_type, Some(ExportType::IncrementalExport)) {
        return Err(rt::CommonError::NotImplemented("ExportTableToPointInTime INCREMENTAL_EXPORT").into());
    }
    let started =
        h.with_both(ctx, |t, x| -> Result<Result<Job, ExportDescription>, ExportTableToPointInTimeError> {
            if let Some(token) = &input.client_token {
                if let Some(d) = x.exports.values().find(|d| d.client_token.as_deref() == Some(token.as_str())) {
                    if same_request(d, &input) {
                        return Ok(Err(d.clone()));
                    }
                    return Err(ExportConflictException {
                        message: Some(format!(
                            "An export with client token {token} already exists with different parameters"
                        )),
                    }
                    .into());
                }
            }
            let name = table_name::resolve(&input.table_arn);
            let table = t
                .by_name
                .get(name)
                .filter(|table| table.arn == input.table_arn)
                .ok_or_else(|| backup::table_not_found(&input.table_arn))?;
            if !table.pitr {
                return Err(PointInTimeRecoveryUnavailableException {
                    message: Some(format!("Point in time recovery is not enabled for table '{name}'")),
                }
                .into());
            }
            let now = rt::DateTime::from_millis(rt::DateTime::now().as_millis());
            let export_time = input.export_time.unwrap_or(now);
            if export_time.as_millis() > now.as_millis() {
                return Err(InvalidExportTimeException {
                    message: Some("Export time must not be in the future".into()),
                }
                .into());
            }
            if export_time.as_millis() < table.created.as_millis() - 1000 {
                return Err(InvalidExportTimeException {
                    message: Some(format!(
                        "Export time is earlier than the earliest restorable time {}",
                        table.created.to_rfc3339()
                    )),
                }
                .into());
            }
            let job = new_job(table, &input, export_time);
            let arn = job.description.export_arn.clone().unwrap_or_default();
            x.exports.insert(arn, job.description.clone());
            Ok(Ok(job))
        })?;
    let job = match started {
        Ok(job) => job,
        Err(existing) => return Ok(ExportTableToPointInTimeOutput { export_description: Some(existing) }),
    };
    let answer = job.description.clone();
    let settled = run(s3io::S3::new(&h.peers, ctx), job).await;
    let arn = answer.export_arn.clone().unwrap_or_default();
    h.extras.with(ctx, |x| x.exports.insert(arn, settled));
    Ok(ExportTableToPointInTimeOutput { export_description: Some(answer) })
}
