//! The operations over versions: Put/GetBucketVersioning, ListObjectVersions, object lock
//! (bucket configuration, retention, legal hold) and GetObjectAttributes.

use std::collections::BTreeMap;
use std::ops::Bound;

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::checksum_fields;
use crate::errors;
use crate::list_objects::Encoding;
use crate::owner::owner;
use crate::state::S3State;
use crate::stored::StoredObject;
use crate::versions::{self, check_version_id, Found, Version, Versioning};

pub fn put_bucket_versioning(
    state: &GlobalStore<S3State>,
    input: PutBucketVersioningRequest,
) -> Result<rt::Unit, PutBucketVersioningError> {
    let status = match &input.versioning_configuration.status {
        Some(BucketVersioningStatus::Enabled) => Some(Versioning::Enabled),
        Some(BucketVersioningStatus::Suspended) => Some(Versioning::Suspended),
        None => None,
        Some(BucketVersioningStatus::Unknown(_)) => return Err(errors::malformed_xml().into()),
    };
    if input.versioning_configuration.mfa_delete == Some(MFADelete::Enabled) && input.mfa.is_none() {
        return Err(errors::invalid_request("MFA Authentication must be used for this request").into());
    }
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let Some(status) = status else { return Ok(rt::Unit) };
        if bucket.object_lock.is_some() && status == Versioning::Suspended {
            return Err(errors::invalid_bucket_state(
                "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.",
            )
            .into());
        }
        // Once versioned, a bucket is never unversioned again: it can only be suspended.
        bucket.versioning = status;
        Ok(rt::Unit)
    })
}

pub fn get_bucket_versioning(
    state: &GlobalStore<S3State>,
    input: GetBucketVersioningRequest,
) -> Result<GetBucketVersioningOutput, GetBucketVersioningError> {
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let status = match bucket.versioning {
            Versioning::Unversioned => None,
            Versioning::Enabled => Some(BucketVersioningStatus::Enabled),
            Versioning::Suspended => Some(BucketVersioningStatus::Suspended),
        };
        let mfa_delete = status.is_some().then_some(MFADeleteStatus::Disabled);
        Ok(GetBucketVersioningOutput { status, mfa_delete })
    })
}

/// One row of a version listing.
enum Row<'a> {
    Object { key: &'a str, object: &'a StoredObject, latest: bool },
    Marker { key: &'a str, version_id: &'a str, last_modified: DateTime, latest: bool },
    Prefix(String),
}

/// Every version of `key`, newest first.
fn versions_of<'a>(
    objects: &'a BTreeMap<String, StoredObject>,
    history: &'a BTreeMap<String, Vec<Version>>,
    key: &'a str,
) -> Vec<Row<'a>> {
    let mut rows = Vec::new();
    if let Some(current) = objects.get(key) {
        rows.push(Row::Object { key, object: current, latest: true });
    }
    for v in history.get(key).into_iter().flatten().rev() {
        let latest = rows.is_empty();
        rows.push(match v {
            Version::Object(o) => Row::Object { key, object: o, latest },
            Version::DeleteMarker { version_id, last_modified } => {
                Row::Marker { key, version_id, last_modified: *last_modified, latest }
            }
        });
    }
    rows
}

