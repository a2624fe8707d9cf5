//! Behaviour of `cloudwatch` (GraniteServiceVersion20100801). Operations not implemented here answer
//! `NotImplemented` through the generated trait's defaults.
//!
//! Metrics: PutMetricData stores samples per account and region; ListMetrics,
//! GetMetricStatistics and GetMetricData read them back. Metric math expressions in
//! GetMetricData are not evaluated: such queries answer an empty, complete result with a
//! message saying so, rather than failing the whole request.

mod list;
mod put;
mod query;
pub mod series;
mod stats;

use std::collections::HashSet;
use std::sync::Arc;

use cloudwatch_api::error::*;
use cloudwatch_api::types::*;
use ferrostack_runtime as rt;
use ferrostack_store::RegionalStore;

use list::MetricFilter;
use series::{Metrics, SeriesKey};

/// GetMetricData's default cap on returned data points.
const DEFAULT_MAX_DATAPOINTS: i32 = 100_800;
/// ListMetrics' RecentlyActive=PT3H window.
const RECENT_SECS: i64 = 3 * 3600;

#[derive(Default)]
pub struct Handler {
    metrics: RegionalStore<Metrics>,
}

fn dimension_pairs(dimensions: &Option<Vec<Dimension>>) -> Vec<(String, String)> {
    dimensions.iter().flatten().map(|d| (d.name.clone(), d.value.clone())).collect()
}

fn is_known_statistic(name: &str) -> bool {
    matches!(name, "Sum" | "Average" | "Minimum" | "Maximum" | "SampleCount") || stats::parse_percentile(name).is_some()
}

/// Checks shared by GetMetricStatistics and GetMetricData: a sane window and period.
fn check_window(
    start: rt::DateTime,
    end: rt::DateTime,
    period: i32,
    field: &str,
) -> Result<(), InvalidParameterValueException> {
    if start >= end {
        return Err(InvalidParameterValueException {
            message: Some("The parameter StartTime must be less than the parameter EndTime.".to_string()),
        });
    }
    if !query::valid_period(period) {
        return Err(InvalidParameterValueException {
            message: Some(format!("The parameter {field} must be a multiple of 60.")),
        });
    }
    Ok(())
}

#[rt::async_trait]
impl cloudwatch_api::Handler for Handler {
    async fn put_metric_data(
        &self,
        ctx: &rt::RequestContext,
        input: PutMetricDataInput,
    ) -> Result<rt::Unit, PutMetricDataError> {
        self.metrics.with(ctx, |m| put::put(m, input))?;
        Ok(rt::Unit)
    }

    async fn list_metrics(
        &self,
        ctx: &rt::RequestContext,
        input: ListMetricsInput,
    ) -> Result<ListMetricsOutput, ListMetricsError> {
        let offset = match input.next_token.as_deref() {
            None => 0,
            Some(t) => list::decode_token(t).ok_or_else(|| InvalidParameterValueException {
                message: Some(
                    "The service couldn't process your request because the NextToken is invalid.".to_string(),
                ),
            })?,
        };
        let filters = input.dimensions.unwrap_or_default();
        let filter = MetricFilter {
            namespace: input.namespace.as_deref(),
            metric_name: input.metric_name.as_deref(),
            dimensions: &filters,
        };
        let recent_since = matches!(input.recently_active, Some(RecentlyActive::Pt3h))
            .then(|| rt::DateTime::now().secs() - RECENT_SECS);
        let keys: Vec<SeriesKey> = self.metrics.with(ctx, |m| {
            m.series
                .iter()
                .filter(|(key, series)| {
                    filter.matches(key)
                        && recent_since.is_none_or(|since| series.samples.iter().any(|s| s.timestamp.secs() >= since))
                })
                .map(|(key, _)| key.clone())
                .collect()
        });
        let page: Vec<Metric> = keys
            .iter()
            .skip(offset)
            .take(list::PAGE_SIZE)
            .map(|k| Metric {
                namespace: Some(k.namespace.clone()),
                metric_name: Some(k.metric_name.clone()),
                dimensions: Some(
                    k.dimensions
                        .iter()
                        .map(|(name, value)| Dimension { name: name.clone(), value: value.clone() })
                        .collect(),
                ),
            })
            .collect();
        let next_token = (offset + page.len() < keys.len()).then(|| list::encode_token(offset + page.len()));
        let owning_accounts =
            (input.include_linked_accounts == Some(true)).then(|| vec![ctx.account_id.clone(); page.len()]);
        Ok(ListMetricsOutput { metrics: Some(page), next_token, owning_accounts })
    }

