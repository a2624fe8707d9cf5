//! PutMetricData: validating data points and turning them into samples.

use cloudwatch_api::error::PutMetricDataError;
use cloudwatch_api::types::*;
use ferrostack_runtime as rt;

use crate::series::{Metrics, Sample, SeriesKey};

/// Per-request and per-datum limits.
pub const MAX_DATA_PER_REQUEST: usize = 1000;
pub const MAX_DIMENSIONS: usize = 30;
pub const MAX_VALUES: usize = 150;
/// Accepted timestamps: up to two weeks old and two hours ahead.
const MAX_AGE_SECS: i64 = 14 * 24 * 3600;
const MAX_AHEAD_SECS: i64 = 2 * 3600;
/// Magnitudes CloudWatch rejects as too large or too small (zero is fine).
const LARGEST: f64 = 1.174271e108;
const SMALLEST: f64 = 8.515920e-109;

fn valid_number(v: f64) -> bool {
    v.is_finite() && (v == 0.0 || (v.abs() <= LARGEST && v.abs() >= SMALLEST))
}

fn invalid_value(message: String) -> PutMetricDataError {
    InvalidParameterValueException { message: Some(message) }.into()
}

fn combination(message: String) -> PutMetricDataError {
    InvalidParameterCombinationException { message: Some(message) }.into()
}

/// Namespaces are 1–255 characters of `[0-9A-Za-z.-_/#: ]` with something besides
/// spaces, and `AWS/` ones belong to AWS services.
pub fn check_namespace(namespace: &str) -> Result<(), PutMetricDataError> {
    let allowed = |c: char| c.is_ascii_alphanumeric() || ".-_/#: ".contains(c);
    if namespace.starts_with("AWS/")
        || namespace.trim().is_empty()
        || namespace.len() > 255
        || !namespace.chars().all(allowed)
    {
        return Err(invalid_value(format!("The value {namespace} for parameter Namespace is invalid.")));
    }
    Ok(())
}

