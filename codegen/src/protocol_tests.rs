//! Protocol test services: generated from `../shared/protocol-tests/smithy/` (not yet).

use std::path::Path;

use crate::Files;

pub fn generate(_workspace: &Path, _files: &mut Files) -> Result<(), String> {
    Ok(())
}