pub fn list_object_versions(
    state: &GlobalStore<S3State>,
    input: ListObjectVersionsRequest,
) -> Result<ListObjectVersionsOutput, ListObjectVersionsError> {
    let encoding = Encoding::from_request(input.encoding_type.as_ref())?;
    let echoed_max = input.max_keys.unwrap_or(1000);
    if echoed_max < 0 {
        return Err(errors::invalid_argument(
            "Argument maxKeys must be an integer between 0 and 2147483647",
            "maxKeys",
            &echoed_max.to_string(),
        )
        .into());
    }
    let page_size = echoed_max.min(1000) as usize;
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let key_marker = input.key_marker.clone().unwrap_or_default();
    let version_marker = input.version_id_marker.clone().filter(|v| !v.is_empty());
    if version_marker.is_some() && key_marker.is_empty() {
        return Err(errors::invalid_argument(
            "A version-id marker cannot be specified without a key marker.",
            "version-id-marker",
            version_marker.as_deref().unwrap_or_default(),
        )
        .into());
    }

    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        // Keys of both maps from the prefix (or the key marker) on, merged in order.
        let lower = if key_marker.as_str() >= prefix.as_str() { key_marker.clone() } else { prefix.clone() };
        let range = (Bound::Included(lower.as_str()), Bound::Unbounded);
        let mut keys: Vec<&str> = bucket
            .objects
            .range::<str, _>(range)
            .map(|(k, _)| k.as_str())
            .take_while(|k| k.starts_with(&prefix))
            .collect();
        keys.extend(
            bucket.history.range::<str, _>(range).map(|(k, _)| k.as_str()).take_while(|k| k.starts_with(&prefix)),
        );
        keys.sort_unstable();
        keys.dedup();

        let mut rows: Vec<Row<'_>> = Vec::new();
        let mut truncated = false;
        let mut last_prefix: Option<String> = None;
        'keys: for key in keys {
            if !key_marker.is_empty() && key < key_marker.as_str() {
                continue;
            }
            if key == key_marker && version_marker.is_none() {
                continue;
            }
            let common = delimiter
                .as_deref()
                .and_then(|d| key[prefix.len()..].find(d).map(|at| key[..prefix.len() + at + d.len()].to_owned()));
            if let Some(common) = common {
                if last_prefix.as_deref() == Some(common.as_str()) || common.as_str() <= key_marker.as_str() {
                    continue;
                }
                if rows.len() == page_size {
                    truncated = true;
                    break;
                }
                last_prefix = Some(common.clone());
                rows.push(Row::Prefix(common));
                continue;
            }
            let mut versions = versions_of(&bucket.objects, &bucket.history, key);
            if key == key_marker {
                // Resume after the marker's version.
                let marker = version_marker.as_deref().unwrap_or_default();
                let at = versions.iter().position(|r| match r {
                    Row::Object { object, .. } => object.version_id == marker,
                    Row::Marker { version_id, .. } => *version_id == marker,
                    Row::Prefix(_) => false,
                });
                match at {
                    Some(at) => {
                        versions.drain(..=at);
                    }
                    None => continue,
                }
            }
            for row in versions {
                if rows.len() == page_size {
                    truncated = true;
                    break 'keys;
                }
                rows.push(row);
            }
        }
        if page_size == 0 {
            truncated = false;
        }

        let owner = owner(&bucket.owner_account);
        let mut listed = Vec::new();
        let mut markers = Vec::new();
        let mut prefixes = Vec::new();
        let (mut next_key, mut next_version) = (None, None);
        for row in &rows {
            match row {
                Row::Object { key, object, latest } => {
                    next_key = Some(key.to_string());
                    next_version = Some(object.version_id.clone());
                    listed.push(ObjectVersion {
                        e_tag: Some(object.etag.clone()),
                        checksum_algorithm: object.checksum.as_ref().map(|c| vec![c.algorithm.to_model()]),
                        checksum_type: object.checksum.as_ref().map(|c| c.kind.clone()),
                        size: Some(object.size() as i64),
                        storage_class: Some(ObjectVersionStorageClass::from(object.storage_class.as_str())),
                        key: Some(encoding.apply(key)),
                        version_id: Some(object.version_id.clone()),
                        is_latest: Some(*latest),
                        last_modified: Some(object.last_modified),
                        owner: Some(owner.clone()),
                        restore_status: None,
                    });
                }
                Row::Marker { key, version_id, last_modified, latest } => {
                    next_key = Some(key.to_string());
                    next_version = Some(version_id.to_string());
                    markers.push(DeleteMarkerEntry {
                        owner: Some(owner.clone()),
                        key: Some(encoding.apply(key)),
                        version_id: Some(version_id.to_string()),
                        is_latest: Some(*latest),
                        last_modified: Some(*last_modified),
                    });
                }
                Row::Prefix(p) => {
                    next_key = Some(p.clone());
                    next_version = None;
                    prefixes.push(CommonPrefix { prefix: Some(encoding.apply(p)) });
                }
            }
        }
        Ok(ListObjectVersionsOutput {
            is_truncated: Some(truncated),
            key_marker: Some(encoding.apply(&key_marker)),
            version_id_marker: Some(version_marker.clone().unwrap_or_default()),
            next_key_marker: if truncated { next_key.map(|k| encoding.apply(&k)) } else { None },
            next_version_id_marker: if truncated { next_version } else { None },
            versions: (!listed.is_empty()).then_some(listed),
            delete_markers: (!markers.is_empty()).then_some(markers),
            name: Some(bucket.name.clone()),
            prefix: Some(encoding.apply(&prefix)),
            delimiter: delimiter.as_deref().map(|d| encoding.apply(d)),
            max_keys: Some(echoed_max),
            common_prefixes: (!prefixes.is_empty()).then_some(prefixes),
            encoding_type: input.encoding_type.clone(),
            request_charged: None,
        })
    })
}

