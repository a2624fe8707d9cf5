//! restJson1: HTTP bindings from `rest`, JSON documents for the body.

use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let _ = (schema, op, req);
    todo!("rest_json::decode")
}

pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let _ = (schema, op, output);
    todo!("rest_json::encode_output")
}

pub fn encode_error(schema: &Schema, err: &RenderedError) -> HttpResponse {
    let _ = (schema, err);
    todo!("rest_json::encode_error")
}
