//! restXml (S3): path-style requests as the SDKs send them, headers bound to members,
//! namespaced XML documents with flattened lists and attributes, bare `<Error>` errors.

use std::sync::Arc;

use bytes::Bytes;
use ferrostack_runtime::schema::{Schema, ShapeId, ShapeKind};
use ferrostack_runtime::Protocol::RestXml;
use ferrostack_runtime::{DateTime, Service, Value};
use http::Method;
use serde_json::json;

use crate::support::*;

const S3_NS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";
const DECLARATION: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

async fn s3_with_bucket(bucket: &str) -> Arc<dyn Service> {
    let s3 = s3_handler::service();
    let reply = send(&s3, RestXml, Req::new(Method::PUT, &format!("/{bucket}")).build()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    s3
}

async fn put(s3: &Arc<dyn Service>, path: &str, body: &'static [u8]) -> Reply {
    let req = Req::new(Method::PUT, path)
        .header("content-type", "text/plain")
        .header("content-length", &body.len().to_string());
    let reply = send(s3, RestXml, req.body(Bytes::from_static(body)).build()).await;
    assert_eq!(reply.status, 200, "PUT {path}: {}", reply.text());
    reply
}

/// The body of `CreateBucketConfiguration` in S3's namespace, and the `Location` header.
#[tokio::test]
async fn create_bucket_reads_the_namespaced_configuration() {
    let s3 = s3_handler::service();
    let body = format!("<CreateBucketConfiguration xmlns=\"{S3_NS}\"><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>");
    let req = || Req::new(Method::PUT, "/wire-eu").body(body.clone()).build();
    let (operation, input) = decode(&s3, RestXml, &req());
    assert_eq!(operation, "CreateBucket");
    assert_eq!(input, json!({"Bucket": "wire-eu", "CreateBucketConfiguration": {"LocationConstraint": "eu-west-1"}}));

    let reply = send(&s3, RestXml, req()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("location"), Some("http://wire-eu.s3.localhost:4566/"));
    assert!(reply.body.is_empty(), "{}", reply.text());

    // GetBucketLocation answers a bare root element, namespaced, as S3 does.
    let location = send(&s3, RestXml, Req::new(Method::GET, "/wire-eu?location").build()).await;
    assert_eq!(location.status, 200);
    assert_eq!(
        location.text(),
        format!("{DECLARATION}<LocationConstraint xmlns=\"{S3_NS}\">eu-west-1</LocationConstraint>")
    );
}

/// `x-amz-meta-*` prefix headers into a map, the body into a blob payload, a key with a
/// space, `+` and non-ASCII percent-encoded in the path.
#[test]
fn put_object_binds_prefix_headers_payload_and_encoded_key() {
    let s3 = s3_handler::service();
    let req = Req::new(Method::PUT, "/wire/docs/caf%C3%A9%20menu%2B1.txt")
        .header("content-type", "text/plain")
        .header("content-length", "8")
        .header("x-amz-meta-owner", "alice")
        .header("x-amz-meta-project", "ferro")
        .header("x-amz-storage-class", "STANDARD")
        .body(Bytes::from_static(b"hello s3"))
        .build();
    let (operation, input) = decode(&s3, RestXml, &req);
    assert_eq!(operation, "PutObject");
    assert_eq!(
        input,
        json!({
            "Bucket": "wire",
            "Key": "docs/café menu+1.txt",
            "Body": {"blob": "hello s3"},
            "ContentType": "text/plain",
            "ContentLength": 8,
            "Metadata": {"owner": "alice", "project": "ferro"},
            "StorageClass": "STANDARD",
        })
    );
}

/// A `+` in a path is a plus, not a space (that rule is for forms only).
#[test]
fn a_literal_plus_in_the_path_stays_a_plus() {
    let s3 = s3_handler::service();
    let (_, input) = decode(&s3, RestXml, &Req::new(Method::GET, "/wire/a+b%20c").build());
    assert_eq!(input["Key"], "a+b c");
}

/// GetObject's answer is all headers plus the raw body: ETag, length, type, http-date
/// `Last-Modified`, metadata back under its prefix.
#[tokio::test]
async fn get_object_answers_headers_and_the_blob_body() {
    let s3 = s3_with_bucket("wire").await;
    let req = Req::new(Method::PUT, "/wire/docs/caf%C3%A9%20menu%2B1.txt")
        .header("content-type", "text/plain")
        .header("x-amz-meta-owner", "alice")
        .body(Bytes::from_static(b"hello s3"))
        .build();
    let put = send(&s3, RestXml, req).await;
    assert_eq!(put.status, 200, "{}", put.text());
    assert_eq!(put.header("etag"), Some("\"b60d991fa6dbd33863c7cec70d15dbac\""));
    assert!(put.body.is_empty());

    let got = send(&s3, RestXml, Req::new(Method::GET, "/wire/docs/caf%C3%A9%20menu%2B1.txt").build()).await;
    assert_eq!(got.status, 200, "{}", got.text());
    assert_eq!(&got.body[..], b"hello s3");
    assert_eq!(got.header("etag"), Some("\"b60d991fa6dbd33863c7cec70d15dbac\""));
    assert_eq!(got.header("content-length"), Some("8"));
    assert_eq!(got.header("content-type"), Some("text/plain"));
    assert_eq!(got.header("x-amz-meta-owner"), Some("alice"));
    let last_modified = got.header("last-modified").expect("Last-Modified");
    let parsed =
        DateTime::parse_http_date(last_modified).unwrap_or_else(|| panic!("not an http-date: {last_modified}"));
    assert_eq!(parsed.to_http_date(), last_modified, "IMF-fixdate, e.g. Tue, 29 Apr 2014 18:30:38 GMT");
    assert!(last_modified.ends_with(" GMT"));
    assert!((parsed.secs() - DateTime::now().secs()).abs() < 5);

    // The same date sent back in `If-Modified-Since` (an http-date request header) gives
    // 304 Not Modified with no body.
    let again =
        Req::new(Method::GET, "/wire/docs/caf%C3%A9%20menu%2B1.txt").header("if-modified-since", last_modified).build();
    let reply = send(&s3, RestXml, again).await;
    assert_eq!(reply.status, 304);
    assert!(reply.body.is_empty());
}

/// ListObjectsV2: the S3 namespace on the root, `<Contents>` as a flattened list,
/// `<CommonPrefixes>` for the delimiter, date-time `LastModified`, the quoted ETag escaped.
#[tokio::test]
async fn list_objects_v2_flattened_contents_and_common_prefixes() {
    let s3 = s3_with_bucket("wire").await;
    for key in ["a/1.txt", "a/2.txt", "b.txt", "c+d.txt"] {
        put(&s3, &format!("/wire/{}", key.replace('+', "%2B")), b"hello").await;
    }
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire?list-type=2&delimiter=%2F&prefix=").build()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/xml"));
    let text = reply.text();
    assert!(text.starts_with(&format!("{DECLARATION}<ListBucketResult xmlns=\"{S3_NS}\">")), "{text}");
    assert_eq!(reply.xml_text("Name"), "wire");
    assert_eq!(reply.xml_text("KeyCount"), "3");
    assert_eq!(reply.xml_text("MaxKeys"), "1000");
    assert_eq!(reply.xml_text("Delimiter"), "/");
    assert_eq!(reply.xml_text("IsTruncated"), "false");
    // Flattened: one `<Contents>` per object, no wrapper, no `<member>`.
    assert_eq!(text.matches("<Contents>").count(), 2, "{text}");
    assert!(!text.contains("<member>"), "{text}");
    assert!(text.contains("<Contents><Key>b.txt</Key>"), "{text}");
    assert!(text.contains("<Contents><Key>c+d.txt</Key>"), "{text}");
    assert!(text.contains("<ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag>"), "{text}");
    assert!(text.contains("<Size>5</Size>"), "{text}");
    assert!(text.contains("<StorageClass>STANDARD</StorageClass>"), "{text}");
    assert!(text.contains("<CommonPrefixes><Prefix>a/</Prefix></CommonPrefixes>"), "{text}");
    let modified = reply.xml_text("LastModified");
    assert!(DateTime::parse_rfc3339(&modified).is_some() && modified.ends_with('Z'), "{modified}");
}

