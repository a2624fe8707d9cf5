//! Behaviour of `s3` (AmazonS3). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! The trait impl below only routes: each operation lives in the module for its topic, over
//! the state in [`state`].

mod body;
mod bucket;
mod checksum;
mod conditions;
mod config;
mod copy;
mod delete_objects;
mod digest;
mod errors;
mod list_objects;
mod listing;
mod multipart;
mod names;
mod notify;
mod object;
mod owner;
pub mod post;
mod range;
mod restore;
mod settings;
mod sse;
mod state;
mod stored;
mod tags;
mod url_encoding;
mod version_ops;
mod versions;

use std::collections::HashSet;
use std::sync::{Arc, Mutex, Weak};

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::http::{HttpRequest, HttpResponse};
use s3_api::error::*;
use s3_api::types::*;

use state::S3State;

pub use settings::Settings;

pub struct Handler {
    state: GlobalStore<S3State>,
    /// The other services, for event notifications.
    peers: Arc<ferrostack_store::Peers>,
    /// Where object bodies are kept.
    storage: body::Storage,
    reaper: config::lifecycle::Reaper,
    /// Request ids of the browser POST uploads in flight: their PutObject reports
    /// `ObjectCreated:Post`.
    post_uploads: Mutex<HashSet<String>>,
}

impl Default for Handler {
    /// A handler with bodies in memory, no peers, and no lifecycle reaper (for tests).
    fn default() -> Self {
        Handler::new(Settings::default(), ferrostack_store::Peers::new(), Weak::new())
    }
}

impl Handler {
    /// The handler that `settings` describe, reaching other services through `peers`; its
    /// lifecycle reaper works on `this` (the handler's own `Arc`, see [`serve`]).
    fn new(settings: Settings, peers: Arc<ferrostack_store::Peers>, this: Weak<Handler>) -> Handler {
        Handler {
            state: GlobalStore::default(),
            peers,
            storage: body::Storage::open(settings.data_dir.as_deref()),
            reaper: config::lifecycle::Reaper::new(this, settings.lifecycle_interval),
            post_uploads: Mutex::new(HashSet::new()),
        }
    }

    /// Answers a CORS preflight (`OPTIONS`) routed to S3 from the bucket's CORS rules.
    pub fn cors_preflight(&self, req: &HttpRequest, ctx: &rt::RequestContext) -> HttpResponse {
        config::cors::preflight(&self.state, req, ctx)
    }

    /// Adds the bucket's `Access-Control-*` headers to S3's answer to a request with an
    /// `Origin` (`req` carries the request's method, path and headers).
    pub fn cors_decorate(&self, req: &HttpRequest, response: &mut HttpResponse) {
        config::cors::decorate(&self.state, req, response)
    }

    /// Serves a request to the bucket's website endpoint (`<bucket>.s3-website.<domain>`).
    pub fn website(&self, bucket: &str, req: &HttpRequest, ctx: &rt::RequestContext) -> HttpResponse {
        config::website::serve(&self.state, bucket, req, ctx)
    }

    /// Checks a browser POST upload and turns it into its PutObject (see [`post`]); the
    /// PutObject of `ctx`'s request then reports `ObjectCreated:Post`. Call
    /// [`Handler::finish_post_upload`] with the answer.
    #[allow(clippy::result_large_err)] // the refusal is the answer itself, on a rare path
    pub fn prepare_post_upload(
        &self,
        req: HttpRequest,
        ctx: &rt::RequestContext,
    ) -> Result<(HttpRequest, post::PostUpload), HttpResponse> {
        let prepared = post::prepare(req, &ctx.request_id)?;
        self.post_uploads_in_flight().insert(ctx.request_id.clone());
        Ok(prepared)
    }

    /// The POST's answer from its PutObject's.
    pub fn finish_post_upload(
        &self,
        upload: &post::PostUpload,
        put: HttpResponse,
        host: &str,
        ctx: &rt::RequestContext,
    ) -> HttpResponse {
        self.post_uploads_in_flight().remove(&ctx.request_id);
        post::finish(upload, put, host)
    }

