//! RPC v2 CBOR (CloudWatch): hand-encoded CBOR requests to
//! `/service/GraniteServiceVersion20100801/operation/<Op>` and the CBOR answers decoded by a
//! small reader here, independent of the codec under test.

use ferrostack_runtime::Protocol::RpcV2Cbor;
use serde_json::{json, Value as Json};

use crate::support::*;

/// The service segment of the path: the target prefix, as SDKs build it.
const SERVICE: &str = "GraniteServiceVersion20100801";

// ---------------------------------------------------------------------------------------
// A CBOR writer for the samples: each call emits the bytes of one data item head.
// ---------------------------------------------------------------------------------------

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    match n {
        0..=23 => out.push(m | n as u8),
        24..=0xff => out.extend([m | 24, n as u8]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend((n as u16).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend((n as u32).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(n.to_be_bytes());
        }
    }
}

fn text(out: &mut Vec<u8>, s: &str) {
    head(out, 3, s.len() as u64);
    out.extend(s.as_bytes());
}

fn map(out: &mut Vec<u8>, len: u64) {
    head(out, 5, len);
}

fn array(out: &mut Vec<u8>, len: u64) {
    head(out, 4, len);
}

fn f64_item(out: &mut Vec<u8>, v: f64) {
    out.push(0xfb);
    out.extend(v.to_be_bytes());
}

/// Tag 1 (epoch-based date/time), as Smithy RPC v2 sends timestamps.
fn epoch_tag(out: &mut Vec<u8>) {
    out.push(0xc1);
}

// ---------------------------------------------------------------------------------------
// A CBOR reader for the answers: tags become `{"tag<N>": item}`, byte strings
// `{"bytes": [..]}`, so the test sees exactly what was on the wire.
// ---------------------------------------------------------------------------------------

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.bytes[self.at];
        self.at += 1;
        b
    }

    fn take(&mut self, n: usize) -> &[u8] {
        let s = &self.bytes[self.at..self.at + n];
        self.at += n;
        s
    }

    /// The argument of a head with additional info `info`; `None` for indefinite length.
    fn argument(&mut self, info: u8) -> Option<u64> {
        match info {
            0..=23 => Some(info as u64),
            24 => Some(self.byte() as u64),
            25 => Some(u16::from_be_bytes(self.take(2).try_into().unwrap()) as u64),
            26 => Some(u32::from_be_bytes(self.take(4).try_into().unwrap()) as u64),
            27 => Some(u64::from_be_bytes(self.take(8).try_into().unwrap())),
            31 => None,
            _ => panic!("reserved additional info {info}"),
        }
    }

    fn item(&mut self) -> Json {
        let initial = self.byte();
        let (major, info) = (initial >> 5, initial & 0x1f);
        match major {
            0 => json!(self.argument(info).unwrap()),
            1 => json!(-1 - self.argument(info).unwrap() as i64),
            2 | 3 => {
                let mut data = Vec::new();
                match self.argument(info) {
                    Some(n) => data.extend_from_slice(self.take(n as usize)),
                    None => {
                        while self.bytes[self.at] != 0xff {
                            let chunk = self.item();
                            data.extend(chunk.as_str().map(|s| s.as_bytes().to_vec()).unwrap_or_default());
                        }
                        self.at += 1;
                    }
                }
                if major == 3 {
                    json!(String::from_utf8(data).expect("UTF-8 text"))
                } else {
                    json!({ "bytes": data })
                }
            }
            4 => {
                let mut items = Vec::new();
                match self.argument(info) {
                    Some(n) => (0..n).for_each(|_| items.push(self.item())),
                    None => {
                        while self.bytes[self.at] != 0xff {
                            items.push(self.item());
                        }
                        self.at += 1;
                    }
                }
                Json::Array(items)
            }
            5 => {
                let mut entries = serde_json::Map::new();
                let mut entry = |r: &mut Self| {
                    let key = r.item().as_str().expect("text map keys").to_owned();
                    let value = r.item();
                    entries.insert(key, value);
                };
                match self.argument(info) {
                    Some(n) => (0..n).for_each(|_| entry(self)),
                    None => {
                        while self.bytes[self.at] != 0xff {
                            entry(self);
                        }
                        self.at += 1;
                    }
                }
                Json::Object(entries)
            }
            6 => {
                let tag = self.argument(info).unwrap();
                json!({ format!("tag{tag}"): self.item() })
            }
            _ => match info {
                20 => json!(false),
                21 => json!(true),
                22 | 23 => Json::Null,
                25 => json!(half_to_f64(u16::from_be_bytes(self.take(2).try_into().unwrap()))),
                26 => json!(f32::from_be_bytes(self.take(4).try_into().unwrap()) as f64),
                27 => json!(f64::from_be_bytes(self.take(8).try_into().unwrap())),
                _ => panic!("unexpected simple value {info}"),
            },
        }
    }
}

