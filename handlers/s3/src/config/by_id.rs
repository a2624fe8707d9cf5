//! The configurations a bucket keeps several of, each under its own Id: analytics,
//! S3 Intelligent-Tiering archive settings, inventory and CloudWatch request metrics
//! (`?analytics&id=`, `?intelligent-tiering&id=`, `?inventory&id=`, `?metrics&id=`).
//!
//! All four work alike on S3: Put adds or replaces the configuration named by the query's
//! `id` (which must be the body's `Id`: S3 answers `MalformedXML` otherwise), up to 1,000
//! per bucket and kind; Get and Delete answer `NoSuchConfiguration` for an unknown Id; List
//! answers pages of 100 in Id order, continued by an opaque token. They are stored and
//! handed back: no report is produced and no object changes tier.

use std::collections::BTreeMap;

use base64::Engine;
use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::types::*;

use super::{errors, with_bucket};
use crate::state::S3State;

/// Most configurations of one kind a bucket may have.
const MAX_CONFIGURATIONS: usize = 1000;
/// Configurations per List page.
const PAGE: usize = 100;

/// One kind of configuration of one bucket, by Id.
pub type ById<T> = BTreeMap<String, T>;

/// The by-Id configurations of a bucket.
#[derive(Debug, Clone, Default)]
pub struct IdConfigs {
    pub analytics: ById<AnalyticsConfiguration>,
    pub intelligent_tiering: ById<IntelligentTieringConfiguration>,
    pub inventory: ById<InventoryConfiguration>,
    pub metrics: ById<MetricsConfiguration>,
}

fn put<T>(map: &mut ById<T>, id: &str, body_id: &str, value: T) -> Result<(), rt::CommonError> {
    if id != body_id {
        return Err(errors::malformed_xml());
    }
    if !map.contains_key(id) && map.len() >= MAX_CONFIGURATIONS {
        return Err(errors::too_many_configurations());
    }
    map.insert(id.to_owned(), value);
    Ok(())
}

fn get<T: Clone>(map: &ById<T>, id: &str) -> Result<T, rt::CommonError> {
    map.get(id).cloned().ok_or_else(errors::no_such_configuration)
}

fn delete<T>(map: &mut ById<T>, id: &str) -> Result<rt::Unit, rt::CommonError> {
    map.remove(id).map(|_| rt::Unit).ok_or_else(errors::no_such_configuration)
}

/// One List page.
struct Page<T> {
    items: Vec<T>,
    next_token: Option<String>,
}

/// The page starting at `token` (the first Id it holds, base64-encoded), in Id order.
fn page<T: Clone>(map: &ById<T>, token: Option<&str>) -> Result<Page<T>, rt::CommonError> {
    let start = match token {
        None => String::new(),
        Some(token) => base64::engine::general_purpose::STANDARD
            .decode(token)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .filter(|id| !id.is_empty())
            .ok_or_else(errors::invalid_continuation_token)?,
    };
    let mut rest = map.range(start..);
    let items: Vec<T> = rest.by_ref().take(PAGE).map(|(_, v)| v.clone()).collect();
    let next_token = rest.next().map(|(id, _)| base64::engine::general_purpose::STANDARD.encode(id));
    Ok(Page { items, next_token })
}

/// `None` for an empty list, as S3 leaves the element out.
fn listed<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}

// ---- analytics -----------------------------------------------------------------------------

pub fn put_analytics(
    state: &GlobalStore<S3State>,
    input: PutBucketAnalyticsConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.analytics_configuration;
    check_analytics(&config)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let body_id = config.id.clone();
        put(&mut bucket.config.by_id.analytics, &input.id, &body_id, config)?;
        Ok(rt::Unit)
    })
}

/// An export of the analysis goes to a bucket named by ARN, as CSV (the only format).
fn check_analytics(config: &AnalyticsConfiguration) -> Result<(), rt::CommonError> {
    let Some(export) = &config.storage_class_analysis.data_export else { return Ok(()) };
    let destination = &export.destination.s3_bucket_destination;
    if !destination.bucket.starts_with("arn:aws:s3:::") || destination.bucket.len() <= "arn:aws:s3:::".len() {
        return Err(errors::invalid_argument("Invalid argument.", "Bucket", &destination.bucket));
    }
    Ok(())
}

