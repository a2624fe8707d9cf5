//! One round trip per service through the AWS SDK for Rust, against the release binary
//! (`FERROSTACK_BIN`, default `../../target/release/ferrostack`) started on a free port.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
};
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_http_client::Builder as HttpClientBuilder;

/// The server process; killed when the test ends, however it ends.
struct Server {
    child: Child,
    endpoint: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> PathBuf {
    match std::env::var_os("FERROSTACK_BIN") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/release/ferrostack"),
    }
}

fn start() -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bin = binary();
    let child = Command::new(&bin)
        .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
        .env("GATEWAY_PORT", port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e} (run `cargo build --release` first)", bin.display()));
    let deadline = Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "ferrostack did not listen on port {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
    Server { child, endpoint: format!("http://127.0.0.1:{port}") }
}

/// The emulator speaks plain HTTP, so the SDK needs no TLS stack (and this crate no C
/// crypto build).
fn plain_http_client() -> aws_sdk_s3::config::SharedHttpClient {
    HttpClientBuilder::new().build_http()
}

#[tokio::test]
async fn s3_put_get_list_with_path_style() {
    let server = start();
    let credentials = aws_sdk_s3::config::Credentials::new("test", "test", None, None, "static");
    let config = aws_sdk_s3::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(&server.endpoint)
        .force_path_style(true)
        .http_client(plain_http_client())
        .build();
    let s3 = aws_sdk_s3::Client::from_conf(config);

    s3.create_bucket().bucket("rust-sdk").send().await.expect("CreateBucket");
    let body = b"hello from the Rust SDK".to_vec();
    s3.put_object()
        .bucket("rust-sdk")
        .key("dir/greeting.txt")
        .content_type("text/plain")
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .expect("PutObject");

    let got = s3.get_object().bucket("rust-sdk").key("dir/greeting.txt").send().await.expect("GetObject");
    assert_eq!(got.content_length(), Some(body.len() as i64));
    assert_eq!(got.content_type(), Some("text/plain"));
    let bytes = got.body.collect().await.expect("GetObject body").into_bytes();
    assert_eq!(&bytes[..], &body[..]);

    let listed = s3.list_objects_v2().bucket("rust-sdk").prefix("dir/").send().await.expect("ListObjectsV2");
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["dir/greeting.txt"]);

    let missing = s3.get_object().bucket("rust-sdk").key("absent").send().await.unwrap_err();
    assert!(missing.into_service_error().is_no_such_key(), "GetObject of a missing key is NoSuchKey");
}

#[tokio::test]
async fn dynamodb_create_put_get() {
    let server = start();
    let credentials = aws_sdk_dynamodb::config::Credentials::new("test", "test", None, None, "static");
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_dynamodb::config::Region::new("us-east-1"))
        .credentials_provider(credentials)
        .endpoint_url(&server.endpoint)
        .http_client(plain_http_client())
        .build();
    let ddb = aws_sdk_dynamodb::Client::from_conf(config);

    ddb.create_table()
        .table_name("rust-sdk")
        .attribute_definitions(
            AttributeDefinition::builder().attribute_name("id").attribute_type(ScalarAttributeType::S).build().unwrap(),
        )
        .key_schema(KeySchemaElement::builder().attribute_name("id").key_type(KeyType::Hash).build().unwrap())
        .billing_mode(BillingMode::PayPerRequest)
        .send()
        .await
        .expect("CreateTable");

    ddb.put_item()
        .table_name("rust-sdk")
        .item("id", AttributeValue::S("k1".into()))
        .item("count", AttributeValue::N("42".into()))
        .item("tags", AttributeValue::Ss(vec!["a".into(), "b".into()]))
        .send()
        .await
        .expect("PutItem");

    let got = ddb
        .get_item()
        .table_name("rust-sdk")
        .key("id", AttributeValue::S("k1".into()))
        .consistent_read(true)
        .send()
        .await
        .expect("GetItem");
    let item = got.item().expect("the item just put");
    assert_eq!(item.get("count"), Some(&AttributeValue::N("42".into())));
    assert_eq!(item.get("tags"), Some(&AttributeValue::Ss(vec!["a".into(), "b".into()])));
}
