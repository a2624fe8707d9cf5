//! CreateBucket, HeadBucket, ListBuckets, DeleteBucket.

use base64::Engine;
use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::error::*;
use s3_api::types::*;

use crate::errors;
use crate::names::{is_valid_bucket_name, looks_like_region};
use crate::owner::owner;
use crate::state::{Bucket, S3State};

const US_EAST_1: &str = "us-east-1";

pub fn create_bucket(
    state: &GlobalStore<S3State>,
    ctx: &rt::RequestContext,
    input: CreateBucketRequest,
) -> Result<CreateBucketOutput, CreateBucketError> {
    let requested_acl = crate::config::CreationAcl::of(&input);
    let name = input.bucket;
    if !is_valid_bucket_name(&name) {
        return Err(errors::invalid_bucket_name(&name).into());
    }
    let constraint = input.create_bucket_configuration.and_then(|c| c.location_constraint);
    let placement = place_bucket(&ctx.region, constraint.as_ref())?;
    let location = location_of(ctx, &name, &placement.region);

    state.with(|s| {
        if let Some(existing) = s.buckets.get(&name) {
            if existing.owner_account != ctx.account_id {
                return Err(errors::bucket_already_exists(&name).into());
            }
            // Legacy behaviour of N. Virginia: re-creating a bucket you own there succeeds
            // (and leaves it as it is). Everywhere else it is an error.
            if ctx.region == US_EAST_1 && existing.region == US_EAST_1 {
                return Ok(CreateBucketOutput { location: Some(location) });
            }
            return Err(errors::bucket_already_owned_by_you(&name).into());
        }
        let mut bucket = Bucket::new(name.clone(), ctx.account_id.clone(), placement.region, placement.constraint);
        crate::config::at_creation(&mut bucket, &requested_acl)?;
        if input.object_lock_enabled_for_bucket == Some(true) {
            crate::versions::enable_lock_at_creation(&mut bucket);
        }
        s.buckets.insert(name.clone(), bucket);
        Ok(CreateBucketOutput { location: Some(location) })
    })
}

/// Where a new bucket goes.
struct Placement {
    region: String,
    constraint: Option<String>,
}

/// Applies S3's location-constraint rules. Requests to us-east-1 (the global endpoint) may
/// create buckets in any region and need no constraint for us-east-1 itself, where naming it
/// explicitly is refused. Any other regional endpoint only creates buckets in its own region
/// and insists on being told so.
fn place_bucket(
    request_region: &str,
    constraint: Option<&BucketLocationConstraint>,
) -> Result<Placement, rt::CommonError> {
    let constraint = constraint.map(|c| c.as_str()).filter(|c| !c.is_empty());
    let Some(constraint) = constraint else {
        if request_region == US_EAST_1 {
            return Ok(Placement { region: US_EAST_1.to_owned(), constraint: None });
        }
        return Err(errors::illegal_location_constraint(None));
    };
    let known = BucketLocationConstraint::VALUES.contains(&constraint);
    if constraint == US_EAST_1 || !(known || looks_like_region(constraint)) {
        return Err(errors::invalid_location_constraint(constraint));
    }
    // `EU` is the legacy name of Ireland.
    let region = if constraint == "EU" { "eu-west-1" } else { constraint };
    if request_region != US_EAST_1 && region != request_region {
        return Err(errors::illegal_location_constraint(Some(constraint)));
    }
    Ok(Placement { region: region.to_owned(), constraint: Some(constraint.to_owned()) })
}

/// The `Location` header: a path for us-east-1, the bucket's virtual-hosted URL elsewhere.
fn location_of(ctx: &rt::RequestContext, bucket: &str, region: &str) -> String {
    if region == US_EAST_1 {
        format!("/{bucket}")
    } else {
        let endpoint = &ctx.endpoint;
        format!("{}://{bucket}.s3.{}:{}/", endpoint.scheme, endpoint.host, endpoint.port)
    }
}

