//! Multipart uploads: Create, UploadPart, UploadPartCopy, Complete, Abort, ListParts,
//! ListMultipartUploads.
//!
//! Parts are stored as they arrive (in memory or as files); completing an upload lays them
//! end to end without copying. The object's ETag is the MD5 of the parts' MD5s followed by
//! `-<part count>`, as S3 computes it.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::body::{self, IngestError, ObjectBody};
use crate::checksum::{self, Algorithm, Checksum, Claim};
use crate::conditions::{self, Conditions};
use crate::copy::{copy_condition_header, CopySource};
use crate::digest::{etag_of, hex, md5, verify_content_md5, Md5Digest};
use crate::errors;
use crate::object::{check_key, check_metadata, check_storage_class, WriteCondition};
use crate::owner::{canonical_id, display_name, owner};
use crate::state::{Bucket, S3State};
use crate::stored::{normalise_metadata, now_to_the_second, ContentHeaders, Encryption, PartSummary, StoredObject};
use crate::tags::{self, TagSet};
use crate::versions::{self, Lock};
use crate::{checksum_fields, checksum_headers, requested_content_headers, requested_customer_key, with_encryption};

pub const MIN_PART_BYTES: u64 = 5 * 1024 * 1024;
pub const MAX_PART_BYTES: u64 = 5 * 1024 * 1024 * 1024;
pub const MAX_PARTS: i32 = 10_000;

#[derive(Debug, Clone)]
pub struct Upload {
    pub upload_id: String,
    pub key: String,
    pub initiated: DateTime,
    pub initiator_account: String,
    pub headers: ContentHeaders,
    pub metadata: rt::IndexMap<String, String>,
    pub storage_class: StorageClass,
    pub encryption: Encryption,
    pub website_redirect_location: Option<String>,
    pub tags: TagSet,
    pub lock: Lock,
    pub customer_key: Option<crate::sse::CustomerKey>,
    /// The algorithm every part is checksummed with and how the object's checksum is formed.
    pub checksum: Option<(Algorithm, ChecksumType)>,
    /// The ACL headers of CreateMultipartUpload, given to the completed object.
    pub acl: Option<crate::config::acl::Acl>,
    pub parts: BTreeMap<i32, Part>,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub body: ObjectBody,
    pub md5: Md5Digest,
    pub etag: String,
    pub last_modified: DateTime,
    pub checksum: Option<Checksum>,
    /// The part's CRC64NVME, for S3's default checksum of an upload created without one.
    pub default_crc: Option<Vec<u8>>,
}

impl Part {
    /// A part of these bytes, modified now; its ETag is its MD5.
    fn new(body: ObjectBody, md5: Md5Digest, checksum: Option<Checksum>, default_crc: Option<Vec<u8>>) -> Part {
        Part { etag: etag_of(&md5), body, md5, last_modified: now_to_the_second(), checksum, default_crc }
    }
}

fn new_upload_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{}{}", versions::new_version_id(), hex(&md5(&n.to_be_bytes())[..8]))
}

/// The upload `upload_id`, which must be one of `key`'s: S3 answers NoSuchUpload otherwise.
fn find_upload<'a>(bucket: &'a Bucket, key: &str, upload_id: &str) -> Result<&'a Upload, rt::CommonError> {
    bucket.uploads.get(upload_id).filter(|u| u.key == key).ok_or_else(|| errors::no_such_upload(upload_id))
}

fn find_upload_mut<'a>(bucket: &'a mut Bucket, key: &str, upload_id: &str) -> Result<&'a mut Upload, rt::CommonError> {
    bucket.uploads.get_mut(upload_id).filter(|u| u.key == key).ok_or_else(|| errors::no_such_upload(upload_id))
}

fn check_part_number(n: i32) -> Result<(), rt::CommonError> {
    if !(1..=MAX_PARTS).contains(&n) {
        return Err(errors::invalid_argument(
            "Part number must be an integer between 1 and 10000, inclusive",
            "partNumber",
            &n.to_string(),
        ));
    }
    Ok(())
}