/// DeleteObject: 204 and nothing else, whether or not the key existed.
#[tokio::test]
async fn delete_object_is_204_with_an_empty_body() {
    let s3 = s3_with_bucket("wire").await;
    put(&s3, "/wire/gone.txt", b"x").await;
    for _ in 0..2 {
        let reply = send(&s3, RestXml, Req::new(Method::DELETE, "/wire/gone.txt").build()).await;
        assert_eq!(reply.status, 204);
        assert!(reply.body.is_empty(), "{}", reply.text());
        assert_eq!(reply.header("content-type"), None);
    }
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire/gone.txt").build()).await;
    assert_eq!(reply.status, 404);
}

/// `<Delete><Object><Key>..` (a flattened list named `Object`) with `<Quiet>true`: only
/// failures come back, as flattened `<Error>` entries.
#[tokio::test]
async fn delete_objects_quiet_mode_reports_only_failures() {
    let s3 = s3_with_bucket("wire").await;
    put(&s3, "/wire/a/1.txt", b"x").await;
    put(&s3, "/wire/a/2.txt", b"x").await;
    let body = format!(
        "<Delete xmlns=\"{S3_NS}\"><Object><Key>a/1.txt</Key></Object><Object><Key>a/2.txt</Key>\
         <VersionId>3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId></Object><Quiet>true</Quiet></Delete>"
    );
    let req = || {
        Req::new(Method::POST, "/wire?delete")
            .header("content-type", "application/xml")
            .header("content-md5", "rrZyNKCySCFbkHTN3qfLgg==")
            .body(body.clone())
            .build()
    };
    let (operation, input) = decode(&s3, RestXml, &req());
    assert_eq!(operation, "DeleteObjects");
    assert_eq!(
        input["Delete"],
        json!({"Objects": [{"Key": "a/1.txt"}, {"Key": "a/2.txt", "VersionId": "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"}], "Quiet": true})
    );

    let reply = send(&s3, RestXml, req()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(text.starts_with(&format!("{DECLARATION}<DeleteResult xmlns=\"{S3_NS}\">")), "{text}");
    assert!(!text.contains("<Deleted>"), "{text}");
    assert!(
        text.contains("<Error><Key>a/2.txt</Key><VersionId>3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY</VersionId><Code>NoSuchVersion</Code>"),
        "{text}"
    );
}

/// S3's errors are a bare `<Error>` (no `<ErrorResponse>`), with the key, request id and
/// host id inside and `x-amz-request-id` / `x-amz-id-2` as headers.
#[tokio::test]
async fn no_such_key_is_a_bare_error_document() {
    let s3 = s3_with_bucket("wire").await;
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire/missing%20key").build()).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.header("content-type"), Some("application/xml"));
    let host_id = ferrostack_runtime::host_id(REQUEST_ID);
    assert_eq!(
        reply.text(),
        format!(
            "{DECLARATION}<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>\
             <Key>missing key</Key><RequestId>{REQUEST_ID}</RequestId><HostId>{host_id}</HostId></Error>"
        )
    );
    assert_eq!(reply.header("x-amz-request-id"), Some(REQUEST_ID));
    assert_eq!(reply.header("x-amz-id-2"), Some(host_id.as_str()));
    assert_eq!(reply.header("x-amzn-requestid"), None);

    let reply = send(&s3, RestXml, Req::new(Method::GET, "/nowhere/key").build()).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.xml_text("Code"), "NoSuchBucket");
    assert_eq!(reply.xml_text("BucketName"), "nowhere");
}

