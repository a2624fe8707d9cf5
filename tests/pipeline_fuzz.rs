//! A property test of every deserializer entry point, through the real services: random
//! and mutated requests for each protocol each service serves must never panic and
//! never answer a 5xx other than 501 (NotImplemented).
//!
//! The generator is a seeded xorshift, so a failure names a reproducible seed.

use std::panic::AssertUnwindSafe;

use bytes::Bytes;
use ferrostack_runtime::http::HttpRequest;
use ferrostack_runtime::protocol;
use ferrostack_runtime::schema::Protocol;
use ferrostack_runtime::{RequestContext, Service};
use futures_util::FutureExt;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Fragments that look like the protocols' syntax, so mutations reach deep into codecs.
const JSON_SEEDS: &[&str] = &[
    "{}",
    "{\"QueueName\":\"q\",\"Attributes\":{\"a\":\"b\"}}",
    "{\"Name\":\"/a/b\",\"Value\":\"v\",\"Type\":\"String\",\"Overwrite\":true}",
    "{\"TableName\":\"t\",\"Limit\":5,\"Tags\":[{\"Key\":\"k\",\"Value\":\"v\"}]}",
    "{\"a\":[1,2.5,-3e10,null,true,\"x\"],\"b\":{\"c\":{}}}",
    "[",
    "{\"x\":\"\\u00e9\\n\"}",
];
const XML_SEEDS: &[&str] = &[
    "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>",
    "<Delete><Object><Key>a</Key></Object><Quiet>true</Quiet></Delete>",
    "<?xml version=\"1.0\"?><a xmlns=\"x\"><b attr=\"1\">&amp;</b><![CDATA[c]]></a>",
    "<a><b></a>",
];
const FORM_SEEDS: &[&str] = &[
    "QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=5",
    "MetricData.member.1.MetricName=m&MetricData.member.1.Value=1&Namespace=n",
    "Tags.member.1.Key=k&Tags.member.1.Value=v&Entries.entry.1.key=a",
    "DurationSeconds=900&RoleArn=arn:aws:iam::000000000000:role/r&RoleSessionName=s",
];

fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut out = seed.to_vec();
    for _ in 0..rng.below(6) {
        if out.is_empty() {
            out.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(out.len());
        match rng.below(5) {
            0 => out[at] = rng.next() as u8,
            1 => {
                out.remove(at);
            }
            2 => out.insert(at, *rng.pick(b"{}[]\":,<>/=&.%0a-9 \\\x00\xff")),
            3 => out.truncate(at),
            _ => {
                let copy = out[at..].to_vec();
                out.extend_from_slice(&copy[..copy.len().min(16)]);
            }
        }
    }
    out
}

fn request_for(rng: &mut Rng, service: &dyn Service, protocol: Protocol) -> HttpRequest {
    let schema = service.schema();
    let op = rng.pick(schema.operations).name;
    match protocol {
        Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
            let mut req = HttpRequest::new(http::Method::POST, "/");
            let target = if rng.below(10) == 0 {
                "Garbage.Target".to_owned()
            } else {
                format!("{}.{op}", schema.service.target_prefix)
            };
            req.headers.insert("x-amz-target", target.parse().unwrap());
            req.headers.insert("content-type", "application/x-amz-json-1.0".parse().unwrap());
            let seed = *rng.pick(JSON_SEEDS);
            req.body = Bytes::from(mutate(rng, seed.as_bytes()));
            req
        }
        Protocol::RpcV2Cbor => {
            let path = format!("/service/{}/operation/{op}", schema.service.shape_name);
            let mut req = HttpRequest::new(http::Method::POST, &path);
            req.headers.insert("smithy-protocol", "rpc-v2-cbor".parse().unwrap());
            req.headers.insert("content-type", "application/cbor".parse().unwrap());
            let seed: &[u8] = &[
                0xa2, 0x69, b'N', b'a', b'm', b'e', b's', b'p', b'a', b'c', b'e', 0x61, b'n', 0x61, b'x', 0x9f, 0x01,
                0xff,
            ];
            req.body = Bytes::from(mutate(rng, seed));
            req
        }
        Protocol::AwsQuery => {
            let mut req = HttpRequest::new(http::Method::POST, "/");
            req.headers.insert("content-type", "application/x-www-form-urlencoded".parse().unwrap());
            let body = format!("Action={op}&Version={}&{}", schema.service.version, rng.pick(FORM_SEEDS));
            req.body = Bytes::from(mutate(rng, body.as_bytes()));
            req
        }
        Protocol::RestJson1 | Protocol::RestXml => {
            let operation = rng.pick(schema.operations);
            let http = operation.http.as_ref().expect("REST operations have @http");
            // Fill labels with random text, sometimes empty or with escapes.
            let mut path = String::new();
            let mut in_label = false;
            for c in http.uri.split('?').next().unwrap_or("/").chars() {
                match c {
                    '{' => {
                        in_label = true;
                        path.push_str(rng.pick::<&str>(&["x", "", "a%2Fb", "%zz", "1", "..", "k/e/y", "%E2%82%AC"]));
                    }
                    '}' => in_label = false,
                    _ if !in_label => path.push(c),
                    _ => {}
                }
            }
            let query =
                *rng.pick(&["", "?uploads", "?list-type=2&max-keys=abc", "?versionId=&prefix=%ff", "?MaxItems=-1"]);
            let method: http::Method =
                if rng.below(8) == 0 { http::Method::PATCH } else { http.method.parse().unwrap() };
            let mut req = HttpRequest::new(method, &format!("{path}{query}"));
            let seeds = if protocol == Protocol::RestXml { XML_SEEDS } else { JSON_SEEDS };
            if rng.below(2) == 0 {
                let seed = *rng.pick(seeds);
                req.body = Bytes::from(mutate(rng, seed.as_bytes()));
                let ct = if protocol == Protocol::RestXml { "application/xml" } else { "application/json" };
                req.headers.insert("content-type", ct.parse().unwrap());
            }
            for (name, value) in [
                ("x-amz-copy-source", "b/k"),
                ("range", "bytes=5-1"),
                ("x-amz-meta-a", "\u{1}"),
                ("if-modified-since", "yesterday"),
            ] {
                if rng.below(4) == 0 {
                    if let Ok(v) = value.parse() {
                        req.headers.insert(name, v);
                    }
                }
            }
            req
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn random_requests_never_panic_or_fail_with_5xx() {
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_f00d);
    let rounds: usize = std::env::var("FUZZ_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(300);
    let mut rng = Rng(seed);
    let ctx = RequestContext::internal("000000000000", "us-east-1");
    for service in ferrostack::services::all_services() {
        for &protocol in service.schema().service.protocols {
            for round in 0..rounds {
                let req = request_for(&mut rng, service.as_ref(), protocol);
                let summary = format!(
                    "{} {:?} {} {}?{}",
                    service.schema().service.name,
                    protocol,
                    req.method,
                    req.path,
                    req.query
                );
                let body = req.body.clone();
                let answer =
                    AssertUnwindSafe(protocol::handle(service.as_ref(), protocol, req, &ctx)).catch_unwind().await;
                let response =
                    answer.unwrap_or_else(|_| panic!("panic (seed {seed}, round {round}): {summary} body {body:?}"));
                assert!(
                    response.status < 500 || response.status == 501,
                    "status {} (seed {seed}, round {round}): {summary} body {body:?}",
                    response.status
                );
            }
        }
    }
}
