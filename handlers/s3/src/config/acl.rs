//! Access control lists: canned ACLs, `x-amz-grant-*` headers and AccessControlPolicy
//! bodies, for buckets (Get/PutBucketAcl, CreateBucket's headers) and objects
//! (Get/PutObjectAcl). ACLs are stored and shown; nothing enforces them.
//!
//! Since April 2023 new buckets are `BucketOwnerEnforced`: ACLs are disabled, and S3 refuses
//! any ACL but "the owner has full control" until the ownership controls change.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::types::*;

use super::errors;
use crate::owner::{canonical_id, display_name};
use crate::state::{Bucket, S3State};
use crate::versions;

pub const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
pub const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

/// The grants of one ACL; the owner is always the bucket's.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Acl {
    /// `None` is the default ACL: the owner has full control.
    pub grants: Option<Vec<Grant>>,
}

/// An object's ACL and the write of the object it was set on (`ETag` and time), so an
/// overwrite goes back to the default.
#[derive(Debug, Clone)]
pub struct ObjectAcl {
    pub etag: String,
    pub last_modified: rt::DateTime,
    pub acl: Acl,
}

/// The `x-amz-grant-*` headers of a request.
#[derive(Debug, Clone, Copy, Default)]
pub struct GrantHeaders<'a> {
    pub full_control: Option<&'a str>,
    pub read: Option<&'a str>,
    pub read_acp: Option<&'a str>,
    pub write: Option<&'a str>,
    pub write_acp: Option<&'a str>,
}

impl<'a> GrantHeaders<'a> {
    /// From the headers as a request shape holds them, in this struct's order.
    pub fn new([full_control, read, read_acp, write, write_acp]: [&'a Option<String>; 5]) -> Self {
        GrantHeaders {
            full_control: full_control.as_deref(),
            read: read.as_deref(),
            read_acp: read_acp.as_deref(),
            write: write.as_deref(),
            write_acp: write_acp.as_deref(),
        }
    }

    fn any(&self) -> bool {
        [self.full_control, self.read, self.read_acp, self.write, self.write_acp].iter().any(Option::is_some)
    }
}

impl Acl {
    pub fn grants(&self, owner_account: &str) -> Vec<Grant> {
        self.grants.clone().unwrap_or_else(|| vec![owner_grant(owner_account, Permission::FullControl)])
    }

