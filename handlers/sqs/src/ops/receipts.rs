//! The operations that act on a receipt handle: DeleteMessage, ChangeMessageVisibility,
//! and their batch forms.

use ferrostack_runtime as rt;
use sqs_api::types::*;

use crate::attributes::MAX_VISIBILITY_TIMEOUT;
use crate::batch;
use crate::clock::now_millis;
use crate::error::SqsError;
use crate::queue::Queue;
use crate::Handler;

impl Handler {
    pub(crate) fn delete_message_now(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteMessageRequest,
    ) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| delete_one(queue, &input.receipt_handle))
    }

    pub(crate) fn delete_message_batch_now(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteMessageBatchRequest,
    ) -> Result<DeleteMessageBatchResult, SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            let ids: Vec<&str> = input.entries.iter().map(|e| e.id.as_str()).collect();
            batch::check_entries(&ids, "DeleteMessageBatchRequestEntry")?;
            let mut result = DeleteMessageBatchResult::default();
            for entry in &input.entries {
                match delete_one(queue, &entry.receipt_handle) {
                    Ok(()) => result.successful.push(DeleteMessageBatchResultEntry { id: entry.id.clone() }),
                    Err(e) => result.failed.push(e.batch_entry(&entry.id)),
                }
            }
            Ok(result)
        })
    }

    pub(crate) fn change_message_visibility_now(
        &self,
        ctx: &rt::RequestContext,
        input: ChangeMessageVisibilityRequest,
    ) -> Result<(), SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            change_one(queue, &input.receipt_handle, Some(input.visibility_timeout))
        })
    }

    pub(crate) fn change_message_visibility_batch_now(
        &self,
        ctx: &rt::RequestContext,
        input: ChangeMessageVisibilityBatchRequest,
    ) -> Result<ChangeMessageVisibilityBatchResult, SqsError> {
        self.with_queue(ctx, &input.queue_url, |queue| {
            let ids: Vec<&str> = input.entries.iter().map(|e| e.id.as_str()).collect();
            batch::check_entries(&ids, "ChangeMessageVisibilityBatchRequestEntry")?;
            let mut result = ChangeMessageVisibilityBatchResult::default();
            for entry in &input.entries {
                match change_one(queue, &entry.receipt_handle, entry.visibility_timeout) {
                    Ok(()) => result.successful.push(ChangeMessageVisibilityBatchResultEntry { id: entry.id.clone() }),
                    Err(e) => result.failed.push(e.batch_entry(&entry.id)),
                }
            }
            Ok(result)
        })
    }
}

fn delete_one(queue: &mut Queue, receipt_handle: &str) -> Result<(), SqsError> {
    let handle = queue.check_handle(receipt_handle)?;
    queue.delete_message(&handle);
    Ok(())
}

/// A batch entry may leave the timeout out (the model does not require it); it is taken as 0.
fn change_one(queue: &mut Queue, receipt_handle: &str, timeout: Option<i32>) -> Result<(), SqsError> {
    let timeout = timeout.unwrap_or(0);
    if !(0..=MAX_VISIBILITY_TIMEOUT as i32).contains(&timeout) {
        return Err(SqsError::invalid_parameter_value(format!(
            "Value {timeout} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."
        )));
    }
    let handle = queue.check_handle(receipt_handle)?;
    queue.change_visibility(&handle, receipt_handle, timeout as u32, now_millis())
}
