//! Message move tasks: StartMessageMoveTask moves the messages of a dead-letter queue back
//! to their source queues (or to one destination), at a given rate or as fast as it can;
//! ListMessageMoveTasks reports on them and CancelMessageMoveTask stops one.
//!
//! A task is a record in the region state plus a tokio task that, once per step, takes the
//! region lock, moves a batch and checks whether it was cancelled. Only messages present
//! (and visible) when the task started are counted as to be moved.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ferrostack_runtime as rt;
use ferrostack_store::lock;
use serde_json::{json, Value};

use crate::clock::{now_millis, Millis};
use crate::error::SqsError;
use crate::state::RegionState;

pub const RUNNING: &str = "RUNNING";
pub const COMPLETED: &str = "COMPLETED";
pub const CANCELLED: &str = "CANCELLED";
pub const FAILED: &str = "FAILED";

/// Finished tasks kept per source queue, as ListMessageMoveTasks shows at most ten.
const KEPT_PER_SOURCE: usize = 10;
/// Moves per step when no rate is given.
const UNLIMITED_BATCH: usize = 1_000;

#[derive(Debug, Clone)]
pub struct MoveTask {
    pub task_id: String,
    pub handle: String,
    pub source_arn: String,
    pub destination_arn: Option<String>,
    pub max_per_second: Option<i32>,
    pub status: &'static str,
    pub moved: i64,
    pub to_move: i64,
    pub failure_reason: Option<String>,
    pub started_at: Millis,
}

/// Task handles are opaque to clients; ours carry the task id and source ARN, so a handle
/// leads back to the region that holds the task.
pub fn encode_handle(task_id: &str, source_arn: &str) -> String {
    STANDARD.encode(json!({"taskId": task_id, "sourceArn": source_arn}).to_string())
}

/// `(task id, source ARN)` of a handle; `ResourceNotFoundException` for anything else.
pub fn decode_handle(handle: &str) -> Result<(String, String), SqsError> {
    let parsed = STANDARD
        .decode(handle)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
        .and_then(|v| Some((v["taskId"].as_str()?.to_owned(), v["sourceArn"].as_str()?.to_owned())));
    parsed.ok_or_else(|| SqsError::ResourceNotFoundException("Task does not exist.".to_owned()))
}

/// Registers a running task and starts moving.
pub fn start(scope: Arc<Mutex<RegionState>>, state: &mut RegionState, mut task: MoveTask) {
    let (source, id) = (task.source_arn.clone(), task.task_id.clone());
    task.status = RUNNING;
    state.move_tasks.push(task);
    // Forget the oldest finished tasks of this source beyond what can be listed.
    let finished: Vec<usize> = state
        .move_tasks
        .iter()
        .enumerate()
        .filter(|(_, t)| t.source_arn == source && t.status != RUNNING)
        .map(|(i, _)| i)
        .collect();
    let excess = finished.len().saturating_sub(KEPT_PER_SOURCE);
    for index in finished.into_iter().take(excess).rev() {
        state.move_tasks.remove(index);
    }
    tokio::spawn(run(scope, id));
}

async fn run(scope: Arc<Mutex<RegionState>>, task_id: String) {
    loop {
        let pause = {
            let mut state = lock(&scope);
            step(&mut state, &task_id)
        };
        match pause {
            Some(pause) => tokio::time::sleep(pause).await,
            None => return,
        }
    }
}

/// Moves one batch; the pause before the next, or `None` when the task is over.
fn step(state: &mut RegionState, task_id: &str) -> Option<Duration> {
    let task = state.move_tasks.iter().find(|t| t.task_id == task_id && t.status == RUNNING)?.clone();
    let now = now_millis();
    let remaining = (task.to_move - task.moved).max(0) as usize;
    let batch = task.max_per_second.map_or(UNLIMITED_BATCH, |rate| rate as usize).min(remaining);
    let candidates = state.queue_by_arn(&task.source_arn).map(|q| q.visible_messages(now, batch));
    let mut moved = 0;
    let mut outcome: Option<(&'static str, Option<String>)> = None;
    match candidates {
        None => outcome = Some((FAILED, Some("AWS.SimpleQueueService.NonExistentQueue".to_owned()))),
        Some(candidates) => {
            for (message_id, dead_letter_source) in candidates {
                let Some(destination) = task.destination_arn.clone().or(dead_letter_source) else {
                    outcome = Some((FAILED, Some("The message has no source queue to return to.".to_owned())));
                    break;
                };
                let Some(target) = state.queue_by_arn(&destination).map(|q| q.name.clone()) else {
                    outcome = Some((FAILED, Some("AWS.SimpleQueueService.NonExistentQueue".to_owned())));
                    break;
                };
                let source = state.queue_by_arn(&task.source_arn).map(|q| q.name.clone());
                let message = source.and_then(|name| state.queues.get_mut(&name)?.remove_message(&message_id));
                if let (Some(mut message), Some(queue)) = (message, state.queues.get_mut(&target)) {
                    // Back in circulation as if new, or redrive would take it straight back.
                    if let Some(rare) = message.rare_if_any() {
                        rare.dead_letter_source_arn = None;
                    }
                    message.receive_count = 0;
                    message.first_received_at = None;
                    queue.accept_moved(message, None, now);
                    moved += 1;
                }
            }
        }
    }
    let record = state.move_tasks.iter_mut().find(|t| t.task_id == task_id)?;
    record.moved += moved;
    if outcome.is_none() && (record.moved >= record.to_move || (moved as usize) < batch) {
        outcome = Some((COMPLETED, None));
    }
    if let Some((status, reason)) = outcome {
        record.status = status;
        record.failure_reason = reason;
        return None;
    }
    Some(if task.max_per_second.is_some() { Duration::from_secs(1) } else { Duration::from_millis(10) })
}

impl MoveTask {
    pub fn to_api(&self) -> sqs_api::types::ListMessageMoveTasksResultEntry {
        sqs_api::types::ListMessageMoveTasksResultEntry {
            // Only a running task can be cancelled, so only it shows its handle.
            task_handle: (self.status == RUNNING).then(|| self.handle.clone()),
            status: Some(self.status.to_owned()),
            source_arn: Some(self.source_arn.clone()),
            destination_arn: self.destination_arn.clone(),
            max_number_of_messages_per_second: self.max_per_second,
            approximate_number_of_messages_moved: self.moved,
            approximate_number_of_messages_to_move: Some(self.to_move),
            failure_reason: self.failure_reason.clone(),
            started_timestamp: self.started_at,
        }
    }
}

/// A fresh task id.
pub fn new_task_id() -> String {
    rt::request_id()
}
