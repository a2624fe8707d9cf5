//! The operations, grouped by what they act on. Each is a method on [`crate::Handler`]
//! returning [`crate::error::SqsError`]; `lib.rs` adapts them to the generated trait.

mod move_tasks;
mod permissions;
mod queues;
mod receipts;
mod receive;
mod send;
mod tags;
