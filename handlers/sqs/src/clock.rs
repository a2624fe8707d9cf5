//! Wall-clock time in the units SQS reports: epoch milliseconds for message timestamps,
//! epoch seconds for queue timestamps.

use ferrostack_runtime as rt;

/// Milliseconds since the Unix epoch.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    rt::DateTime::now().as_millis()
}

pub fn seconds_to_millis(seconds: u32) -> Millis {
    seconds as Millis * 1_000
}
