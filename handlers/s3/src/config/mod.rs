//! Bucket configuration: the sub-resources S3 keeps next to a bucket's objects (`?tagging`,
//! `?policy`, `?acl`, `?cors`, `?lifecycle`, `?website`, ...), each stored as the caller
//! sent it after S3's validation, and answered back with S3's exact "not found" errors
//! (Terraform reads every one of them right after creating a bucket).
//!
//! [`BucketConfig`] hangs off [`crate::state::Bucket`]; each topic's operations live in
//! their own module and work through [`with_bucket`] / [`with_state`]. [`website`] serves the
//! website endpoint; [`cors`] also answers preflights for the gateway.

pub mod acl;
pub mod by_id;
pub mod cors;
pub mod errors;
pub mod lifecycle;
pub mod simple;
pub mod website;

use std::collections::HashMap;
use std::sync::Weak;

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::types::*;

use crate::state::{Bucket, S3State};

/// Everything configurable on a bucket apart from versioning and object lock (which the
/// object path owns). `None` means "never set / deleted": Get answers S3's not-found error.
#[derive(Debug, Clone)]
pub struct BucketConfig {
    pub tags: Option<Vec<Tag>>,
    pub policy: Option<String>,
    pub acl: acl::Acl,
    /// New buckets have all four blocks on (S3's default since April 2023).
    pub public_access_block: Option<PublicAccessBlockConfiguration>,
    /// New buckets are `BucketOwnerEnforced` (ACLs disabled), S3's default since April 2023.
    pub ownership: Option<ObjectOwnership>,
    /// Every bucket has default encryption: SSE-S3 unless configured otherwise, and
    /// deleting the configuration puts SSE-S3 back.
    pub encryption: ServerSideEncryptionConfiguration,
    pub accelerate: Option<BucketAccelerateStatus>,
    pub payer: Payer,
    pub logging: Option<LoggingEnabled>,
    pub replication: Option<ReplicationConfiguration>,
    pub website: Option<WebsiteConfiguration>,
    pub cors: Option<Vec<CORSRule>>,
    pub lifecycle: Option<lifecycle::Lifecycle>,
    pub notification: NotificationConfiguration,
    /// The services the notification destinations live in: those of the handler that
    /// accepted the configuration (weak: the peers own the handler that owns this bucket).
    pub notify_through: Weak<ferrostack_store::Peers>,
    /// Analytics, Intelligent-Tiering, inventory and metrics configurations, by Id.
    pub by_id: by_id::IdConfigs,
    /// Object ACLs set by PutObjectAcl, by key and version id. Each remembers which write
    /// of the object it belongs to, so an overwrite falls back to the default ACL.
    pub object_acls: HashMap<(String, String), acl::ObjectAcl>,
}

impl Default for BucketConfig {
    fn default() -> Self {
        BucketConfig {
            tags: None,
            policy: None,
            acl: acl::Acl::default(),
            public_access_block: Some(PublicAccessBlockConfiguration {
                block_public_acls: Some(true),
                ignore_public_acls: Some(true),
                block_public_policy: Some(true),
                restrict_public_buckets: Some(true),
            }),
            ownership: Some(ObjectOwnership::BucketOwnerEnforced),
            encryption: simple::default_encryption(),
            accelerate: None,
            payer: Payer::BucketOwner,
            logging: None,
            replication: None,
            website: None,
            cors: None,
            lifecycle: None,
            notification: NotificationConfiguration::default(),
            notify_through: Weak::new(),
            by_id: by_id::IdConfigs::default(),
            object_acls: HashMap::new(),
        }
    }
}

/// Runs `f` on the bucket `name` (after the `ExpectedBucketOwner` check), under the lock.
pub fn with_bucket<R>(
    state: &GlobalStore<S3State>,
    name: &str,
    expected_owner: Option<&str>,
    f: impl FnOnce(&mut Bucket) -> Result<R, rt::CommonError>,
) -> Result<R, rt::CommonError> {
    state.with(|s| f(s.bucket_mut(name, expected_owner)?))
}

/// Like [`with_bucket`] but with the whole state at hand (for checks on other buckets).
pub fn with_state<R>(
    state: &GlobalStore<S3State>,
    name: &str,
    expected_owner: Option<&str>,
    f: impl FnOnce(&mut S3State) -> Result<R, rt::CommonError>,
) -> Result<R, rt::CommonError> {
    state.with(|s| {
        s.bucket(name, expected_owner)?;
        f(s)
    })
}

/// CreateBucket's `x-amz-object-ownership`, `x-amz-acl` and `x-amz-grant-*` headers, taken
/// from the request before its fields are moved out.
pub struct CreationAcl {
    ownership: Option<ObjectOwnership>,
    canned: Option<BucketCannedACL>,
    grants: [Option<String>; 5],
}

impl CreationAcl {
    pub fn of(input: &CreateBucketRequest) -> CreationAcl {
        CreationAcl {
            ownership: input.object_ownership.clone(),
            canned: input.acl.clone(),
            grants: [
                input.grant_full_control.clone(),
                input.grant_read.clone(),
                input.grant_read_acp.clone(),
                input.grant_write.clone(),
                input.grant_write_acp.clone(),
            ],
        }
    }
}

/// Applies CreateBucket's ownership and ACL headers to the new `bucket`.
pub fn at_creation(bucket: &mut Bucket, requested: &CreationAcl) -> Result<(), rt::CommonError> {
    if let Some(ownership) = &requested.ownership {
        bucket.config.ownership = Some(ownership.clone());
    }
    let grants = acl::GrantHeaders::new(requested.grants.each_ref());
    let owner = bucket.owner_account.clone();
    if let Some(acl) = acl::from_request(&owner, requested.canned.as_ref().map(|c| c.as_str()), grants, None)? {
        if bucket.config.ownership == Some(ObjectOwnership::BucketOwnerEnforced) && !acl.is_owner_only(&owner) {
            return Err(errors::acl_with_enforced_ownership());
        }
        bucket.config.acl = acl;
    }
    Ok(())
}