pub fn create_multipart_upload(
    state: &GlobalStore<S3State>,
    ctx: &rt::RequestContext,
    input: CreateMultipartUploadRequest,
) -> Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
    check_key(&input.key)?;
    let storage_class = check_storage_class(input.storage_class)?;
    let metadata = normalise_metadata(input.metadata);
    check_metadata(&metadata)?;
    let tags = tags::from_header(input.tagging.as_deref())?;
    let checksum = match &input.checksum_algorithm {
        None => {
            if input.checksum_type.is_some() {
                return Err(errors::invalid_request(
                    "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.",
                )
                .into());
            }
            None
        }
        Some(a) => {
            let algorithm = Algorithm::from_model(a).ok_or_else(|| {
                errors::invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
            })?;
            let kind = input.checksum_type.clone().unwrap_or_else(|| algorithm.default_type());
            match (&kind, algorithm) {
                (ChecksumType::FullObject, a) if !a.is_crc() => {
                    return Err(errors::invalid_request(format!(
                        "The FULL_OBJECT checksum type cannot be used with the {} checksum algorithm.",
                        a.name().to_ascii_lowercase()
                    ))
                    .into())
                }
                (ChecksumType::Composite, Algorithm::Crc64Nvme) => {
                    return Err(errors::invalid_request(
                        "The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.",
                    )
                    .into())
                }
                (ChecksumType::Unknown(_), _) => {
                    return Err(errors::invalid_request("Value for x-amz-checksum-type header is invalid.").into())
                }
                _ => {}
            }
            Some((algorithm, kind))
        }
    };
    let encryption = Encryption::requested(input.server_side_encryption, input.ssekms_key_id, input.bucket_key_enabled);
    let customer_key = requested_customer_key!(input)?;
    let upload_id = new_upload_id();
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let lock = versions::lock_for_new_object(
            bucket,
            input.object_lock_mode,
            input.object_lock_retain_until_date,
            input.object_lock_legal_hold_status,
        )?;
        let grants = [&input.grant_full_control, &input.grant_read, &input.grant_read_acp, &input.grant_write_acp];
        let acl = crate::config::acl::requested_for_object(bucket, input.acl.as_ref(), grants)?;
        bucket.uploads.insert(
            upload_id.clone(),
            Upload {
                upload_id: upload_id.clone(),
                key: input.key.clone(),
                initiated: DateTime::now(),
                initiator_account: ctx.account_id.clone(),
                headers: requested_content_headers!(input),
                metadata,
                storage_class,
                encryption: encryption.clone(),
                website_redirect_location: input.website_redirect_location,
                tags,
                lock,
                customer_key: customer_key.clone(),
                checksum: checksum.clone(),
                acl,
                parts: BTreeMap::new(),
            },
        );
        Ok::<_, rt::CommonError>(())
    })?;
    Ok(with_encryption!(
        CreateMultipartUploadOutput {
            bucket: Some(input.bucket),
            key: Some(input.key),
            upload_id: Some(upload_id),
            checksum_algorithm: checksum.as_ref().map(|(a, _)| a.to_model()),
            checksum_type: checksum.map(|(_, t)| t),
        },
        encryption,
        customer_key
    ))
}

/// The upload's checksum algorithm and encryption, checking that it exists for this key.
fn upload_settings(
    state: &GlobalStore<S3State>,
    bucket: &str,
    key: &str,
    upload_id: &str,
    expected_owner: Option<&str>,
) -> Result<(Option<Algorithm>, Encryption, Option<crate::sse::CustomerKey>), rt::CommonError> {
    state.with(|s| {
        let bucket = s.bucket(bucket, expected_owner)?;
        let upload = find_upload(bucket, key, upload_id)?;
        Ok((upload.checksum.as_ref().map(|(a, _)| *a), upload.encryption.clone(), upload.customer_key.clone()))
    })
}

pub fn ingest_error(e: IngestError, max: u64) -> rt::CommonError {
    match e {
        IngestError::Incomplete => errors::incomplete_body(),
        IngestError::TooLarge(size) => errors::entity_too_large(size, max),
        IngestError::Storage(e) => errors::internal(format!("could not store the object: {e}")),
    }
}