    fn post_uploads_in_flight(&self) -> std::sync::MutexGuard<'_, HashSet<String>> {
        self.post_uploads.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The notification a PutObject of `ctx`'s request sends.
    fn put_event(&self, ctx: &rt::RequestContext) -> &'static str {
        if self.post_uploads_in_flight().contains(&ctx.request_id) {
            "ObjectCreated:Post"
        } else {
            "ObjectCreated:Put"
        }
    }
}

#[rt::async_trait]
impl s3_api::Handler for Handler {
    async fn create_bucket(
        &self,
        ctx: &rt::RequestContext,
        input: CreateBucketRequest,
    ) -> Result<CreateBucketOutput, CreateBucketError> {
        bucket::create_bucket(&self.state, ctx, input)
    }

    async fn head_bucket(
        &self,
        _ctx: &rt::RequestContext,
        input: HeadBucketRequest,
    ) -> Result<HeadBucketOutput, HeadBucketError> {
        bucket::head_bucket(&self.state, input)
    }

    async fn list_buckets(
        &self,
        ctx: &rt::RequestContext,
        input: ListBucketsRequest,
    ) -> Result<ListBucketsOutput, ListBucketsError> {
        bucket::list_buckets(&self.state, ctx, input)
    }

    async fn delete_bucket(
        &self,
        ctx: &rt::RequestContext,
        input: DeleteBucketRequest,
    ) -> Result<rt::Unit, DeleteBucketError> {
        bucket::delete_bucket(&self.state, ctx, input)
    }

    async fn get_bucket_location(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketLocationRequest,
    ) -> Result<GetBucketLocationOutput, GetBucketLocationError> {
        bucket::get_bucket_location(&self.state, input)
    }

    async fn put_object(
        &self,
        ctx: &rt::RequestContext,
        input: PutObjectRequest,
    ) -> Result<PutObjectOutput, PutObjectError> {
        object::put_object(&self.state, &self.storage, input, self.put_event(ctx)).await
    }

    async fn get_object(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectRequest,
    ) -> Result<GetObjectOutput, GetObjectError> {
        object::get_object(&self.state, input)
    }

    async fn head_object(
        &self,
        _ctx: &rt::RequestContext,
        input: HeadObjectRequest,
    ) -> Result<HeadObjectOutput, HeadObjectError> {
        object::head_object(&self.state, input)
    }

    async fn delete_object(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteObjectRequest,
    ) -> Result<DeleteObjectOutput, DeleteObjectError> {
        object::delete_object(&self.state, input)
    }

    async fn copy_object(
        &self,
        _ctx: &rt::RequestContext,
        input: CopyObjectRequest,
    ) -> Result<CopyObjectOutput, CopyObjectError> {
        copy::copy_object(&self.state, input).await
    }

