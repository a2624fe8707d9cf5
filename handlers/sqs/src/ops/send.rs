//! SendMessage and SendMessageBatch.

use ferrostack_runtime as rt;
use sqs_api::types::*;

use crate::attributes::{QueueSettings, DEFAULT_MAXIMUM_MESSAGE_SIZE, MAX_DELAY_SECONDS};
use crate::batch;
use crate::clock::now_millis;
use crate::content;
use crate::error::SqsError;
use crate::md5;
use crate::message::NewMessage;
use crate::message_attributes::{self as msg_attr, SystemAttributes, UserAttributes};
use crate::Handler;

/// The fields SendMessage and a SendMessageBatch entry have in common.
struct Outgoing {
    body: String,
    delay_seconds: Option<i32>,
    message_attributes: Option<UserAttributes>,
    system_attributes: Option<SystemAttributes>,
    group_id: Option<String>,
    deduplication_id: Option<String>,
}

/// A message ready for the queue, and the digest of the system attributes it was sent with.
struct Prepared {
    message: NewMessage,
    md5_of_system_attributes: Option<String>,
}

impl Handler {
    pub(crate) fn send_message_now(
        &self,
        ctx: &rt::RequestContext,
        input: SendMessageRequest,
    ) -> Result<SendMessageResult, SqsError> {
        let outgoing = Outgoing {
            body: input.message_body,
            delay_seconds: input.delay_seconds,
            message_attributes: input.message_attributes,
            system_attributes: input.message_system_attributes,
            group_id: input.message_group_id,
            deduplication_id: input.message_deduplication_id,
        };
        self.with_queue(ctx, &input.queue_url, |queue| {
            let prepared = prepare(ctx, &queue.settings, outgoing)?;
            let sent = queue.send(prepared.message, now_millis());
            Ok(SendMessageResult {
                md5_of_message_body: Some(sent.md5_of_body),
                md5_of_message_attributes: sent.md5_of_message_attributes,
                md5_of_message_system_attributes: prepared.md5_of_system_attributes,
                message_id: Some(sent.message_id),
                sequence_number: sent.sequence_number,
            })
        })
    }

    pub(crate) fn send_message_batch_now(
        &self,
        ctx: &rt::RequestContext,
        input: SendMessageBatchRequest,
    ) -> Result<SendMessageBatchResult, SqsError> {
        let entries = input.entries;
        self.with_queue(ctx, &input.queue_url, |queue| {
            let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
            batch::check_entries(&ids, "SendMessageBatchRequestEntry")?;
            // The whole batch must fit the size limit before any entry is looked at.
            let total: usize = entries
                .iter()
                .map(|e| e.message_body.len() + e.message_attributes.as_ref().map_or(0, msg_attr::raw_size))
                .sum();
            let limit = DEFAULT_MAXIMUM_MESSAGE_SIZE.max(queue.settings.maximum_message_size) as usize;
            if total > limit {
                return Err(SqsError::BatchRequestTooLong(format!(
                    "Batch requests cannot be longer than {limit} bytes. You have sent {total} bytes."
                )));
            }

            let mut result = SendMessageBatchResult::default();
            for entry in entries {
                let id = entry.id;
                let outgoing = Outgoing {
                    body: entry.message_body,
                    delay_seconds: entry.delay_seconds,
                    message_attributes: entry.message_attributes,
                    system_attributes: entry.message_system_attributes,
                    group_id: entry.message_group_id,
                    deduplication_id: entry.message_deduplication_id,
                };
                match prepare(ctx, &queue.settings, outgoing) {
                    Ok(prepared) => {
                        let sent = queue.send(prepared.message, now_millis());
                        result.successful.push(SendMessageBatchResultEntry {
                            id,
                            message_id: sent.message_id,
                            md5_of_message_body: sent.md5_of_body,
                            md5_of_message_attributes: sent.md5_of_message_attributes,
                            md5_of_message_system_attributes: prepared.md5_of_system_attributes,
                            sequence_number: sent.sequence_number,
                        });
                    }
                    Err(e) => result.failed.push(e.batch_entry(&id)),
                }
            }
            Ok(result)
        })
    }
}