pub async fn upload_part(
    state: &GlobalStore<S3State>,
    storage: &body::Storage,
    input: UploadPartRequest,
) -> Result<UploadPartOutput, UploadPartError> {
    check_part_number(input.part_number)?;
    let (upload_algorithm, encryption, upload_key) =
        upload_settings(state, &input.bucket, &input.key, &input.upload_id, input.expected_bucket_owner.as_deref())?;
    // Every part of an SSE-C upload presents the upload's key.
    crate::sse::check_read(upload_key.as_ref(), requested_customer_key!(input)?.as_ref())?;
    let claim = Claim::from_request(input.checksum_algorithm.as_ref(), checksum_headers!(input))?;
    // Without a checksum type for the upload, S3 still keeps a CRC64NVME of each part: the
    // default full-object checksum of the completed object is made from them.
    let algorithm = claim.algorithm.or(upload_algorithm);
    let mut wanted: Vec<Algorithm> = algorithm.into_iter().collect();
    if upload_algorithm.is_none() && algorithm != Some(Algorithm::Crc64Nvme) {
        wanted.push(Algorithm::Crc64Nvme);
    }
    let received = body::ingest(storage, input.body, &wanted, MAX_PART_BYTES)
        .await
        .map_err(|e| ingest_error(e, MAX_PART_BYTES))?;
    let default_crc = received.checksum(Some(Algorithm::Crc64Nvme)).map(|c| c.raw());
    if let Some(content_md5) = input.content_md5.as_deref() {
        verify_content_md5(content_md5, &received.md5)?;
    }
    let claim = claim.with_trailers(&received.trailers)?;
    // A trailing checksum names its algorithm only at the end: computed when it was announced
    // by x-amz-sdk-checksum-algorithm, as SDKs do.
    let checksum = match claim.algorithm.or(upload_algorithm) {
        Some(named) if !wanted.contains(&named) => Some(Checksum::whole(
            named,
            &body::digest(&received.body, named)
                .await
                .map_err(|e| errors::internal(format!("could not read back: {e}")))?,
        )),
        named => received.checksum(named),
    };
    if let Some(c) = &checksum {
        claim.verify(c)?;
    }
    if let (Some(wanted), Some(c)) = (upload_algorithm, &checksum) {
        if c.algorithm != wanted {
            return Err(errors::invalid_request(format!(
                "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
                wanted.name().to_ascii_lowercase(),
                c.algorithm.name().to_ascii_lowercase()
            ))
            .into());
        }
    }
    let part = Part::new(received.body, received.md5, checksum.clone(), default_crc);
    let (etag, _) = store_part(state, &input.bucket, &input.key, &input.upload_id, input.part_number, part)?;
    let echoed = checksum.as_ref().filter(|_| claim.algorithm.is_some() || upload_algorithm.is_some());
    let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(echoed);
    Ok(with_encryption!(
        UploadPartOutput {
            e_tag: Some(etag),
            checksum_crc32: crc32,
            checksum_crc32c: crc32c,
            checksum_crc64nvme: crc64nvme,
            checksum_sha1: sha1,
            checksum_sha256: sha256,
        },
        encryption,
        upload_key
    ))
}

/// Keeps `part` as number `number` of the upload, answering with its ETag and modification time.
fn store_part(
    state: &GlobalStore<S3State>,
    bucket: &str,
    key: &str,
    upload_id: &str,
    number: i32,
    part: Part,
) -> Result<(String, DateTime), rt::CommonError> {
    state.with(|s| {
        // Looked up again: the upload may have been completed or aborted meanwhile.
        let bucket = s.bucket_mut(bucket, None)?;
        let upload = find_upload_mut(bucket, key, upload_id)?;
        let stored = (part.etag.clone(), part.last_modified);
        upload.parts.insert(number, part);
        Ok(stored)
    })
}

