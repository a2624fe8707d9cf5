//! Object tagging: `x-amz-tagging` on writes, and Put/Get/DeleteObjectTagging.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::error::*;
use s3_api::types::*;

use crate::errors;
use crate::state::S3State;
use crate::versions::{self, check_version_id};

const MAX_TAGS: usize = 10;
const MAX_KEY_CHARS: usize = 128;
const MAX_VALUE_CHARS: usize = 256;

pub type TagSet = Vec<(String, String)>;

/// Checks a tag set against S3's limits for object tags.
pub fn validate(tags: &TagSet) -> Result<(), rt::CommonError> {
    if tags.len() > MAX_TAGS {
        return Err(errors::invalid_tag("Object tags cannot be greater than 10"));
    }
    for (i, (key, value)) in tags.iter().enumerate() {
        if key.is_empty() || key.chars().count() > MAX_KEY_CHARS {
            return Err(errors::invalid_tag("The TagKey you have provided is invalid"));
        }
        if value.chars().count() > MAX_VALUE_CHARS {
            return Err(errors::invalid_tag("The TagValue you have provided is invalid"));
        }
        if key.to_ascii_lowercase().starts_with("aws:") {
            return Err(errors::invalid_tag("Your TagKey cannot be prefixed with aws:"));
        }
        if tags[..i].iter().any(|(k, _)| k == key) {
            return Err(errors::invalid_tag("Cannot provide multiple Tags with the same key"));
        }
    }
    Ok(())
}

/// The `x-amz-tagging` header: a URL query string, `k1=v1&k2=v2`.
pub fn from_header(header: Option<&str>) -> Result<TagSet, rt::CommonError> {
    let Some(header) = header.filter(|h| !h.is_empty()) else { return Ok(Vec::new()) };
    let tags: TagSet =
        form_urlencoded::parse(header.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    validate(&tags)?;
    Ok(tags)
}

pub fn to_model(tags: &TagSet) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect()
}

pub fn put_object_tagging(
    state: &GlobalStore<S3State>,
    input: PutObjectTaggingRequest,
) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
    check_version_id(input.version_id.as_deref())?;
    let tags: TagSet = input.tagging.tag_set.into_iter().map(|t| (t.key, t.value)).collect();
    validate(&tags)?;
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let object = versions::find_mut(bucket, &input.key, input.version_id.as_deref())?;
        object.tags = tags;
        let version_id = object.version_id.clone();
        crate::notify::object_event(bucket, "ObjectTagging:Put", &input.key, 0, "", Some(&version_id));
        Ok(PutObjectTaggingOutput { version_id: versions::reported(bucket, &version_id) })
    })
}

pub fn get_object_tagging(
    state: &GlobalStore<S3State>,
    input: GetObjectTaggingRequest,
) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
    check_version_id(input.version_id.as_deref())?;
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let object = versions::find_object(bucket, &input.key, input.version_id.as_deref(), "GET")?;
        Ok(GetObjectTaggingOutput {
            version_id: versions::reported(bucket, &object.version_id),
            tag_set: to_model(&object.tags),
        })
    })
}

pub fn delete_object_tagging(
    state: &GlobalStore<S3State>,
    input: DeleteObjectTaggingRequest,
) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
    check_version_id(input.version_id.as_deref())?;
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let object = versions::find_mut(bucket, &input.key, input.version_id.as_deref())?;
        object.tags.clear();
        let version_id = object.version_id.clone();
        crate::notify::object_event(bucket, "ObjectTagging:Delete", &input.key, 0, "", Some(&version_id));
        Ok(DeleteObjectTaggingOutput { version_id: versions::reported(bucket, &version_id) })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_forms() {
        assert_eq!(from_header(None).unwrap(), vec![]);
        assert_eq!(
            from_header(Some("a=1&b=two%20words&c=")).unwrap(),
            vec![("a".into(), "1".into()), ("b".into(), "two words".into()), ("c".into(), "".into())]
        );
        assert!(from_header(Some("a=1&a=2")).is_err());
        assert!(from_header(Some("aws:x=1")).is_err());
        let many: Vec<String> = (0..11).map(|i| format!("k{i}=v")).collect();
        assert!(from_header(Some(&many.join("&"))).is_err());
    }
}
