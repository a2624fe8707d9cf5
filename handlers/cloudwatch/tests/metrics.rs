//! CloudWatch metrics through the typed handler.

use cloudwatch_api::error::*;
use cloudwatch_api::types::*;
use cloudwatch_api::Handler as _;
use cloudwatch_handler::Handler;
use ferrostack_runtime as rt;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

fn dim(name: &str, value: &str) -> Dimension {
    Dimension { name: name.into(), value: value.into() }
}

fn datum(name: &str, value: f64, dims: Vec<Dimension>, at: rt::DateTime) -> MetricDatum {
    MetricDatum {
        metric_name: name.into(),
        dimensions: (!dims.is_empty()).then_some(dims),
        timestamp: Some(at),
        value: Some(value),
        unit: Some(StandardUnit::Count),
        ..Default::default()
    }
}

async fn put(h: &Handler, namespace: &str, data: Vec<MetricDatum>) -> Result<(), PutMetricDataError> {
    h.put_metric_data(
        &ctx(),
        PutMetricDataInput { namespace: namespace.into(), metric_data: Some(data), ..Default::default() },
    )
    .await
    .map(|_| ())
}

/// An hour boundary at least an hour ago: periods are aligned on multiples of their
/// length since the epoch, so test data must start on a boundary of every period used.
fn base() -> rt::DateTime {
    let now = rt::DateTime::now().secs();
    rt::DateTime::from_secs((now - 3600) / 3600 * 3600)
}

fn at(offset: i64) -> rt::DateTime {
    rt::DateTime::from_secs(base().secs() + offset)
}

fn invalid_value(e: PutMetricDataError) -> String {
    match e {
        PutMetricDataError::InvalidParameterValueException(e) => e.message.unwrap(),
        other => panic!("expected InvalidParameterValue, got {other:?}"),
    }
}

#[tokio::test]
async fn namespace_rules() {
    let h = Handler::default();
    let d = || vec![datum("m", 1.0, vec![], at(0))];
    assert_eq!(
        invalid_value(put(&h, "AWS/EC2", d()).await.unwrap_err()),
        "The value AWS/EC2 for parameter Namespace is invalid."
    );
    invalid_value(put(&h, "   ", d()).await.unwrap_err());
    invalid_value(put(&h, "bad|char", d()).await.unwrap_err());
    assert!(put(&h, "My App/v1.0#x:y", d()).await.is_ok());
    assert!(put(&h, "aws/lowercase-is-fine", d()).await.is_ok());
}

#[tokio::test]
async fn datum_rules() {
    let h = Handler::default();
    let base_datum = datum("m", 1.0, vec![], at(0));
    // Value and StatisticValues together.
    let both = MetricDatum {
        statistic_values: Some(StatisticSet { sample_count: 1.0, sum: 1.0, minimum: 1.0, maximum: 1.0 }),
        ..base_datum.clone()
    };
    match put(&h, "App", vec![both]).await.unwrap_err() {
        PutMetricDataError::InvalidParameterCombinationException(e) => assert_eq!(
            e.message.as_deref(),
            Some("The parameters MetricData.member.1.Value and MetricData.member.1.StatisticValues are mutually exclusive and you have specified both.")
        ),
        other => panic!("{other:?}"),
    }
    let none = MetricDatum { value: None, ..base_datum.clone() };
    assert!(matches!(
        put(&h, "App", vec![none]).await.unwrap_err(),
        PutMetricDataError::MissingRequiredParameterException(_)
    ));
    let nan = MetricDatum { value: Some(f64::NAN), ..base_datum.clone() };
    assert_eq!(
        invalid_value(put(&h, "App", vec![nan]).await.unwrap_err()),
        "The value NaN for parameter MetricData.member.1.Value is invalid."
    );
    let mismatched =
        MetricDatum { value: None, values: Some(vec![1.0, 2.0]), counts: Some(vec![1.0]), ..base_datum.clone() };
    assert!(invalid_value(put(&h, "App", vec![mismatched]).await.unwrap_err()).contains("must be of the same size"));
    let too_many_dims = datum("m", 1.0, (0..31).map(|i| dim(&format!("d{i}"), "v")).collect(), at(0));
    assert!(invalid_value(put(&h, "App", vec![too_many_dims]).await.unwrap_err()).contains("greater than 30"));
    // Old timestamps are reported per member, all at once.
    let old = rt::DateTime::from_secs(rt::DateTime::now().secs() - 15 * 24 * 3600);
    let msg = invalid_value(
        put(&h, "App", vec![datum("m", 1.0, vec![], old), datum("m", 1.0, vec![], old)]).await.unwrap_err(),
    );
    assert_eq!(
        msg,
        "The parameter MetricData.member.1.Timestamp must specify a time within the past two weeks.\nThe parameter MetricData.member.2.Timestamp must specify a time within the past two weeks."
    );
    let future = rt::DateTime::from_secs(rt::DateTime::now().secs() + 3 * 3600);
    invalid_value(put(&h, "App", vec![datum("m", 1.0, vec![], future)]).await.unwrap_err());
    let resolution = MetricDatum { storage_resolution: Some(5), ..base_datum.clone() };
    invalid_value(put(&h, "App", vec![resolution]).await.unwrap_err());
    let many: Vec<MetricDatum> = (0..1001).map(|_| base_datum.clone()).collect();
    invalid_value(put(&h, "App", many).await.unwrap_err());
    // A rejected request stores nothing.
    assert_eq!(h.list_metrics(&ctx(), ListMetricsInput::default()).await.unwrap().metrics, Some(vec![]));
}

