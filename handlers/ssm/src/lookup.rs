//! Finding the version a `name[:selector]` refers to.

use ssm_api::types::{ParameterNotFound, ParameterVersionNotFound};

use crate::names::Selector;
use crate::state::{Parameter, Parameters, Version};

#[derive(Debug)]
pub enum Missing {
    Parameter(ParameterNotFound),
    Version(ParameterVersionNotFound),
}

/// AWS's ParameterNotFound carries no message.
pub fn not_found() -> ParameterNotFound {
    ParameterNotFound { message: None }
}

pub fn find<'a>(
    state: &'a Parameters,
    name: &str,
    selector: &Selector,
) -> Result<(&'a Parameter, &'a Version), Missing> {
    let parameter = state.by_name.get(name).ok_or(Missing::Parameter(not_found()))?;
    let version = match selector {
        Selector::Latest => parameter.latest(),
        Selector::Version(n) => parameter.version(*n),
        Selector::Label(l) => parameter.labelled(l),
    };
    match (version, selector) {
        (Some(v), _) => Ok((parameter, v)),
        (None, Selector::Version(n)) => Err(Missing::Version(ParameterVersionNotFound {
            message: Some(format!(
                "Systems Manager could not find version {n} of {name}. Verify the version and try again."
            )),
        })),
        (None, _) => Err(Missing::Parameter(not_found())),
    }
}
