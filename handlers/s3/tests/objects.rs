//! Object round trips: put, get, head, delete, with metadata, ranges, digests and conditions.

mod common;

use base64::Engine;
use common::*;
use ferrostack_runtime as rt;
use s3_api::types::*;
use s3_api::Handler as _;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn head_req(bucket: &str, key: &str) -> HeadObjectRequest {
    HeadObjectRequest { bucket: bucket.into(), key: key.into(), ..Default::default() }
}

fn get_req(bucket: &str, key: &str) -> GetObjectRequest {
    GetObjectRequest { bucket: bucket.into(), key: key.into(), ..Default::default() }
}

#[tokio::test]
async fn round_trip_with_metadata_and_headers() {
    let h = Handler::default();
    create(&h, "docs").await;
    let mut metadata = rt::IndexMap::new();
    metadata.insert("Author".to_string(), "Ada".to_string());
    metadata.insert("purpose".to_string(), "testing".to_string());
    let expires = rt::DateTime::from_secs(1_900_000_000);
    let put = h
        .put_object(
            &ctx(),
            PutObjectRequest {
                bucket: "docs".into(),
                key: "reports/2024/summary.txt".into(),
                body: b"hello world".to_vec().into(),
                content_type: Some("text/plain".into()),
                content_encoding: Some("identity".into()),
                content_disposition: Some("attachment; filename=\"summary.txt\"".into()),
                content_language: Some("en".into()),
                cache_control: Some("max-age=60".into()),
                expires: Some(expires),
                metadata: Some(metadata),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let etag = "\"5eb63bbbe01eeed093cb22bb8f5acdc3\"";
    assert_eq!(put.e_tag.as_deref(), Some(etag));
    assert_eq!(put.server_side_encryption, Some(ServerSideEncryption::Aes256));

    let got = get(&h, "docs", "reports/2024/summary.txt").await.unwrap();
    assert_eq!(got.e_tag.as_deref(), Some(etag));
    assert_eq!(got.content_length, Some(11));
    assert_eq!(got.content_type.as_deref(), Some("text/plain"));
    assert_eq!(got.content_encoding.as_deref(), Some("identity"));
    assert_eq!(got.content_disposition.as_deref(), Some("attachment; filename=\"summary.txt\""));
    assert_eq!(got.content_language.as_deref(), Some("en"));
    assert_eq!(got.cache_control.as_deref(), Some("max-age=60"));
    assert_eq!(got.expires, Some(expires));
    assert_eq!(got.accept_ranges.as_deref(), Some("bytes"));
    assert_eq!(got.content_range, None);
    assert_eq!(got.storage_class, None, "STANDARD is not reported on reads");
    assert_eq!(got.server_side_encryption, Some(ServerSideEncryption::Aes256));
    let last_modified = got.last_modified.unwrap();
    assert_eq!(last_modified.subsec_nanos(), 0);
    let md = got.metadata.clone().unwrap();
    assert_eq!(md.get("author").map(String::as_str), Some("Ada"), "metadata names come back lower-cased");
    assert_eq!(md.get("purpose").map(String::as_str), Some("testing"));
    assert_eq!(body_of(got).await, b"hello world");

    let head = h.head_object(&ctx(), head_req("docs", "reports/2024/summary.txt")).await.unwrap();
    assert_eq!(head.e_tag.as_deref(), Some(etag));
    assert_eq!(head.content_length, Some(11));
    assert_eq!(head.content_type.as_deref(), Some("text/plain"));
    assert_eq!(head.last_modified, Some(last_modified));
    assert_eq!(head.metadata.unwrap().len(), 2);
    assert_eq!(head.expires, Some(expires));

    h.delete_object(
        &ctx(),
        DeleteObjectRequest { bucket: "docs".into(), key: "reports/2024/summary.txt".into(), ..Default::default() },
    )
    .await
    .unwrap();
    let e = seen(get(&h, "docs", "reports/2024/summary.txt").await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchKey", 404));
    assert_eq!(e.message.as_deref(), Some("The specified key does not exist."));
    assert_eq!(e.field("Key"), Some("reports/2024/summary.txt"));
}

#[tokio::test]
async fn defaults_and_overwrite() {
    let h = Handler::default();
    create(&h, "plain").await;
    put(&h, "plain", "k", b"first").await;
    let got = get(&h, "plain", "k").await.unwrap();
    assert_eq!(got.content_type.as_deref(), Some("binary/octet-stream"));
    assert_eq!(got.metadata.as_ref().map(|m| m.len()), Some(0));

    let second = put(&h, "plain", "k", b"").await;
    assert_eq!(second.e_tag.as_deref(), Some("\"d41d8cd98f00b204e9800998ecf8427e\""));
    let got = get(&h, "plain", "k").await.unwrap();
    assert_eq!(got.content_length, Some(0));
    assert_eq!(body_of(got).await, b"");
}

#[tokio::test]
async fn missing_bucket_and_key() {
    let h = Handler::default();
    let e = seen(get(&h, "nowhere", "k").await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchBucket", 404));
    assert_eq!(e.field("BucketName"), Some("nowhere"));
    let e = seen(
        h.put_object(&ctx(), PutObjectRequest { bucket: "nowhere".into(), key: "k".into(), ..Default::default() })
            .await,
    );
    assert_eq!(e.code, "NoSuchBucket");
    let e = seen(h.head_object(&ctx(), head_req("nowhere", "k")).await);
    assert_eq!((e.code.as_str(), e.status), ("NotFound", 404));
    let e = seen(
        h.delete_object(
            &ctx(),
            DeleteObjectRequest { bucket: "nowhere".into(), key: "k".into(), ..Default::default() },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("NoSuchBucket", 404));

    create(&h, "somewhere").await;
    let e = seen(h.head_object(&ctx(), head_req("somewhere", "k")).await);
    assert_eq!((e.code.as_str(), e.status), ("NotFound", 404));
    // Deleting what is not there is fine.
    h.delete_object(&ctx(), DeleteObjectRequest { bucket: "somewhere".into(), key: "k".into(), ..Default::default() })
        .await
        .unwrap();
}

#[tokio::test]
async fn content_md5_is_verified() {
    let h = Handler::default();
    create(&h, "sums").await;
    let with_md5 = |md5: &str| PutObjectRequest {
        bucket: "sums".into(),
        key: "k".into(),
        body: b"hello".to_vec().into(),
        content_md5: Some(md5.into()),
        ..Default::default()
    };
    // md5("hello") = 5d41402abc4b2a76b9719d911017c592
    let good = b64(&[0x5d, 0x41, 0x40, 0x2a, 0xbc, 0x4b, 0x2a, 0x76, 0xb9, 0x71, 0x9d, 0x91, 0x10, 0x17, 0xc5, 0x92]);
    h.put_object(&ctx(), with_md5(&good)).await.unwrap();

    let e = seen(h.put_object(&ctx(), with_md5(&b64(&[0u8; 16]))).await);
    assert_eq!((e.code.as_str(), e.status), ("BadDigest", 400));
    assert_eq!(e.field("ExpectedDigest"), Some("00000000000000000000000000000000"));
    assert_eq!(e.field("CalculatedDigest"), Some(good.as_str()));

    let e = seen(h.put_object(&ctx(), with_md5("zzz")).await);
    assert_eq!((e.code.as_str(), e.status), ("InvalidDigest", 400));
    assert_eq!(e.field("Content-MD5"), Some("zzz"));
    let e = seen(h.put_object(&ctx(), with_md5(&b64(b"short"))).await);
    assert_eq!(e.code, "InvalidDigest");
}

#[tokio::test]
async fn range_reads() {
    let h = Handler::default();
    create(&h, "ranges").await;
    put(&h, "ranges", "digits", b"0123456789").await;
    let ranged = |range: &str| GetObjectRequest {
        bucket: "ranges".into(),
        key: "digits".into(),
        range: Some(range.into()),
        ..Default::default()
    };

    for (range, body, content_range) in [
        ("bytes=0-3", &b"0123"[..], "bytes 0-3/10"),
        ("bytes=7-", b"789", "bytes 7-9/10"),
        ("bytes=-2", b"89", "bytes 8-9/10"),
        ("bytes=-100", b"0123456789", "bytes 0-9/10"),
        ("bytes=5-500", b"56789", "bytes 5-9/10"),
        ("bytes=4-4", b"4", "bytes 4-4/10"),
    ] {
        let out = h.get_object(&ctx(), ranged(range)).await.unwrap();
        assert_eq!(out.content_range.as_deref(), Some(content_range), "{range}");
        assert_eq!(out.content_length, Some(body.len() as i64), "{range}");
        assert_eq!(body_of(out).await, body, "{range}");
    }

    // Ranges S3 cannot read are ignored: the whole object, no Content-Range.
    for range in ["bytes=5-2", "bytes=0-1,4-5", "lines=1-2"] {
        let out = h.get_object(&ctx(), ranged(range)).await.unwrap();
        assert_eq!(out.content_range, None, "{range}");
        assert_eq!(body_of(out).await, b"0123456789", "{range}");
    }

    let e = seen(h.get_object(&ctx(), ranged("bytes=10-")).await);
    assert_eq!((e.code.as_str(), e.status), ("InvalidRange", 416));
    assert_eq!(e.field("RangeRequested"), Some("bytes=10-"));
    assert_eq!(e.field("ActualObjectSize"), Some("10"));

    let head = h
        .head_object(&ctx(), HeadObjectRequest { range: Some("bytes=2-5".into()), ..head_req("ranges", "digits") })
        .await
        .unwrap();
    assert_eq!(head.content_range.as_deref(), Some("bytes 2-5/10"));
    assert_eq!(head.content_length, Some(4));

    // An empty object has no byte 0, but its (empty) tail can be read.
    put(&h, "ranges", "empty", b"").await;
    let e = seen(h.get_object(&ctx(), GetObjectRequest { key: "empty".into(), ..ranged("bytes=0-0") }).await);
    assert_eq!(e.code, "InvalidRange");
    let out = h.get_object(&ctx(), GetObjectRequest { key: "empty".into(), ..ranged("bytes=-5") }).await.unwrap();
    assert_eq!((out.content_range, out.content_length), (None, Some(0)));
}

#[tokio::test]
async fn read_conditions() {
    let h = Handler::default();
    create(&h, "cond").await;
    let etag = put(&h, "cond", "k", b"data").await.e_tag.unwrap();
    let lm = get(&h, "cond", "k").await.unwrap().last_modified.unwrap();
    let earlier = rt::DateTime::from_secs(lm.secs() - 60);

    h.get_object(&ctx(), GetObjectRequest { if_match: Some(etag.clone()), ..get_req("cond", "k") }).await.unwrap();
    let e = seen(
        h.get_object(&ctx(), GetObjectRequest { if_match: Some("\"nope\"".into()), ..get_req("cond", "k") }).await,
    );
    assert_eq!((e.code.as_str(), e.status, e.field("Condition")), ("PreconditionFailed", 412, Some("If-Match")));
    let e = seen(
        h.get_object(&ctx(), GetObjectRequest { if_none_match: Some(etag.clone()), ..get_req("cond", "k") }).await,
    );
    assert_eq!(e.status, 304);
    let e = seen(h.get_object(&ctx(), GetObjectRequest { if_modified_since: Some(lm), ..get_req("cond", "k") }).await);
    assert_eq!(e.status, 304);
    h.get_object(&ctx(), GetObjectRequest { if_modified_since: Some(earlier), ..get_req("cond", "k") }).await.unwrap();
    let e = seen(
        h.get_object(&ctx(), GetObjectRequest { if_unmodified_since: Some(earlier), ..get_req("cond", "k") }).await,
    );
    assert_eq!((e.status, e.field("Condition")), (412, Some("If-Unmodified-Since")));
    let e = seen(
        h.head_object(&ctx(), HeadObjectRequest { if_none_match: Some("*".into()), ..head_req("cond", "k") }).await,
    );
    assert_eq!(e.status, 304);
}

#[tokio::test]
async fn conditional_writes() {
    let h = Handler::default();
    create(&h, "cwrites").await;
    let req = |if_match: Option<&str>, if_none_match: Option<&str>| PutObjectRequest {
        bucket: "cwrites".into(),
        key: "k".into(),
        body: b"v".to_vec().into(),
        if_match: if_match.map(str::to_owned),
        if_none_match: if_none_match.map(str::to_owned),
        ..Default::default()
    };
    let e = seen(h.put_object(&ctx(), req(Some("\"abc\""), None)).await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchKey", 404));
    let etag = h.put_object(&ctx(), req(None, Some("*"))).await.unwrap().e_tag.unwrap();
    let e = seen(h.put_object(&ctx(), req(None, Some("*"))).await);
    assert_eq!((e.code.as_str(), e.status, e.field("Condition")), ("PreconditionFailed", 412, Some("If-None-Match")));
    h.put_object(&ctx(), req(Some(&etag), None)).await.unwrap();
    let e = seen(h.put_object(&ctx(), req(Some("\"other\""), None)).await);
    assert_eq!((e.status, e.field("Condition")), (412, Some("If-Match")));
    let e = seen(h.put_object(&ctx(), req(None, Some("\"some-etag\""))).await);
    assert_eq!((e.code.as_str(), e.status), ("NotImplemented", 501));
}

#[tokio::test]
async fn write_limits() {
    let h = Handler::default();
    create(&h, "limits").await;
    let e = seen(
        h.put_object(&ctx(), PutObjectRequest { bucket: "limits".into(), key: "k".repeat(1025), ..Default::default() })
            .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("KeyTooLongError", 400));
    assert_eq!(e.field("Size"), Some("1025"));
    put(&h, "limits", &"k".repeat(1024), b"").await;

    let mut metadata = rt::IndexMap::new();
    metadata.insert("big".to_string(), "x".repeat(2046));
    let e = seen(
        h.put_object(
            &ctx(),
            PutObjectRequest {
                bucket: "limits".into(),
                key: "m".into(),
                metadata: Some(metadata),
                ..Default::default()
            },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("MetadataTooLarge", 400));

    let e = seen(
        h.put_object(
            &ctx(),
            PutObjectRequest {
                bucket: "limits".into(),
                key: "s".into(),
                storage_class: Some(StorageClass::from("SUPER_FAST")),
                ..Default::default()
            },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("InvalidStorageClass", 400));
}

#[tokio::test]
async fn storage_class_and_overrides() {
    let h = Handler::default();
    create(&h, "classy").await;
    h.put_object(
        &ctx(),
        PutObjectRequest {
            bucket: "classy".into(),
            key: "cold".into(),
            storage_class: Some(StorageClass::StandardIa),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let got = h
        .get_object(
            &ctx(),
            GetObjectRequest {
                response_content_type: Some("application/json".into()),
                response_cache_control: Some("no-cache".into()),
                ..get_req("classy", "cold")
            },
        )
        .await
        .unwrap();
    assert_eq!(got.storage_class, Some(StorageClass::StandardIa));
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(got.cache_control.as_deref(), Some("no-cache"));
    // Overrides apply to that response only.
    let again = get(&h, "classy", "cold").await.unwrap();
    assert_eq!(again.content_type.as_deref(), Some("binary/octet-stream"));
}

#[tokio::test]
async fn conditional_delete_and_versions() {
    let h = Handler::default();
    create(&h, "cdeletes").await;
    let etag = put(&h, "cdeletes", "k", b"x").await.e_tag.unwrap();
    let del = |if_match: Option<&str>| DeleteObjectRequest {
        bucket: "cdeletes".into(),
        key: "k".into(),
        if_match: if_match.map(str::to_owned),
        ..Default::default()
    };
    let e = seen(h.delete_object(&ctx(), del(Some("\"wrong\""))).await);
    assert_eq!(e.status, 412);
    h.delete_object(&ctx(), del(Some(&etag))).await.unwrap();
    let e = seen(h.delete_object(&ctx(), del(Some(&etag))).await);
    assert_eq!(e.code, "NoSuchKey");

    put(&h, "cdeletes", "v", b"x").await;
    h.get_object(&ctx(), GetObjectRequest { version_id: Some("null".into()), ..get_req("cdeletes", "v") })
        .await
        .unwrap();
    let e = seen(
        h.get_object(&ctx(), GetObjectRequest { version_id: Some("abc".into()), ..get_req("cdeletes", "v") }).await,
    );
    assert_eq!((e.code.as_str(), e.status), ("InvalidArgument", 400));
}

#[tokio::test]
async fn other_accounts_can_read_but_expected_owner_is_enforced() {
    let h = Handler::default();
    create(&h, "shared").await;
    put(&h, "shared", "k", b"x").await;
    let other = ctx_in("111111111111", "us-east-1");
    h.get_object(&other, get_req("shared", "k")).await.unwrap();
    let e = seen(
        h.get_object(
            &other,
            GetObjectRequest { expected_bucket_owner: Some("111111111111".into()), ..get_req("shared", "k") },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
}