/// HEAD of a missing object: 404, and on the wire no body at all (SDKs map the bare
/// status to `NotFound`).
#[tokio::test]
async fn head_of_a_missing_object_is_a_bodiless_404() {
    let s3 = s3_with_bucket("wire").await;
    let ctx = ctx(RestXml);
    let req = Req::new(Method::HEAD, "/wire/missing").build();
    let response = ferrostack_runtime::protocol::handle(s3.as_ref(), RestXml, req, &ctx).await;
    assert_eq!(response.status, 404);
    let wire = ferrostack::gateway::into_hyper(response, true);
    assert_eq!(wire.status(), 404);
    assert_eq!(wire.headers().get("x-amz-request-id").and_then(|v| v.to_str().ok()), Some(REQUEST_ID));
    assert_eq!(wire.body().buffered_bytes().unwrap_or_default().len(), 0);

    // HEAD of an object that is there: GET's headers, no body.
    put(&s3, "/wire/here.txt", b"hello").await;
    let response = ferrostack_runtime::protocol::handle(
        s3.as_ref(),
        RestXml,
        Req::new(Method::HEAD, "/wire/here.txt").build(),
        &ctx,
    )
    .await;
    assert_eq!(response.status, 200);
    let reply = collect(response).await;
    assert_eq!(reply.header("content-length"), Some("5"));
    assert_eq!(reply.header("etag"), Some("\"5d41402abc4b2a76b9719d911017c592\""));
    assert!(reply.body.is_empty());
}