pub async fn upload_part_copy(
    state: &GlobalStore<S3State>,
    storage: &body::Storage,
    input: UploadPartCopyRequest,
) -> Result<UploadPartCopyOutput, UploadPartCopyError> {
    check_part_number(input.part_number)?;
    let source = CopySource::parse(&input.copy_source)?;
    versions::check_version_id(source.version_id.as_deref())?;
    let (upload_algorithm, encryption, upload_key) =
        upload_settings(state, &input.bucket, &input.key, &input.upload_id, input.expected_bucket_owner.as_deref())?;
    let conditions = Conditions {
        if_match: input.copy_source_if_match.as_deref(),
        if_none_match: input.copy_source_if_none_match.as_deref(),
        if_modified_since: input.copy_source_if_modified_since,
        if_unmodified_since: input.copy_source_if_unmodified_since,
    };
    let (original, reported_version) = state.with(|s| source.find(s, input.expected_source_bucket_owner.as_deref()))?;
    crate::restore::check_readable(&original)?;
    crate::sse::check_read(original.customer_key.as_ref(), requested_customer_key!(input, copy_source)?.as_ref())?;
    conditions::evaluate(&conditions, &original.etag, original.last_modified, DateTime::now())
        .map_err(|failed| errors::precondition_failed(copy_condition_header(failed)))?;
    let size = original.size();
    let bounds = match input.copy_source_range.as_deref() {
        None => None,
        Some(header) => match parse_copy_range(header) {
            Some((start, end)) if start <= end && end < size => Some((start, end)),
            _ => {
                return Err(errors::invalid_argument(
                    format!("Range specified is not valid for source object of size: {size}"),
                    "x-amz-copy-source-range",
                    header,
                )
                .into())
            }
        },
    };
    let copied_len = bounds.map_or(size, |(s, e)| e - s + 1);
    if copied_len > MAX_PART_BYTES {
        return Err(errors::entity_too_large(copied_len, MAX_PART_BYTES).into());
    }
    let wanted: Vec<Algorithm> = upload_algorithm.into_iter().chain([Algorithm::Crc64Nvme]).collect();
    let received = body::ingest(storage, original.body.read(bounds), &wanted, u64::MAX)
        .await
        .map_err(|e| ingest_error(e, MAX_PART_BYTES))?;
    let checksum = received.checksum(upload_algorithm);
    let default_crc = received.checksum(Some(Algorithm::Crc64Nvme)).map(|c| c.raw());
    let part = Part::new(received.body, received.md5, checksum.clone(), default_crc);
    let (etag, last_modified) =
        store_part(state, &input.bucket, &input.key, &input.upload_id, input.part_number, part)?;
    let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(checksum.as_ref());
    Ok(with_encryption!(
        UploadPartCopyOutput {
            copy_source_version_id: reported_version,
            copy_part_result: Some(CopyPartResult {
                e_tag: Some(etag),
                last_modified: Some(last_modified),
                checksum_crc32: crc32,
                checksum_crc32c: crc32c,
                checksum_crc64nvme: crc64nvme,
                checksum_sha1: sha1,
                checksum_sha256: sha256,
            }),
        },
        encryption,
        upload_key
    ))
}

/// `x-amz-copy-source-range`: exactly `bytes=first-last`.
fn parse_copy_range(header: &str) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let digits =
        |t: &str| (!t.is_empty() && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse::<u64>().ok()).flatten();
    Some((digits(a)?, digits(b)?))
}