#[tokio::test]
async fn list_metrics_distinct_and_filtered() {
    let h = Handler::default();
    put(
        &h,
        "App",
        vec![
            datum("Latency", 1.0, vec![dim("Service", "api"), dim("Stage", "prod")], at(0)),
            // Same dimensions in another order: the same metric.
            datum("Latency", 2.0, vec![dim("Stage", "prod"), dim("Service", "api")], at(60)),
            datum("Latency", 3.0, vec![dim("Service", "web")], at(0)),
            datum("Errors", 1.0, vec![], at(0)),
        ],
    )
    .await
    .unwrap();
    put(&h, "Other", vec![datum("Latency", 1.0, vec![], at(0))]).await.unwrap();

    let all = h.list_metrics(&ctx(), ListMetricsInput::default()).await.unwrap();
    assert_eq!(all.metrics.as_ref().unwrap().len(), 4);
    assert_eq!(all.next_token, None);

    let list = |input: ListMetricsInput| {
        let h = &h;
        async move { h.list_metrics(&ctx(), input).await.unwrap().metrics.unwrap() }
    };
    let app_latency = list(ListMetricsInput {
        namespace: Some("App".into()),
        metric_name: Some("Latency".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(app_latency.len(), 2);
    let by_name = list(ListMetricsInput {
        dimensions: Some(vec![DimensionFilter { name: "Stage".into(), value: None }]),
        ..Default::default()
    })
    .await;
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].dimensions.as_ref().unwrap(), &vec![dim("Service", "api"), dim("Stage", "prod")]);
    let by_value = list(ListMetricsInput {
        dimensions: Some(vec![DimensionFilter { name: "Service".into(), value: Some("web".into()) }]),
        ..Default::default()
    })
    .await;
    assert_eq!(by_value.len(), 1);
    let errors = list(ListMetricsInput { metric_name: Some("Errors".into()), ..Default::default() }).await;
    assert_eq!(errors[0].dimensions, Some(vec![]));
    let recent = list(ListMetricsInput { recently_active: Some(RecentlyActive::Pt3h), ..Default::default() }).await;
    assert_eq!(recent.len(), 4);
    let err = h
        .list_metrics(&ctx(), ListMetricsInput { next_token: Some("junk".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, ListMetricsError::InvalidParameterValueException(_)));
}

#[tokio::test]
async fn list_metrics_pages_of_500() {
    let h = Handler::default();
    let data: Vec<MetricDatum> = (0..600).map(|i| datum(&format!("m{i:04}"), 1.0, vec![], at(0))).collect();
    put(&h, "Many", data).await.unwrap();
    let first = h.list_metrics(&ctx(), ListMetricsInput::default()).await.unwrap();
    assert_eq!(first.metrics.unwrap().len(), 500);
    let second =
        h.list_metrics(&ctx(), ListMetricsInput { next_token: first.next_token, ..Default::default() }).await.unwrap();
    assert_eq!(second.metrics.unwrap().len(), 100);
    assert_eq!(second.next_token, None);
}

fn stats_input(start: i64, end: i64, period: i32) -> GetMetricStatisticsInput {
    GetMetricStatisticsInput {
        namespace: "App".into(),
        metric_name: "Latency".into(),
        dimensions: Some(vec![dim("Service", "api")]),
        start_time: at(start),
        end_time: at(end),
        period,
        statistics: Some(vec![
            Statistic::Sum,
            Statistic::Average,
            Statistic::Minimum,
            Statistic::Maximum,
            Statistic::SampleCount,
        ]),
        ..Default::default()
    }
}

async fn seed(h: &Handler) {
    put(
        h,
        "App",
        vec![
            datum("Latency", 10.0, vec![dim("Service", "api")], at(5)),
            datum("Latency", 20.0, vec![dim("Service", "api")], at(30)),
            datum("Latency", 60.0, vec![dim("Service", "api")], at(65)),
            // Other dimensions are another metric.
            datum("Latency", 1000.0, vec![dim("Service", "web")], at(5)),
            MetricDatum {
                values: Some(vec![1.0, 3.0]),
                counts: Some(vec![2.0, 1.0]),
                value: None,
                ..datum("Latency", 0.0, vec![dim("Service", "api")], at(130))
            },
            MetricDatum {
                statistic_values: Some(StatisticSet { sample_count: 4.0, sum: 40.0, minimum: 5.0, maximum: 15.0 }),
                value: None,
                ..datum("Latency", 0.0, vec![dim("Service", "api")], at(200))
            },
        ],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn get_metric_statistics_by_period() {
    let h = Handler::default();
    seed(&h).await;
    let out = h.get_metric_statistics(&ctx(), stats_input(0, 300, 60)).await.unwrap();
    assert_eq!(out.label.as_deref(), Some("Latency"));
    let points = out.datapoints.unwrap();
    let summary: Vec<(i64, f64, f64, f64, f64, f64)> = points
        .iter()
        .map(|d| {
            (
                d.timestamp.unwrap().secs() - base().secs(),
                d.sum.unwrap(),
                d.average.unwrap(),
                d.minimum.unwrap(),
                d.maximum.unwrap(),
                d.sample_count.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, 30.0, 15.0, 10.0, 20.0, 2.0),
            (60, 60.0, 60.0, 60.0, 60.0, 1.0),
            (120, 5.0, 5.0 / 3.0, 1.0, 3.0, 3.0),
            (180, 40.0, 10.0, 5.0, 15.0, 4.0),
        ]
    );
    assert_eq!(points[0].unit, Some(StandardUnit::Count));

    // One big period; only the statistic asked for is set.
    let whole = h
        .get_metric_statistics(
            &ctx(),
            GetMetricStatisticsInput { statistics: Some(vec![Statistic::Maximum]), ..stats_input(0, 300, 300) },
        )
        .await
        .unwrap()
        .datapoints
        .unwrap();
    assert_eq!(whole.len(), 1);
    assert_eq!((whole[0].maximum, whole[0].sum), (Some(60.0), None));

    // Percentiles from individual values.
    let p = h
        .get_metric_statistics(
            &ctx(),
            GetMetricStatisticsInput {
                statistics: None,
                extended_statistics: Some(vec!["p50".into()]),
                ..stats_input(0, 120, 120)
            },
        )
        .await
        .unwrap()
        .datapoints
        .unwrap();
    assert_eq!(p[0].extended_statistics.as_ref().unwrap().get("p50"), Some(&20.0));

    // A unit filter that matches nothing.
    let none = h
        .get_metric_statistics(
            &ctx(),
            GetMetricStatisticsInput { unit: Some(StandardUnit::Seconds), ..stats_input(0, 300, 60) },
        )
        .await
        .unwrap();
    assert_eq!(none.datapoints, Some(vec![]));
}

#[tokio::test]
async fn get_metric_statistics_errors() {
    let h = Handler::default();
    let err = h
        .get_metric_statistics(&ctx(), GetMetricStatisticsInput { statistics: None, ..stats_input(0, 60, 60) })
        .await
        .unwrap_err();
    assert!(matches!(err, GetMetricStatisticsError::MissingRequiredParameterException(_)), "{err:?}");
    let err = h
        .get_metric_statistics(
            &ctx(),
            GetMetricStatisticsInput { extended_statistics: Some(vec!["p90".into()]), ..stats_input(0, 60, 60) },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, GetMetricStatisticsError::InvalidParameterCombinationException(_)), "{err:?}");
    let err = h.get_metric_statistics(&ctx(), stats_input(60, 0, 60)).await.unwrap_err();
    assert!(matches!(err, GetMetricStatisticsError::InvalidParameterValueException(_)), "{err:?}");
    let err = h.get_metric_statistics(&ctx(), stats_input(0, 600, 45)).await.unwrap_err();
    assert!(matches!(err, GetMetricStatisticsError::InvalidParameterValueException(_)), "{err:?}");
    match h.get_metric_statistics(&ctx(), stats_input(0, 2 * 86_400, 60)).await.unwrap_err() {
        GetMetricStatisticsError::InvalidParameterCombinationException(e) => assert_eq!(
            e.message.as_deref(),
            Some("You have requested up to 2,880 datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.")
        ),
        other => panic!("{other:?}"),
    }
}

fn stat_query(id: &str, stat: &str, period: i32) -> MetricDataQuery {
    MetricDataQuery {
        id: id.into(),
        metric_stat: Some(MetricStat {
            metric: Metric {
                namespace: Some("App".into()),
                metric_name: Some("Latency".into()),
                dimensions: Some(vec![dim("Service", "api")]),
            },
            period,
            stat: stat.into(),
            unit: None,
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn get_metric_data() {
    let h = Handler::default();
    seed(&h).await;
    let input = GetMetricDataInput {
        metric_data_queries: vec![
            stat_query("sum", "Sum", 60),
            MetricDataQuery { label: Some("peak".into()), ..stat_query("max", "Maximum", 300) },
            MetricDataQuery { return_data: Some(false), ..stat_query("hidden", "Sum", 60) },
            MetricDataQuery { id: "expr".into(), expression: Some("sum * 2".into()), ..Default::default() },
        ],
        start_time: at(0),
        end_time: at(300),
        ..Default::default()
    };
    let out = h.get_metric_data(&ctx(), input.clone()).await.unwrap();
    let results = out.metric_data_results.unwrap();
    assert_eq!(results.iter().map(|r| r.id.clone().unwrap()).collect::<Vec<_>>(), ["sum", "max", "expr"]);
    let sum = &results[0];
    assert_eq!(sum.label.as_deref(), Some("Latency"));
    assert_eq!(sum.status_code, Some(StatusCode::Complete));
    // Newest first by default.
    assert_eq!(sum.values.as_ref().unwrap(), &vec![40.0, 5.0, 60.0, 30.0]);
    let offsets: Vec<i64> = sum.timestamps.as_ref().unwrap().iter().map(|t| t.secs() - base().secs()).collect();
    assert_eq!(offsets, [180, 120, 60, 0]);
    assert_eq!(results[1].label.as_deref(), Some("peak"));
    assert_eq!(results[1].values.as_ref().unwrap(), &vec![60.0]);
    assert_eq!(results[2].values, Some(vec![]));
    assert!(results[2].messages.is_some());

    let ascending = h
        .get_metric_data(
            &ctx(),
            GetMetricDataInput { scan_by: Some(ScanBy::TimestampAscending), max_datapoints: Some(2), ..input.clone() },
        )
        .await
        .unwrap();
    assert_eq!(ascending.metric_data_results.unwrap()[0].values.as_ref().unwrap(), &vec![30.0, 60.0]);

    let dup = GetMetricDataInput {
        metric_data_queries: vec![stat_query("a", "Sum", 60), stat_query("a", "Sum", 60)],
        ..input.clone()
    };
    assert!(matches!(
        h.get_metric_data(&ctx(), dup).await.unwrap_err(),
        GetMetricDataError::Common(rt::CommonError::Validation(_))
    ));
    let bad_stat = GetMetricDataInput { metric_data_queries: vec![stat_query("a", "Median", 60)], ..input.clone() };
    assert!(h.get_metric_data(&ctx(), bad_stat).await.is_err());
    let token = GetMetricDataInput { next_token: Some("x".into()), ..input };
    assert!(matches!(h.get_metric_data(&ctx(), token).await.unwrap_err(), GetMetricDataError::InvalidNextToken(_)));
}

#[tokio::test]
async fn scoped_by_region_and_reset() {
    let h = Handler::default();
    put(&h, "App", vec![datum("m", 1.0, vec![], at(0))]).await.unwrap();
    let west = rt::RequestContext::internal("000000000000", "eu-west-1");
    assert_eq!(h.list_metrics(&west, ListMetricsInput::default()).await.unwrap().metrics, Some(vec![]));
    h.reset();
    assert_eq!(h.list_metrics(&ctx(), ListMetricsInput::default()).await.unwrap().metrics, Some(vec![]));
}
