//! Helpers shared by the S3 behaviour tests: contexts, request builders and a view of
//! errors as the wire layer will render them.

#![allow(dead_code)]

use ferrostack_runtime as rt;
use rt::protocol::render_error;
use s3_api::error::*;
use s3_api::types::*;
use s3_api::Handler as _;
pub use s3_handler::Handler;

pub fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

pub fn ctx_in(account: &str, region: &str) -> rt::RequestContext {
    rt::RequestContext::internal(account, region)
}

/// An error as the client will see it: code, status and the extra elements.
#[derive(Debug)]
pub struct Seen {
    pub code: String,
    pub status: u16,
    pub message: Option<String>,
    pub fields: Vec<(String, String)>,
}

impl Seen {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub trait IntoWire {
    fn wire(self) -> rt::WireError;
}

macro_rules! into_wire {
    ($($t:ty),*) => {$(
        impl IntoWire for $t {
            fn wire(self) -> rt::WireError {
                self.into_wire()
            }
        }
    )*};
}

into_wire!(
    CreateBucketError,
    HeadBucketError,
    ListBucketsError,
    DeleteBucketError,
    PutObjectError,
    GetObjectError,
    HeadObjectError,
    DeleteObjectError,
    ListObjectsError,
    ListObjectsV2Error,
    CopyObjectError,
    DeleteObjectsError
);

pub fn seen<T: std::fmt::Debug, E: IntoWire>(result: Result<T, E>) -> Seen {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => {
            let r = render_error(&s3_api::SCHEMA, rt::Protocol::RestXml, None, e.wire());
            Seen {
                code: r.code.into_owned(),
                status: r.status,
                message: r.message,
                fields: r.fields.into_iter().map(|(n, v)| (n.into_owned(), v)).collect(),
            }
        }
    }
}

pub async fn create(h: &Handler, bucket: &str) {
    h.create_bucket(&ctx(), CreateBucketRequest { bucket: bucket.into(), ..Default::default() }).await.unwrap();
}

pub async fn put(h: &Handler, bucket: &str, key: &str, body: &[u8]) -> PutObjectOutput {
    h.put_object(
        &ctx(),
        PutObjectRequest { bucket: bucket.into(), key: key.into(), body: body.to_vec().into(), ..Default::default() },
    )
    .await
    .unwrap()
}

pub async fn get(h: &Handler, bucket: &str, key: &str) -> Result<GetObjectOutput, GetObjectError> {
    h.get_object(&ctx(), GetObjectRequest { bucket: bucket.into(), key: key.into(), ..Default::default() }).await
}

pub async fn body_of(out: GetObjectOutput) -> Vec<u8> {
    out.body.collect().await.unwrap().to_vec()
}