    /// Whether the ACL gives nothing to anyone but the owner's full control: the only ACL
    /// a `BucketOwnerEnforced` bucket accepts.
    pub fn is_owner_only(&self, owner_account: &str) -> bool {
        let id = canonical_id(owner_account);
        self.grants(owner_account).iter().all(|g| {
            g.permission == Some(Permission::FullControl)
                && g.grantee.as_ref().is_some_and(|e| e.r#type == Type::CanonicalUser && e.id.as_deref() == Some(&id))
        })
    }

    /// Whether it grants anything to everyone (or every AWS account).
    pub fn is_public(&self, owner_account: &str) -> bool {
        self.grants(owner_account).iter().any(|g| {
            g.grantee
                .as_ref()
                .and_then(|e| e.uri.as_deref())
                .is_some_and(|uri| uri == ALL_USERS || uri == AUTHENTICATED_USERS)
        })
    }
}

fn owner_grant(account: &str, permission: Permission) -> Grant {
    Grant {
        grantee: Some(Grantee {
            display_name: Some(display_name(account)),
            id: Some(canonical_id(account)),
            r#type: Type::CanonicalUser,
            ..Default::default()
        }),
        permission: Some(permission),
    }
}

fn group_grant(uri: &str, permission: Permission) -> Grant {
    Grant {
        grantee: Some(Grantee { uri: Some(uri.to_owned()), r#type: Type::Group, ..Default::default() }),
        permission: Some(permission),
    }
}

/// The grants of a canned ACL (bucket and object names alike); `None` for an unknown name.
fn canned_grants(owner: &str, canned: &str) -> Option<Vec<Grant>> {
    let mut grants = vec![owner_grant(owner, Permission::FullControl)];
    match canned {
        "private" | "aws-exec-read" | "bucket-owner-read" | "bucket-owner-full-control" => {}
        "public-read" => grants.push(group_grant(ALL_USERS, Permission::Read)),
        "public-read-write" => {
            grants.push(group_grant(ALL_USERS, Permission::Read));
            grants.push(group_grant(ALL_USERS, Permission::Write));
        }
        "authenticated-read" => grants.push(group_grant(AUTHENTICATED_USERS, Permission::Read)),
        "log-delivery-write" => {
            grants.push(group_grant(LOG_DELIVERY, Permission::Write));
            grants.push(group_grant(LOG_DELIVERY, Permission::ReadAcp));
        }
        _ => return None,
    }
    Some(grants)
}

/// The ACL a request asks for: a canned ACL, grant headers, or a body; `None` when it
/// names none of them.
pub fn from_request(
    owner: &str,
    canned: Option<&str>,
    headers: GrantHeaders<'_>,
    body: Option<&AccessControlPolicy>,
) -> Result<Option<Acl>, rt::CommonError> {
    if canned.is_some() && headers.any() {
        return Err(errors::invalid_request("Specifying both Canned ACLs and Header Grants is not allowed"));
    }
    if body.is_some() && (canned.is_some() || headers.any()) {
        return Err(rt::ServiceError::new(400, "UnexpectedContent", "This request does not support content").into());
    }
    if let Some(canned) = canned {
        let grants = canned_grants(owner, canned)
            .ok_or_else(|| errors::invalid_argument_bare(format!("Invalid canned ACL: {canned}")))?;
        return Ok(Some(Acl { grants: Some(grants) }));
    }
    if headers.any() {
        let mut grants = Vec::new();
        let each = [
            (headers.full_control, Permission::FullControl),
            (headers.read, Permission::Read),
            (headers.read_acp, Permission::ReadAcp),
            (headers.write, Permission::Write),
            (headers.write_acp, Permission::WriteAcp),
        ];
        for (header, permission) in each {
            if let Some(value) = header {
                for grantee in parse_grantees(value)? {
                    grants.push(Grant { grantee: Some(grantee), permission: Some(permission.clone()) });
                }
            }
        }
        return Ok(Some(Acl { grants: Some(grants) }));
    }
    match body {
        None => Ok(None),
        Some(policy) => from_policy(owner, policy).map(Some),
    }
}

/// `id="…", uri="…", emailAddress="…"`, comma separated.
fn parse_grantees(header: &str) -> Result<Vec<Grantee>, rt::CommonError> {
    let mut out = Vec::new();
    for part in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, value) = part
            .split_once('=')
            .ok_or_else(|| errors::invalid_argument("Argument format not recognized", "x-amz-grant", header))?;
        let value = value.trim().trim_matches('"').to_owned();
        let grantee = match kind.trim() {
            "id" => Grantee { id: Some(value), r#type: Type::CanonicalUser, ..Default::default() },
            "uri" => Grantee { uri: Some(value), r#type: Type::Group, ..Default::default() },
            "emailAddress" => {
                Grantee { email_address: Some(value), r#type: Type::AmazonCustomerByEmail, ..Default::default() }
            }
            other => {
                return Err(errors::invalid_argument("Argument format not recognized", other, &value));
            }
        };
        out.push(check_grantee(grantee)?);
    }
    Ok(out)
}

fn from_policy(owner: &str, policy: &AccessControlPolicy) -> Result<Acl, rt::CommonError> {
    let given_owner = policy.owner.as_ref().and_then(|o| o.id.as_deref()).ok_or_else(errors::malformed_acl)?;
    if given_owner != canonical_id(owner) {
        return Err(errors::access_denied());
    }
    let mut grants = Vec::new();
    for grant in policy.grants.iter().flatten() {
        let grantee = grant.grantee.clone().ok_or_else(errors::malformed_acl)?;
        let permission = match &grant.permission {
            Some(Permission::Unknown(_)) | None => return Err(errors::malformed_acl()),
            Some(p) => p.clone(),
        };
        grants.push(Grant { grantee: Some(check_grantee(grantee)?), permission: Some(permission) });
    }
    Ok(Acl { grants: Some(grants) })
}

/// Validates a grantee and fills in what S3 shows for it.
fn check_grantee(mut grantee: Grantee) -> Result<Grantee, rt::CommonError> {
    match &grantee.r#type {
        Type::CanonicalUser => {
            let id = grantee.id.clone().ok_or_else(errors::malformed_acl)?;
            let well_formed = id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit());
            if !well_formed {
                return Err(errors::invalid_argument("Invalid id", "CanonicalUser/ID", &id));
            }
            grantee.id = Some(id.to_ascii_lowercase());
            grantee.email_address = None;
            grantee.uri = None;
        }
        Type::Group => {
            let uri = grantee.uri.clone().ok_or_else(errors::malformed_acl)?;
            if ![ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY].contains(&uri.as_str()) {
                return Err(errors::invalid_argument("Invalid group uri", "Group/URI", &uri));
            }
            grantee.display_name = None;
            grantee.id = None;
        }
        Type::AmazonCustomerByEmail => {
            // No account here has an e-mail address S3 could resolve.
            let email = grantee.email_address.clone().unwrap_or_default();
            return Err(errors::unresolvable_email(&email));
        }
        Type::Unknown(_) => return Err(errors::malformed_acl()),
    }
    Ok(grantee)
}

/// Checks an ACL against the bucket's ownership controls and public access block.
fn check_allowed(bucket: &Bucket, acl: &Acl) -> Result<(), rt::CommonError> {
    let owner = &bucket.owner_account;
    if bucket.config.ownership == Some(ObjectOwnership::BucketOwnerEnforced) && !acl.is_owner_only(owner) {
        return Err(errors::acl_not_supported());
    }
    let blocks = bucket.config.public_access_block.as_ref().and_then(|p| p.block_public_acls).unwrap_or(false);
    if blocks && acl.is_public(owner) {
        return Err(errors::access_denied());
    }
    Ok(())
}

/// The ACL a PutBucketAcl or PutObjectAcl sets: one is required, and the bucket's settings
/// must allow it.
fn acl_to_put(
    bucket: &Bucket,
    canned: Option<&str>,
    grants: GrantHeaders<'_>,
    body: Option<&AccessControlPolicy>,
) -> Result<Acl, rt::CommonError> {
    let acl = from_request(&bucket.owner_account, canned, grants, body)?
        .ok_or_else(|| errors::missing_security_header("x-amz-acl"))?;
    check_allowed(bucket, &acl)?;
    Ok(acl)
}

/// [`acl_to_put`] on the members PutBucketAclRequest and PutObjectAclRequest name identically.
macro_rules! requested_acl {
    ($bucket:expr, $input:ident) => {
        acl_to_put(
            $bucket,
            $input.acl.as_ref().map(|c| c.as_str()),
            GrantHeaders::new([
                &$input.grant_full_control,
                &$input.grant_read,
                &$input.grant_read_acp,
                &$input.grant_write,
                &$input.grant_write_acp,
            ]),
            $input.access_control_policy.as_ref(),
        )
    };
}

pub fn put_bucket_acl(state: &GlobalStore<S3State>, input: PutBucketAclRequest) -> Result<rt::Unit, rt::CommonError> {
    super::with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let acl = requested_acl!(bucket, input)?;
        bucket.config.acl = acl;
        Ok(rt::Unit)
    })
}

pub fn get_bucket_acl(
    state: &GlobalStore<S3State>,
    input: GetBucketAclRequest,
) -> Result<GetBucketAclOutput, rt::CommonError> {
    super::with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(GetBucketAclOutput {
            owner: Some(crate::owner::owner(&bucket.owner_account)),
            grants: Some(bucket.config.acl.grants(&bucket.owner_account)),
        })
    })
}

