//! ListObjectsV2 and ListObjects: prefixes, delimiters, pagination, encoding, ordering.

mod common;

use common::*;
use s3_api::types::*;
use s3_api::Handler as _;

fn v2(bucket: &str) -> ListObjectsV2Request {
    ListObjectsV2Request { bucket: bucket.into(), ..Default::default() }
}

fn keys(out: &ListObjectsV2Output) -> Vec<String> {
    out.contents.iter().flatten().filter_map(|o| o.key.clone()).collect()
}

fn prefixes(out: &ListObjectsV2Output) -> Vec<String> {
    out.common_prefixes.iter().flatten().filter_map(|p| p.prefix.clone()).collect()
}

/// Keys that stress ordering and encoding: Unicode, spaces, `+`, `%`, `?`, `#`, control
/// characters, and a deep tree.
fn awkward_keys() -> Vec<String> {
    let mut keys: Vec<String> = [
        "a b/c+d",
        "a+b/c",
        "100%/done?",
        "hash#tag",
        "tab\tkey",
        "日本語/ファイル.txt",
        "émoji/😀.png",
        "Zebra",
        "zebra",
        "_under",
        "~tilde",
        "\u{10FFFF}last",
        "dir/",
        "dir/sub/deeper/file",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for i in 0..250 {
        keys.push(format!("logs/{:04}/entry.json", i));
    }
    for i in 0..30 {
        keys.push(format!("photos/{}/img-{i}.jpg", if i % 2 == 0 { "even" } else { "odd" }));
    }
    keys
}

async fn fill(h: &Handler, bucket: &str, keys: &[String]) {
    create(h, bucket).await;
    // Insert in an order unrelated to the listing order.
    for key in keys.iter().rev() {
        put(h, bucket, key, key.as_bytes()).await;
    }
}

fn byte_order(keys: &[String]) -> Vec<String> {
    let mut sorted = keys.to_vec();
    sorted.sort_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    sorted
}

#[tokio::test]
async fn full_listing_is_in_utf8_byte_order() {
    let h = Handler::default();
    let all = awkward_keys();
    fill(&h, "order", &all).await;

    let out = h.list_objects_v2(&ctx(), v2("order")).await.unwrap();
    assert_eq!(out.key_count, Some(294));
    assert_eq!(out.max_keys, Some(1000));
    assert_eq!(out.is_truncated, Some(false));
    assert_eq!(out.name.as_deref(), Some("order"));
    assert_eq!(out.prefix.as_deref(), Some(""), "Prefix is always echoed");
    assert_eq!(out.next_continuation_token, None);
    assert_eq!(keys(&out), byte_order(&all));

    let first = &out.contents.as_ref().unwrap()[0];
    assert_eq!(first.size, Some(first.key.as_ref().unwrap().len() as i64));
    assert_eq!(first.storage_class, Some(ObjectStorageClass::Standard));
    assert!(first.e_tag.as_ref().unwrap().starts_with('"'));
    assert!(first.last_modified.is_some());
    assert!(first.owner.is_none(), "V2 names owners only with FetchOwner");

    let with_owner =
        h.list_objects_v2(&ctx(), ListObjectsV2Request { fetch_owner: Some(true), ..v2("order") }).await.unwrap();
    assert_eq!(with_owner.contents.unwrap()[0].owner.as_ref().and_then(|o| o.id.as_ref()).map(String::len), Some(64));
}

#[tokio::test]
async fn pagination_with_continuation_tokens() {
    let h = Handler::default();
    let all = awkward_keys();
    fill(&h, "pages", &all).await;

    for page_size in [1, 7, 100, 293, 294, 1000] {
        let mut collected = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let out = h
                .list_objects_v2(
                    &ctx(),
                    ListObjectsV2Request {
                        max_keys: Some(page_size),
                        continuation_token: token.clone(),
                        ..v2("pages")
                    },
                )
                .await
                .unwrap();
            pages += 1;
            assert_eq!(out.continuation_token, token);
            assert_eq!(out.key_count, Some(keys(&out).len() as i32));
            assert!(keys(&out).len() <= page_size as usize);
            collected.extend(keys(&out));
            match out.next_continuation_token {
                Some(next) => {
                    assert_eq!(out.is_truncated, Some(true));
                    token = Some(next);
                }
                None => {
                    assert_eq!(out.is_truncated, Some(false));
                    break;
                }
            }
        }
        assert_eq!(collected, byte_order(&all), "page size {page_size}");
        assert_eq!(pages, 294_usize.div_ceil(page_size as usize), "page size {page_size}");
    }

    let e = seen(
        h.list_objects_v2(&ctx(), ListObjectsV2Request { continuation_token: Some("bogus".into()), ..v2("pages") })
            .await,
    );
    assert_eq!((e.code.as_str(), e.status), ("InvalidArgument", 400));
    assert_eq!(e.field("ArgumentName"), Some("continuation-token"));

    let zero = h.list_objects_v2(&ctx(), ListObjectsV2Request { max_keys: Some(0), ..v2("pages") }).await.unwrap();
    assert_eq!((zero.key_count, zero.is_truncated, zero.contents.is_none()), (Some(0), Some(false), true));
    let e = seen(h.list_objects_v2(&ctx(), ListObjectsV2Request { max_keys: Some(-1), ..v2("pages") }).await);
    assert_eq!(e.code, "InvalidArgument");
    // More than 1000 asked for: echoed, but pages stop at 1000.
    let big = h.list_objects_v2(&ctx(), ListObjectsV2Request { max_keys: Some(5000), ..v2("pages") }).await.unwrap();
    assert_eq!(big.max_keys, Some(5000));
}

