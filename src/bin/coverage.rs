//! Prints the README's coverage table: per service, the operations that answer with real
//! behaviour against the operations in its model.
//!
//! An operation counts as implemented unless its handler answers `NotImplemented` (the
//! generated trait's default). Each operation is called once, on a fresh handler, with an
//! empty input; whatever it answers besides `NotImplemented` (often a validation error)
//! shows that behaviour exists.

use std::panic::AssertUnwindSafe;
use std::time::Duration;

use ferrostack_runtime::{CommonError, RequestContext, Value, WireError};
use futures_util::FutureExt;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut rows = Vec::new();
    let (mut total_done, mut total_ops) = (0, 0);
    for service in ferrostack::services::all_services() {
        let schema = service.schema();
        let ctx = RequestContext::internal("000000000000", "us-east-1");
        let mut done = Vec::new();
        for (index, op) in schema.operations.iter().enumerate() {
            let call = AssertUnwindSafe(service.call(&ctx, index, Value::Struct(Vec::new()))).catch_unwind();
            let answer = tokio::time::timeout(Duration::from_secs(5), call).await;
            let not_implemented = matches!(answer, Ok(Ok(Err(WireError::Common(CommonError::NotImplemented(_))))));
            if !not_implemented {
                done.push(op.name);
            }
        }
        total_done += done.len();
        total_ops += schema.operations.len();
        rows.push(format!(
            "| {} | {} | {} / {} |",
            schema.service.name,
            schema.service.protocols.iter().map(|p| p.name()).collect::<Vec<_>>().join(", "),
            done.len(),
            schema.operations.len()
        ));
        if std::env::args().any(|a| a == "--list") {
            eprintln!("{}: {}", schema.service.name, done.join(", "));
        }
    }
    println!("| service | protocols | operations implemented / in the model |");
    println!("|---|---|---|");
    for row in rows {
        println!("{row}");
    }
    println!("| **all** | | **{total_done} / {total_ops}** |");
}