pub fn complete_multipart_upload(
    state: &GlobalStore<S3State>,
    ctx: &rt::RequestContext,
    input: CompleteMultipartUploadRequest,
) -> Result<CompleteMultipartUploadOutput, CompleteMultipartUploadError> {
    let requested: Vec<CompletedPart> = input.multipart_upload.and_then(|m| m.parts).unwrap_or_default();
    let write_condition = WriteCondition::from_headers(input.if_match.as_deref(), input.if_none_match.as_deref())?;
    let whole_claim = Claim::from_request(None, checksum_headers!(input))?;
    let upload_id = input.upload_id.clone();
    let location = object_location(ctx, &input.bucket, &input.key);
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let upload = find_upload(bucket, &input.key, &upload_id)?;
        if requested.is_empty() {
            return Err(errors::malformed_xml().into());
        }
        // Numbers must be strictly ascending and name uploaded parts with matching ETags.
        let mut chosen: Vec<&Part> = Vec::with_capacity(requested.len());
        let mut previous = 0;
        for p in &requested {
            let number = p.part_number.unwrap_or(0);
            if number <= previous {
                return Err(errors::invalid_part_order().into());
            }
            previous = number;
            let etag = p.e_tag.as_deref().unwrap_or("");
            let part = upload
                .parts
                .get(&number)
                .filter(|part| conditions::etag_listed(etag, &part.etag) && !etag.trim().is_empty() && etag.trim() != "*")
                .ok_or_else(|| errors::invalid_part(&upload_id, number, etag))?;
            if let Some((algorithm, _)) = &upload.checksum {
                let given = checksum_of_completed(p, *algorithm);
                let stored = part.checksum.as_ref().map(|c| c.value.as_str());
                if given.is_some() && given != stored {
                    return Err(errors::invalid_part(&upload_id, number, etag).into());
                }
            }
            chosen.push(part);
        }
        for (p, part) in requested.iter().zip(&chosen).take(chosen.len() - 1) {
            if part.body.len() < MIN_PART_BYTES {
                return Err(errors::entity_too_small(
                    part.body.len(),
                    MIN_PART_BYTES,
                    p.part_number.unwrap_or(0),
                    p.e_tag.as_deref().unwrap_or(""),
                )
                .into());
            }
        }
        let total: u64 = chosen.iter().map(|p| p.body.len()).sum();
        if let Some(declared) = input.mpu_object_size {
            if u64::try_from(declared).ok() != Some(total) {
                return Err(errors::invalid_request(format!(
                    "The provided 'x-amz-mp-object-size' header value \"{declared}\" does not match what was computed: \"{total}\""
                ))
                .into());
            }
        }
        write_condition.check(&input.key, bucket.objects.get(&input.key))?;

        let mut joined = Vec::with_capacity(chosen.len() * 16);
        for part in &chosen {
            joined.extend_from_slice(&part.md5);
        }
        let etag = format!("\"{}-{}\"", hex(&md5(&joined)), chosen.len());
        let checksum = match &upload.checksum {
            // No checksum was asked for: S3's default, the full-object CRC64NVME, when every
            // part has one.
            None => {
                let digests: Option<Vec<(Vec<u8>, u64)>> =
                    chosen.iter().map(|p| p.default_crc.clone().map(|d| (d, p.body.len()))).collect();
                digests.map(|d| checksum::multipart(Algorithm::Crc64Nvme, &ChecksumType::FullObject, &d))
            }
            Some((algorithm, kind)) => {
                let digests: Vec<(Vec<u8>, u64)> = chosen
                    .iter()
                    .map(|p| {
                        let digest = p.checksum.as_ref().map(Checksum::raw).unwrap_or_else(|| algorithm.digest(b""));
                        (digest, p.body.len())
                    })
                    .collect();
                Some(checksum::multipart(*algorithm, kind, &digests))
            }
        };
        if let (Some(c), Some(_)) = (&checksum, &whole_claim.value) {
            if c.kind == ChecksumType::FullObject {
                whole_claim.verify(c)?;
            }
        }
        let parts: Vec<PartSummary> =
            chosen.iter().map(|p| PartSummary { size: p.body.len(), checksum: p.checksum.clone() }).collect();
        let body = ObjectBody::concat(chosen.iter().map(|p| p.body.clone()).collect());
        let version_id = versions::next_version_id(bucket);
        let upload = bucket.uploads.remove(&upload_id).ok_or_else(|| errors::no_such_upload(&upload_id))?;
        let object = StoredObject {
            body,
            etag: etag.clone(),
            last_modified: now_to_the_second(),
            headers: upload.headers,
            metadata: upload.metadata,
            storage_class: upload.storage_class,
            encryption: upload.encryption.clone(),
            website_redirect_location: upload.website_redirect_location,
            version_id: version_id.clone(),
            checksum: checksum.clone(),
            parts: Some(parts),
            tags: upload.tags,
            lock: upload.lock,
            customer_key: upload.customer_key.clone(),
            restore: None,
        };
        if let Some(acl) = upload.acl {
            crate::config::acl::keep_for_object(bucket, &input.key, &object, acl);
        }
        crate::notify::object_event(bucket, "ObjectCreated:CompleteMultipartUpload", &input.key, object.size(), &object.etag, Some(&object.version_id));
        versions::put(bucket, input.key.clone(), object);
        let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(checksum.as_ref());
        Ok(CompleteMultipartUploadOutput {
            location: Some(location),
            bucket: Some(input.bucket.clone()),
            key: Some(input.key.clone()),
            e_tag: Some(etag),
            checksum_crc32: crc32,
            checksum_crc32c: crc32c,
            checksum_crc64nvme: crc64nvme,
            checksum_sha1: sha1,
            checksum_sha256: sha256,
            checksum_type: checksum.map(|c| c.kind),
            server_side_encryption: Some(upload.encryption.algorithm),
            ssekms_key_id: upload.encryption.kms_key_id,
            bucket_key_enabled: upload.encryption.bucket_key_enabled,
            version_id: versions::reported(bucket, &version_id),
            ..Default::default()
        })
    })
}

