//! ListSecrets / BatchGetSecretValue filters and page tokens.

use secretsmanager_api::types::{Filter, FilterNameStringType};

use crate::state::Secret;

/// Whether `secret` passes every filter. Within a filter any value may match; a value
/// starting with `!` negates. Matching is by prefix; `description` and `all` ignore case.
pub fn matches(filters: &[Filter], secret: &Secret, region: &str) -> bool {
    filters.iter().all(|f| {
        let Some(key) = &f.key else { return true };
        let values = f.values.as_deref().unwrap_or(&[]);
        values.iter().any(|raw| {
            let (negate, value) = match raw.strip_prefix('!') {
                Some(v) => (true, v),
                None => (false, raw.as_str()),
            };
            let hit = matches_value(key, value, secret, region);
            hit != negate
        })
    })
}

fn prefix(candidate: &str, value: &str) -> bool {
    candidate.starts_with(value)
}

fn prefix_ci(candidate: &str, value: &str) -> bool {
    candidate.to_lowercase().starts_with(&value.to_lowercase())
}

fn matches_value(key: &FilterNameStringType, value: &str, secret: &Secret, region: &str) -> bool {
    let description = secret.description.as_deref().unwrap_or("");
    let primary_region = if secret.replicas.is_empty() { None } else { Some(region) };
    match key {
        FilterNameStringType::Name => prefix(&secret.name, value),
        FilterNameStringType::Description => prefix_ci(description, value),
        FilterNameStringType::TagKey => secret.tags.iter().any(|(k, _)| prefix(k, value)),
        FilterNameStringType::TagValue => secret.tags.iter().any(|(_, v)| prefix(v, value)),
        FilterNameStringType::PrimaryRegion => primary_region.is_some_and(|r| prefix(r, value)),
        // Secrets created here are never owned by another service.
        FilterNameStringType::OwningService => false,
        FilterNameStringType::All => value.split_whitespace().all(|word| {
            // Any attribute, or any word of one, that starts with the word.
            let attribute = |text: &str| prefix_ci(text, word) || text.split_whitespace().any(|w| prefix_ci(w, word));
            attribute(&secret.name)
                || attribute(description)
                || secret.tags.iter().any(|(k, v)| attribute(k) || attribute(v))
                || primary_region.is_some_and(attribute)
        }),
        FilterNameStringType::Unknown(_) => false,
    }
}

/// Tokens carry the creation sequence number of the next secret.
pub fn encode(seq: u64) -> String {
    format!("sm1.{seq:x}")
}

pub fn decode(token: &str) -> Option<u64> {
    u64::from_str_radix(token.strip_prefix("sm1.")?, 16).ok()
}