// ---------------------------------------------------------------------------------------
// XML attributes and prefixed namespaces (ACLs): the handlers do not serve these yet, so
// the codec is driven directly with S3's real schema.
// ---------------------------------------------------------------------------------------

/// `<Grantee xmlns:xsi=".." xsi:type="CanonicalUser">`: a member bound to a prefixed
/// attribute, read from a PutObjectAcl body as the SDKs write it.
#[test]
fn put_object_acl_reads_the_xsi_type_attribute() {
    let s3 = s3_handler::service();
    let body = format!(
        "<AccessControlPolicy xmlns=\"{S3_NS}\"><AccessControlList>\
         <Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">\
         <ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID><DisplayName>me</DisplayName></Grantee>\
         <Permission>FULL_CONTROL</Permission></Grant>\
         <Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\">\
         <URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant>\
         </AccessControlList><Owner><ID>75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a</ID></Owner>\
         </AccessControlPolicy>"
    );
    let req = Req::new(Method::PUT, "/wire/k?acl").header("content-type", "application/xml").body(body).build();
    let (operation, input) = decode(&s3, RestXml, &req);
    assert_eq!(operation, "PutObjectAcl");
    let owner = "75aa57f09aa0c8caeab4f8c24e99d10f8e7faeebf76c078efc7c6caea54ba06a";
    assert_eq!(
        input["AccessControlPolicy"],
        json!({
            "Grants": [
                {"Grantee": {"DisplayName": "me", "ID": owner, "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"},
                {"Grantee": {"URI": "http://acs.amazonaws.com/groups/global/AllUsers", "Type": "Group"}, "Permission": "READ"},
            ],
            "Owner": {"ID": owner},
        })
    );
}

/// The other way: GetObjectAcl's output renamed to `AccessControlPolicy`, the grant list
/// wrapped as `<AccessControlList><Grant>`, the grantee declaring its `xsi` prefix.
#[tokio::test]
async fn get_object_acl_writes_the_xsi_namespace_and_attribute() {
    let s3 = s3_handler::service();
    let schema = s3.schema();
    let output_shape = schema.operation("GetObjectAcl").unwrap().1.output;
    let grants = target(schema, output_shape, "Grants");
    let grant = list_item(schema, grants);
    let grantee = target(schema, grant, "Grantee");
    let owner = target(schema, output_shape, "Owner");
    let output = object(
        schema,
        output_shape,
        vec![
            ("Owner", object(schema, owner, vec![("DisplayName", s("me")), ("ID", s("abc"))])),
            (
                "Grants",
                Value::List(vec![object(
                    schema,
                    grant,
                    vec![
                        ("Grantee", object(schema, grantee, vec![("ID", s("abc")), ("Type", s("CanonicalUser"))])),
                        ("Permission", s("FULL_CONTROL")),
                    ],
                )]),
            ),
        ],
    );
    let reply = encode(&s3, RestXml, "GetObjectAcl", output).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.text(),
        format!(
            "{DECLARATION}<AccessControlPolicy xmlns=\"{S3_NS}\"><Owner><DisplayName>me</DisplayName><ID>abc</ID></Owner>\
             <AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"CanonicalUser\">\
             <ID>abc</ID></Grantee><Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>"
        )
    );
}

fn s(text: &str) -> Value {
    Value::Str(text.to_owned())
}

fn target(schema: &Schema, shape: ShapeId, name: &str) -> ShapeId {
    schema.shape(shape).kind.members()[member(schema, shape, name) as usize].target
}

fn list_item(schema: &Schema, list: ShapeId) -> ShapeId {
    match &schema.shape(list).kind {
        ShapeKind::List { member, .. } => member.target,
        other => panic!("not a list: {other:?}"),
    }
}

fn object(schema: &Schema, shape: ShapeId, fields: Vec<(&str, Value)>) -> Value {
    Value::Struct(fields.into_iter().map(|(name, v)| (member(schema, shape, name), v)).collect())
}

