//! ListMetrics: which series match the filters.

use cloudwatch_api::types::DimensionFilter;

use crate::series::SeriesKey;

/// ListMetrics pages hold up to 500 metrics.
pub const PAGE_SIZE: usize = 500;

pub struct MetricFilter<'a> {
    pub namespace: Option<&'a str>,
    pub metric_name: Option<&'a str>,
    pub dimensions: &'a [DimensionFilter],
}

impl MetricFilter<'_> {
    /// Each dimension filter must be met by one of the metric's dimensions: by name alone,
    /// or by name and value when a value is given. Other dimensions don't matter.
    pub fn matches(&self, key: &SeriesKey) -> bool {
        self.namespace.is_none_or(|n| n == key.namespace)
            && self.metric_name.is_none_or(|n| n == key.metric_name)
            && self.dimensions.iter().all(|f| {
                key.dimensions
                    .iter()
                    .any(|(name, value)| *name == f.name && f.value.as_ref().is_none_or(|v| v == value))
            })
    }
}

/// Tokens are the offset of the next page, tagged so foreign tokens are refused.
pub fn encode_token(offset: usize) -> String {
    format!("lm-{offset}")
}

pub fn decode_token(token: &str) -> Option<usize> {
    token.strip_prefix("lm-")?.parse().ok()
}
