//! Kinesis Data Streams destinations of a table (Enable/Disable/Describe/Update
//! KinesisStreamingDestination).
//!
//! AWS checks that the stream exists; here Kinesis is asked in-process (DescribeStreamSummary
//! through its generated trait), and a stream it does not know, or a Kinesis that cannot
//! answer, is ResourceNotFoundException, never an accepted destination for a stream nobody
//! has. Transitions happen at once: the answers say ENABLING / DISABLING / UPDATING as AWS's
//! do, and the next Describe says ACTIVE / DISABLED. Item changes are not yet delivered to
//! the stream as records (the table write path has no hook for it).

use std::sync::Arc;

use dynamodb_api::types::*;
use ferrostack_runtime as rt;

use crate::error::{invalid, Error, Result};
use crate::extras::Extras;
use crate::state::Tables;
use crate::table_name;

/// Whether Kinesis knows the stream (in the account and region its ARN names).
pub async fn stream_exists(peers: &ferrostack_store::Peers, arn: &str) -> bool {
    let Some(kinesis) = peers.get::<dyn kinesis_api::Handler>() else { return false };
    // arn:aws:kinesis:<region>:<account>:stream/<name>
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if parts.len() != 6 || parts[2] != "kinesis" || !parts[5].starts_with("stream/") {
        return false;
    }
    let ctx = rt::RequestContext::internal(parts[4], parts[3]);
    let input = kinesis_api::types::DescribeStreamSummaryInput { stream_name: None, stream_arn: Some(arn.into()) };
    call(kinesis, ctx, input).await
}

async fn call(
    kinesis: Arc<dyn kinesis_api::Handler>,
    ctx: rt::RequestContext,
    input: kinesis_api::types::DescribeStreamSummaryInput,
) -> bool {
    kinesis.describe_stream_summary(&ctx, input).await.is_ok()
}

fn table_missing(name: &str) -> Error {
    Error::NotFound(format!("Requested resource not found: Table: {name} not found"))
}

pub fn stream_missing(arn: &str) -> Error {
    Error::NotFound(format!("Requested resource not found: Stream: {arn} not found"))
}

fn check_table(t: &Tables, name: &str) -> Result<()> {
    if t.by_name.contains_key(name) {
        Ok(())
    } else {
        Err(table_missing(name))
    }
}

fn is_live(d: &KinesisDataStreamDestination) -> bool {
    matches!(
        d.destination_status,
        Some(DestinationStatus::Active | DestinationStatus::Enabling | DestinationStatus::Updating)
    )
}

pub fn enable(
    t: &Tables,
    x: &mut Extras,
    input: KinesisStreamingDestinationInput,
) -> Result<KinesisStreamingDestinationOutput> {
    let name = table_name::resolve(&input.table_name).to_string();
    check_table(t, &name)?;
    let precision = input
        .enable_kinesis_streaming_configuration
        .as_ref()
        .and_then(|c| c.approximate_creation_date_time_precision.clone())
        .unwrap_or(ApproximateCreationDateTimePrecision::Millisecond);
    let list = x.kinesis.entry(name.clone()).or_default();
    if list.iter().any(|d| d.stream_arn.as_deref() == Some(input.stream_arn.as_str()) && is_live(d)) {
        return Err(Error::InUse(format!(
            "Table {name} is already streaming to the Kinesis data stream {}",
            input.stream_arn
        )));
    }
    list.retain(|d| d.stream_arn.as_deref() != Some(input.stream_arn.as_str()));
    list.push(KinesisDataStreamDestination {
        stream_arn: Some(input.stream_arn.clone()),
        destination_status: Some(DestinationStatus::Active),
        destination_status_description: None,
        approximate_creation_date_time_precision: Some(precision.clone()),
    });
    Ok(KinesisStreamingDestinationOutput {
        table_name: Some(name),
        stream_arn: Some(input.stream_arn),
        destination_status: Some(DestinationStatus::Enabling),
        enable_kinesis_streaming_configuration: Some(EnableKinesisStreamingConfiguration {
            approximate_creation_date_time_precision: Some(precision),
        }),
    })
}

pub fn disable(
    t: &Tables,
    x: &mut Extras,
    input: KinesisStreamingDestinationInput,
) -> Result<KinesisStreamingDestinationOutput> {
    let name = table_name::resolve(&input.table_name).to_string();
    check_table(t, &name)?;
    let live = x
        .kinesis
        .get_mut(&name)
        .and_then(|l| l.iter_mut().find(|d| d.stream_arn.as_deref() == Some(input.stream_arn.as_str()) && is_live(d)));
    let Some(d) = live else {
        return Err(invalid(format!("Table {name} is not streaming to the Kinesis data stream {}", input.stream_arn)));
    };
    d.destination_status = Some(DestinationStatus::Disabled);
    Ok(KinesisStreamingDestinationOutput {
        table_name: Some(name),
        stream_arn: Some(input.stream_arn),
        destination_status: Some(DestinationStatus::Disabling),
        enable_kinesis_streaming_configuration: input.enable_kinesis_streaming_configuration,
    })
}

pub fn describe(t: &Tables, x: &Extras, table: &str) -> Result<DescribeKinesisStreamingDestinationOutput> {
    let name = table_name::resolve(table).to_string();
    check_table(t, &name)?;
    Ok(DescribeKinesisStreamingDestinationOutput {
        kinesis_data_stream_destinations: Some(x.kinesis.get(&name).cloned().unwrap_or_default()),
        table_name: Some(name),
    })
}

pub fn update(
    t: &Tables,
    x: &mut Extras,
    input: UpdateKinesisStreamingDestinationInput,
) -> Result<UpdateKinesisStreamingDestinationOutput> {
    let name = table_name::resolve(&input.table_name).to_string();
    check_table(t, &name)?;
    let Some(wanted) = input
        .update_kinesis_streaming_configuration
        .as_ref()
        .and_then(|c| c.approximate_creation_date_time_precision.clone())
    else {
        return Err(invalid("Invalid Request: UpdateKinesisStreamingConfiguration must be provided"));
    };
    let live = x
        .kinesis
        .get_mut(&name)
        .and_then(|l| l.iter_mut().find(|d| d.stream_arn.as_deref() == Some(input.stream_arn.as_str()) && is_live(d)));
    let Some(d) = live else {
        return Err(stream_missing(&input.stream_arn));
    };
    if d.approximate_creation_date_time_precision.as_ref() == Some(&wanted) {
        return Err(invalid(format!(
            "Invalid Request: Precision is already set to the desired value of {}",
            match wanted {
                ApproximateCreationDateTimePrecision::Microsecond => "MICROSECOND",
                _ => "MILLISECOND",
            }
        )));
    }
    d.approximate_creation_date_time_precision = Some(wanted);
    Ok(UpdateKinesisStreamingDestinationOutput {
        table_name: Some(name),
        stream_arn: Some(input.stream_arn),
        destination_status: Some(DestinationStatus::Updating),
        update_kinesis_streaming_configuration: input.update_kinesis_streaming_configuration,
    })
}
