//! REST routing: matches method, path and query against the operations' `@http` URI
//! patterns the way AWS does (literal segments, labels, greedy labels, query literals).

use crate::http::HttpRequest;
use crate::protocol::DecodeError;
use crate::schema::Schema;

#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch {
    pub operation: usize,
    /// `(label name, percent-decoded value)` for each URI label.
    pub labels: Vec<(&'static str, String)>,
}

pub struct Router {
    _private: (),
}

impl Router {
    /// The router of a schema, built on first use and kept for the process.
    pub fn for_schema(schema: &'static Schema) -> &'static Router {
        let _ = schema;
        todo!("Router::for_schema")
    }

    pub fn route(&self, req: &HttpRequest) -> Result<RouteMatch, DecodeError> {
        let _ = req;
        todo!("Router::route")
    }
}
