//! Versions and staging labels.
//!
//! A staging label sits on at most one version of a secret. Moving AWSCURRENT to a new
//! version hands AWSPREVIOUS to the version that had it; versions left without labels are
//! "deprecated" and pruned once a secret holds more than 100 versions.

use ferrostack_runtime as rt;

use crate::state::{Secret, Value, Version, AWSCURRENT, AWSPREVIOUS};

/// Secrets Manager keeps about 100 versions; deprecated ones go first.
pub const MAX_VERSIONS: usize = 100;
/// A version carries at most 20 staging labels.
pub const MAX_STAGES_PER_VERSION: usize = 20;

#[derive(Debug, PartialEq)]
pub enum AddOutcome {
    Created,
    /// The same token and value were sent again: nothing changed.
    Unchanged,
}

/// Why a version could not be added.
#[derive(Debug, PartialEq)]
pub enum AddError {
    /// The token names an existing version with another value.
    Conflict,
    TooManyStages,
}

/// Adds version `id` with `value` and attaches `stages` to it.
pub fn add(secret: &mut Secret, id: &str, value: Value, stages: &[String]) -> Result<AddOutcome, AddError> {
    if let Some(existing) = secret.version(id) {
        return if existing.value == value { Ok(AddOutcome::Unchanged) } else { Err(AddError::Conflict) };
    }
    if stages.len() > MAX_STAGES_PER_VERSION {
        return Err(AddError::TooManyStages);
    }
    secret.versions.push(Version {
        id: id.to_string(),
        value,
        stages: Vec::new(),
        created: rt::DateTime::now(),
        last_accessed: None,
    });
    for stage in stages {
        attach(secret, stage, id);
    }
    prune(secret);
    secret.last_changed = rt::DateTime::now();
    Ok(AddOutcome::Created)
}

/// Moves `stage` onto version `id`, taking it off whichever version had it.
pub fn attach(secret: &mut Secret, stage: &str, id: &str) {
    let previous = secret.staged(stage).map(|v| v.id.clone());
    if previous.as_deref() == Some(id) {
        return;
    }
    detach(secret, stage);
    if let Some(v) = secret.versions.iter_mut().find(|v| v.id == id) {
        v.stages.push(stage.to_string());
    }
    if stage == AWSCURRENT {
        if let Some(previous) = previous {
            attach(secret, AWSPREVIOUS, &previous);
        }
    }
}

pub fn detach(secret: &mut Secret, stage: &str) {
    for v in secret.versions.iter_mut() {
        v.stages.retain(|s| s != stage);
    }
}

fn prune(secret: &mut Secret) {
    while secret.versions.len() > MAX_VERSIONS {
        match secret.versions.iter().position(|v| v.stages.is_empty()) {
            Some(i) => {
                secret.versions.remove(i);
            }
            None => break,
        }
    }
}
