//! ReceiveMessage, with long polling.
//!
//! A receive looks at the queue under the region lock and takes what is receivable. If
//! nothing is and the wait is not over, it sleeps outside the lock until the queue
//! changes (a send, a visibility reset, deletion) or a hidden message's time comes,
//! whichever is first, and looks again. It registers for the change notification
//! *before* looking, so a send landing between the look and the sleep still wakes it.

use std::time::{Duration, Instant};

use ferrostack_runtime as rt;
use ferrostack_store::lock;
use sqs_api::types::*;

use crate::attributes::{MAX_VISIBILITY_TIMEOUT, MAX_WAIT_TIME_SECONDS};
use crate::clock::now_millis;
use crate::error::SqsError;
use crate::message::SystemAttributeSelection;
use crate::message_attributes::AttributeNameFilter;
use crate::queue::Delivery;
use crate::redrive;
use crate::state::RegionState;
use crate::{queue_does_not_exist, Handler};

const MAX_MESSAGES_PER_RECEIVE: i32 = 10;

/// A validated ReceiveMessage request.
struct ReceiveRequest {
    max_messages: usize,
    /// `None` uses the queue's current VisibilityTimeout.
    visibility_timeout: Option<u32>,
    /// `None` uses the queue's ReceiveMessageWaitTimeSeconds.
    wait_time_seconds: Option<u32>,
    system_attributes: SystemAttributeSelection,
    message_attributes: AttributeNameFilter,
    /// FIFO queues answer a retried attempt with what the first one got.
    attempt_id: Option<String>,
}

impl ReceiveRequest {
    fn from_input(input: &ReceiveMessageRequest) -> Result<ReceiveRequest, SqsError> {
        let max_messages = match input.max_number_of_messages {
            None => 1,
            Some(n) if (1..=MAX_MESSAGES_PER_RECEIVE).contains(&n) => n as usize,
            Some(n) => {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Value {n} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
                )))
            }
        };
        let visibility_timeout = match input.visibility_timeout {
            None => None,
            Some(v) if (0..=MAX_VISIBILITY_TIMEOUT as i32).contains(&v) => Some(v as u32),
            Some(v) => {
                return Err(SqsError::invalid_parameter_value(format!(
                "Value {v} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided."
            )))
            }
        };
        let wait_time_seconds = match input.wait_time_seconds {
            None => None,
            Some(w) if (0..=MAX_WAIT_TIME_SECONDS as i32).contains(&w) => Some(w as u32),
            Some(w) => {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Value {w} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided."
                )))
            }
        };
        if let Some(id) = &input.receive_request_attempt_id {
            let valid = !id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic());
            if !valid {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Value {id} for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can \
                     only include alphanumeric and punctuation characters. 1 to 128 in length."
                )));
            }
        }
        // The deprecated AttributeNames and its successor both select system attributes.
        let legacy = input.attribute_names.iter().flatten().map(|n| n.as_str());
        let current = input.message_system_attribute_names.iter().flatten().map(|n| n.as_str());
        Ok(ReceiveRequest {
            max_messages,
            visibility_timeout,
            wait_time_seconds,
            system_attributes: SystemAttributeSelection::new(legacy.chain(current)),
            message_attributes: AttributeNameFilter::new(input.message_attribute_names.as_deref().unwrap_or_default()),
            attempt_id: input.receive_request_attempt_id.clone(),
        })
    }

    fn render(&self, deliveries: Vec<Delivery>) -> ReceiveMessageResult {
        let messages: Vec<Message> = deliveries
            .into_iter()
            .map(|d| d.message.to_api(d.receipt_handle, &self.system_attributes, &self.message_attributes))
            .collect();
        ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) }
    }
}

/// What one look at the queue found.
enum Look {
    Delivered(Vec<Delivery>),
    /// Nothing receivable; a hidden message becomes receivable at this epoch-ms instant.
    Empty {
        next_change: Option<i64>,
    },
    /// The queue was deleted (or reset) while we waited.
    Gone,
}

impl Handler {
    pub(crate) async fn receive_message_polling(
        &self,
        ctx: &rt::RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, SqsError> {
        let request = ReceiveRequest::from_input(&input)?;
        let (scope, name) = self.locate(ctx, &input.queue_url)?;
        let (incarnation, changes, queue_wait) = {
            let state = lock(&scope);
            let queue = state.queue(name, || queue_does_not_exist(ctx))?;
            (queue.incarnation, queue.changes(), queue.settings.receive_message_wait_time_seconds)
        };
        let wait = Duration::from_secs(request.wait_time_seconds.unwrap_or(queue_wait) as u64);
        let deadline = Instant::now() + wait;

        loop {
            let notified = changes.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();

            let now = now_millis();
            let look = {
                let mut state = lock(&scope);
                match state.queues.get(name).filter(|q| q.incarnation == incarnation) {
                    None => Look::Gone,
                    Some(_) => take_messages(&mut state, name, &request, now),
                }
            };
            let next_change = match look {
                Look::Delivered(deliveries) => return Ok(request.render(deliveries)),
                Look::Gone => return Ok(request.render(Vec::new())),
                Look::Empty { next_change } => next_change,
            };

            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Ok(request.render(Vec::new()));
            }
            let until_change = next_change.map(|at| Duration::from_millis((at - now).max(1) as u64));
            let sleep = until_change.map_or(remaining, |d| d.min(remaining));
            // Either outcome means "look again": woken by a change, or the sleep ran out.
            let _ = tokio::time::timeout(sleep, notified).await;
        }
    }
}

/// One look at the queue, under the region lock: replays a retried FIFO attempt, or takes
/// what is receivable, moving messages past their maxReceiveCount to the dead-letter queue.
fn take_messages(state: &mut RegionState, name: &str, request: &ReceiveRequest, now: i64) -> Look {
    let dead_letter_queue = state.queues.get(name).and_then(|q| redrive::target(state, q));
    let Some(queue) = state.queues.get_mut(name) else { return Look::Gone };
    let visibility = request.visibility_timeout.unwrap_or(queue.settings.visibility_timeout);
    let attempt_id = request.attempt_id.as_deref().filter(|_| queue.settings.is_fifo());
    if let Some(replayed) = attempt_id.and_then(|id| queue.replay_receive(id, visibility, now)) {
        return Look::Delivered(replayed);
    }
    let max_receive_count = dead_letter_queue.as_ref().map(|(_, count)| *count);
    let received = queue.receive(now, request.max_messages, visibility, max_receive_count);
    if let Some(id) = attempt_id.filter(|_| !received.deliveries.is_empty()) {
        queue.remember_receive(id, &received.deliveries, now);
    }
    // Only an empty look needs to know when to look again (and it costs a scan).
    let next_change = if received.deliveries.is_empty() { queue.next_change_after(now) } else { None };
    let source_arn = queue.arn.clone();
    if let Some((target, _)) = dead_letter_queue {
        if let Some(dlq) = state.queues.get_mut(&target) {
            for message in received.dead_letters {
                dlq.accept_moved(message, Some(&source_arn), now);
            }
        }
    }
    if received.deliveries.is_empty() {
        Look::Empty { next_change }
    } else {
        Look::Delivered(received.deliveries)
    }
}
