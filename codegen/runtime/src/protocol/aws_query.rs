//! awsQuery: form-encoded `Action=...&Version=...` requests (body or query string),
//! XML `<OperationResponse><OperationResult>` responses and `<ErrorResponse>` errors.

use crate::context::RequestContext;
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

/// The operation named by the `Action` parameter.
pub fn operation(schema: &Schema, req: &HttpRequest) -> Result<usize, DecodeError> {
    let _ = (schema, req);
    todo!("aws_query::operation")
}

pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let _ = (schema, op, req);
    todo!("aws_query::decode")
}

pub fn encode_output(schema: &Schema, op: usize, output: Value, ctx: &RequestContext) -> HttpResponse {
    let _ = (schema, op, output, ctx);
    todo!("aws_query::encode_output")
}

pub fn encode_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> HttpResponse {
    let _ = (schema, err, ctx);
    todo!("aws_query::encode_error")
}
