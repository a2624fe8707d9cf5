//! restXml: HTTP bindings from `rest`, XML documents for the body; S3's unwrapped
//! `<Error>` envelope when the service sets `noErrorWrapping`.

use crate::context::RequestContext;
use crate::http::{HttpRequest, HttpResponse};
use crate::protocol::{DecodeError, RenderedError};
use crate::schema::Schema;
use crate::value::Value;

pub fn decode(schema: &Schema, op: usize, req: &HttpRequest) -> Result<Value, DecodeError> {
    let _ = (schema, op, req);
    todo!("rest_xml::decode")
}

pub fn encode_output(schema: &Schema, op: usize, output: Value) -> HttpResponse {
    let _ = (schema, op, output);
    todo!("rest_xml::encode_output")
}

pub fn encode_error(schema: &Schema, err: &RenderedError, ctx: &RequestContext) -> HttpResponse {
    let _ = (schema, err, ctx);
    todo!("rest_xml::encode_error")
}