fn checksum_of_completed(p: &CompletedPart, algorithm: Algorithm) -> Option<&str> {
    match algorithm {
        Algorithm::Crc32 => p.checksum_crc32.as_deref(),
        Algorithm::Crc32c => p.checksum_crc32c.as_deref(),
        Algorithm::Crc64Nvme => p.checksum_crc64nvme.as_deref(),
        Algorithm::Sha1 => p.checksum_sha1.as_deref(),
        Algorithm::Sha256 => p.checksum_sha256.as_deref(),
    }
}

/// The object's URL, path style, as CompleteMultipartUpload reports it.
fn object_location(ctx: &rt::RequestContext, bucket: &str, key: &str) -> String {
    let host = ctx.host.clone().unwrap_or_else(|| format!("{}:{}", ctx.endpoint.host, ctx.endpoint.port));
    let encoded: String = key.split('/').map(crate::url_encoding::encode_listed).collect::<Vec<_>>().join("/");
    if host.starts_with(&format!("{bucket}.")) {
        format!("http://{host}/{encoded}")
    } else {
        format!("http://{host}/{bucket}/{encoded}")
    }
}

pub fn abort_multipart_upload(
    state: &GlobalStore<S3State>,
    input: AbortMultipartUploadRequest,
) -> Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let upload = find_upload(bucket, &input.key, &input.upload_id)?;
        if let Some(t) = input.if_match_initiated_time {
            if t.secs() != upload.initiated.secs() {
                return Err(errors::precondition_failed("x-amz-if-match-initiated-time").into());
            }
        }
        bucket.uploads.remove(&input.upload_id);
        Ok(AbortMultipartUploadOutput::default())
    })
}

pub fn list_parts(state: &GlobalStore<S3State>, input: ListPartsRequest) -> Result<ListPartsOutput, ListPartsError> {
    let max_parts = input.max_parts.unwrap_or(1000);
    if max_parts < 0 {
        return Err(errors::invalid_argument(
            "Argument max-parts must be an integer between 0 and 2147483647",
            "max-parts",
            &max_parts.to_string(),
        )
        .into());
    }
    let marker = match input.part_number_marker.as_deref() {
        None | Some("") => 0,
        Some(m) => m.parse::<i32>().map_err(|_| {
            errors::invalid_argument(
                "Argument part-number-marker must be an integer between 0 and 2147483647",
                "part-number-marker",
                m,
            )
        })?,
    };
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let upload = find_upload(bucket, &input.key, &input.upload_id)?;
        let page_size = max_parts.min(1000) as usize;
        let mut remaining = upload.parts.range(marker.saturating_add(1)..);
        let page: Vec<(&i32, &Part)> = remaining.by_ref().take(page_size).collect();
        let truncated = remaining.next().is_some();
        let parts: Vec<s3_api::types::Part> = page
            .iter()
            .map(|(n, p)| {
                let listed = p.checksum.as_ref().filter(|_| upload.checksum.is_some());
                let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(listed);
                s3_api::types::Part {
                    part_number: Some(**n),
                    last_modified: Some(p.last_modified),
                    e_tag: Some(p.etag.clone()),
                    size: Some(p.body.len() as i64),
                    checksum_crc32: crc32,
                    checksum_crc32c: crc32c,
                    checksum_crc64nvme: crc64nvme,
                    checksum_sha1: sha1,
                    checksum_sha256: sha256,
                }
            })
            .collect();
        let next = page.last().map(|(n, _)| n.to_string());
        Ok(ListPartsOutput {
            bucket: Some(input.bucket.clone()),
            key: Some(input.key.clone()),
            upload_id: Some(input.upload_id.clone()),
            part_number_marker: Some(marker.to_string()),
            next_part_number_marker: Some(next.unwrap_or_else(|| "0".to_owned())),
            max_parts: Some(max_parts),
            is_truncated: Some(truncated),
            parts: (!parts.is_empty()).then_some(parts),
            initiator: Some(initiator(&upload.initiator_account)),
            owner: Some(owner(&bucket.owner_account)),
            storage_class: Some(upload.storage_class.clone()),
            checksum_algorithm: upload.checksum.as_ref().map(|(a, _)| a.to_model()),
            checksum_type: upload.checksum.as_ref().map(|(_, t)| t.clone()),
            ..Default::default()
        })
    })
}

