//! StartMessageMoveTask, ListMessageMoveTasks and CancelMessageMoveTask.

use std::sync::{Arc, Mutex};

use ferrostack_store::lock;
use sqs_api::types::*;

use crate::clock::now_millis;
use crate::error::SqsError;
use crate::move_tasks::{self, MoveTask, CANCELLED, RUNNING};
use crate::redrive;
use crate::state::RegionState;
use crate::Handler;

const MAX_RATE: i32 = 500;
const MAX_LISTED: i32 = 10;

impl Handler {
    /// The region state an SQS queue ARN points into; `None` for anything that is not one.
    fn scope_of_arn(&self, arn: &str) -> Option<Arc<Mutex<RegionState>>> {
        let parts: Vec<&str> = arn.split(':').collect();
        match parts.as_slice() {
            ["arn", _, "sqs", region, account, name]
                if !region.is_empty() && !account.is_empty() && !name.is_empty() =>
            {
                Some(self.regions.scope_of(account, region))
            }
            _ => None,
        }
    }

    pub(crate) fn start_message_move_task_now(
        &self,
        input: StartMessageMoveTaskRequest,
    ) -> Result<StartMessageMoveTaskResult, SqsError> {
        let not_found = |parameter: &str| {
            SqsError::ResourceNotFoundException(format!(
                "The resource that you specified for the {parameter} parameter doesn't exist."
            ))
        };
        if let Some(rate) = input.max_number_of_messages_per_second {
            if !(1..=MAX_RATE).contains(&rate) {
                return Err(SqsError::invalid_parameter_value(format!(
                    "Value {rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: You must enter a \
                     number that's between 1 and {MAX_RATE}."
                )));
            }
        }
        let scope = self.scope_of_arn(&input.source_arn).ok_or_else(|| not_found("SourceArn"))?;
        let mut state = lock(&scope);
        let now = now_millis();
        let source = state.queue_by_arn(&input.source_arn).ok_or_else(|| not_found("SourceArn"))?;
        if redrive::sources_of(&state, &source.arn).next().is_none() {
            return Err(SqsError::invalid_parameter_value("Source queue must be configured as a Dead Letter Queue."));
        }
        if let Some(destination) = &input.destination_arn {
            let target = state.queue_by_arn(destination).ok_or_else(|| not_found("DestinationArn"))?;
            if target.arn == source.arn {
                return Err(SqsError::invalid_parameter_value(
                    "Value for parameter DestinationArn is invalid. Reason: The source and destination queues must be \
                     different.",
                ));
            }
        }
        if state.move_tasks.iter().any(|t| t.source_arn == source.arn && t.status == RUNNING) {
            return Err(SqsError::invalid_parameter_value(
                "There is already a task running. Only one active task is allowed for a source queue arn at a given \
                 time.",
            ));
        }
        let to_move = source.counts(now).visible as i64;
        let task_id = move_tasks::new_task_id();
        let handle = move_tasks::encode_handle(&task_id, &source.arn);
        let task = MoveTask {
            task_id,
            handle: handle.clone(),
            source_arn: source.arn.clone(),
            destination_arn: input.destination_arn,
            max_per_second: input.max_number_of_messages_per_second,
            status: RUNNING,
            moved: 0,
            to_move,
            failure_reason: None,
            started_at: now,
        };
        move_tasks::start(scope.clone(), &mut state, task);
        Ok(StartMessageMoveTaskResult { task_handle: Some(handle) })
    }

    pub(crate) fn list_message_move_tasks_now(
        &self,
        input: ListMessageMoveTasksRequest,
    ) -> Result<ListMessageMoveTasksResult, SqsError> {
        let max = input.max_results.unwrap_or(1);
        if !(1..=MAX_LISTED).contains(&max) {
            return Err(SqsError::invalid_parameter_value(format!(
                "Value {max} for parameter MaxResults is invalid. Reason: You must enter a number that's between 1 \
                 and {MAX_LISTED}."
            )));
        }
        let not_found = || {
            SqsError::ResourceNotFoundException(
                "The resource that you specified for the SourceArn parameter doesn't exist.".to_owned(),
            )
        };
        let scope = self.scope_of_arn(&input.source_arn).ok_or_else(not_found)?;
        let state = lock(&scope);
        state.queue_by_arn(&input.source_arn).ok_or_else(not_found)?;
        let results: Vec<ListMessageMoveTasksResultEntry> = state
            .move_tasks
            .iter()
            .rev()
            .filter(|t| t.source_arn == input.source_arn)
            .take(max as usize)
            .map(MoveTask::to_api)
            .collect();
        Ok(ListMessageMoveTasksResult { results: Some(results) })
    }

    pub(crate) fn cancel_message_move_task_now(
        &self,
        input: CancelMessageMoveTaskRequest,
    ) -> Result<CancelMessageMoveTaskResult, SqsError> {
        let (task_id, source_arn) = move_tasks::decode_handle(&input.task_handle)?;
        let missing = || SqsError::ResourceNotFoundException("Task does not exist.".to_owned());
        let scope = self.scope_of_arn(&source_arn).ok_or_else(missing)?;
        let mut state = lock(&scope);
        let task = state.move_tasks.iter_mut().find(|t| t.task_id == task_id).ok_or_else(missing)?;
        if task.status != RUNNING {
            return Err(SqsError::invalid_parameter_value(
                "Value for parameter TaskHandle is invalid. Reason: Only active tasks can be cancelled.",
            ));
        }
        task.status = CANCELLED;
        Ok(CancelMessageMoveTaskResult { approximate_number_of_messages_moved: task.moved })
    }
}