    async fn get_metric_statistics(
        &self,
        ctx: &rt::RequestContext,
        input: GetMetricStatisticsInput,
    ) -> Result<GetMetricStatisticsOutput, GetMetricStatisticsError> {
        let statistics: Vec<Statistic> = input.statistics.clone().unwrap_or_default();
        let extended: Vec<String> = input.extended_statistics.clone().unwrap_or_default();
        match (statistics.is_empty(), extended.is_empty()) {
            (true, true) => {
                return Err(MissingRequiredParameterException {
                    message: Some("Must specify either Statistics or ExtendedStatistics.".to_string()),
                }
                .into())
            }
            (false, false) => {
                return Err(InvalidParameterCombinationException {
                    message: Some("Must specify either Statistics or ExtendedStatistics, but not both.".to_string()),
                }
                .into())
            }
            _ => {}
        }
        for (i, s) in statistics.iter().enumerate() {
            if let Statistic::Unknown(v) = s {
                return Err(InvalidParameterValueException {
                    message: Some(format!("The value {v} for parameter Statistics.member.{} is invalid.", i + 1)),
                }
                .into());
            }
        }
        for (i, e) in extended.iter().enumerate() {
            if stats::parse_percentile(e).is_none() {
                return Err(InvalidParameterValueException {
                    message: Some(format!(
                        "The value {e} for parameter ExtendedStatistics.member.{} is invalid.",
                        i + 1
                    )),
                }
                .into());
            }
        }
        check_window(input.start_time, input.end_time, input.period, "Period")?;
        let requested = query::period_count(input.start_time, input.end_time, input.period);
        if requested > query::MAX_DATAPOINTS {
            return Err(InvalidParameterCombinationException {
                message: Some(format!(
                    "You have requested up to {} datapoints, which exceeds the limit of {}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.",
                    query::with_thousands(requested),
                    query::with_thousands(query::MAX_DATAPOINTS)
                )),
            }
            .into());
        }
        let key = SeriesKey::new(&input.namespace, &input.metric_name, dimension_pairs(&input.dimensions));
        let unit = input.unit.as_ref().map(|u| u.as_str().to_string());
        let buckets = self
            .metrics
            .with(ctx, |m| query::buckets(m, &key, input.start_time, input.end_time, input.period, unit.as_deref()));
        let datapoints = buckets
            .into_iter()
            .map(|(start, agg)| {
                let stat = |s: Statistic| statistics.contains(&s).then(|| agg.statistic(s.as_str())).flatten();
                let extended_statistics = (!extended.is_empty()).then(|| {
                    extended
                        .iter()
                        .filter_map(|e| agg.statistic(e).map(|v| (e.clone(), v)))
                        .collect::<rt::IndexMap<_, _>>()
                });
                Datapoint {
                    timestamp: Some(rt::DateTime::from_secs(start)),
                    sample_count: stat(Statistic::SampleCount),
                    average: stat(Statistic::Average),
                    sum: stat(Statistic::Sum),
                    minimum: stat(Statistic::Minimum),
                    maximum: stat(Statistic::Maximum),
                    unit: Some(StandardUnit::from(unit.as_deref().or(agg.unit.as_deref()).unwrap_or("None"))),
                    extended_statistics,
                }
            })
            .collect();
        Ok(GetMetricStatisticsOutput { label: Some(input.metric_name), datapoints: Some(datapoints) })
    }

