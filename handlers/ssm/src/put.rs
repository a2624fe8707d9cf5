//! PutParameter: creating a parameter or adding a version to it.

use ferrostack_runtime as rt;
use ssm_api::error::PutParameterError;
use ssm_api::types::*;

use crate::names::{self, NameError};
use crate::policies;
use crate::secure;
use crate::state::{Parameter, Parameters, Version};

/// Standard parameters hold up to 4 KB, advanced ones up to 8 KB.
pub const STANDARD_MAX_VALUE: usize = 4096;
pub const ADVANCED_MAX_VALUE: usize = 8192;
/// Parameters a Region may hold, by tier.
pub const MAX_STANDARD_PARAMETERS: usize = 10_000;
pub const MAX_ADVANCED_PARAMETERS: usize = 100_000;
/// A parameter keeps its last 100 versions.
pub const MAX_VERSIONS: usize = 100;
/// Data types a String parameter may declare.
const DATA_TYPES: &[&str] = &["text", "aws:ec2:image", "aws:ssm:integration"];

pub fn name_error<E: From<rt::CommonError> + From<HierarchyLevelLimitExceededException>>(e: NameError) -> E {
    match e {
        NameError::Invalid(m) => rt::CommonError::Validation(m).into(),
        NameError::Reserved(name) => {
            rt::CommonError::AccessDenied(format!("No access to reserved parameter name: {name}.")).into()
        }
        NameError::TooDeep => HierarchyLevelLimitExceededException {
            message: Some(format!(
                "A hierarchy can have a maximum of {} levels. For more information, see Requirements and constraints for parameter names in the Amazon Web Services Systems Manager User Guide.",
                names::MAX_HIERARCHY_LEVELS
            )),
        }
        .into(),
    }
}

fn validation(message: impl Into<String>) -> PutParameterError {
    rt::CommonError::Validation(message.into()).into()
}

/// The tier a value lands in: what was asked for, or for Intelligent-Tiering the cheapest
/// tier that fits; an existing advanced parameter never drops back to standard.
fn choose_tier(
    requested: Option<&ParameterTier>,
    current: Option<&ParameterTier>,
    value_len: usize,
    has_policies: bool,
) -> Result<ParameterTier, PutParameterError> {
    let tier = match requested {
        Some(ParameterTier::IntelligentTiering) => {
            if value_len > STANDARD_MAX_VALUE || current == Some(&ParameterTier::Advanced) || has_policies {
                ParameterTier::Advanced
            } else {
                ParameterTier::Standard
            }
        }
        Some(ParameterTier::Unknown(other)) => {
            return Err(validation(format!(
                "1 validation error detected: Value '{other}' at 'tier' failed to satisfy constraint: Member must satisfy enum value set: [Advanced, Intelligent-Tiering, Standard]"
            )))
        }
        Some(t) => t.clone(),
        None => current.cloned().unwrap_or(ParameterTier::Standard),
    };
    if tier == ParameterTier::Standard && current == Some(&ParameterTier::Advanced) {
        return Err(validation(
            "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
        ));
    }
    if tier == ParameterTier::Standard && has_policies {
        return Err(validation(
            "Standard tier parameters don't support parameter policies. To attach policies, use the advanced-parameter tier or Intelligent-Tiering.",
        ));
    }
    match tier {
        ParameterTier::Standard if value_len > STANDARD_MAX_VALUE => Err(validation(
            "Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html",
        )),
        _ if value_len > ADVANCED_MAX_VALUE => Err(validation(format!(
            "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to {ADVANCED_MAX_VALUE}"
        ))),
        t => Ok(t),
    }
}

/// AllowedPattern is a full-match regular expression over the value.
fn check_pattern(pattern: &str, value: &str) -> Result<(), PutParameterError> {
    let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|_| InvalidAllowedPatternException {
        message: Some("The allowed pattern is not valid".to_string()),
    })?;
    if !re.is_match(value) {
        return Err(ParameterPatternMismatchException {
            message: Some(format!("Parameter value, cannot be validated against allowedPattern: {pattern}")),
        }
        .into());
    }
    Ok(())
}