/// "Folder" keys end in `/`, and `//` inside a key is data: neither may be normalised.
#[tokio::test]
async fn keys_with_trailing_and_doubled_slashes_are_kept() {
    let s3 = s3_with_bucket("wire").await;
    for (path, key) in [("/wire/folder/", "folder/"), ("/wire/a//b", "a//b"), ("/wire/./x/../y", "./x/../y")] {
        let (operation, input) = decode(&s3, RestXml, &Req::new(Method::PUT, path).body("x").build());
        assert_eq!((operation, input["Key"].as_str()), ("PutObject", Some(key)), "{path}");
        put(&s3, path, b"x").await;
    }
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire?list-type=2").build()).await;
    let text = reply.text();
    for key in ["<Key>folder/</Key>", "<Key>a//b</Key>", "<Key>./x/../y</Key>"] {
        assert!(text.contains(key), "{key} in {text}");
    }
}

/// Keys are text in the listing: markup characters are escaped, non-ASCII is UTF-8.
#[tokio::test]
async fn listed_keys_are_xml_escaped() {
    let s3 = s3_with_bucket("wire").await;
    put(&s3, "/wire/a%26b%3Cc%3E%22d%22%20%E2%82%AC", b"x").await;
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire?list-type=2").build()).await;
    assert!(reply.text().contains("<Key>a&amp;b&lt;c&gt;&quot;d&quot; €</Key>"), "{}", reply.text());
    assert_eq!(reply.xml_text("Key"), "a&b<c>\"d\" €");
}

/// An empty bucket: no `<Contents>` at all, zero keys, not truncated.
#[tokio::test]
async fn list_objects_v2_of_an_empty_bucket() {
    let s3 = s3_with_bucket("wire").await;
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire?list-type=2").build()).await;
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(!text.contains("<Contents"), "{text}");
    assert_eq!(reply.xml_text("KeyCount"), "0");
    assert_eq!(reply.xml_text("IsTruncated"), "false");
}