pub fn get_analytics(
    state: &GlobalStore<S3State>,
    input: GetBucketAnalyticsConfigurationRequest,
) -> Result<GetBucketAnalyticsConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = get(&bucket.config.by_id.analytics, &input.id)?;
        Ok(GetBucketAnalyticsConfigurationOutput { analytics_configuration: Some(config) })
    })
}

pub fn delete_analytics(
    state: &GlobalStore<S3State>,
    input: DeleteBucketAnalyticsConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        delete(&mut bucket.config.by_id.analytics, &input.id)
    })
}

pub fn list_analytics(
    state: &GlobalStore<S3State>,
    input: ListBucketAnalyticsConfigurationsRequest,
) -> Result<ListBucketAnalyticsConfigurationsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let page = page(&bucket.config.by_id.analytics, input.continuation_token.as_deref())?;
        Ok(ListBucketAnalyticsConfigurationsOutput {
            is_truncated: Some(page.next_token.is_some()),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: page.next_token,
            analytics_configuration_list: listed(page.items),
        })
    })
}

// ---- intelligent-tiering -------------------------------------------------------------------

pub fn put_intelligent_tiering(
    state: &GlobalStore<S3State>,
    input: PutBucketIntelligentTieringConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.intelligent_tiering_configuration;
    check_tierings(&config.tierings)?;
    with_bucket(state, &input.bucket, None, |bucket| {
        let body_id = config.id.clone();
        put(&mut bucket.config.by_id.intelligent_tiering, &input.id, &body_id, config)?;
        Ok(rt::Unit)
    })
}

/// At least one tier, each at most once, after S3's bounds on days: Archive Access from 90
/// to 730, Deep Archive Access from 180 to 730.
fn check_tierings(tierings: &[Tiering]) -> Result<(), rt::CommonError> {
    if tierings.is_empty() {
        return Err(errors::malformed_xml());
    }
    let mut seen = Vec::new();
    for tiering in tierings {
        let (name, minimum) = match &tiering.access_tier {
            IntelligentTieringAccessTier::ArchiveAccess => ("ARCHIVE_ACCESS", 90),
            IntelligentTieringAccessTier::DeepArchiveAccess => ("DEEP_ARCHIVE_ACCESS", 180),
            IntelligentTieringAccessTier::Unknown(_) => return Err(errors::malformed_xml()),
        };
        if seen.contains(&name) {
            return Err(errors::invalid_argument("Access tiers must be unique", "AccessTier", name));
        }
        seen.push(name);
        if !(minimum..=730).contains(&tiering.days) {
            return Err(errors::invalid_argument(
                format!("Days for {name} must be between {minimum} and 730 days"),
                "Days",
                &tiering.days.to_string(),
            ));
        }
    }
    Ok(())
}

pub fn get_intelligent_tiering(
    state: &GlobalStore<S3State>,
    input: GetBucketIntelligentTieringConfigurationRequest,
) -> Result<GetBucketIntelligentTieringConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, None, |bucket| {
        let config = get(&bucket.config.by_id.intelligent_tiering, &input.id)?;
        Ok(GetBucketIntelligentTieringConfigurationOutput { intelligent_tiering_configuration: Some(config) })
    })
}

pub fn delete_intelligent_tiering(
    state: &GlobalStore<S3State>,
    input: DeleteBucketIntelligentTieringConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, None, |bucket| delete(&mut bucket.config.by_id.intelligent_tiering, &input.id))
}

pub fn list_intelligent_tiering(
    state: &GlobalStore<S3State>,
    input: ListBucketIntelligentTieringConfigurationsRequest,
) -> Result<ListBucketIntelligentTieringConfigurationsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, None, |bucket| {
        let page = page(&bucket.config.by_id.intelligent_tiering, input.continuation_token.as_deref())?;
        Ok(ListBucketIntelligentTieringConfigurationsOutput {
            is_truncated: Some(page.next_token.is_some()),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: page.next_token,
            intelligent_tiering_configuration_list: listed(page.items),
        })
    })
}

// ---- inventory -----------------------------------------------------------------------------

pub fn put_inventory(
    state: &GlobalStore<S3State>,
    input: PutBucketInventoryConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.inventory_configuration;
    check_inventory(&config)?;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let body_id = config.id.clone();
        put(&mut bucket.config.by_id.inventory, &input.id, &body_id, config)?;
        Ok(rt::Unit)
    })
}