fn initiator(account: &str) -> Initiator {
    Initiator { id: Some(canonical_id(account)), display_name: Some(display_name(account)) }
}

pub fn list_multipart_uploads(
    state: &GlobalStore<S3State>,
    input: ListMultipartUploadsRequest,
) -> Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
    let encoding = crate::list_objects::Encoding::from_request(input.encoding_type.as_ref())?;
    let max_uploads = input.max_uploads.unwrap_or(1000);
    if max_uploads < 0 {
        return Err(errors::invalid_argument(
            "Argument max-uploads must be an integer between 0 and 2147483647",
            "max-uploads",
            &max_uploads.to_string(),
        )
        .into());
    }
    let page_size = max_uploads.min(1000) as usize;
    let prefix = input.prefix.clone().unwrap_or_default();
    let delimiter = input.delimiter.clone().filter(|d| !d.is_empty());
    let key_marker = input.key_marker.clone().unwrap_or_default();
    let upload_id_marker = input.upload_id_marker.clone().filter(|_| !key_marker.is_empty());
    state.with(|s| {
        let bucket = s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let mut all: Vec<&Upload> = bucket.uploads.values().filter(|u| u.key.starts_with(&prefix)).collect();
        all.sort_by(|a, b| (&a.key, a.initiated, &a.upload_id).cmp(&(&b.key, b.initiated, &b.upload_id)));
        // Past the markers: keys after key-marker, or, with upload-id-marker, that key's
        // uploads after the marker's.
        let mut after_marker = all.into_iter().filter(|u| {
            if key_marker.is_empty() {
                return true;
            }
            match &upload_id_marker {
                None => u.key.as_str() > key_marker.as_str(),
                Some(_) if u.key.as_str() > key_marker.as_str() => true,
                Some(marker) if u.key == key_marker => u.upload_id.as_str() > marker.as_str(),
                Some(_) => false,
            }
        });
        let mut uploads = Vec::new();
        let mut prefixes: Vec<String> = Vec::new();
        let mut truncated = false;
        let mut last: Option<(String, String)> = None;
        for u in after_marker.by_ref() {
            let rolled = delimiter
                .as_deref()
                .and_then(|d| u.key[prefix.len()..].find(d).map(|at| u.key[..prefix.len() + at + d.len()].to_owned()));
            if let Some(common) = rolled {
                if prefixes.last() == Some(&common) {
                    continue;
                }
                if uploads.len() + prefixes.len() == page_size {
                    truncated = true;
                    break;
                }
                last = Some((common.clone(), String::new()));
                prefixes.push(common);
                continue;
            }
            if uploads.len() + prefixes.len() == page_size {
                truncated = true;
                break;
            }
            last = Some((u.key.clone(), u.upload_id.clone()));
            uploads.push(MultipartUpload {
                upload_id: Some(u.upload_id.clone()),
                key: Some(encoding.apply(&u.key)),
                initiated: Some(u.initiated),
                storage_class: Some(u.storage_class.clone()),
                owner: Some(owner(&bucket.owner_account)),
                initiator: Some(initiator(&u.initiator_account)),
                checksum_algorithm: u.checksum.as_ref().map(|(a, _)| a.to_model()),
                checksum_type: u.checksum.as_ref().map(|(_, t)| t.clone()),
            });
        }
        let (next_key, next_upload) = match (truncated, last) {
            (true, Some((k, u))) => (Some(encoding.apply(&k)), (!u.is_empty()).then_some(u)),
            _ => (None, None),
        };
        Ok(ListMultipartUploadsOutput {
            bucket: Some(bucket.name.clone()),
            key_marker: Some(encoding.apply(&key_marker)),
            upload_id_marker: Some(upload_id_marker.unwrap_or_default()),
            next_key_marker: next_key,
            next_upload_id_marker: next_upload,
            prefix: Some(encoding.apply(&prefix)),
            delimiter: delimiter.as_deref().map(|d| encoding.apply(d)),
            max_uploads: Some(max_uploads),
            is_truncated: Some(truncated),
            uploads: (!uploads.is_empty()).then_some(uploads),
            common_prefixes: (!prefixes.is_empty())
                .then(|| prefixes.iter().map(|p| CommonPrefix { prefix: Some(encoding.apply(p)) }).collect()),
            encoding_type: input.encoding_type.clone(),
            request_charged: None,
        })
    })
}