/// The object's identity for [`ObjectAcl`]: its version id, `ETag` and write time.
fn object_stamp(
    bucket: &Bucket,
    key: &str,
    version_id: Option<&str>,
    method: &str,
) -> Result<(String, String, rt::DateTime), rt::CommonError> {
    let o = versions::find_object(bucket, key, version_id, method)?;
    Ok((o.version_id.clone(), o.etag.clone(), o.last_modified))
}

pub fn put_object_acl(
    state: &GlobalStore<S3State>,
    input: PutObjectAclRequest,
) -> Result<PutObjectAclOutput, rt::CommonError> {
    super::with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let (version, etag, last_modified) = object_stamp(bucket, &input.key, input.version_id.as_deref(), "PUT")?;
        let acl = requested_acl!(bucket, input)?;
        crate::notify::object_event(bucket, "ObjectAcl:Put", &input.key, 0, &etag, Some(&version));
        bucket.config.object_acls.insert((input.key.clone(), version), ObjectAcl { etag, last_modified, acl });
        Ok(PutObjectAclOutput::default())
    })
}

pub fn get_object_acl(
    state: &GlobalStore<S3State>,
    input: GetObjectAclRequest,
) -> Result<GetObjectAclOutput, rt::CommonError> {
    super::with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let (version, etag, last_modified) = object_stamp(bucket, &input.key, input.version_id.as_deref(), "GET")?;
        let acl = bucket
            .config
            .object_acls
            .get(&(input.key.clone(), version))
            .filter(|a| a.etag == etag && a.last_modified == last_modified)
            .map(|a| a.acl.clone())
            .unwrap_or_default();
        Ok(GetObjectAclOutput {
            owner: Some(crate::owner::owner(&bucket.owner_account)),
            grants: Some(acl.grants(&bucket.owner_account)),
            request_charged: None,
        })
    })
}