fn half_to_f64(h: u16) -> f64 {
    let sign = if h & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = ((h >> 10) & 0x1f) as i32;
    let frac = (h & 0x3ff) as f64;
    sign * match exp {
        0 => frac * 2f64.powi(-24),
        31 => f64::INFINITY,
        _ => (1.0 + frac / 1024.0) * 2f64.powi(exp - 15),
    }
}

fn read_cbor(bytes: &[u8]) -> Json {
    let mut reader = Reader { bytes, at: 0 };
    let value = reader.item();
    assert_eq!(reader.at, bytes.len(), "trailing bytes after the CBOR item");
    value
}

fn assert_rpcv2_headers(reply: &Reply) {
    assert_eq!(reply.header("smithy-protocol"), Some("rpc-v2-cbor"));
}

// ---------------------------------------------------------------------------------------
// Samples
// ---------------------------------------------------------------------------------------

/// `{"Namespace": "Wire/Cbor", "MetricData": [{..tag 1 timestamp..}]}`, with the value of
/// the second datum as a half-precision float, which SDKs may send for small numbers.
fn put_metric_data_body(namespace: &str, timestamp_secs: f64) -> Vec<u8> {
    let mut out = Vec::new();
    map(&mut out, 2);
    text(&mut out, "Namespace");
    text(&mut out, namespace);
    text(&mut out, "MetricData");
    array(&mut out, 2);
    // Datum 1: a definite map with a float64 tag-1 timestamp and a dimension.
    map(&mut out, 5);
    text(&mut out, "MetricName");
    text(&mut out, "Latency");
    text(&mut out, "Timestamp");
    epoch_tag(&mut out);
    f64_item(&mut out, timestamp_secs);
    text(&mut out, "Value");
    f64_item(&mut out, 12.5);
    text(&mut out, "Unit");
    text(&mut out, "Milliseconds");
    text(&mut out, "Dimensions");
    array(&mut out, 1);
    map(&mut out, 2);
    text(&mut out, "Name");
    text(&mut out, "Host");
    text(&mut out, "Value");
    text(&mut out, "web-1");
    // Datum 2: an indefinite-length map, an integer tag-1 timestamp, a float16 value.
    out.push(0xbf);
    text(&mut out, "MetricName");
    text(&mut out, "Hits");
    text(&mut out, "Timestamp");
    epoch_tag(&mut out);
    head(&mut out, 0, timestamp_secs as u64);
    text(&mut out, "Value");
    out.extend([0xf9, 0x4a, 0x40]); // 12.5 as float16
    out.push(0xff);
    out
}

#[test]
fn put_metric_data_decodes_tag_1_timestamps_and_small_floats() {
    let cloudwatch = cloudwatch_handler::service();
    let req = cbor_request(SERVICE, "PutMetricData", put_metric_data_body("Wire/Cbor", 1714566615.25));
    let (operation, input) = decode(&cloudwatch, RpcV2Cbor, &req);
    assert_eq!(operation, "PutMetricData");
    assert_eq!(
        input,
        json!({
            "Namespace": "Wire/Cbor",
            "MetricData": [
                {
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Host", "Value": "web-1"}],
                    "Timestamp": {"timestamp": "2024-05-01T12:30:15.25Z"},
                    "Value": 12.5,
                    "Unit": "Milliseconds",
                },
                {"MetricName": "Hits", "Timestamp": {"timestamp": "2024-05-01T12:30:15Z"}, "Value": 12.5},
            ],
        })
    );
}

/// PutMetricData has no output: 200, no body, and the protocol header all the same.
/// ListMetrics (a literal byte sample) then finds the metrics.
#[tokio::test]
async fn put_metric_data_then_list_metrics() {
    let cloudwatch = cloudwatch_handler::service();
    let now = now_minus(60).secs() as f64;
    let put =
        send(&cloudwatch, RpcV2Cbor, cbor_request(SERVICE, "PutMetricData", put_metric_data_body("Wire/Cbor", now)))
            .await;
    assert_eq!(put.status, 200, "{:?}", put.body);
    assert_rpcv2_headers(&put);
    assert!(put.body.is_empty(), "{:?}", put.body);

    // {"Namespace": "Wire/Cbor", "MetricName": "Latency"}
    let list_body: &[u8] = b"\xa2\x69Namespace\x69Wire/Cbor\x6aMetricName\x67Latency";
    let list = send(&cloudwatch, RpcV2Cbor, cbor_request(SERVICE, "ListMetrics", list_body.to_vec())).await;
    assert_eq!(list.status, 200, "{:?}", list.body);
    assert_rpcv2_headers(&list);
    assert_eq!(list.header("content-type"), Some("application/cbor"));
    assert_eq!(
        read_cbor(&list.body),
        json!({"Metrics": [{"Namespace": "Wire/Cbor", "MetricName": "Latency", "Dimensions": [{"Name": "Host", "Value": "web-1"}]}]})
    );
}

/// An empty body is an empty input for RPC v2, and an empty list is still a list.
#[tokio::test]
async fn empty_body_lists_nothing() {
    let cloudwatch = cloudwatch_handler::service();
    let mut req = cbor_request(SERVICE, "ListMetrics", Vec::new());
    req.headers.remove("content-type");
    let reply = send(&cloudwatch, RpcV2Cbor, req).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(read_cbor(&reply.body), json!({"Metrics": []}));
}

