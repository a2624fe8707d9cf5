//! Reading statistics back: periods over one series.

use std::collections::BTreeMap;

use ferrostack_runtime as rt;

use crate::series::{Metrics, SeriesKey};
use crate::stats::Aggregate;

/// GetMetricStatistics returns at most this many data points per call.
pub const MAX_DATAPOINTS: i64 = 1440;

/// Periods CloudWatch accepts: 1, 5, 10, 30 (high resolution) or a multiple of 60.
pub fn valid_period(period: i32) -> bool {
    matches!(period, 1 | 5 | 10 | 30) || (period >= 60 && period % 60 == 0)
}

/// How many periods `[start, end)` spans, rounding partial periods up.
pub fn period_count(start: rt::DateTime, end: rt::DateTime, period: i32) -> i64 {
    let span = end.secs() - start.secs();
    let period = period.max(1) as i64;
    (span + period - 1) / period
}

/// Samples of `key` within `[start, end)`, with `unit` if given, grouped into periods
/// aligned on multiples of `period` since the epoch (the start time rounded down, as
/// CloudWatch does). Keys are period start times in seconds.
pub fn buckets(
    metrics: &Metrics,
    key: &SeriesKey,
    start: rt::DateTime,
    end: rt::DateTime,
    period: i32,
    unit: Option<&str>,
) -> BTreeMap<i64, Aggregate> {
    let period = period.max(1) as i64;
    let mut out: BTreeMap<i64, Aggregate> = BTreeMap::new();
    let Some(series) = metrics.series.get(key) else {
        return out;
    };
    let from = start.secs().div_euclid(period) * period;
    for sample in &series.samples {
        let t = sample.timestamp;
        if t.secs() < from || t >= end || unit.is_some_and(|u| u != sample.unit) {
            continue;
        }
        out.entry(t.secs().div_euclid(period) * period).or_default().add(sample);
    }
    out
}

/// `1440` → `1,440`, the way CloudWatch prints counts in messages.
pub fn with_thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).rem_euclid(3) == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers() {
        assert_eq!(with_thousands(1440), "1,440");
        assert_eq!(with_thousands(2880000), "2,880,000");
        assert_eq!(with_thousands(60), "60");
        assert!(valid_period(60) && valid_period(300) && valid_period(1) && valid_period(30));
        assert!(!valid_period(0) && !valid_period(45) && !valid_period(90) && !valid_period(-60));
        assert_eq!(period_count(rt::DateTime::from_secs(0), rt::DateTime::from_secs(121), 60), 3);
    }
}
