//! CopyObject (same and other bucket, COPY/REPLACE directives) and DeleteObjects
//! (quiet and verbose), plus GetBucketLocation.

mod common;

use common::*;
use ferrostack_runtime as rt;
use s3_api::types::*;
use s3_api::Handler as _;

fn meta(pairs: &[(&str, &str)]) -> Option<rt::IndexMap<String, String>> {
    Some(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
}

async fn put_with_meta(h: &Handler, bucket: &str, key: &str) -> String {
    h.put_object(
        &ctx(),
        PutObjectRequest {
            bucket: bucket.into(),
            key: key.into(),
            body: b"payload".to_vec().into(),
            content_type: Some("text/plain".into()),
            cache_control: Some("max-age=5".into()),
            metadata: meta(&[("colour", "blue")]),
            ..Default::default()
        },
    )
    .await
    .unwrap()
    .e_tag
    .unwrap()
}

fn copy(source: &str, bucket: &str, key: &str) -> CopyObjectRequest {
    CopyObjectRequest { copy_source: source.into(), bucket: bucket.into(), key: key.into(), ..Default::default() }
}

#[tokio::test]
async fn copy_keeps_metadata_by_default() {
    let h = Handler::default();
    create(&h, "source").await;
    create(&h, "target").await;
    let etag = put_with_meta(&h, "source", "dir/original file.txt").await;

    // Same bucket, URL-encoded source with a leading slash.
    let out = h.copy_object(&ctx(), copy("/source/dir/original%20file.txt", "source", "copy.txt")).await.unwrap();
    let result = out.copy_object_result.unwrap();
    assert_eq!(result.e_tag.as_deref(), Some(etag.as_str()));
    assert!(result.last_modified.is_some());
    assert_eq!(out.server_side_encryption, Some(ServerSideEncryption::Aes256));

    // Other bucket.
    h.copy_object(&ctx(), copy("source/dir/original%20file.txt", "target", "elsewhere")).await.unwrap();
    for (bucket, key) in [("source", "copy.txt"), ("target", "elsewhere")] {
        let got = get(&h, bucket, key).await.unwrap();
        assert_eq!(got.e_tag.as_deref(), Some(etag.as_str()));
        assert_eq!(got.content_type.as_deref(), Some("text/plain"));
        assert_eq!(got.cache_control.as_deref(), Some("max-age=5"));
        assert_eq!(got.metadata.as_ref().unwrap().get("colour").map(String::as_str), Some("blue"));
        assert_eq!(body_of(got).await, b"payload");
    }
    // The source is untouched.
    assert_eq!(body_of(get(&h, "source", "dir/original file.txt").await.unwrap()).await, b"payload");
}

#[tokio::test]
async fn copy_replace_directive() {
    let h = Handler::default();
    create(&h, "replace").await;
    put_with_meta(&h, "replace", "k").await;
    h.copy_object(
        &ctx(),
        CopyObjectRequest {
            metadata_directive: Some(MetadataDirective::Replace),
            metadata: meta(&[("Shape", "square")]),
            content_type: Some("application/json".into()),
            storage_class: Some(StorageClass::StandardIa),
            ..copy("replace/k", "replace", "replaced")
        },
    )
    .await
    .unwrap();
    let got = get(&h, "replace", "replaced").await.unwrap();
    let md = got.metadata.clone().unwrap();
    assert_eq!(md.get("shape").map(String::as_str), Some("square"));
    assert!(md.get("colour").is_none(), "REPLACE drops the source's metadata");
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    assert_eq!(got.cache_control, None);
    assert_eq!(got.storage_class, Some(StorageClass::StandardIa));

    // REPLACE without a content type falls back to the default, like a PUT.
    h.copy_object(
        &ctx(),
        CopyObjectRequest {
            metadata_directive: Some(MetadataDirective::Replace),
            ..copy("replace/k", "replace", "bare")
        },
    )
    .await
    .unwrap();
    let got = get(&h, "replace", "bare").await.unwrap();
    assert_eq!(got.content_type.as_deref(), Some("binary/octet-stream"));
    assert_eq!(got.metadata.unwrap().len(), 0);

    // Replacing an object's metadata in place is allowed; a plain self-copy is not.
    h.copy_object(
        &ctx(),
        CopyObjectRequest {
            metadata_directive: Some(MetadataDirective::Replace),
            metadata: meta(&[("colour", "red")]),
            ..copy("replace/k", "replace", "k")
        },
    )
    .await
    .unwrap();
    let got = get(&h, "replace", "k").await.unwrap();
    assert_eq!(got.metadata.unwrap().get("colour").map(String::as_str), Some("red"));
    let e = seen(h.copy_object(&ctx(), copy("replace/k", "replace", "k")).await);
    assert_eq!((e.code.as_str(), e.status), ("InvalidRequest", 400));
    assert!(e.message.unwrap().contains("copy an object to itself"));

    let e = seen(
        h.copy_object(
            &ctx(),
            CopyObjectRequest {
                metadata_directive: Some(MetadataDirective::from("MERGE")),
                ..copy("replace/k", "replace", "x")
            },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.field("ArgumentName")), ("InvalidArgument", Some("x-amz-metadata-directive")));
}

#[tokio::test]
async fn copy_errors_and_conditions() {
    let h = Handler::default();
    create(&h, "copyerr").await;
    let etag = put_with_meta(&h, "copyerr", "k").await;

    let e = seen(h.copy_object(&ctx(), copy("copyerr/missing", "copyerr", "x")).await);
    assert_eq!((e.code.as_str(), e.status, e.field("Key")), ("NoSuchKey", 404, Some("missing")));
    let e = seen(h.copy_object(&ctx(), copy("nobucket/k", "copyerr", "x")).await);
    assert_eq!((e.code.as_str(), e.field("BucketName")), ("NoSuchBucket", Some("nobucket")));
    let e = seen(h.copy_object(&ctx(), copy("copyerr/k", "nodest", "x")).await);
    assert_eq!((e.code.as_str(), e.field("BucketName")), ("NoSuchBucket", Some("nodest")));
    for bad in ["copyerr", "copyerr/", "/", ""] {
        let e = seen(h.copy_object(&ctx(), copy(bad, "copyerr", "x")).await);
        assert_eq!((e.code.as_str(), e.field("ArgumentName")), ("InvalidArgument", Some("x-amz-copy-source")), "{bad}");
    }

    h.copy_object(
        &ctx(),
        CopyObjectRequest { copy_source_if_match: Some(etag.clone()), ..copy("copyerr/k", "copyerr", "ok") },
    )
    .await
    .unwrap();
    let e = seen(
        h.copy_object(
            &ctx(),
            CopyObjectRequest { copy_source_if_match: Some("\"nope\"".into()), ..copy("copyerr/k", "copyerr", "x") },
        )
        .await,
    );
    assert_eq!((e.status, e.field("Condition")), (412, Some("x-amz-copy-source-If-Match")));
    // Unlike a GET, a failed If-None-Match on the source is 412, not 304.
    let e = seen(
        h.copy_object(
            &ctx(),
            CopyObjectRequest { copy_source_if_none_match: Some(etag), ..copy("copyerr/k", "copyerr", "x") },
        )
        .await,
    );
    assert_eq!((e.status, e.field("Condition")), (412, Some("x-amz-copy-source-If-None-Match")));
}

fn delete_request(bucket: &str, keys: &[&str], quiet: Option<bool>) -> DeleteObjectsRequest {
    DeleteObjectsRequest {
        bucket: bucket.into(),
        delete: Delete {
            objects: keys.iter().map(|k| ObjectIdentifier { key: k.to_string(), ..Default::default() }).collect(),
            quiet,
        },
        ..Default::default()
    }
}

#[tokio::test]
async fn delete_objects_verbose_and_quiet() {
    let h = Handler::default();
    create(&h, "bulk").await;
    for key in ["a", "b", "c", "d", "ünï/code"] {
        put(&h, "bulk", key, b"x").await;
    }

    let verbose = h.delete_objects(&ctx(), delete_request("bulk", &["a", "b", "never-existed"], None)).await.unwrap();
    let deleted: Vec<String> = verbose.deleted.unwrap().into_iter().filter_map(|d| d.key).collect();
    assert_eq!(deleted, ["a", "b", "never-existed"], "missing keys count as deleted");
    assert!(verbose.errors.is_none());

    let quiet = h.delete_objects(&ctx(), delete_request("bulk", &["c", "ünï/code"], Some(true))).await.unwrap();
    assert!(quiet.deleted.is_none(), "quiet mode reports failures only");
    assert!(quiet.errors.is_none());

    let left =
        h.list_objects_v2(&ctx(), ListObjectsV2Request { bucket: "bulk".into(), ..Default::default() }).await.unwrap();
    let keys: Vec<String> = left.contents.into_iter().flatten().filter_map(|o| o.key).collect();
    assert_eq!(keys, ["d"]);
}

#[tokio::test]
async fn delete_objects_per_key_errors_and_limits() {
    let h = Handler::default();
    create(&h, "bulkerr").await;
    let etag = put(&h, "bulkerr", "guarded", b"x").await.e_tag.unwrap();
    put(&h, "bulkerr", "kept", b"x").await;

    let mut request = delete_request("bulkerr", &["guarded", "kept", "versioned"], Some(true));
    request.delete.objects[0].e_tag = Some(etag);
    request.delete.objects[1].e_tag = Some("\"stale\"".into());
    request.delete.objects[2].version_id = Some("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY".into());
    let out = h.delete_objects(&ctx(), request).await.unwrap();
    assert!(out.deleted.is_none());
    let errors = out.errors.unwrap();
    let summary: Vec<(Option<String>, Option<String>)> = errors.into_iter().map(|e| (e.key, e.code)).collect();
    assert_eq!(
        summary,
        [
            (Some("kept".to_string()), Some("PreconditionFailed".to_string())),
            (Some("versioned".to_string()), Some("NoSuchVersion".to_string())),
        ]
    );
    assert!(get(&h, "bulkerr", "guarded").await.is_err());
    assert!(get(&h, "bulkerr", "kept").await.is_ok());

    let e = seen(h.delete_objects(&ctx(), delete_request("bulkerr", &[], None)).await);
    assert_eq!((e.code.as_str(), e.status), ("MalformedXML", 400));
    let many: Vec<String> = (0..1001).map(|i| format!("k{i}")).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let e = seen(h.delete_objects(&ctx(), delete_request("bulkerr", &many, None)).await);
    assert_eq!(e.code, "MalformedXML");
    h.delete_objects(&ctx(), delete_request("bulkerr", &many[..1000], Some(true))).await.unwrap();

    let e = seen(h.delete_objects(&ctx(), delete_request("ghost", &["a"], None)).await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchBucket", 404));
}

#[tokio::test]
async fn bucket_location() {
    let h = Handler::default();
    create(&h, "virginia").await;
    let out = h
        .get_bucket_location(&ctx(), GetBucketLocationRequest { bucket: "virginia".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(out.location_constraint, None);

    let eu = ctx_in("000000000000", "eu-west-1");
    h.create_bucket(
        &eu,
        CreateBucketRequest {
            bucket: "dublin".into(),
            create_bucket_configuration: Some(CreateBucketConfiguration {
                location_constraint: Some(BucketLocationConstraint::EuWest1),
                ..Default::default()
            }),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let out = h
        .get_bucket_location(&eu, GetBucketLocationRequest { bucket: "dublin".into(), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(out.location_constraint, Some(BucketLocationConstraint::EuWest1));
}
