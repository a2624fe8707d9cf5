//! Smithy RPC v2 CBOR: `POST /service/{Service}/operation/{Operation}` with
//! `smithy-protocol: rpc-v2-cbor` and CBOR bodies.

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

/// The operation named by the request path.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    let _ = (schema, req);
    todo!("rpcv2_cbor::operation")
}

pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let _ = (schema, op, req);
    todo!("rpcv2_cbor::decode")
}

pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let _ = (schema, op, output);
    todo!("rpcv2_cbor::encode_output")
}

pub fn encode_error(schema: &Schema, err: &RenderedError) -> HttpResponse {
    let _ = (schema, err);
    todo!("rpcv2_cbor::encode_error")
}
