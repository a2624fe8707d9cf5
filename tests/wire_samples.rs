//! Per-protocol tests of the generated (de)serializers on hand-written wire samples.
//!
//! Every sample is a request as a real AWS SDK writes it (or a response as AWS writes it),
//! run through a real generated schema and a real handler with `protocol::handle`, the
//! pipeline the gateway runs per request. One module per protocol; `support` builds
//! requests and reads answers.

#[path = "wire_samples/support.rs"]
mod support;

#[path = "wire_samples/aws_query.rs"]
mod aws_query;

#[path = "wire_samples/aws_json.rs"]
mod aws_json;

#[path = "wire_samples/rpcv2_cbor.rs"]
mod rpcv2_cbor;

#[path = "wire_samples/rest_xml.rs"]
mod rest_xml;

#[path = "wire_samples/rest_json.rs"]
mod rest_json;