#[tokio::test]
async fn page_limit_is_1000() {
    let h = Handler::default();
    create(&h, "thousands").await;
    for i in 0..1005 {
        put(&h, "thousands", &format!("k{i:05}"), b"").await;
    }
    let out = h.list_objects_v2(&ctx(), v2("thousands")).await.unwrap();
    assert_eq!((out.key_count, out.is_truncated), (Some(1000), Some(true)));
    let rest = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request { continuation_token: out.next_continuation_token, ..v2("thousands") },
        )
        .await
        .unwrap();
    assert_eq!(keys(&rest), ["k01000", "k01001", "k01002", "k01003", "k01004"]);
}

#[tokio::test]
async fn prefix_and_delimiter() {
    let h = Handler::default();
    fill(&h, "tree", &awkward_keys()).await;

    let top =
        h.list_objects_v2(&ctx(), ListObjectsV2Request { delimiter: Some("/".into()), ..v2("tree") }).await.unwrap();
    assert_eq!(prefixes(&top), ["100%/", "a b/", "a+b/", "dir/", "logs/", "photos/", "émoji/", "日本語/"]);
    assert_eq!(keys(&top), ["Zebra", "_under", "hash#tag", "tab\tkey", "zebra", "~tilde", "\u{10FFFF}last"]);
    assert_eq!(top.key_count, Some(15));
    assert_eq!(top.delimiter.as_deref(), Some("/"));

    let photos = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request { prefix: Some("photos/".into()), delimiter: Some("/".into()), ..v2("tree") },
        )
        .await
        .unwrap();
    assert_eq!(prefixes(&photos), ["photos/even/", "photos/odd/"]);
    assert!(photos.contents.is_none());
    assert_eq!(photos.prefix.as_deref(), Some("photos/"));

    // The key equal to the prefix itself is listed, not rolled up.
    let dir = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request { prefix: Some("dir/".into()), delimiter: Some("/".into()), ..v2("tree") },
        )
        .await
        .unwrap();
    assert_eq!(keys(&dir), ["dir/"]);
    assert_eq!(prefixes(&dir), ["dir/sub/"]);

    let unicode =
        h.list_objects_v2(&ctx(), ListObjectsV2Request { prefix: Some("日本".into()), ..v2("tree") }).await.unwrap();
    assert_eq!(keys(&unicode), ["日本語/ファイル.txt"]);

    // Paging through common prefixes: each one once, in order.
    let mut seen_entries = Vec::new();
    let mut token = None;
    loop {
        let out = h
            .list_objects_v2(
                &ctx(),
                ListObjectsV2Request {
                    delimiter: Some("/".into()),
                    max_keys: Some(2),
                    continuation_token: token,
                    ..v2("tree")
                },
            )
            .await
            .unwrap();
        seen_entries.extend(prefixes(&out));
        seen_entries.extend(keys(&out));
        token = out.next_continuation_token;
        if token.is_none() {
            break;
        }
    }
    seen_entries.sort();
    let mut expected: Vec<String> = prefixes(&top).into_iter().chain(keys(&top)).collect();
    expected.sort();
    assert_eq!(seen_entries, expected);

    // An empty delimiter is no delimiter, and is not echoed.
    let flat =
        h.list_objects_v2(&ctx(), ListObjectsV2Request { delimiter: Some(String::new()), ..v2("tree") }).await.unwrap();
    assert_eq!((flat.key_count, flat.delimiter), (Some(294), None));
}

