//! The boundary between the gateway and a generated service crate.

use std::future::Future;
use std::pin::Pin;

use crate::context::RequestContext;
use crate::error::WireError;
use crate::schema::Schema;
use crate::value::Value;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A served service: its schema and a way to call an operation by index with a decoded
/// input. Generated crates implement it over their typed handler trait.
pub trait Service: Send + Sync {
    fn schema(&self) -> &'static Schema;

    /// Calls operation `op` (index into `schema().operations`) with a validated input.
    fn call<'a>(&'a self, ctx: &'a RequestContext, op: usize, input: Value) -> BoxFuture<'a, Result<Value, WireError>>;

    /// Clears all state (the reset admin endpoint).
    fn reset(&self) {}
}
