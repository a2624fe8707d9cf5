//! The S3 calls exports and imports make, in-process through S3's generated trait, as the
//! caller's account and region. Failures come back as the (code, message) an export or
//! import records as its FailureCode / FailureMessage.

use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use s3_api::error::{GetObjectError, ListObjectsV2Error, PutObjectError};
use s3_api::types::{GetObjectRequest, ListObjectsV2Request, PutObjectRequest};

pub type Failure = (String, String);

pub struct S3 {
    s3: Arc<dyn s3_api::Handler>,
    ctx: rt::RequestContext,
}

fn common(e: rt::CommonError) -> Failure {
    match e {
        rt::CommonError::Service(e) if e.code == "NoSuchBucket" => {
            ("S3NoSuchBucket".into(), "The specified bucket does not exist".into())
        }
        rt::CommonError::Service(e) => (format!("S3{}", e.code), e.message),
        rt::CommonError::AccessDenied(m) => ("S3AccessDenied".into(), m),
        other => ("UnknownError".into(), other.to_string()),
    }
}

impl S3 {
    pub fn new(peers: &Peers, ctx: &rt::RequestContext) -> Result<S3, Failure> {
        let s3 = peers
            .get::<dyn s3_api::Handler>()
            .ok_or_else(|| ("UnknownError".to_string(), "S3 is not served by this endpoint".to_string()))?;
        Ok(S3 { s3, ctx: rt::RequestContext::internal(&ctx.account_id, &ctx.region) })
    }

    /// Stores `body`; answers the object's ETag (without quotes).
    pub async fn put(&self, bucket: &str, key: &str, body: Vec<u8>) -> Result<String, Failure> {
        let input = PutObjectRequest {
            bucket: bucket.to_string(),
            key: key.to_string(),
            content_length: Some(body.len() as i64),
            body: rt::ByteStream::from(body),
            ..Default::default()
        };
        match self.s3.put_object(&self.ctx, input).await {
            Ok(out) => Ok(out.e_tag.unwrap_or_default().trim_matches('"').to_string()),
            Err(PutObjectError::Common(e)) => Err(common(e)),
            Err(other) => Err(("S3InvalidRequest".into(), format!("{other:?}"))),
        }
    }

    pub async fn get(&self, bucket: &str, key: &str) -> Result<Vec<u8>, Failure> {
        let input = GetObjectRequest { bucket: bucket.to_string(), key: key.to_string(), ..Default::default() };
        match self.s3.get_object(&self.ctx, input).await {
            Ok(out) => {
                out.body.collect().await.map(|b| b.to_vec()).map_err(|e| ("UnknownError".to_string(), e.to_string()))
            }
            Err(GetObjectError::NoSuchKey(_)) => {
                Err(("S3NoSuchKey".into(), format!("The specified key does not exist: {key}")))
            }
            Err(GetObjectError::Common(e)) => Err(common(e)),
            Err(other) => Err(("S3InvalidObjectState".into(), format!("{other:?}"))),
        }
    }

    /// Every key under `prefix` with its size, in key order.
    pub async fn list(&self, bucket: &str, prefix: &str) -> Result<Vec<(String, i64)>, Failure> {
        let mut out = Vec::new();
        let mut token = None;
        loop {
            let input = ListObjectsV2Request {
                bucket: bucket.to_string(),
                prefix: (!prefix.is_empty()).then(|| prefix.to_string()),
                continuation_token: token.take(),
                ..Default::default()
            };
            let page = match self.s3.list_objects_v2(&self.ctx, input).await {
                Ok(page) => page,
                Err(ListObjectsV2Error::NoSuchBucket(_)) => {
                    return Err(("S3NoSuchBucket".into(), "The specified bucket does not exist".into()))
                }
                Err(ListObjectsV2Error::Common(e)) => return Err(common(e)),
            };
            for o in page.contents.unwrap_or_default() {
                if let Some(key) = o.key {
                    out.push((key, o.size.unwrap_or(0)));
                }
            }
            match page.next_continuation_token {
                Some(t) if page.is_truncated == Some(true) => token = Some(t),
                _ => return Ok(out),
            }
        }
    }
}