/// Timestamps out: `Datapoints[].Timestamp` is tag 1 around an epoch-seconds number.
#[tokio::test]
async fn get_metric_statistics_answers_tag_1_timestamps() {
    let cloudwatch = cloudwatch_handler::service();
    let minute = (now_minus(600).secs() / 60) * 60;
    let put = send(
        &cloudwatch,
        RpcV2Cbor,
        cbor_request(SERVICE, "PutMetricData", put_metric_data_body("Wire/Stats", (minute + 5) as f64)),
    )
    .await;
    assert_eq!(put.status, 200, "{:?}", put.body);

    let mut body = Vec::new();
    map(&mut body, 7);
    text(&mut body, "Namespace");
    text(&mut body, "Wire/Stats");
    text(&mut body, "MetricName");
    text(&mut body, "Latency");
    // Statistics are per exact dimension set.
    text(&mut body, "Dimensions");
    array(&mut body, 1);
    map(&mut body, 2);
    text(&mut body, "Name");
    text(&mut body, "Host");
    text(&mut body, "Value");
    text(&mut body, "web-1");
    text(&mut body, "StartTime");
    epoch_tag(&mut body);
    head(&mut body, 0, minute as u64);
    text(&mut body, "EndTime");
    epoch_tag(&mut body);
    head(&mut body, 0, (minute + 60) as u64);
    text(&mut body, "Period");
    head(&mut body, 0, 60);
    text(&mut body, "Statistics");
    array(&mut body, 1);
    text(&mut body, "Maximum");
    let reply = send(&cloudwatch, RpcV2Cbor, cbor_request(SERVICE, "GetMetricStatistics", body)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let answer = read_cbor(&reply.body);
    assert_eq!(answer["Label"], "Latency");
    let point = &answer["Datapoints"][0];
    assert_eq!(point["Maximum"], 12.5);
    let stamp = point["Timestamp"]["tag1"].as_f64().unwrap_or_else(|| panic!("{answer}"));
    assert_eq!(stamp, minute as f64);
}

/// A modelled error: `__type` is the shape id, the status is the model's.
#[tokio::test]
async fn stale_timestamp_is_an_invalid_parameter_value_error() {
    let cloudwatch = cloudwatch_handler::service();
    let three_weeks_ago = now_minus(21 * 86_400).secs() as f64;
    let reply = send(
        &cloudwatch,
        RpcV2Cbor,
        cbor_request(SERVICE, "PutMetricData", put_metric_data_body("Wire/Old", three_weeks_ago)),
    )
    .await;
    assert_eq!(reply.status, 400);
    assert_rpcv2_headers(&reply);
    assert_eq!(reply.header("content-type"), Some("application/cbor"));
    let error = read_cbor(&reply.body);
    assert_eq!(error["__type"], "com.amazonaws.cloudwatch#InvalidParameterValueException", "{error}");
    assert!(error["message"].as_str().is_some_and(|m| m.contains("Timestamp")), "{error}");
}

#[tokio::test]
async fn unknown_operation_and_malformed_cbor_are_rejected() {
    let cloudwatch = cloudwatch_handler::service();
    let reply = send(&cloudwatch, RpcV2Cbor, cbor_request(SERVICE, "FlyToTheMoon", vec![0xa0])).await;
    assert_eq!(reply.status, 404);
    assert!(read_cbor(&reply.body)["__type"].as_str().is_some_and(|t| t.ends_with("UnknownOperationException")));

    // A map that announces two entries and holds one.
    let reply =
        send(&cloudwatch, RpcV2Cbor, cbor_request(SERVICE, "ListMetrics", b"\xa2\x69Namespace\x61x".to_vec())).await;
    assert_eq!(reply.status, 400);
    assert!(read_cbor(&reply.body)["__type"].as_str().is_some_and(|t| t.ends_with("SerializationException")));
}

/// Encoders may chunk text (indefinite-length strings) and write a whole double as an
/// integer; both read as the plain value.
#[test]
fn chunked_text_and_integer_doubles_decode() {
    let cloudwatch = cloudwatch_handler::service();
    let mut body = Vec::new();
    map(&mut body, 2);
    text(&mut body, "Namespace");
    body.push(0x7f); // indefinite-length text: "Wire" + "/Cbor"
    text(&mut body, "Wire");
    text(&mut body, "/Cbor");
    body.push(0xff);
    text(&mut body, "MetricData");
    array(&mut body, 1);
    map(&mut body, 2);
    text(&mut body, "MetricName");
    text(&mut body, "M");
    text(&mut body, "Value");
    head(&mut body, 0, 5);
    let (_, input) = decode(&cloudwatch, RpcV2Cbor, &cbor_request(SERVICE, "PutMetricData", body));
    assert_eq!(input, json!({"Namespace": "Wire/Cbor", "MetricData": [{"MetricName": "M", "Value": 5.0}]}));
}
