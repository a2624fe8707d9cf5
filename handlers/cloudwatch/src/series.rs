//! Stored metric data: one series per (namespace, metric name, dimension set).

use std::collections::BTreeMap;

use ferrostack_runtime as rt;

/// What identifies a metric. Dimensions are kept sorted by name so the same set given in
/// any order is the same metric.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesKey {
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<(String, String)>,
}

impl SeriesKey {
    pub fn new(namespace: &str, metric_name: &str, mut dimensions: Vec<(String, String)>) -> SeriesKey {
        dimensions.sort();
        SeriesKey { namespace: namespace.to_string(), metric_name: metric_name.to_string(), dimensions }
    }
}

/// One PutMetricData datum, reduced to what statistics need.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    pub timestamp: rt::DateTime,
    /// The wire name of the unit (`Seconds`, `Count`, `None`, …).
    pub unit: String,
    pub sample_count: f64,
    pub sum: f64,
    pub minimum: f64,
    pub maximum: f64,
    /// Individual values with their counts, when known (Value or Values+Counts); a
    /// StatisticSet carries none, so percentiles cannot see inside it.
    pub values: Vec<(f64, f64)>,
}

#[derive(Debug, Default, Clone)]
pub struct Series {
    pub samples: Vec<Sample>,
}

/// All metric data of one account and region.
#[derive(Debug, Default)]
pub struct Metrics {
    pub series: BTreeMap<SeriesKey, Series>,
}
