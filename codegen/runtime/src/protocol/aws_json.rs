//! awsJson1_0 and awsJson1_1: `POST /` with `X-Amz-Target: Prefix.Operation`, JSON
//! documents, `__type` error envelopes (plus `x-amzn-query-error` for
//! awsQueryCompatible services).

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::{Protocol, Schema};
use crate::value::Value;

/// The operation named by `X-Amz-Target`.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    let _ = (schema, req);
    todo!("aws_json::operation")
}

pub fn decode(schema: &Schema, protocol: Protocol, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let _ = (schema, protocol, op, req);
    todo!("aws_json::decode")
}

pub fn encode_output(schema: &Schema, protocol: Protocol, op: usize, output: Value) -> HttpResponse {
    let _ = (schema, protocol, op, output);
    todo!("aws_json::encode_output")
}

pub fn encode_error(schema: &Schema, protocol: Protocol, err: &RenderedError) -> HttpResponse {
    let _ = (schema, protocol, err);
    todo!("aws_json::encode_error")
}