/// The report goes to a bucket named by ARN, encrypted one way at most.
fn check_inventory(config: &InventoryConfiguration) -> Result<(), rt::CommonError> {
    let destination = &config.destination.s3_bucket_destination;
    if !destination.bucket.starts_with("arn:aws:s3:::") || destination.bucket.len() <= "arn:aws:s3:::".len() {
        return Err(errors::invalid_argument("Invalid argument.", "Bucket", &destination.bucket));
    }
    if let Some(encryption) = &destination.encryption {
        if encryption.sses3.is_some() && encryption.ssekms.is_some() {
            return Err(errors::malformed_xml());
        }
    }
    Ok(())
}

pub fn get_inventory(
    state: &GlobalStore<S3State>,
    input: GetBucketInventoryConfigurationRequest,
) -> Result<GetBucketInventoryConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = get(&bucket.config.by_id.inventory, &input.id)?;
        Ok(GetBucketInventoryConfigurationOutput { inventory_configuration: Some(config) })
    })
}

pub fn delete_inventory(
    state: &GlobalStore<S3State>,
    input: DeleteBucketInventoryConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        delete(&mut bucket.config.by_id.inventory, &input.id)
    })
}

pub fn list_inventory(
    state: &GlobalStore<S3State>,
    input: ListBucketInventoryConfigurationsRequest,
) -> Result<ListBucketInventoryConfigurationsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let page = page(&bucket.config.by_id.inventory, input.continuation_token.as_deref())?;
        Ok(ListBucketInventoryConfigurationsOutput {
            is_truncated: Some(page.next_token.is_some()),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: page.next_token,
            inventory_configuration_list: listed(page.items),
        })
    })
}

// ---- metrics -------------------------------------------------------------------------------

pub fn put_metrics(
    state: &GlobalStore<S3State>,
    input: PutBucketMetricsConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let config = input.metrics_configuration;
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let body_id = config.id.clone();
        put(&mut bucket.config.by_id.metrics, &input.id, &body_id, config)?;
        Ok(rt::Unit)
    })
}

pub fn get_metrics(
    state: &GlobalStore<S3State>,
    input: GetBucketMetricsConfigurationRequest,
) -> Result<GetBucketMetricsConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let config = get(&bucket.config.by_id.metrics, &input.id)?;
        Ok(GetBucketMetricsConfigurationOutput { metrics_configuration: Some(config) })
    })
}

pub fn delete_metrics(
    state: &GlobalStore<S3State>,
    input: DeleteBucketMetricsConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        delete(&mut bucket.config.by_id.metrics, &input.id)
    })
}

pub fn list_metrics(
    state: &GlobalStore<S3State>,
    input: ListBucketMetricsConfigurationsRequest,
) -> Result<ListBucketMetricsConfigurationsOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let page = page(&bucket.config.by_id.metrics, input.continuation_token.as_deref())?;
        Ok(ListBucketMetricsConfigurationsOutput {
            is_truncated: Some(page.next_token.is_some()),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: page.next_token,
            metrics_configuration_list: listed(page.items),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_id_order_and_tokens() {
        let mut map: ById<u32> = BTreeMap::new();
        for n in 0..250u32 {
            put(&mut map, &format!("id-{n:03}"), &format!("id-{n:03}"), n).unwrap();
        }
        let first = page(&map, None).unwrap();
        assert_eq!(first.items.len(), 100);
        assert_eq!(first.items[0], 0);
        let second = page(&map, first.next_token.as_deref()).unwrap();
        assert_eq!(second.items[0], 100);
        let third = page(&map, second.next_token.as_deref()).unwrap();
        assert_eq!(third.items.len(), 50);
        assert!(third.next_token.is_none());
        assert!(page(&map, Some("not base64!")).is_err());
    }

    #[test]
    fn put_checks_the_id_and_the_limit() {
        let mut map: ById<u32> = BTreeMap::new();
        assert!(put(&mut map, "a", "b", 1).is_err());
        for n in 0..MAX_CONFIGURATIONS {
            put(&mut map, &n.to_string(), &n.to_string(), 0).unwrap();
        }
        assert!(put(&mut map, "one-too-many", "one-too-many", 0).is_err());
        // Replacing an existing one is not a new configuration.
        put(&mut map, "7", "7", 1).unwrap();
        assert!(delete(&mut map, "7").is_ok());
        assert!(delete(&mut map, "7").is_err());
        assert!(get(&map, "7").is_err());
    }
}