pub fn head_bucket(
    state: &GlobalStore<S3State>,
    input: HeadBucketRequest,
) -> Result<HeadBucketOutput, HeadBucketError> {
    state.with(|s| {
        let bucket = s.buckets.get(&input.bucket).ok_or_else(errors::not_found)?;
        bucket.check_expected_owner(input.expected_bucket_owner.as_deref())?;
        Ok(HeadBucketOutput {
            bucket_region: Some(bucket.region.clone()),
            access_point_alias: Some(false),
            ..Default::default()
        })
    })
}

/// The constraint the bucket was created with; none (an empty element) for us-east-1.
pub fn get_bucket_location(
    state: &GlobalStore<S3State>,
    input: GetBucketLocationRequest,
) -> Result<GetBucketLocationOutput, GetBucketLocationError> {
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        Ok(GetBucketLocationOutput {
            location_constraint: bucket.location_constraint.as_deref().map(BucketLocationConstraint::from),
        })
    })
}

/// Largest page ListBuckets hands out.
const MAX_BUCKETS_PER_PAGE: i32 = 10_000;

pub fn list_buckets(
    state: &GlobalStore<S3State>,
    ctx: &rt::RequestContext,
    input: ListBucketsRequest,
) -> Result<ListBucketsOutput, ListBucketsError> {
    let page_size = match input.max_buckets {
        None => usize::MAX,
        Some(n) if (1..=MAX_BUCKETS_PER_PAGE).contains(&n) => n as usize,
        Some(n) => {
            return Err(errors::invalid_argument(
                "Argument max-buckets must be an integer between 1 and 10000.",
                "max-buckets",
                &n.to_string(),
            )
            .into())
        }
    };
    let after = match input.continuation_token.as_deref() {
        None => None,
        Some(token) => Some(decode_bucket_token(token).ok_or_else(|| {
            errors::invalid_argument("The continuation token provided is incorrect", "continuation-token", token)
        })?),
    };
    let prefix = input.prefix.as_deref().unwrap_or("");

    state.with(|s| {
        // Names are the map's keys, so the listing comes out ordered by name.
        let mut matching = s
            .buckets
            .values()
            .filter(|b| b.owner_account == ctx.account_id)
            .filter(|b| b.name.starts_with(prefix))
            .filter(|b| input.bucket_region.as_deref().is_none_or(|r| b.region == r))
            .filter(|b| after.as_deref().is_none_or(|a| b.name.as_str() > a));
        let buckets: Vec<s3_api::types::Bucket> = matching
            .by_ref()
            .take(page_size)
            .map(|b| s3_api::types::Bucket {
                name: Some(b.name.clone()),
                creation_date: Some(b.created),
                bucket_region: Some(b.region.clone()),
            })
            .collect();
        let more = matching.next().is_some();
        let continuation_token =
            if more { buckets.last().and_then(|b| b.name.as_deref()).map(encode_bucket_token) } else { None };
        Ok(ListBucketsOutput {
            buckets: Some(buckets),
            owner: Some(owner(&ctx.account_id)),
            continuation_token,
            prefix: input.prefix.clone(),
        })
    })
}

const BUCKET_TOKEN_TAG: &str = "buckets-after:";

fn encode_bucket_token(last_name: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(format!("{BUCKET_TOKEN_TAG}{last_name}"))
}

fn decode_bucket_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD.decode(token).ok()?;
    String::from_utf8(bytes).ok()?.strip_prefix(BUCKET_TOKEN_TAG).map(str::to_owned)
}

pub fn delete_bucket(
    state: &GlobalStore<S3State>,
    ctx: &rt::RequestContext,
    input: DeleteBucketRequest,
) -> Result<rt::Unit, DeleteBucketError> {
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        // Reads of another account's bucket are allowed (there is no policy evaluation to
        // grant them), but only the owner may delete it.
        if bucket.owner_account != ctx.account_id {
            return Err(errors::access_denied().into());
        }
        if !bucket.objects.is_empty() || !bucket.history.is_empty() {
            return Err(errors::bucket_not_empty(&input.bucket).into());
        }
        s.buckets.remove(&input.bucket);
        Ok(rt::Unit)
    })
}