#[tokio::test]
async fn start_after() {
    let h = Handler::default();
    fill(&h, "after", &awkward_keys()).await;
    let out = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request { start_after: Some("logs/0247/entry.json".into()), max_keys: Some(3), ..v2("after") },
        )
        .await
        .unwrap();
    assert_eq!(keys(&out), ["logs/0248/entry.json", "logs/0249/entry.json", "photos/even/img-0.jpg"]);
    assert_eq!(out.start_after.as_deref(), Some("logs/0247/entry.json"));
    // The continuation token wins over start-after; start-after is still echoed.
    let next = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request {
                start_after: Some("logs/0247/entry.json".into()),
                continuation_token: out.next_continuation_token,
                max_keys: Some(1),
                ..v2("after")
            },
        )
        .await
        .unwrap();
    assert_eq!(keys(&next), ["photos/even/img-10.jpg"]);
    assert_eq!(next.start_after.as_deref(), Some("logs/0247/entry.json"));
}

#[tokio::test]
async fn url_encoding_type() {
    let h = Handler::default();
    fill(
        &h,
        "encoded",
        &["foo+1/bar".to_string(), "foo/bar/xyzzy".into(), "quux ab/thud".into(), "asdf+b".into(), "é€".into()],
    )
    .await;
    let out = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request {
                delimiter: Some("/".into()),
                encoding_type: Some(EncodingType::Url),
                ..v2("encoded")
            },
        )
        .await
        .unwrap();
    assert_eq!(keys(&out), ["asdf%2Bb", "%C3%A9%E2%82%AC"]);
    assert_eq!(prefixes(&out), ["foo%2B1/", "foo/", "quux%20ab/"]);
    assert_eq!(out.delimiter.as_deref(), Some("/"));
    assert_eq!(out.encoding_type, Some(EncodingType::Url));

    let with_prefix = h
        .list_objects_v2(
            &ctx(),
            ListObjectsV2Request {
                prefix: Some("quux ab/".into()),
                start_after: Some("quux ab/a".into()),
                encoding_type: Some(EncodingType::Url),
                ..v2("encoded")
            },
        )
        .await
        .unwrap();
    assert_eq!(with_prefix.prefix.as_deref(), Some("quux%20ab/"));
    assert_eq!(with_prefix.start_after.as_deref(), Some("quux%20ab/a"));
    assert_eq!(keys(&with_prefix), ["quux%20ab/thud"]);

    let e = seen(
        h.list_objects_v2(
            &ctx(),
            ListObjectsV2Request { encoding_type: Some(EncodingType::from("base64")), ..v2("encoded") },
        )
        .await,
    );
    assert_eq!((e.code.as_str(), e.status, e.field("ArgumentName")), ("InvalidArgument", 400, Some("encoding-type")));
}