    async fn delete_objects(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteObjectsRequest,
    ) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
        delete_objects::delete_objects(&self.state, input)
    }

    async fn list_objects(
        &self,
        _ctx: &rt::RequestContext,
        input: ListObjectsRequest,
    ) -> Result<ListObjectsOutput, ListObjectsError> {
        list_objects::list_objects(&self.state, input)
    }

    async fn list_objects_v2(
        &self,
        _ctx: &rt::RequestContext,
        input: ListObjectsV2Request,
    ) -> Result<ListObjectsV2Output, ListObjectsV2Error> {
        list_objects::list_objects_v2(&self.state, input)
    }

    async fn create_multipart_upload(
        &self,
        ctx: &rt::RequestContext,
        input: CreateMultipartUploadRequest,
    ) -> Result<CreateMultipartUploadOutput, CreateMultipartUploadError> {
        multipart::create_multipart_upload(&self.state, ctx, input)
    }

    async fn upload_part(
        &self,
        _ctx: &rt::RequestContext,
        input: UploadPartRequest,
    ) -> Result<UploadPartOutput, UploadPartError> {
        multipart::upload_part(&self.state, &self.storage, input).await
    }

    async fn upload_part_copy(
        &self,
        _ctx: &rt::RequestContext,
        input: UploadPartCopyRequest,
    ) -> Result<UploadPartCopyOutput, UploadPartCopyError> {
        multipart::upload_part_copy(&self.state, &self.storage, input).await
    }

    async fn complete_multipart_upload(
        &self,
        ctx: &rt::RequestContext,
        input: CompleteMultipartUploadRequest,
    ) -> Result<CompleteMultipartUploadOutput, CompleteMultipartUploadError> {
        multipart::complete_multipart_upload(&self.state, ctx, input)
    }

    async fn abort_multipart_upload(
        &self,
        _ctx: &rt::RequestContext,
        input: AbortMultipartUploadRequest,
    ) -> Result<AbortMultipartUploadOutput, AbortMultipartUploadError> {
        multipart::abort_multipart_upload(&self.state, input)
    }

    async fn list_parts(
        &self,
        _ctx: &rt::RequestContext,
        input: ListPartsRequest,
    ) -> Result<ListPartsOutput, ListPartsError> {
        multipart::list_parts(&self.state, input)
    }

    async fn list_multipart_uploads(
        &self,
        _ctx: &rt::RequestContext,
        input: ListMultipartUploadsRequest,
    ) -> Result<ListMultipartUploadsOutput, ListMultipartUploadsError> {
        multipart::list_multipart_uploads(&self.state, input)
    }

    async fn put_object_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: PutObjectTaggingRequest,
    ) -> Result<PutObjectTaggingOutput, PutObjectTaggingError> {
        tags::put_object_tagging(&self.state, input)
    }

    async fn get_object_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectTaggingRequest,
    ) -> Result<GetObjectTaggingOutput, GetObjectTaggingError> {
        tags::get_object_tagging(&self.state, input)
    }

    async fn delete_object_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteObjectTaggingRequest,
    ) -> Result<DeleteObjectTaggingOutput, DeleteObjectTaggingError> {
        tags::delete_object_tagging(&self.state, input)
    }

    async fn put_bucket_versioning(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketVersioningRequest,
    ) -> Result<rt::Unit, PutBucketVersioningError> {
        version_ops::put_bucket_versioning(&self.state, input)
    }

    async fn get_bucket_versioning(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketVersioningRequest,
    ) -> Result<GetBucketVersioningOutput, GetBucketVersioningError> {
        version_ops::get_bucket_versioning(&self.state, input)
    }

    async fn list_object_versions(
        &self,
        _ctx: &rt::RequestContext,
        input: ListObjectVersionsRequest,
    ) -> Result<ListObjectVersionsOutput, ListObjectVersionsError> {
        version_ops::list_object_versions(&self.state, input)
    }

    async fn put_object_lock_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutObjectLockConfigurationRequest,
    ) -> Result<PutObjectLockConfigurationOutput, PutObjectLockConfigurationError> {
        version_ops::put_object_lock_configuration(&self.state, input)
    }

    async fn get_object_lock_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectLockConfigurationRequest,
    ) -> Result<GetObjectLockConfigurationOutput, GetObjectLockConfigurationError> {
        version_ops::get_object_lock_configuration(&self.state, input)
    }

    async fn put_object_retention(
        &self,
        _ctx: &rt::RequestContext,
        input: PutObjectRetentionRequest,
    ) -> Result<PutObjectRetentionOutput, PutObjectRetentionError> {
        version_ops::put_object_retention(&self.state, input)
    }

    async fn get_object_retention(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectRetentionRequest,
    ) -> Result<GetObjectRetentionOutput, GetObjectRetentionError> {
        version_ops::get_object_retention(&self.state, input)
    }

    async fn put_object_legal_hold(
        &self,
        _ctx: &rt::RequestContext,
        input: PutObjectLegalHoldRequest,
    ) -> Result<PutObjectLegalHoldOutput, PutObjectLegalHoldError> {
        version_ops::put_object_legal_hold(&self.state, input)
    }

    async fn get_object_legal_hold(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectLegalHoldRequest,
    ) -> Result<GetObjectLegalHoldOutput, GetObjectLegalHoldError> {
        version_ops::get_object_legal_hold(&self.state, input)
    }

    async fn get_object_attributes(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectAttributesRequest,
    ) -> Result<GetObjectAttributesOutput, GetObjectAttributesError> {
        version_ops::get_object_attributes(&self.state, input)
    }

    fn reset(&self) {
        self.state.reset();
    }

    // ---- bucket configuration and notifications (config/, notify.rs) ----

    async fn put_bucket_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketTaggingRequest,
    ) -> Result<rt::Unit, PutBucketTaggingError> {
        Ok(config::simple::put_bucket_tagging(&self.state, input)?)
    }

    async fn get_bucket_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketTaggingRequest,
    ) -> Result<GetBucketTaggingOutput, GetBucketTaggingError> {
        Ok(config::simple::get_bucket_tagging(&self.state, input)?)
    }

    async fn delete_bucket_tagging(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketTaggingRequest,
    ) -> Result<rt::Unit, DeleteBucketTaggingError> {
        Ok(config::simple::delete_bucket_tagging(&self.state, input)?)
    }

    async fn put_bucket_policy(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketPolicyRequest,
    ) -> Result<rt::Unit, PutBucketPolicyError> {
        Ok(config::simple::put_bucket_policy(&self.state, input)?)
    }

    async fn get_bucket_policy(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketPolicyRequest,
    ) -> Result<GetBucketPolicyOutput, GetBucketPolicyError> {
        Ok(config::simple::get_bucket_policy(&self.state, input)?)
    }

    async fn delete_bucket_policy(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketPolicyRequest,
    ) -> Result<rt::Unit, DeleteBucketPolicyError> {
        Ok(config::simple::delete_bucket_policy(&self.state, input)?)
    }

    async fn get_bucket_policy_status(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketPolicyStatusRequest,
    ) -> Result<GetBucketPolicyStatusOutput, GetBucketPolicyStatusError> {
        Ok(config::simple::get_bucket_policy_status(&self.state, input)?)
    }

    async fn put_bucket_acl(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketAclRequest,
    ) -> Result<rt::Unit, PutBucketAclError> {
        Ok(config::acl::put_bucket_acl(&self.state, input)?)
    }

    async fn get_bucket_acl(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketAclRequest,
    ) -> Result<GetBucketAclOutput, GetBucketAclError> {
        Ok(config::acl::get_bucket_acl(&self.state, input)?)
    }

    async fn put_object_acl(
        &self,
        _ctx: &rt::RequestContext,
        input: PutObjectAclRequest,
    ) -> Result<PutObjectAclOutput, PutObjectAclError> {
        Ok(config::acl::put_object_acl(&self.state, input)?)
    }

    async fn get_object_acl(
        &self,
        _ctx: &rt::RequestContext,
        input: GetObjectAclRequest,
    ) -> Result<GetObjectAclOutput, GetObjectAclError> {
        Ok(config::acl::get_object_acl(&self.state, input)?)
    }

    async fn put_public_access_block(
        &self,
        _ctx: &rt::RequestContext,
        input: PutPublicAccessBlockRequest,
    ) -> Result<rt::Unit, PutPublicAccessBlockError> {
        Ok(config::simple::put_public_access_block(&self.state, input)?)
    }

    async fn get_public_access_block(
        &self,
        _ctx: &rt::RequestContext,
        input: GetPublicAccessBlockRequest,
    ) -> Result<GetPublicAccessBlockOutput, GetPublicAccessBlockError> {
        Ok(config::simple::get_public_access_block(&self.state, input)?)
    }

    async fn delete_public_access_block(
        &self,
        _ctx: &rt::RequestContext,
        input: DeletePublicAccessBlockRequest,
    ) -> Result<rt::Unit, DeletePublicAccessBlockError> {
        Ok(config::simple::delete_public_access_block(&self.state, input)?)
    }

    async fn put_bucket_ownership_controls(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketOwnershipControlsRequest,
    ) -> Result<rt::Unit, PutBucketOwnershipControlsError> {
        Ok(config::simple::put_bucket_ownership_controls(&self.state, input)?)
    }

    async fn get_bucket_ownership_controls(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketOwnershipControlsRequest,
    ) -> Result<GetBucketOwnershipControlsOutput, GetBucketOwnershipControlsError> {
        Ok(config::simple::get_bucket_ownership_controls(&self.state, input)?)
    }

    async fn delete_bucket_ownership_controls(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketOwnershipControlsRequest,
    ) -> Result<rt::Unit, DeleteBucketOwnershipControlsError> {
        Ok(config::simple::delete_bucket_ownership_controls(&self.state, input)?)
    }

    async fn put_bucket_encryption(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketEncryptionRequest,
    ) -> Result<rt::Unit, PutBucketEncryptionError> {
        Ok(config::simple::put_bucket_encryption(&self.state, input)?)
    }

    async fn get_bucket_encryption(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketEncryptionRequest,
    ) -> Result<GetBucketEncryptionOutput, GetBucketEncryptionError> {
        Ok(config::simple::get_bucket_encryption(&self.state, input)?)
    }

    async fn delete_bucket_encryption(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketEncryptionRequest,
    ) -> Result<rt::Unit, DeleteBucketEncryptionError> {
        Ok(config::simple::delete_bucket_encryption(&self.state, input)?)
    }

    async fn put_bucket_accelerate_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketAccelerateConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketAccelerateConfigurationError> {
        Ok(config::simple::put_bucket_accelerate_configuration(&self.state, input)?)
    }

    async fn get_bucket_accelerate_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketAccelerateConfigurationRequest,
    ) -> Result<GetBucketAccelerateConfigurationOutput, GetBucketAccelerateConfigurationError> {
        Ok(config::simple::get_bucket_accelerate_configuration(&self.state, input)?)
    }

    async fn put_bucket_request_payment(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketRequestPaymentRequest,
    ) -> Result<rt::Unit, PutBucketRequestPaymentError> {
        Ok(config::simple::put_bucket_request_payment(&self.state, input)?)
    }

    async fn get_bucket_request_payment(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketRequestPaymentRequest,
    ) -> Result<GetBucketRequestPaymentOutput, GetBucketRequestPaymentError> {
        Ok(config::simple::get_bucket_request_payment(&self.state, input)?)
    }

    async fn put_bucket_logging(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketLoggingRequest,
    ) -> Result<rt::Unit, PutBucketLoggingError> {
        Ok(config::simple::put_bucket_logging(&self.state, input)?)
    }

    async fn get_bucket_logging(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketLoggingRequest,
    ) -> Result<GetBucketLoggingOutput, GetBucketLoggingError> {
        Ok(config::simple::get_bucket_logging(&self.state, input)?)
    }

    async fn put_bucket_replication(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketReplicationRequest,
    ) -> Result<rt::Unit, PutBucketReplicationError> {
        Ok(config::simple::put_bucket_replication(&self.state, input)?)
    }

    async fn get_bucket_replication(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketReplicationRequest,
    ) -> Result<GetBucketReplicationOutput, GetBucketReplicationError> {
        Ok(config::simple::get_bucket_replication(&self.state, input)?)
    }

    async fn delete_bucket_replication(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketReplicationRequest,
    ) -> Result<rt::Unit, DeleteBucketReplicationError> {
        Ok(config::simple::delete_bucket_replication(&self.state, input)?)
    }

    async fn put_bucket_website(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketWebsiteRequest,
    ) -> Result<rt::Unit, PutBucketWebsiteError> {
        Ok(config::simple::put_bucket_website(&self.state, input)?)
    }

    async fn get_bucket_website(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketWebsiteRequest,
    ) -> Result<GetBucketWebsiteOutput, GetBucketWebsiteError> {
        Ok(config::simple::get_bucket_website(&self.state, input)?)
    }

    async fn delete_bucket_website(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketWebsiteRequest,
    ) -> Result<rt::Unit, DeleteBucketWebsiteError> {
        Ok(config::simple::delete_bucket_website(&self.state, input)?)
    }

    async fn put_bucket_cors(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketCorsRequest,
    ) -> Result<rt::Unit, PutBucketCorsError> {
        Ok(config::cors::put_bucket_cors(&self.state, input)?)
    }

    async fn get_bucket_cors(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketCorsRequest,
    ) -> Result<GetBucketCorsOutput, GetBucketCorsError> {
        Ok(config::cors::get_bucket_cors(&self.state, input)?)
    }

    async fn delete_bucket_cors(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketCorsRequest,
    ) -> Result<rt::Unit, DeleteBucketCorsError> {
        Ok(config::cors::delete_bucket_cors(&self.state, input)?)
    }

    async fn put_bucket_lifecycle_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketLifecycleConfigurationRequest,
    ) -> Result<PutBucketLifecycleConfigurationOutput, PutBucketLifecycleConfigurationError> {
        Ok(config::lifecycle::put_bucket_lifecycle_configuration(&self.state, &self.reaper, input)?)
    }

    async fn get_bucket_lifecycle_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketLifecycleConfigurationRequest,
    ) -> Result<GetBucketLifecycleConfigurationOutput, GetBucketLifecycleConfigurationError> {
        Ok(config::lifecycle::get_bucket_lifecycle_configuration(&self.state, input)?)
    }

    async fn delete_bucket_lifecycle(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketLifecycleRequest,
    ) -> Result<rt::Unit, DeleteBucketLifecycleError> {
        Ok(config::lifecycle::delete_bucket_lifecycle(&self.state, input)?)
    }

    async fn restore_object(
        &self,
        ctx: &rt::RequestContext,
        input: RestoreObjectRequest,
    ) -> Result<RestoreObjectOutput, RestoreObjectError> {
        let (output, outcome) = restore::restore_object(&self.state, input)?;
        if let restore::Outcome::Accepted = outcome {
            // 202 Accepted: a restore started (the model knows only 200, kept for one that exists).
            ctx.answer_with_status(202);
        }
        Ok(output)
    }

    async fn list_directory_buckets(
        &self,
        _ctx: &rt::RequestContext,
        _input: ListDirectoryBucketsRequest,
    ) -> Result<ListDirectoryBucketsOutput, ListDirectoryBucketsError> {
        // Directory buckets (S3 Express One Zone) are not emulated, so the account has none:
        // AWS answers such an account with an empty list.
        Ok(ListDirectoryBucketsOutput { buckets: Some(Vec::new()), continuation_token: None })
    }

    // ---- configurations kept by Id (config/by_id.rs) ----
    async fn put_bucket_analytics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketAnalyticsConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketAnalyticsConfigurationError> {
        Ok(config::by_id::put_analytics(&self.state, input)?)
    }

    async fn get_bucket_analytics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketAnalyticsConfigurationRequest,
    ) -> Result<GetBucketAnalyticsConfigurationOutput, GetBucketAnalyticsConfigurationError> {
        Ok(config::by_id::get_analytics(&self.state, input)?)
    }

    async fn delete_bucket_analytics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketAnalyticsConfigurationRequest,
    ) -> Result<rt::Unit, DeleteBucketAnalyticsConfigurationError> {
        Ok(config::by_id::delete_analytics(&self.state, input)?)
    }

    async fn list_bucket_analytics_configurations(
        &self,
        _ctx: &rt::RequestContext,
        input: ListBucketAnalyticsConfigurationsRequest,
    ) -> Result<ListBucketAnalyticsConfigurationsOutput, ListBucketAnalyticsConfigurationsError> {
        Ok(config::by_id::list_analytics(&self.state, input)?)
    }

    async fn put_bucket_intelligent_tiering_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketIntelligentTieringConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketIntelligentTieringConfigurationError> {
        Ok(config::by_id::put_intelligent_tiering(&self.state, input)?)
    }

    async fn get_bucket_intelligent_tiering_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketIntelligentTieringConfigurationRequest,
    ) -> Result<GetBucketIntelligentTieringConfigurationOutput, GetBucketIntelligentTieringConfigurationError> {
        Ok(config::by_id::get_intelligent_tiering(&self.state, input)?)
    }

    async fn delete_bucket_intelligent_tiering_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketIntelligentTieringConfigurationRequest,
    ) -> Result<rt::Unit, DeleteBucketIntelligentTieringConfigurationError> {
        Ok(config::by_id::delete_intelligent_tiering(&self.state, input)?)
    }

    async fn list_bucket_intelligent_tiering_configurations(
        &self,
        _ctx: &rt::RequestContext,
        input: ListBucketIntelligentTieringConfigurationsRequest,
    ) -> Result<ListBucketIntelligentTieringConfigurationsOutput, ListBucketIntelligentTieringConfigurationsError> {
        Ok(config::by_id::list_intelligent_tiering(&self.state, input)?)
    }

    async fn put_bucket_inventory_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketInventoryConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketInventoryConfigurationError> {
        Ok(config::by_id::put_inventory(&self.state, input)?)
    }

    async fn get_bucket_inventory_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketInventoryConfigurationRequest,
    ) -> Result<GetBucketInventoryConfigurationOutput, GetBucketInventoryConfigurationError> {
        Ok(config::by_id::get_inventory(&self.state, input)?)
    }

    async fn delete_bucket_inventory_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketInventoryConfigurationRequest,
    ) -> Result<rt::Unit, DeleteBucketInventoryConfigurationError> {
        Ok(config::by_id::delete_inventory(&self.state, input)?)
    }

    async fn list_bucket_inventory_configurations(
        &self,
        _ctx: &rt::RequestContext,
        input: ListBucketInventoryConfigurationsRequest,
    ) -> Result<ListBucketInventoryConfigurationsOutput, ListBucketInventoryConfigurationsError> {
        Ok(config::by_id::list_inventory(&self.state, input)?)
    }

    async fn put_bucket_metrics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: PutBucketMetricsConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketMetricsConfigurationError> {
        Ok(config::by_id::put_metrics(&self.state, input)?)
    }

    async fn get_bucket_metrics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketMetricsConfigurationRequest,
    ) -> Result<GetBucketMetricsConfigurationOutput, GetBucketMetricsConfigurationError> {
        Ok(config::by_id::get_metrics(&self.state, input)?)
    }

    async fn delete_bucket_metrics_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: DeleteBucketMetricsConfigurationRequest,
    ) -> Result<rt::Unit, DeleteBucketMetricsConfigurationError> {
        Ok(config::by_id::delete_metrics(&self.state, input)?)
    }

    async fn list_bucket_metrics_configurations(
        &self,
        _ctx: &rt::RequestContext,
        input: ListBucketMetricsConfigurationsRequest,
    ) -> Result<ListBucketMetricsConfigurationsOutput, ListBucketMetricsConfigurationsError> {
        Ok(config::by_id::list_metrics(&self.state, input)?)
    }

    async fn put_bucket_notification_configuration(
        &self,
        ctx: &rt::RequestContext,
        input: PutBucketNotificationConfigurationRequest,
    ) -> Result<rt::Unit, PutBucketNotificationConfigurationError> {
        Ok(notify::put_bucket_notification_configuration(&self.state, &self.peers, ctx, input).await?)
    }

    async fn get_bucket_notification_configuration(
        &self,
        _ctx: &rt::RequestContext,
        input: GetBucketNotificationConfigurationRequest,
    ) -> Result<NotificationConfiguration, GetBucketNotificationConfigurationError> {
        Ok(notify::get_bucket_notification_configuration(&self.state, input)?)
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process, and as itself for the gateway's HTTP-level calls (CORS, website endpoint,
/// browser POST uploads): `peers.get::<s3_handler::Handler>()`.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let settings = Settings::from_env();
    let handler = Arc::new_cyclic(|this| Handler::new(settings, peers.clone(), this.clone()));
    peers.register::<dyn s3_api::Handler>(handler.clone());
    peers.register::<Handler>(handler.clone());
    s3_api::service(handler)
}
