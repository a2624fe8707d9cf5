//! aws-sdk-s3 against ferrostack, beyond the basic round trip: the SDK's default checksums
//! on put/get, ranges, a multipart upload, listing and a bulk delete. Uses FERROSTACK_ENDPOINT
//! when set, else starts FERROSTACK_BIN (default `../../target/release/ferrostack`).

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart, Delete, ObjectIdentifier};
use aws_sdk_s3::Client;

/// The emulator for this test: FERROSTACK_ENDPOINT, or a freshly spawned binary.
struct Emulator {
    endpoint: String,
    child: Option<Child>,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn emulator() -> Emulator {
    if let Ok(endpoint) = std::env::var("FERROSTACK_ENDPOINT") {
        return Emulator { endpoint, child: None };
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bin = std::env::var("FERROSTACK_BIN")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/release/ferrostack").to_owned());
    let child = Command::new(&bin)
        .env("GATEWAY_LISTEN", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {bin}: {e} (run `cargo build --release` first)"));
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < Duration::from_secs(10), "ferrostack did not start listening");
        std::thread::sleep(Duration::from_millis(20));
    }
    Emulator { endpoint: format!("http://127.0.0.1:{port}"), child: Some(child) }
}

fn client(endpoint: &str) -> Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "static"))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    Client::from_conf(config)
}

#[tokio::test]
async fn s3_checksums_multipart_and_bulk_delete() {
    let emu = emulator();
    let s3 = client(&emu.endpoint);
    let bucket = "rust-sdk-bucket";
    s3.create_bucket().bucket(bucket).send().await.unwrap();

    let data = b"hello from the rust sdk".repeat(1000);
    let put = s3.put_object().bucket(bucket).key("dir/hello.txt").body(ByteStream::from(data.clone())).send().await.unwrap();
    assert!(put.e_tag().is_some());

    let got = s3.get_object().bucket(bucket).key("dir/hello.txt").send().await.unwrap();
    assert_eq!(got.content_length(), Some(data.len() as i64));
    assert_eq!(got.body.collect().await.unwrap().into_bytes().as_ref(), &data[..]);
    let ranged = s3.get_object().bucket(bucket).key("dir/hello.txt").range("bytes=0-4").send().await.unwrap();
    assert_eq!(ranged.body.collect().await.unwrap().into_bytes().as_ref(), b"hello");

    let missing = s3.head_object().bucket(bucket).key("nope").send().await.unwrap_err();
    assert!(missing.into_service_error().is_not_found());

    // Multipart: one 5 MiB part and a short last one.
    let upload = s3.create_multipart_upload().bucket(bucket).key("big.bin").send().await.unwrap();
    let upload_id = upload.upload_id().unwrap().to_owned();
    let first = vec![7u8; 5 * 1024 * 1024];
    let mut parts = Vec::new();
    for (n, body) in [(1, first.clone()), (2, b"tail".to_vec())] {
        let part = s3
            .upload_part()
            .bucket(bucket)
            .key("big.bin")
            .upload_id(&upload_id)
            .part_number(n)
            .body(ByteStream::from(body))
            .send()
            .await
            .unwrap();
        parts.push(CompletedPart::builder().part_number(n).e_tag(part.e_tag().unwrap()).build());
    }
    let done = s3
        .complete_multipart_upload()
        .bucket(bucket)
        .key("big.bin")
        .upload_id(&upload_id)
        .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build())
        .send()
        .await
        .unwrap();
    assert!(done.e_tag().unwrap().ends_with("-2\""));
    let head = s3.head_object().bucket(bucket).key("big.bin").send().await.unwrap();
    assert_eq!(head.content_length(), Some(5 * 1024 * 1024 + 4));

    let listed = s3.list_objects_v2().bucket(bucket).send().await.unwrap();
    let keys: Vec<&str> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["big.bin", "dir/hello.txt"]);

    let delete = Delete::builder()
        .objects(ObjectIdentifier::builder().key("big.bin").build().unwrap())
        .objects(ObjectIdentifier::builder().key("dir/hello.txt").build().unwrap())
        .build()
        .unwrap();
    let deleted = s3.delete_objects().bucket(bucket).delete(delete).send().await.unwrap();
    assert_eq!(deleted.deleted().len(), 2);
    s3.delete_bucket().bucket(bucket).send().await.unwrap();
}
