//! All of S3's state: buckets by name and, in each, objects by key.
//!
//! Bucket names are unique across the partition, not per account or region, so the whole
//! namespace lives in one global store. Objects sit in a `BTreeMap` keyed by key: `String`
//! orders by UTF-8 bytes, which is exactly S3's listing order, so a listing is a range scan.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;
use rt::DateTime;

use crate::errors;
use crate::multipart::Upload;
use crate::stored::StoredObject;
use crate::versions::{ObjectLockConfig, Version, Versioning};

#[derive(Debug, Default)]
pub struct S3State {
    pub buckets: BTreeMap<String, Bucket>,
}

#[derive(Debug)]
pub struct Bucket {
    pub name: String,
    /// The account that created the bucket.
    pub owner_account: String,
    /// Where the bucket lives (`EU` resolved to `eu-west-1`).
    pub region: String,
    /// The constraint as given at creation; `None` for us-east-1.
    pub location_constraint: Option<String>,
    pub created: DateTime,
    /// The current version of each key that has one (a key whose latest version is a
    /// delete marker is absent): exactly what ListObjects shows.
    pub objects: BTreeMap<String, StoredObject>,
    /// Older versions and delete markers per key, oldest first (see [`crate::versions`]).
    pub history: BTreeMap<String, Vec<Version>>,
    pub versioning: Versioning,
    pub object_lock: Option<ObjectLockConfig>,
    /// Multipart uploads in progress, by upload id.
    pub uploads: BTreeMap<String, Upload>,
    /// Tagging, policy, ACL, CORS, lifecycle, notifications... (see [`crate::config`]).
    pub config: crate::config::BucketConfig,
}

impl S3State {
    /// The bucket named `name`, checked against `ExpectedBucketOwner` when the caller sent it.
    pub fn bucket(&self, name: &str, expected_owner: Option<&str>) -> Result<&Bucket, rt::CommonError> {
        let bucket = self.buckets.get(name).ok_or_else(|| errors::no_such_bucket(name))?;
        bucket.check_expected_owner(expected_owner)?;
        Ok(bucket)
    }

    pub fn bucket_mut(&mut self, name: &str, expected_owner: Option<&str>) -> Result<&mut Bucket, rt::CommonError> {
        let bucket = self.buckets.get_mut(name).ok_or_else(|| errors::no_such_bucket(name))?;
        bucket.check_expected_owner(expected_owner)?;
        Ok(bucket)
    }
}

impl Bucket {
    pub fn new(name: String, owner_account: String, region: String, location_constraint: Option<String>) -> Bucket {
        Bucket {
            name,
            owner_account,
            region,
            location_constraint,
            created: crate::stored::now_to_the_second(),
            objects: BTreeMap::new(),
            history: BTreeMap::new(),
            versioning: Versioning::default(),
            object_lock: None,
            uploads: BTreeMap::new(),
            config: crate::config::BucketConfig::default(),
        }
    }

    /// `x-amz-expected-bucket-owner` names the account the caller believes owns the bucket;
    /// S3 refuses with 403 when it is someone else.
    pub fn check_expected_owner(&self, expected_owner: Option<&str>) -> Result<(), rt::CommonError> {
        match expected_owner {
            Some(expected) if expected != self.owner_account => Err(errors::access_denied()),
            _ => Ok(()),
        }
    }
}