/// Validates one message against the queue it is going to.
fn prepare(ctx: &rt::RequestContext, settings: &QueueSettings, outgoing: Outgoing) -> Result<Prepared, SqsError> {
    content::validate_body(&outgoing.body)?;
    let delay_seconds = match outgoing.delay_seconds {
        None => settings.delay_seconds,
        // FIFO queues only have the queue-wide delay.
        Some(d) if settings.is_fifo() && d != 0 => {
            return Err(SqsError::invalid_parameter_value(format!(
                "Value {d} for parameter DelaySeconds is invalid. Reason: The request include parameter that is not \
                 valid for this queue type."
            )))
        }
        Some(d) if (0..=MAX_DELAY_SECONDS as i32).contains(&d) => d as u32,
        Some(d) => {
            return Err(SqsError::invalid_parameter_value(format!(
                "Value {d} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
            )))
        }
    };
    let message_attributes = outgoing.message_attributes.unwrap_or_default();
    let attributes_size = msg_attr::validate_user_attributes(&message_attributes)?;
    let system_attributes = outgoing.system_attributes.unwrap_or_default();
    let trace_header = msg_attr::validate_system_attributes(&system_attributes)?;
    content::check_size(outgoing.body.len() + attributes_size, settings.maximum_message_size)?;
    check_fifo_parameters(settings, &outgoing.group_id, &outgoing.deduplication_id)?;

    let md5_of_system_attributes = md5::of_attributes(system_attributes.iter().map(|(k, v)| (k.as_str(), v.into())));
    Ok(Prepared {
        message: NewMessage {
            body: outgoing.body,
            message_attributes,
            trace_header,
            // AWS reports the caller's IAM identity; without IAM here the account stands in.
            sender_id: ctx.account_id.clone(),
            delay_seconds,
            group_id: outgoing.group_id,
            deduplication_id: outgoing.deduplication_id,
        },
        md5_of_system_attributes,
    })
}

/// FIFO queues need a group id and a deduplication id (unless deduplication is by
/// content); standard queues take a group id but no deduplication id.
fn check_fifo_parameters(
    settings: &QueueSettings,
    group_id: &Option<String>,
    deduplication_id: &Option<String>,
) -> Result<(), SqsError> {
    match &settings.fifo {
        Some(fifo) => {
            if group_id.as_deref().is_none_or(str::is_empty) {
                return Err(SqsError::missing_parameter("MessageGroupId"));
            }
            check_fifo_id("MessageGroupId", group_id)?;
            check_fifo_id("MessageDeduplicationId", deduplication_id)?;
            if deduplication_id.is_none() && !fifo.content_based_deduplication {
                return Err(SqsError::invalid_parameter_value(
                    "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId \
                     provided explicitly",
                ));
            }
        }
        None => {
            check_fifo_id("MessageGroupId", group_id)?;
            if let Some(id) = deduplication_id {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Value {id} for parameter MessageDeduplicationId is invalid. Reason: The request includes a \
                     parameter that is not valid for this queue type."
                )));
            }
        }
    }
    Ok(())
}

/// Group and deduplication ids: 1 to 128 alphanumeric or punctuation characters.
pub(crate) fn check_fifo_id(parameter: &str, value: &Option<String>) -> Result<(), SqsError> {
    let Some(value) = value else { return Ok(()) };
    let valid = !value.is_empty() && value.len() <= 128 && value.bytes().all(|b| b.is_ascii_graphic());
    if valid {
        return Ok(());
    }
    Err(SqsError::invalid_parameter_value(format!(
        "Value {value} for parameter {parameter} is invalid. Reason: {parameter} can only include alphanumeric and \
         punctuation characters. 1 to 128 in length."
    )))
}