#[tokio::test]
async fn list_objects_v1_markers() {
    let h = Handler::default();
    let all = awkward_keys();
    fill(&h, "legacy", &all).await;
    let v1 = |marker: Option<String>, delimiter: Option<&str>, max: i32| ListObjectsRequest {
        bucket: "legacy".into(),
        marker,
        delimiter: delimiter.map(str::to_owned),
        max_keys: Some(max),
        ..Default::default()
    };
    let v1_keys = |out: &ListObjectsOutput| -> Vec<String> {
        out.contents.iter().flatten().filter_map(|o| o.key.clone()).collect()
    };

    // Without a delimiter there is no NextMarker: clients continue from the last key.
    let mut collected = Vec::new();
    let mut marker = None;
    loop {
        let out = h.list_objects(&ctx(), v1(marker.clone(), None, 40)).await.unwrap();
        assert_eq!(out.next_marker, None);
        assert_eq!(out.marker.as_deref(), Some(marker.as_deref().unwrap_or("")), "Marker is always echoed");
        let page = v1_keys(&out);
        assert!(out.contents.as_ref().unwrap().iter().all(|o| o.owner.is_some()), "V1 always names owners");
        collected.extend(page.clone());
        if out.is_truncated != Some(true) {
            break;
        }
        marker = page.last().cloned();
    }
    assert_eq!(collected, byte_order(&all));

    // With a delimiter, NextMarker names the last entry, a key or a common prefix.
    let mut entries = Vec::new();
    let mut marker = None;
    loop {
        let out = h.list_objects(&ctx(), v1(marker.clone(), Some("/"), 3)).await.unwrap();
        entries.extend(out.common_prefixes.iter().flatten().filter_map(|p| p.prefix.clone()));
        entries.extend(v1_keys(&out));
        if out.is_truncated != Some(true) {
            assert_eq!(out.next_marker, None);
            break;
        }
        marker = Some(out.next_marker.expect("NextMarker with a delimiter"));
    }
    assert_eq!(entries.len(), 15);
    let unique: std::collections::BTreeSet<_> = entries.iter().collect();
    assert_eq!(unique.len(), 15);

    let e = seen(h.list_objects(&ctx(), ListObjectsRequest { bucket: "missing".into(), ..Default::default() }).await);
    assert_eq!((e.code.as_str(), e.status), ("NoSuchBucket", 404));
}

#[tokio::test]
async fn empty_and_missing_buckets() {
    let h = Handler::default();
    create(&h, "empty").await;
    let out = h.list_objects_v2(&ctx(), v2("empty")).await.unwrap();
    assert_eq!((out.key_count, out.is_truncated, out.contents.is_none()), (Some(0), Some(false), true));
    let e = seen(h.list_objects_v2(&ctx(), v2("missing")).await);
    assert_eq!((e.code.as_str(), e.field("BucketName")), ("NoSuchBucket", Some("missing")));
}

/// Whatever the page size, paging reproduces the one-page listing exactly, for assorted
/// prefixes, delimiters and start positions.
#[tokio::test]
async fn paging_reproduces_the_single_page_listing() {
    let h = Handler::default();
    fill(&h, "invariant", &awkward_keys()).await;
    let combos: &[(Option<&str>, Option<&str>, Option<&str>)] = &[
        (None, None, None),
        (None, Some("/"), None),
        (Some("logs/"), Some("/"), None),
        (Some("logs/00"), Some("0"), None),
        (Some("photos/"), Some("/"), Some("photos/even/")),
        (None, Some("o"), None),
        (None, Some("/"), Some("a b/")),
        (Some("é"), Some("/"), None),
        (Some("nothing-here"), Some("/"), None),
        (None, Some("entry"), Some("logs/0100")),
    ];
    for &(prefix, delimiter, start_after) in combos {
        let request = |max_keys: i32, token: Option<String>| ListObjectsV2Request {
            prefix: prefix.map(str::to_owned),
            delimiter: delimiter.map(str::to_owned),
            start_after: start_after.map(str::to_owned),
            max_keys: Some(max_keys),
            continuation_token: token,
            ..v2("invariant")
        };
        let whole = h.list_objects_v2(&ctx(), request(1000, None)).await.unwrap();
        assert_eq!(whole.is_truncated, Some(false));
        let expected = (keys(&whole), prefixes(&whole));
        for page_size in [1, 2, 3, 5] {
            let (mut got_keys, mut got_prefixes) = (Vec::new(), Vec::new());
            let mut token = None;
            loop {
                let page = h.list_objects_v2(&ctx(), request(page_size, token)).await.unwrap();
                got_keys.extend(keys(&page));
                got_prefixes.extend(prefixes(&page));
                token = page.next_continuation_token;
                if token.is_none() {
                    break;
                }
            }
            assert_eq!(
                (&got_keys, &got_prefixes),
                (&expected.0, &expected.1),
                "{prefix:?} {delimiter:?} {start_after:?} by {page_size}"
            );
        }
    }
}
