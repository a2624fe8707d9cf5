//! ListObjects (v1, markers) and ListObjectsV2 (continuation tokens) over [`listing::walk`].

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::error::*;
use s3_api::types::*;

use crate::errors;
use crate::listing::{self, Entry, Page, Walk};
use crate::owner::owner;
use crate::state::S3State;
use crate::url_encoding::encode_listed;

/// The most keys one page returns, whatever `max-keys` asks for.
const PAGE_LIMIT: i32 = 1000;

/// `max-keys` as echoed (the request's value, default 1000) and as applied (at most 1000).
fn max_keys(requested: Option<i32>) -> Result<(i32, usize), rt::CommonError> {
    let echoed = requested.unwrap_or(PAGE_LIMIT);
    if echoed < 0 {
        return Err(errors::invalid_argument(
            "Argument maxKeys must be an integer between 0 and 2147483647",
            "maxKeys",
            &echoed.to_string(),
        ));
    }
    Ok((echoed, echoed.min(PAGE_LIMIT) as usize))
}

/// Applies `encoding-type`; `url` is the only encoding there is.
pub struct Encoding(bool);

impl Encoding {
    pub fn from_request(requested: Option<&EncodingType>) -> Result<Encoding, rt::CommonError> {
        match requested {
            None => Ok(Encoding(false)),
            Some(EncodingType::Url) => Ok(Encoding(true)),
            Some(other) => Err(errors::invalid_argument(
                "Invalid Encoding Method specified in Request",
                "encoding-type",
                other.as_str(),
            )),
        }
    }

    pub fn apply(&self, text: &str) -> String {
        if self.0 {
            encode_listed(text)
        } else {
            text.to_owned()
        }
    }
}

/// An empty delimiter is no delimiter (and is not echoed).
fn delimiter_of(requested: Option<&str>) -> Option<&str> {
    requested.filter(|d| !d.is_empty())
}

/// `x-amz-optional-object-attributes: RestoreStatus` adds each restored object's status.
fn wants_restore_status(requested: Option<&[OptionalObjectAttributes]>) -> bool {
    requested.is_some_and(|r| r.contains(&OptionalObjectAttributes::RestoreStatus))
}

/// Splits a page into `Contents` and `CommonPrefixes`, each absent when empty as S3 leaves
/// the elements out.
fn render_page(
    page: &Page<'_>,
    encoding: &Encoding,
    owner: Option<&Owner>,
    restore_status: bool,
) -> (Option<Vec<Object>>, Option<Vec<CommonPrefix>>) {
    let mut contents = Vec::new();
    let mut prefixes = Vec::new();
    for entry in &page.entries {
        match entry {
            Entry::Object { key, object } => contents.push(Object {
                key: Some(encoding.apply(key)),
                last_modified: Some(object.last_modified),
                e_tag: Some(object.etag.clone()),
                size: Some(object.size() as i64),
                storage_class: Some(object.listed_storage_class()),
                owner: owner.cloned(),
                restore_status: restore_status.then(|| crate::restore::status(object)).flatten(),
                ..Default::default()
            }),
            Entry::CommonPrefix(prefix) => prefixes.push(CommonPrefix { prefix: Some(encoding.apply(prefix)) }),
        }
    }
    ((!contents.is_empty()).then_some(contents), (!prefixes.is_empty()).then_some(prefixes))
}

pub fn list_objects_v2(
    state: &GlobalStore<S3State>,
    input: ListObjectsV2Request,
) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
    let encoding = Encoding::from_request(input.encoding_type.as_ref())?;
    let (echoed_max, page_size) = max_keys(input.max_keys)?;
    // A continuation token takes precedence over start-after.
    let after = match input.continuation_token.as_deref() {
        Some(token) => Some(listing::decode_token(token).ok_or_else(|| {
            errors::invalid_argument("The continuation token provided is incorrect", "continuation-token", token)
        })?),
        None => input.start_after.clone(),
    };
    let prefix = input.prefix.as_deref().unwrap_or("");
    let delimiter = delimiter_of(input.delimiter.as_deref());

    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let page =
            listing::walk(&bucket.objects, &Walk { prefix, delimiter, after: after.as_deref(), max_keys: page_size });
        // V2 names owners only when asked to.
        let owner = input.fetch_owner.unwrap_or(false).then(|| owner(&bucket.owner_account));
        let (contents, common_prefixes) = render_page(
            &page,
            &encoding,
            owner.as_ref(),
            wants_restore_status(input.optional_object_attributes.as_deref()),
        );
        Ok(ListObjectsV2Output {
            is_truncated: Some(page.truncated),
            contents,
            name: Some(bucket.name.clone()),
            prefix: Some(encoding.apply(prefix)),
            delimiter: delimiter.map(|d| encoding.apply(d)),
            max_keys: Some(echoed_max),
            common_prefixes,
            encoding_type: input.encoding_type.clone(),
            key_count: Some(page.entries.len() as i32),
            continuation_token: input.continuation_token.clone(),
            next_continuation_token: if page.truncated {
                page.last_position().map(listing::encode_token)
            } else {
                None
            },
            start_after: input.start_after.as_deref().map(|s| encoding.apply(s)),
            request_charged: None,
        })
    })
}

pub fn list_objects(
    state: &GlobalStore<S3State>,
    input: ListObjectsRequest,
) -> Result<ListObjectsOutput, ListObjectsError> {
    let encoding = Encoding::from_request(input.encoding_type.as_ref())?;
    let (echoed_max, page_size) = max_keys(input.max_keys)?;
    let prefix = input.prefix.as_deref().unwrap_or("");
    let marker = input.marker.as_deref().unwrap_or("");
    let delimiter = delimiter_of(input.delimiter.as_deref());

    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let page = listing::walk(
            &bucket.objects,
            &Walk { prefix, delimiter, after: (!marker.is_empty()).then_some(marker), max_keys: page_size },
        );
        let owner = owner(&bucket.owner_account);
        let (contents, common_prefixes) = render_page(
            &page,
            &encoding,
            Some(&owner),
            wants_restore_status(input.optional_object_attributes.as_deref()),
        );
        // S3 only sends NextMarker with a delimiter; without one, clients continue from the
        // last key.
        let next_marker = match (page.truncated, delimiter) {
            (true, Some(_)) => page.last_position().map(|p| encoding.apply(p)),
            _ => None,
        };
        Ok(ListObjectsOutput {
            is_truncated: Some(page.truncated),
            marker: Some(encoding.apply(marker)),
            next_marker,
            contents,
            name: Some(bucket.name.clone()),
            prefix: Some(encoding.apply(prefix)),
            delimiter: delimiter.map(|d| encoding.apply(d)),
            max_keys: Some(echoed_max),
            common_prefixes,
            encoding_type: input.encoding_type.clone(),
            request_charged: None,
        })
    })
}
