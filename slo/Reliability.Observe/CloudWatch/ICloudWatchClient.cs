namespace Reliability.Observe.CloudWatch;

/// <summary>
/// The CloudWatch operations the harness needs. A small interface so that AWSSDK.CloudWatch can stand
/// behind it where that package is available; here, <see cref="CloudWatchClient"/> implements it over HttpClient.
/// </summary>
internal interface ICloudWatchClient
{
    Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default);
    Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsAsync(IReadOnlyList<string>? alarmNames = null, string? namePrefix = null, CancellationToken ct = default);
    Task<IReadOnlyList<AlarmStateChange>> DescribeAlarmHistoryAsync(string alarmName, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default);
    /// <summary>Publishes datapoints into one namespace (at most 1,000 a call, as CloudWatch allows).</summary>
    Task PutMetricDataAsync(string metricNamespace, IReadOnlyList<MetricDatum> data, CancellationToken ct = default);
    /// <summary>Creates or replaces an alarm from a PutMetricAlarm request body, such as the files in sut/deploy/aws/alarms.</summary>
    Task PutMetricAlarmAsync(System.Text.Json.Nodes.JsonObject alarm, CancellationToken ct = default);
}

/// <summary>
/// One datum of PutMetricData: a single value, or a distribution as distinct values with their counts
/// (how ALB's TargetResponseTime arrives, so that percentiles can be computed from it).
/// </summary>
internal sealed record MetricDatum(string MetricName, IReadOnlyList<MetricDimension> Dimensions, DateTimeOffset Timestamp, IReadOnlyList<double> Values, IReadOnlyList<double> Counts, string Unit = "None")
{
    public static MetricDatum Single(string metricName, IReadOnlyList<MetricDimension> dimensions, DateTimeOffset timestamp, double value, string unit = "Count") =>
        new(metricName, dimensions, timestamp, [value], [1], unit);
}

internal sealed record MetricDimension(string Name, string Value);

/// <summary>A query of GetMetricData: a MetricStat (namespace, metric, dimensions, period, stat) or an Expression over other queries.</summary>
internal sealed record MetricDataQuery(string Id, MetricStat? MetricStat = null, string? Expression = null, bool ReturnData = true, string? Label = null);

internal sealed record MetricStat(string Namespace, string MetricName, IReadOnlyList<MetricDimension> Dimensions, int PeriodSeconds, string Stat);

internal sealed record MetricDataResult(string Id, string? Label, IReadOnlyList<(DateTimeOffset At, double Value)> Points, string StatusCode);

internal sealed record MetricAlarm(string Name, string State, DateTimeOffset? StateUpdated, string? Namespace, string? MetricName, double? Threshold, string? ComparisonOperator);

/// <summary>One StateUpdate of DescribeAlarmHistory, with the old and new state read from its HistoryData.</summary>
internal sealed record AlarmStateChange(string AlarmName, DateTimeOffset At, string Summary, string? OldState, string? NewState);

internal sealed class CloudWatchException(string code, string message, int status)
    : Exception($"CloudWatch {code} (HTTP {status}): {message}")
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}
