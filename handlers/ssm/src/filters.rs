//! ParameterStringFilter / ParametersFilter matching for DescribeParameters and
//! GetParametersByPath.

use ssm_api::types::{ParameterStringFilter, ParameterTier, ParameterType, ParametersFilter, ParametersFilterKey};

use crate::names;
use crate::state::{Parameter, Version};

/// A filter the caller passed, in one form whichever API member it came in.
#[derive(Debug, Clone)]
pub struct Filter {
    pub key: String,
    pub option: String,
    pub values: Vec<String>,
}

/// Why a filter was refused, as the modelled error to raise.
#[derive(Debug, PartialEq)]
pub enum FilterError {
    Key,
    Option(String),
    Value(String),
}

/// Keys GetParametersByPath accepts.
pub const BY_PATH_KEYS: &[&str] = &["Type", "KeyId", "Label"];
/// Keys DescribeParameters accepts besides `tag:<key>`.
pub const DESCRIBE_KEYS: &[&str] = &["Name", "Type", "KeyId", "Path", "Tier", "DataType", "Label"];

pub fn from_string_filters(
    filters: Vec<ParameterStringFilter>,
    allowed_keys: &[&str],
) -> Result<Vec<Filter>, FilterError> {
    filters
        .into_iter()
        .map(|f| {
            let tag = f.key.starts_with("tag:") && allowed_keys == DESCRIBE_KEYS;
            if !tag && !allowed_keys.contains(&f.key.as_str()) {
                return Err(FilterError::Key);
            }
            let default_option = if f.key == "Path" { "OneLevel" } else { "Equals" };
            let option = f.option.unwrap_or_else(|| default_option.to_string());
            let allowed_options: &[&str] = match f.key.as_str() {
                "Name" => &["Equals", "BeginsWith", "Contains"],
                "Path" => &["Recursive", "OneLevel"],
                "KeyId" | "Label" | "Type" | "Tier" | "DataType" => &["Equals"],
                _ => &["Equals", "BeginsWith", "Contains"],
            };
            if !allowed_options.contains(&option.as_str()) {
                return Err(FilterError::Option(format!(
                    "The following filter option is not valid: {option}. Valid options include: [{}].",
                    allowed_options.join(", ")
                )));
            }
            let values = f.values.unwrap_or_default();
            if values.is_empty() && !tag {
                return Err(FilterError::Value(format!(
                    "The following filter values are missing : null for filter key {}.",
                    f.key
                )));
            }
            Ok(Filter { key: f.key, option, values })
        })
        .collect()
}

/// The older `Filters` member: Name (prefix match), Type, KeyId.
pub fn from_legacy_filters(filters: Vec<ParametersFilter>) -> Result<Vec<Filter>, FilterError> {
    filters
        .into_iter()
        .map(|f| {
            let (key, option) = match f.key {
                ParametersFilterKey::Name => ("Name", "BeginsWith"),
                ParametersFilterKey::Type => ("Type", "Equals"),
                ParametersFilterKey::KeyId => ("KeyId", "Equals"),
                ParametersFilterKey::Unknown(_) => return Err(FilterError::Key),
            };
            Ok(Filter { key: key.to_string(), option: option.to_string(), values: f.values })
        })
        .collect()
}

fn tier_name(t: &ParameterTier) -> &str {
    t.as_str()
}

fn type_name(t: &ParameterType) -> &str {
    t.as_str()
}

/// Whether the latest `version` of `parameter` passes every filter.
pub fn matches(filters: &[Filter], parameter: &Parameter, version: &Version) -> bool {
    filters.iter().all(|f| {
        let any = |candidate: &str| f.values.iter().any(|v| v == candidate);
        match f.key.as_str() {
            "Name" => {
                // Names match with or without their leading slash.
                let name = parameter.name.trim_start_matches('/');
                f.values.iter().any(|v| {
                    let v = v.trim_start_matches('/');
                    match f.option.as_str() {
                        "BeginsWith" => name.starts_with(v),
                        "Contains" => name.contains(v),
                        _ => name == v,
                    }
                })
            }
            "Type" => any(type_name(&version.r#type)),
            "KeyId" => version.key_id.as_deref().is_some_and(any),
            "Tier" => any(tier_name(&version.tier)),
            "DataType" => any(&version.data_type),
            "Label" => parameter.versions.iter().any(|v| v.labels.iter().any(|l| any(l))),
            "Path" => f.values.iter().any(|p| {
                names::normalize_path(p).is_ok_and(|p| names::is_under(&parameter.name, &p, f.option == "Recursive"))
            }),
            key => match key.strip_prefix("tag:") {
                Some(tag) => parameter.tags.iter().any(|(k, v)| k == tag && (f.values.is_empty() || any(v))),
                None => false,
            },
        }
    })
}
