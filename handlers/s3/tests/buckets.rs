//! Bucket lifecycle: create, head, list, delete, and their errors.

mod common;

use common::*;
use s3_api::types::*;
use s3_api::Handler as _;

fn create_in(bucket: &str, constraint: Option<&str>) -> CreateBucketRequest {
    CreateBucketRequest {
        bucket: bucket.into(),
        create_bucket_configuration: constraint.map(|c| CreateBucketConfiguration {
            location_constraint: Some(BucketLocationConstraint::from(c)),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn create_head_list_delete() {
    let h = Handler::default();
    let out = h.create_bucket(&ctx(), create_in("alpha", None)).await.unwrap();
    assert_eq!(out.location.as_deref(), Some("/alpha"));

    let head = h.head_bucket(&ctx(), HeadBucketRequest { bucket: "alpha".into(), ..Default::default() }).await.unwrap();
    assert_eq!(head.bucket_region.as_deref(), Some("us-east-1"));
    assert_eq!(head.access_point_alias, Some(false));

    let list = h.list_buckets(&ctx(), ListBucketsRequest::default()).await.unwrap();
    let buckets = list.buckets.unwrap();
    assert_eq!(buckets.len(), 1);
    assert_eq!(buckets[0].name.as_deref(), Some("alpha"));
    assert_eq!(buckets[0].bucket_region.as_deref(), Some("us-east-1"));
    let created = buckets[0].creation_date.unwrap();
    assert_eq!(created.subsec_nanos(), 0, "S3 timestamps buckets to the second");
    let owner = list.owner.unwrap();
    assert_eq!(owner.id.as_ref().map(String::len), Some(64));
    assert!(owner.display_name.is_some());

    h.delete_bucket(&ctx(), DeleteBucketRequest { bucket: "alpha".into(), ..Default::default() }).await.unwrap();
    let e = seen(h.head_bucket(&ctx(), HeadBucketRequest { bucket: "alpha".into(), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("NotFound", 404));
    let list = h.list_buckets(&ctx(), ListBucketsRequest::default()).await.unwrap();
    assert_eq!(list.buckets.unwrap().len(), 0);
}

#[tokio::test]
async fn invalid_names_are_refused() {
    let h = Handler::default();
    for name in ["ab", "UPPER", "under_score", "-dash", "a..b", "10.0.0.1", "xn--abc", &"a".repeat(64)] {
        let e = seen(h.create_bucket(&ctx(), create_in(name, None)).await);
        assert_eq!((e.code.as_str(), e.status), ("InvalidBucketName", 400), "{name}");
        assert_eq!(e.field("BucketName"), Some(name));
        assert_eq!(e.message.as_deref(), Some("The specified bucket is not valid."));
    }
}

#[tokio::test]
async fn recreate_rules() {
    let h = Handler::default();
    h.create_bucket(&ctx(), create_in("mine", None)).await.unwrap();
    // us-east-1 legacy: the owner re-creating its us-east-1 bucket gets 200.
    let again = h.create_bucket(&ctx(), create_in("mine", None)).await.unwrap();
    assert_eq!(again.location.as_deref(), Some("/mine"));

    // Another account: the name is taken.
    let other = ctx_in("111111111111", "us-east-1");
    let e = seen(h.create_bucket(&other, create_in("mine", None)).await);
    assert_eq!((e.code.as_str(), e.status), ("BucketAlreadyExists", 409));
    assert_eq!(e.field("BucketName"), Some("mine"));

    // Elsewhere the owner is told it already owns the bucket.
    let eu = ctx_in("000000000000", "eu-west-1");
    h.create_bucket(&eu, create_in("mine-eu", Some("eu-west-1"))).await.unwrap();
    let e = seen(h.create_bucket(&eu, create_in("mine-eu", Some("eu-west-1"))).await);
    assert_eq!((e.code.as_str(), e.status), ("BucketAlreadyOwnedByYou", 409));
    assert_eq!(e.field("BucketName"), Some("mine-eu"));
    // ... and so is a us-east-1 caller when the bucket lives elsewhere.
    let e = seen(h.create_bucket(&ctx(), create_in("mine-eu", None)).await);
    assert_eq!(e.code, "BucketAlreadyOwnedByYou");
}

#[tokio::test]
async fn location_constraints() {
    let h = Handler::default();
    let eu = ctx_in("000000000000", "eu-west-1");

    let out = h.create_bucket(&eu, create_in("in-ireland", Some("eu-west-1"))).await.unwrap();
    assert_eq!(out.location.as_deref(), Some("http://in-ireland.s3.localhost:4566/"));
    let head =
        h.head_bucket(&eu, HeadBucketRequest { bucket: "in-ireland".into(), ..Default::default() }).await.unwrap();
    assert_eq!(head.bucket_region.as_deref(), Some("eu-west-1"));

    let e = seen(h.create_bucket(&eu, create_in("no-constraint", None)).await);
    assert_eq!((e.code.as_str(), e.status), ("IllegalLocationConstraintException", 400));
    let e = seen(h.create_bucket(&eu, create_in("wrong-region", Some("us-west-2"))).await);
    assert_eq!(e.code, "IllegalLocationConstraintException");
    assert!(e.message.unwrap().starts_with("The us-west-2 location constraint is incompatible"));

    // us-east-1 is implied there and may not be named.
    let e = seen(h.create_bucket(&ctx(), create_in("explicit-use1", Some("us-east-1"))).await);
    assert_eq!((e.code.as_str(), e.status), ("InvalidLocationConstraint", 400));
    let e = seen(h.create_bucket(&ctx(), create_in("bogus-region", Some("moon-base"))).await);
    assert_eq!(e.code, "InvalidLocationConstraint");

    // The global endpoint creates buckets anywhere; `EU` is Ireland.
    h.create_bucket(&ctx(), create_in("from-global", Some("ap-south-1"))).await.unwrap();
    h.create_bucket(&ctx(), create_in("legacy-eu", Some("EU"))).await.unwrap();
    let head =
        h.head_bucket(&ctx(), HeadBucketRequest { bucket: "legacy-eu".into(), ..Default::default() }).await.unwrap();
    assert_eq!(head.bucket_region.as_deref(), Some("eu-west-1"));
    // A region newer than the model's enum is still a region.
    h.create_bucket(&ctx(), create_in("newer-region", Some("mx-central-1"))).await.unwrap();
}

#[tokio::test]
async fn list_buckets_orders_filters_and_pages() {
    let h = Handler::default();
    for name in ["charlie", "alpha", "bravo", "delta", "alpine"] {
        create(&h, name).await;
    }
    h.create_bucket(&ctx_in("111111111111", "us-east-1"), create_in("someone-else", None)).await.unwrap();

    let names = |out: &ListBucketsOutput| -> Vec<String> {
        out.buckets.iter().flatten().filter_map(|b| b.name.clone()).collect()
    };
    let all = h.list_buckets(&ctx(), ListBucketsRequest::default()).await.unwrap();
    assert_eq!(names(&all), ["alpha", "alpine", "bravo", "charlie", "delta"]);
    assert_eq!(all.continuation_token, None);

    let prefixed =
        h.list_buckets(&ctx(), ListBucketsRequest { prefix: Some("al".into()), ..Default::default() }).await.unwrap();
    assert_eq!(names(&prefixed), ["alpha", "alpine"]);
    assert_eq!(prefixed.prefix.as_deref(), Some("al"));

    let mut seen_names = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .list_buckets(
                &ctx(),
                ListBucketsRequest { max_buckets: Some(2), continuation_token: token, ..Default::default() },
            )
            .await
            .unwrap();
        assert!(page.buckets.as_ref().unwrap().len() <= 2);
        seen_names.extend(names(&page));
        token = page.continuation_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen_names, ["alpha", "alpine", "bravo", "charlie", "delta"]);

    let e = seen(h.list_buckets(&ctx(), ListBucketsRequest { max_buckets: Some(0), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("InvalidArgument", 400));
    let e = seen(
        h.list_buckets(&ctx(), ListBucketsRequest { continuation_token: Some("garbage".into()), ..Default::default() })
            .await,
    );
    assert_eq!(e.code, "InvalidArgument");
}

#[tokio::test]
async fn delete_bucket_errors() {
    let h = Handler::default();
    let e = seen(h.delete_bucket(&ctx(), DeleteBucketRequest { bucket: "ghost".into(), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchBucket", 404));
    assert_eq!(e.field("BucketName"), Some("ghost"));
    assert_eq!(e.message.as_deref(), Some("The specified bucket does not exist"));

    create(&h, "full").await;
    put(&h, "full", "thing", b"x").await;
    let e = seen(h.delete_bucket(&ctx(), DeleteBucketRequest { bucket: "full".into(), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("BucketNotEmpty", 409));
    assert_eq!(e.field("BucketName"), Some("full"));

    // Only the owner deletes.
    let other = ctx_in("111111111111", "us-east-1");
    create(&h, "kept").await;
    let e = seen(h.delete_bucket(&other, DeleteBucketRequest { bucket: "kept".into(), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
}

#[tokio::test]
async fn expected_bucket_owner_is_checked() {
    let h = Handler::default();
    create(&h, "owned").await;
    let req = |owner: &str| HeadBucketRequest { bucket: "owned".into(), expected_bucket_owner: Some(owner.into()) };
    h.head_bucket(&ctx(), req("000000000000")).await.unwrap();
    let e = seen(h.head_bucket(&ctx(), req("222222222222")).await);
    assert_eq!((e.code.as_str(), e.status), ("AccessDenied", 403));
}

#[tokio::test]
async fn reset_clears_everything() {
    let h = Handler::default();
    create(&h, "temporary").await;
    s3_api::Handler::reset(&h);
    let list = h.list_buckets(&ctx(), ListBucketsRequest::default()).await.unwrap();
    assert!(list.buckets.unwrap().is_empty());
    // The name is free again, for anyone.
    h.create_bucket(&ctx_in("111111111111", "us-east-1"), create_in("temporary", None)).await.unwrap();
}