/// The ACL headers of an object write (`x-amz-acl`, `x-amz-grant-*` of PutObject, CopyObject,
/// CreateMultipartUpload), checked against the bucket's ownership controls and public access
/// block; `None` when the request named no ACL.
pub fn requested_for_object(
    bucket: &Bucket,
    canned: Option<&ObjectCannedACL>,
    [full_control, read, read_acp, write_acp]: [&Option<String>; 4],
) -> Result<Option<Acl>, rt::CommonError> {
    // Object writes have no x-amz-grant-write header.
    let grants = GrantHeaders::new([full_control, read, read_acp, &None, write_acp]);
    let Some(acl) = from_request(&bucket.owner_account, canned.map(|c| c.as_str()), grants, None)? else {
        return Ok(None);
    };
    check_allowed(bucket, &acl)?;
    Ok(Some(acl))
}

/// Keeps `acl` for the object just written. Called with the object's version id, `ETag`
/// and time already set.
pub fn keep_for_object(bucket: &mut Bucket, key: &str, object: &crate::stored::StoredObject, acl: Acl) {
    let stamp = ObjectAcl { etag: object.etag.clone(), last_modified: object.last_modified, acl };
    bucket.config.object_acls.insert((key.to_owned(), object.version_id.clone()), stamp);
}

/// The ACL headers of a PutObject or CopyObject, checked and kept for the new object.
pub fn object_written(
    bucket: &mut Bucket,
    key: &str,
    object: &crate::stored::StoredObject,
    canned: Option<&ObjectCannedACL>,
    grants: [&Option<String>; 4],
) -> Result<(), rt::CommonError> {
    if let Some(acl) = requested_for_object(bucket, canned, grants)? {
        keep_for_object(bucket, key, object, acl);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "000000000000";

    #[test]
    fn canned_acls_grant_what_s3_grants() {
        let acl = from_request(OWNER, Some("public-read-write"), GrantHeaders::default(), None).unwrap().unwrap();
        let grants = acl.grants(OWNER);
        assert_eq!(grants.len(), 3);
        assert!(acl.is_public(OWNER));
        assert!(!acl.is_owner_only(OWNER));
        let private = from_request(OWNER, Some("private"), GrantHeaders::default(), None).unwrap().unwrap();
        assert!(private.is_owner_only(OWNER));
        assert!(from_request(OWNER, None, GrantHeaders::default(), None).unwrap().is_none());
    }

    #[test]
    fn grant_headers_parse_every_grantee_form() {
        let id = canonical_id("111111111111");
        let header = format!("id=\"{id}\", uri=\"{ALL_USERS}\"");
        let headers = GrantHeaders { read: Some(&header), ..Default::default() };
        let acl = from_request(OWNER, None, headers, None).unwrap().unwrap();
        let grants = acl.grants(OWNER);
        assert_eq!(grants.len(), 2);
        assert_eq!(grants[0].grantee.as_ref().unwrap().id.as_deref(), Some(id.as_str()));
        assert_eq!(grants[1].grantee.as_ref().unwrap().r#type, Type::Group);

        let email = GrantHeaders { read: Some("emailAddress=\"a@b.example\""), ..Default::default() };
        assert!(from_request(OWNER, None, email, None).is_err());
        let both = GrantHeaders { read: Some("uri=\"x\""), ..Default::default() };
        assert!(from_request(OWNER, Some("private"), both, None).is_err());
    }

    #[test]
    fn policies_need_the_owner() {
        let policy = AccessControlPolicy { grants: Some(vec![]), owner: None };
        assert!(from_request(OWNER, None, GrantHeaders::default(), Some(&policy)).is_err());
        let policy = AccessControlPolicy { grants: Some(vec![]), owner: Some(crate::owner::owner(OWNER)) };
        let acl = from_request(OWNER, None, GrantHeaders::default(), Some(&policy)).unwrap().unwrap();
        assert!(acl.grants(OWNER).is_empty());
    }
}
