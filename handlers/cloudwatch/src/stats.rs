//! Aggregating samples into statistics.

use crate::series::Sample;

/// The running aggregate of the samples in one period.
#[derive(Debug, Clone, Default)]
pub struct Aggregate {
    pub sample_count: f64,
    pub sum: f64,
    pub minimum: f64,
    pub maximum: f64,
    pub values: Vec<(f64, f64)>,
    pub unit: Option<String>,
}

impl Aggregate {
    pub fn add(&mut self, s: &Sample) {
        if self.sample_count == 0.0 {
            self.minimum = s.minimum;
            self.maximum = s.maximum;
        } else {
            self.minimum = self.minimum.min(s.minimum);
            self.maximum = self.maximum.max(s.maximum);
        }
        self.sample_count += s.sample_count;
        self.sum += s.sum;
        self.values.extend_from_slice(&s.values);
        if self.unit.is_none() {
            self.unit = Some(s.unit.clone());
        }
    }

    /// The value of a statistic by its CloudWatch name: `Sum`, `Average`, `Minimum`,
    /// `Maximum`, `SampleCount` or a percentile `pNN[.NN]`. `None` for names we don't know
    /// or percentiles without individual values.
    pub fn statistic(&self, name: &str) -> Option<f64> {
        match name {
            "Sum" => Some(self.sum),
            "Average" => Some(if self.sample_count > 0.0 { self.sum / self.sample_count } else { 0.0 }),
            "Minimum" => Some(self.minimum),
            "Maximum" => Some(self.maximum),
            "SampleCount" => Some(self.sample_count),
            other => self.percentile(parse_percentile(other)?),
        }
    }

    /// Nearest-rank percentile over the individual values, weighted by their counts.
    fn percentile(&self, p: f64) -> Option<f64> {
        let mut values: Vec<(f64, f64)> = self.values.iter().copied().filter(|(_, c)| *c > 0.0).collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = values.iter().map(|(_, c)| c).sum();
        let rank = (p / 100.0 * total).ceil().max(1.0);
        let mut seen = 0.0;
        for (value, count) in &values {
            seen += count;
            if seen >= rank {
                return Some(*value);
            }
        }
        values.last().map(|(v, _)| *v)
    }
}

/// `p99` → 99.0, `p99.9` → 99.9; `None` if not a percentile in 0..=100.
pub fn parse_percentile(name: &str) -> Option<f64> {
    let p: f64 = name.strip_prefix('p')?.parse().ok()?;
    (0.0..=100.0).contains(&p).then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferrostack_runtime as rt;

    fn sample(v: f64) -> Sample {
        Sample {
            timestamp: rt::DateTime::from_secs(0),
            unit: "None".into(),
            sample_count: 1.0,
            sum: v,
            minimum: v,
            maximum: v,
            values: vec![(v, 1.0)],
        }
    }

    #[test]
    fn statistics() {
        let mut a = Aggregate::default();
        for v in [1.0, 2.0, 3.0, 4.0] {
            a.add(&sample(v));
        }
        assert_eq!(a.statistic("Sum"), Some(10.0));
        assert_eq!(a.statistic("Average"), Some(2.5));
        assert_eq!(a.statistic("Minimum"), Some(1.0));
        assert_eq!(a.statistic("Maximum"), Some(4.0));
        assert_eq!(a.statistic("SampleCount"), Some(4.0));
        assert_eq!(a.statistic("p50"), Some(2.0));
        assert_eq!(a.statistic("p100"), Some(4.0));
        assert_eq!(a.statistic("p101"), None);
        assert_eq!(a.statistic("Median"), None);
    }
}