    async fn get_metric_data(
        &self,
        ctx: &rt::RequestContext,
        input: GetMetricDataInput,
    ) -> Result<GetMetricDataOutput, GetMetricDataError> {
        // We never hand out tokens: every answer is complete.
        if input.next_token.is_some() {
            return Err(InvalidNextToken {
                message: Some(
                    "The service couldn't process your request because the NextToken is invalid.".to_string(),
                ),
            }
            .into());
        }
        if input.start_time >= input.end_time {
            return Err(rt::CommonError::validation(
                "The parameter StartTime must be less than the parameter EndTime.",
            )
            .into());
        }
        let mut ids = HashSet::new();
        for (i, q) in input.metric_data_queries.iter().enumerate() {
            let at = format!("MetricDataQueries.member.{}", i + 1);
            if !ids.insert(q.id.as_str()) {
                return Err(rt::CommonError::validation(format!(
                    "The value {} for parameter {at}.Id is not unique.",
                    q.id
                ))
                .into());
            }
            match (&q.metric_stat, &q.expression) {
                (Some(_), Some(_)) => {
                    return Err(rt::CommonError::validation(format!(
                        "The parameters {at}.MetricStat and {at}.Expression are mutually exclusive and you have specified both."
                    ))
                    .into())
                }
                (None, None) => {
                    return Err(rt::CommonError::validation(format!(
                        "At least one of the parameters {at}.MetricStat or {at}.Expression must be specified."
                    ))
                    .into())
                }
                (Some(stat), None) => {
                    if !is_known_statistic(&stat.stat) {
                        return Err(rt::CommonError::validation(format!(
                            "The value {} for parameter {at}.MetricStat.Stat is invalid.",
                            stat.stat
                        ))
                        .into());
                    }
                    if !query::valid_period(stat.period) {
                        return Err(rt::CommonError::validation(format!(
                            "The parameter {at}.MetricStat.Period must be a multiple of 60."
                        ))
                        .into());
                    }
                }
                (None, Some(_)) => {}
            }
        }
        let ascending = matches!(input.scan_by, Some(ScanBy::TimestampAscending));
        let mut budget = input.max_datapoints.unwrap_or(DEFAULT_MAX_DATAPOINTS).max(0) as usize;
        let results = self.metrics.with(ctx, |m| {
            input
                .metric_data_queries
                .iter()
                .filter(|q| q.return_data != Some(false))
                .map(|q| {
                    let Some(stat) = &q.metric_stat else {
                        return MetricDataResult {
                            id: Some(q.id.clone()),
                            label: Some(q.label.clone().unwrap_or_else(|| q.id.clone())),
                            timestamps: Some(vec![]),
                            values: Some(vec![]),
                            status_code: Some(StatusCode::Complete),
                            messages: Some(vec![MessageData {
                                code: Some("Unsupported".to_string()),
                                value: Some("Metric math expressions are not evaluated by this emulator.".to_string()),
                            }]),
                        };
                    };
                    let metric = &stat.metric;
                    let key = SeriesKey::new(
                        metric.namespace.as_deref().unwrap_or_default(),
                        metric.metric_name.as_deref().unwrap_or_default(),
                        dimension_pairs(&metric.dimensions),
                    );
                    let unit = stat.unit.as_ref().map(|u| u.as_str().to_string());
                    let buckets =
                        query::buckets(m, &key, input.start_time, input.end_time, stat.period, unit.as_deref());
                    let mut points: Vec<(rt::DateTime, f64)> = buckets
                        .into_iter()
                        .filter_map(|(start, agg)| {
                            agg.statistic(&stat.stat).map(|v| (rt::DateTime::from_secs(start), v))
                        })
                        .collect();
                    if !ascending {
                        points.reverse();
                    }
                    points.truncate(budget);
                    budget -= points.len();
                    MetricDataResult {
                        id: Some(q.id.clone()),
                        label: Some(q.label.clone().or_else(|| metric.metric_name.clone()).unwrap_or_default()),
                        timestamps: Some(points.iter().map(|(t, _)| *t).collect()),
                        values: Some(points.iter().map(|(_, v)| *v).collect()),
                        status_code: Some(StatusCode::Complete),
                        messages: None,
                    }
                })
                .collect::<Vec<_>>()
        });
        Ok(GetMetricDataOutput { metric_data_results: Some(results), next_token: None, messages: Some(vec![]) })
    }

    fn reset(&self) {
        self.metrics.reset();
    }
}

/// The service on its own, with no peers to call.
pub fn service() -> Arc<dyn rt::Service> {
    serve(&ferrostack_store::Peers::new())
}

/// The service as the gateway serves it, registered in `peers` so other services can call
/// it in-process.
pub fn serve(peers: &Arc<ferrostack_store::Peers>) -> Arc<dyn rt::Service> {
    let handler = Arc::new(Handler::default());
    peers.register::<dyn cloudwatch_api::Handler>(handler.clone());
    cloudwatch_api::service(handler)
}
