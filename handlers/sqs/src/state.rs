//! The queues of one account in one region.

use std::collections::{BTreeMap, HashMap};

use crate::clock::Millis;
use crate::error::SqsError;
use crate::queue::Queue;

#[derive(Default)]
pub struct RegionState {
    /// By name; a `BTreeMap` so ListQueues comes out sorted and pages stay stable.
    pub queues: BTreeMap<String, Queue>,
    /// When each name was last deleted, for the opt-in recreate delay.
    pub deleted_at: HashMap<String, Millis>,
}

impl RegionState {
    pub fn queue(&self, name: &str, error: impl FnOnce() -> SqsError) -> Result<&Queue, SqsError> {
        self.queues.get(name).ok_or_else(error)
    }

    pub fn queue_mut(&mut self, name: &str, error: impl FnOnce() -> SqsError) -> Result<&mut Queue, SqsError> {
        self.queues.get_mut(name).ok_or_else(error)
    }
}
