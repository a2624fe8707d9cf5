//! Behaviour of `s3` (AmazonS3). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! The trait impl below only routes: each operation lives in the module for its topic, over
//! the state in [`state`].

mod body;
mod bucket;
mod conditions;
mod copy;
mod delete_objects;
mod digest;
mod errors;
mod list_objects;
mod listing;
mod names;
mod object;
mod owner;
mod range;
mod state;
mod stored;
mod url_encoding;

use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::error::*;
use s3_api::types::*;

use state::S3State;

#[derive(Default)]
pub struct Handler {
    state: GlobalStore<S3State>,
}

impl Handler {
    pub fn new() -> Handler {
        Handler::default()
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
        _ctx: &rt::RequestContext,
        input: PutObjectRequest,
    ) -> Result<PutObjectOutput, PutObjectError> {
        object::put_object(&self.state, input).await
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
        copy::copy_object(&self.state, input)
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

    fn reset(&self) {
        self.state.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn s3_api::Handler>(handler.clone());
    s3_api::service(handler)
}