pub fn put_object_lock_configuration(
    state: &GlobalStore<S3State>,
    input: PutObjectLockConfigurationRequest,
) -> Result<PutObjectLockConfigurationOutput, PutObjectLockConfigurationError> {
    let config = input.object_lock_configuration.ok_or_else(errors::malformed_xml)?;
    if config.object_lock_enabled != Some(ObjectLockEnabled::Enabled) {
        return Err(errors::malformed_xml().into());
    }
    if let Some(retention) = config.rule.as_ref().and_then(|r| r.default_retention.as_ref()) {
        match (retention.days, retention.years) {
            (Some(_), Some(_)) | (None, None) => return Err(errors::malformed_xml().into()),
            (Some(d), None) | (None, Some(d)) if d <= 0 => {
                return Err(errors::invalid_argument(
                    "Default retention period must be a positive integer value",
                    "Days",
                    &d.to_string(),
                )
                .into())
            }
            _ => {}
        }
        if retention.mode.is_none() {
            return Err(errors::malformed_xml().into());
        }
    }
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        if bucket.versioning != Versioning::Enabled {
            return Err(errors::invalid_bucket_state(
                "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
            )
            .into());
        }
        bucket.object_lock = Some(config);
        Ok(PutObjectLockConfigurationOutput::default())
    })
}

pub fn get_object_lock_configuration(
    state: &GlobalStore<S3State>,
    input: GetObjectLockConfigurationRequest,
) -> Result<GetObjectLockConfigurationOutput, GetObjectLockConfigurationError> {
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let config = bucket.object_lock.clone().ok_or_else(errors::no_object_lock_configuration)?;
        Ok(GetObjectLockConfigurationOutput { object_lock_configuration: Some(config) })
    })
}

fn require_lock(bucket: &crate::state::Bucket) -> Result<(), rt::CommonError> {
    if bucket.object_lock.is_none() {
        return Err(errors::invalid_request("Bucket is missing Object Lock Configuration"));
    }
    Ok(())
}

pub fn put_object_retention(
    state: &GlobalStore<S3State>,
    input: PutObjectRetentionRequest,
) -> Result<PutObjectRetentionOutput, PutObjectRetentionError> {
    check_version_id(input.version_id.as_deref())?;
    let retention = input.retention.unwrap_or_default();
    let bypass = input.bypass_governance_retention == Some(true);
    if retention.mode.is_some() != retention.retain_until_date.is_some() {
        return Err(errors::malformed_xml().into());
    }
    if retention.retain_until_date.is_some_and(|d| d <= DateTime::now()) {
        return Err(errors::invalid_argument(
            "The retain until date must be in the future!",
            "RetainUntilDate",
            &retention.retain_until_date.map(|d| d.to_rfc3339()).unwrap_or_default(),
        )
        .into());
    }
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        require_lock(bucket)?;
        let object = versions::find_mut(bucket, &input.key, input.version_id.as_deref())?;
        let current = &object.lock;
        let still_retained = current.retain_until.is_some_and(|u| u > DateTime::now());
        // Compliance retention can only be extended; governance only with the bypass.
        if still_retained {
            let shortens = match (current.retain_until, retention.retain_until_date) {
                (Some(old), Some(new)) => new < old,
                (Some(_), None) => true,
                _ => false,
            };
            let weakens = current.mode == Some(ObjectLockRetentionMode::Compliance)
                && retention.mode == Some(ObjectLockRetentionMode::Governance);
            let locked_mode = current.mode == Some(ObjectLockRetentionMode::Compliance)
                || (current.mode == Some(ObjectLockRetentionMode::Governance) && !bypass);
            if (shortens || weakens) && locked_mode {
                return Err(errors::access_denied_locked().into());
            }
        }
        object.lock.mode = retention.mode;
        object.lock.retain_until = retention.retain_until_date;
        Ok(PutObjectRetentionOutput::default())
    })
}

pub fn get_object_retention(
    state: &GlobalStore<S3State>,
    input: GetObjectRetentionRequest,
) -> Result<GetObjectRetentionOutput, GetObjectRetentionError> {
    check_version_id(input.version_id.as_deref())?;
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        require_lock(bucket)?;
        let object = versions::find_object(bucket, &input.key, input.version_id.as_deref(), "GET")?;
        if object.lock.mode.is_none() {
            return Err(errors::no_such_object_lock_configuration().into());
        }
        Ok(GetObjectRetentionOutput {
            retention: Some(ObjectLockRetention {
                mode: object.lock.mode.clone(),
                retain_until_date: object.lock.retain_until,
            }),
        })
    })
}