/// Without `<Quiet>`, each deleted key comes back as a flattened `<Deleted>` entry.
#[tokio::test]
async fn delete_objects_verbose_lists_deleted_keys() {
    let s3 = s3_with_bucket("wire").await;
    put(&s3, "/wire/one", b"x").await;
    let body = format!(
        "<Delete xmlns=\"{S3_NS}\"><Object><Key>one</Key></Object><Object><Key>never-was</Key></Object></Delete>"
    );
    let req = Req::new(Method::POST, "/wire?delete").header("content-type", "application/xml").body(body).build();
    let reply = send(&s3, RestXml, req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(text.contains("<Deleted><Key>one</Key></Deleted><Deleted><Key>never-was</Key></Deleted>"), "{text}");
    assert!(!text.contains("<Error>"), "{text}");
}

/// `Range: bytes=1-3`: 206 with `Content-Range`, and only those bytes.
#[tokio::test]
async fn ranged_get_is_206_with_content_range() {
    let s3 = s3_with_bucket("wire").await;
    put(&s3, "/wire/r", b"hello").await;
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/wire/r").header("range", "bytes=1-3").build()).await;
    assert_eq!(reply.status, 206);
    assert_eq!(&reply.body[..], b"ell");
    assert_eq!(reply.header("content-range"), Some("bytes 1-3/5"));
    assert_eq!(reply.header("content-length"), Some("3"));
}

/// HeadBucket of a missing bucket: the same bare 404 as HeadObject.
#[tokio::test]
async fn head_bucket_of_a_missing_bucket_is_a_bodiless_404() {
    let s3 = s3_handler::service();
    let response = ferrostack_runtime::protocol::handle(
        s3.as_ref(),
        RestXml,
        Req::new(Method::HEAD, "/nowhere").build(),
        &ctx(RestXml),
    )
    .await;
    assert_eq!(response.status, 404);
    let wire = ferrostack::gateway::into_hyper(response, true);
    assert_eq!(wire.body().buffered_bytes().unwrap_or_default().len(), 0);
}

/// A malformed request document is S3's `MalformedXML`, in the bare `<Error>` envelope.
#[tokio::test]
async fn malformed_xml_body_is_malformed_xml() {
    let s3 = s3_with_bucket("wire").await;
    let req = Req::new(Method::POST, "/wire?delete")
        .header("content-type", "application/xml")
        .body("<Delete><Object><Key>a</Key></Delete>")
        .build();
    let reply = send(&s3, RestXml, req).await;
    assert_eq!(reply.status, 400, "{}", reply.text());
    assert!(reply.text().starts_with(&format!("{DECLARATION}<Error><Code>MalformedXML</Code>")), "{}", reply.text());
}

/// SDKs that stream uploads frame the body as `aws-chunked`: chunk signatures (AWS SDK
/// for Java v1's default, `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`) or a checksum trailer
/// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, the v3/v2 SDKs). The object is the decoded
/// payload, never the framing.
#[tokio::test]

async fn aws_chunked_uploads_store_the_decoded_payload() {
    let s3 = s3_with_bucket("wire").await;
    let signature = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
    let signed = format!("8;chunk-signature={signature}\r\nhello s3\r\n0;chunk-signature={signature}\r\n\r\n");
    let trailer = "8\r\nhello s3\r\n0\r\nx-amz-checksum-crc32:fJy43g==\r\n\r\n".to_owned();
    for (key, mode, body) in [
        ("signed", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", signed),
        ("trailer", "STREAMING-UNSIGNED-PAYLOAD-TRAILER", trailer),
    ] {
        let mut req = Req::new(Method::PUT, &format!("/wire/{key}"))
            .header("content-encoding", "aws-chunked")
            .header("x-amz-content-sha256", mode)
            .header("x-amz-decoded-content-length", "8")
            .header("content-length", &body.len().to_string())
            .header("content-type", "text/plain");
        if key == "trailer" {
            req = req.header("x-amz-trailer", "x-amz-checksum-crc32").header("x-amz-sdk-checksum-algorithm", "CRC32");
        }
        let reply = send(&s3, RestXml, req.body(body).build()).await;
        assert_eq!(reply.status, 200, "{key}: {}", reply.text());
        assert_eq!(reply.header("etag"), Some("\"b60d991fa6dbd33863c7cec70d15dbac\""), "{key}");

        let got = send(&s3, RestXml, Req::new(Method::GET, &format!("/wire/{key}")).build()).await;
        assert_eq!(&got.body[..], b"hello s3", "{key}");
        assert_eq!(got.header("content-length"), Some("8"), "{key}");
        assert_eq!(got.header("content-encoding"), None, "{key}");
    }
}

/// `Expires`: a timestamp bound to a header, so an http-date both ways.
#[tokio::test]
async fn expires_header_is_an_http_date_in_and_out() {
    let s3 = s3_with_bucket("wire").await;
    let expires = "Wed, 21 Oct 2026 07:28:00 GMT";
    let req = || Req::new(Method::PUT, "/wire/e").header("expires", expires).body("x").build();
    let (_, input) = decode(&s3, RestXml, &req());
    assert_eq!(input["Expires"], json!({"timestamp": "2026-10-21T07:28:00Z"}));
    assert_eq!(send(&s3, RestXml, req()).await.status, 200);
    let got = send(&s3, RestXml, Req::new(Method::GET, "/wire/e").build()).await;
    assert_eq!(got.header("expires"), Some(expires));
}

/// ListBuckets: a wrapped list whose items are named `<Bucket>`, with date-time
/// `CreationDate`s, under the S3 namespace.
#[tokio::test]
async fn list_buckets_wraps_bucket_entries() {
    let s3 = s3_with_bucket("wire-a").await;
    assert_eq!(send(&s3, RestXml, Req::new(Method::PUT, "/wire-b").build()).await.status, 200);
    let reply = send(&s3, RestXml, Req::new(Method::GET, "/").build()).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(text.starts_with(&format!("{DECLARATION}<ListAllMyBucketsResult xmlns=\"{S3_NS}\">")), "{text}");
    assert!(text.contains("<Buckets><Bucket><Name>wire-a</Name><CreationDate>"), "{text}");
    assert!(text.contains("</Bucket><Bucket><Name>wire-b</Name>"), "{text}");
    let created = reply.xml_text("CreationDate");
    assert!(DateTime::parse_rfc3339(&created).is_some(), "{created}");
}

/// Hand-written and older clients send an XML declaration and indentation; whitespace
/// between elements is not data.
#[test]
fn pretty_printed_request_documents_read_the_same() {
    let s3 = s3_handler::service();
    let body =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\n  \
                <Object>\n    <Key>a b</Key>\n  </Object>\n  <Quiet>false</Quiet>\n</Delete>\n";
    let req = Req::new(Method::POST, "/wire?delete").header("content-type", "application/xml").body(body).build();
    let (_, input) = decode(&s3, RestXml, &req);
    assert_eq!(input["Delete"], json!({"Objects": [{"Key": "a b"}], "Quiet": false}));
}