/// Turns datum `index` (1-based, as the messages count) into a sample. Problems with
/// values are collected in `invalid` so that one answer lists them all, as AWS's does.
fn sample(
    index: usize,
    datum: &MetricDatum,
    now: rt::DateTime,
    invalid: &mut Vec<String>,
) -> Result<Sample, PutMetricDataError> {
    let at = format!("MetricData.member.{index}");
    let dims = datum.dimensions.as_ref().map_or(0, Vec::len);
    if dims > MAX_DIMENSIONS {
        invalid.push(format!("The collection {at}.Dimensions must not have a size greater than {MAX_DIMENSIONS}."));
    }
    let given = [
        ("Value", datum.value.is_some()),
        ("StatisticValues", datum.statistic_values.is_some()),
        ("Values", datum.values.as_ref().is_some_and(|v| !v.is_empty())),
    ];
    let present: Vec<&str> = given.iter().filter(|(_, p)| *p).map(|(n, _)| *n).collect();
    if present.len() > 1 {
        return Err(combination(format!(
            "The parameters {at}.{} and {at}.{} are mutually exclusive and you have specified both.",
            present[0], present[1]
        )));
    }
    if present.is_empty() {
        return Err(MissingRequiredParameterException {
            message: Some(format!(
                "At least one of the parameters {at}.Value, {at}.StatisticValues or {at}.Values must be specified."
            )),
        }
        .into());
    }
    if let Some(StandardUnit::Unknown(u)) = &datum.unit {
        invalid.push(format!("The value {u} for parameter {at}.Unit is invalid."));
    }
    if let Some(r) = datum.storage_resolution {
        if r != 1 && r != 60 {
            invalid.push(format!("The value {r} for parameter {at}.StorageResolution is invalid."));
        }
    }
    let timestamp = datum.timestamp.unwrap_or(now);
    if timestamp.secs() < now.secs() - MAX_AGE_SECS {
        invalid.push(format!("The parameter {at}.Timestamp must specify a time within the past two weeks."));
    } else if timestamp.secs() > now.secs() + MAX_AHEAD_SECS {
        invalid.push(format!("The parameter {at}.Timestamp must specify a time no more than two hours in the future."));
    }

    let check = |v: f64, field: &str, invalid: &mut Vec<String>| {
        if !valid_number(v) {
            invalid.push(format!("The value {v} for parameter {at}.{field} is invalid."));
        }
    };
    let unit = datum.unit.as_ref().map_or("None", |u| u.as_str()).to_string();
    let sample = if let Some(v) = datum.value {
        check(v, "Value", invalid);
        Sample { timestamp, unit, sample_count: 1.0, sum: v, minimum: v, maximum: v, values: vec![(v, 1.0)] }
    } else if let Some(s) = &datum.statistic_values {
        for (v, field) in [
            (s.sample_count, "StatisticValues.SampleCount"),
            (s.sum, "StatisticValues.Sum"),
            (s.minimum, "StatisticValues.Minimum"),
            (s.maximum, "StatisticValues.Maximum"),
        ] {
            check(v, field, invalid);
        }
        Sample {
            timestamp,
            unit,
            sample_count: s.sample_count,
            sum: s.sum,
            minimum: s.minimum,
            maximum: s.maximum,
            values: Vec::new(),
        }
    } else {
        let values = datum.values.clone().unwrap_or_default();
        if values.len() > MAX_VALUES {
            invalid.push(format!("The collection {at}.Values must not have a size greater than {MAX_VALUES}."));
        }
        let counts = match &datum.counts {
            Some(c) if c.len() != values.len() => {
                invalid.push(format!("The parameters {at}.Values and {at}.Counts must be of the same size."));
                vec![1.0; values.len()]
            }
            Some(c) => c.clone(),
            None => vec![1.0; values.len()],
        };
        for (i, v) in values.iter().enumerate() {
            check(*v, &format!("Values.member.{}", i + 1), invalid);
        }
        let pairs: Vec<(f64, f64)> = values.into_iter().zip(counts).collect();
        Sample {
            timestamp,
            unit,
            sample_count: pairs.iter().map(|(_, c)| c).sum(),
            sum: pairs.iter().map(|(v, c)| v * c).sum(),
            minimum: pairs.iter().map(|(v, _)| *v).fold(f64::INFINITY, f64::min),
            maximum: pairs.iter().map(|(v, _)| *v).fold(f64::NEG_INFINITY, f64::max),
            values: pairs,
        }
    };
    Ok(sample)
}

/// Validates the whole request first and stores nothing unless every datum is good.
pub fn put(metrics: &mut Metrics, input: PutMetricDataInput) -> Result<(), PutMetricDataError> {
    check_namespace(&input.namespace)?;
    let mut data = input.metric_data.unwrap_or_default();
    for entity in input.entity_metric_data.unwrap_or_default() {
        data.extend(entity.metric_data.unwrap_or_default());
    }
    if data.is_empty() {
        return Err(MissingRequiredParameterException {
            message: Some(
                "At least one of the parameters MetricData or EntityMetricData must be specified.".to_string(),
            ),
        }
        .into());
    }
    if data.len() > MAX_DATA_PER_REQUEST {
        return Err(invalid_value(format!(
            "The collection MetricData must not have a size greater than {MAX_DATA_PER_REQUEST}."
        )));
    }
    let now = rt::DateTime::now();
    let mut invalid = Vec::new();
    let mut accepted = Vec::with_capacity(data.len());
    for (i, datum) in data.iter().enumerate() {
        let s = sample(i + 1, datum, now, &mut invalid)?;
        let dims = datum.dimensions.iter().flatten().map(|d| (d.name.clone(), d.value.clone())).collect();
        accepted.push((SeriesKey::new(&input.namespace, &datum.metric_name, dims), s));
    }
    if !invalid.is_empty() {
        return Err(invalid_value(invalid.join("\n")));
    }
    for (key, s) in accepted {
        metrics.series.entry(key).or_default().samples.push(s);
    }
    Ok(())
}