pub fn put(
    state: &mut Parameters,
    ctx: &rt::RequestContext,
    input: PutParameterRequest,
) -> Result<PutParameterResult, PutParameterError> {
    names::check_new(ctx, &input.name).map_err(name_error::<PutParameterError>)?;
    let overwrite = input.overwrite.unwrap_or(false);
    if overwrite && input.tags.as_ref().is_some_and(|t| !t.is_empty()) {
        return Err(validation(
            "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        ));
    }
    if let Some(ParameterType::Unknown(other)) = &input.r#type {
        return Err(validation(format!(
            "1 validation error detected: Value '{other}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]"
        )));
    }
    let data_type = input.data_type.clone().filter(|d| !d.is_empty()).unwrap_or_else(|| "text".to_string());
    if !DATA_TYPES.contains(&data_type.as_str()) {
        return Err(validation(format!(
            "The following data type is not supported: {data_type} (Data type names are all lowercase.)"
        )));
    }

    let existing = state.by_name.get(&input.name);
    if existing.is_some() && !overwrite {
        return Err(ParameterAlreadyExists {
            message: Some("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.".to_string()),
        }
        .into());
    }
    let current = existing.and_then(Parameter::latest);
    // The type is only optional when updating.
    let r#type = match (&input.r#type, current) {
        (Some(t), _) => t.clone(),
        (None, Some(c)) => c.r#type.clone(),
        (None, None) => return Err(validation("A parameter type is required when you create a parameter.")),
    };
    if let Some(raw) = &input.policies {
        policies::check(raw)?;
    }
    // Policies a new version does not mention stay attached.
    let policies = input.policies.clone().or_else(|| current.and_then(|c| c.policies.clone()));
    let tier = choose_tier(
        input.tier.as_ref(),
        current.map(|c| &c.tier),
        input.value.chars().count(),
        policies::any(policies.as_deref()),
    )?;
    if let Some(pattern) = &input.allowed_pattern {
        check_pattern(pattern, &input.value)?;
    }
    let key_id = match r#type {
        ParameterType::SecureString => Some(input.key_id.clone().unwrap_or_else(|| secure::DEFAULT_KEY_ID.to_string())),
        _ => None,
    };

    // A Region holds at most 10,000 standard and 100,000 advanced parameters.
    if state.by_name.len() >= MAX_STANDARD_PARAMETERS && !state.by_name.contains_key(&input.name) {
        let same_tier = state.by_name.values().filter(|p| p.latest().is_some_and(|v| v.tier == tier)).count();
        let limit = if tier == ParameterTier::Advanced { MAX_ADVANCED_PARAMETERS } else { MAX_STANDARD_PARAMETERS };
        if same_tier >= limit {
            return Err(ParameterLimitExceeded {
                message: Some(format!(
                    "You have exceeded the number of parameters for this AWS account. Delete unnecessary parameters and try again. The {} tier allows {limit} parameters.",
                    tier.as_str()
                )),
            }
            .into());
        }
    }
    let parameter = state.by_name.entry(input.name.clone()).or_insert_with(|| Parameter {
        name: input.name.clone(),
        versions: Vec::new(),
        tags: Vec::new(),
    });
    // At the version limit the oldest version makes room, unless a label pins it.
    if parameter.versions.len() >= MAX_VERSIONS {
        if let Some(oldest) = parameter.versions.first() {
            if !oldest.labels.is_empty() {
                return Err(ParameterMaxVersionLimitExceeded {
                    message: Some(format!(
                        "You attempted to create a new version of {} by calling the PutParameter API with the overwrite flag. Version {}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.",
                        input.name, oldest.version
                    )),
                }
                .into());
            }
            parameter.versions.remove(0);
        }
    }
    let version = parameter.latest().map_or(1, |v| v.version + 1);
    parameter.versions.push(Version {
        version,
        value: input.value,
        r#type,
        key_id,
        // A new version without a description keeps the one it had.
        description: input.description.or_else(|| parameter.latest().and_then(|v| v.description.clone())),
        allowed_pattern: input.allowed_pattern,
        tier: tier.clone(),
        policies,
        data_type,
        labels: Vec::new(),
        last_modified: rt::DateTime::now(),
        last_modified_user: format!("arn:aws:iam::{}:root", ctx.account_id),
    });
    for tag in input.tags.unwrap_or_default() {
        parameter.tags.push((tag.key, tag.value));
    }
    Ok(PutParameterResult { version, tier: Some(tier) })
}
