//! The queues of one account in one region.

use std::collections::{BTreeMap, HashMap};

use crate::clock::Millis;
use crate::error::SqsError;
use crate::move_tasks::MoveTask;
use crate::queue::Queue;

#[derive(Default)]
pub struct RegionState {
    /// By name; a `BTreeMap` so ListQueues comes out sorted and pages stay stable.
    pub queues: BTreeMap<String, Queue>,
    /// When each name was last deleted, for the opt-in recreate delay.
    pub deleted_at: HashMap<String, Millis>,
    /// Message move tasks, newest last; finished ones are kept for ListMessageMoveTasks.
    pub move_tasks: Vec<MoveTask>,
}

impl RegionState {
    pub fn queue(&self, name: &str, error: impl FnOnce() -> SqsError) -> Result<&Queue, SqsError> {
        self.queues.get(name).ok_or_else(error)
    }

    pub fn queue_mut(&mut self, name: &str, error: impl FnOnce() -> SqsError) -> Result<&mut Queue, SqsError> {
        self.queues.get_mut(name).ok_or_else(error)
    }
}

impl RegionState {
    /// The queue with this exact ARN, by name.
    pub fn queue_by_arn(&self, arn: &str) -> Option<&Queue> {
        let name = arn.rsplit(':').next()?;
        self.queues.get(name).filter(|q| q.arn == arn)
    }
}