pub fn put_object_legal_hold(
    state: &GlobalStore<S3State>,
    input: PutObjectLegalHoldRequest,
) -> Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
    check_version_id(input.version_id.as_deref())?;
    let on = match input.legal_hold.and_then(|h| h.status) {
        Some(ObjectLockLegalHoldStatus::On) => true,
        Some(ObjectLockLegalHoldStatus::Off) => false,
        _ => return Err(errors::malformed_xml().into()),
    };
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        require_lock(bucket)?;
        let object = versions::find_mut(bucket, &input.key, input.version_id.as_deref())?;
        object.lock.legal_hold = on;
        Ok(PutObjectLegalHoldOutput::default())
    })
}

pub fn get_object_legal_hold(
    state: &GlobalStore<S3State>,
    input: GetObjectLegalHoldRequest,
) -> Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
    check_version_id(input.version_id.as_deref())?;
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        require_lock(bucket)?;
        let object = versions::find_object(bucket, &input.key, input.version_id.as_deref(), "GET")?;
        let status =
            if object.lock.legal_hold { ObjectLockLegalHoldStatus::On } else { ObjectLockLegalHoldStatus::Off };
        Ok(GetObjectLegalHoldOutput { legal_hold: Some(ObjectLockLegalHold { status: Some(status) }) })
    })
}

pub fn get_object_attributes(
    state: &GlobalStore<S3State>,
    input: GetObjectAttributesRequest,
) -> Result<GetObjectAttributesOutput, GetObjectAttributesError> {
    check_version_id(input.version_id.as_deref())?;
    let wants = |a: ObjectAttributes| input.object_attributes.contains(&a);
    if input.object_attributes.is_empty() {
        return Err(errors::invalid_argument("Invalid attribute name specified.", "x-amz-object-attributes", "").into());
    }
    let max_parts = input.max_parts.unwrap_or(1000).clamp(0, 1000);
    let marker: i32 = input.part_number_marker.as_deref().and_then(|m| m.parse().ok()).unwrap_or(0);
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let object = match versions::find(bucket, &input.key, input.version_id.as_deref())? {
            Found::Object(o) => o,
            Found::DeleteMarker => return Err(errors::no_such_key(&input.key).into()),
        };
        let checksum = wants(ObjectAttributes::Checksum).then_some(object.checksum.as_ref()).flatten().map(|c| {
            let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(Some(c));
            Checksum {
                checksum_crc32: crc32,
                checksum_crc32c: crc32c,
                checksum_crc64nvme: crc64nvme,
                checksum_sha1: sha1,
                checksum_sha256: sha256,
                checksum_type: Some(c.kind.clone()),
            }
        });
        let object_parts = match (&object.parts, wants(ObjectAttributes::ObjectParts)) {
            (Some(parts), true) => {
                let numbered: Vec<(i32, &crate::stored::PartSummary)> =
                    parts.iter().enumerate().map(|(i, p)| (i as i32 + 1, p)).filter(|(n, _)| *n > marker).collect();
                let page: Vec<_> = numbered.iter().take(max_parts as usize).collect();
                let truncated = numbered.len() > page.len();
                Some(GetObjectAttributesParts {
                    total_parts_count: Some(parts.len() as i32),
                    part_number_marker: Some(marker.to_string()),
                    next_part_number_marker: page.last().map(|(n, _)| n.to_string()),
                    max_parts: Some(max_parts),
                    is_truncated: Some(truncated),
                    parts: Some(
                        page.iter()
                            .map(|(n, p)| {
                                let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(p.checksum.as_ref());
                                ObjectPart {
                                    part_number: Some(*n),
                                    size: Some(p.size as i64),
                                    checksum_crc32: crc32,
                                    checksum_crc32c: crc32c,
                                    checksum_crc64nvme: crc64nvme,
                                    checksum_sha1: sha1,
                                    checksum_sha256: sha256,
                                }
                            })
                            .collect(),
                    ),
                })
            }
            _ => None,
        };
        Ok(GetObjectAttributesOutput {
            delete_marker: None,
            last_modified: Some(object.last_modified),
            version_id: versions::reported(bucket, &object.version_id),
            request_charged: None,
            // Without its quotes, as GetObjectAttributes reports it.
            e_tag: wants(ObjectAttributes::Etag).then(|| object.etag.trim_matches('"').to_owned()),
            checksum,
            object_parts,
            storage_class: wants(ObjectAttributes::StorageClass).then(|| object.storage_class.clone()),
            object_size: wants(ObjectAttributes::ObjectSize).then_some(object.size() as i64),
        })
    })
}
