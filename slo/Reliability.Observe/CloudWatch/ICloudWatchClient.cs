namespace Reliability.Observe.CloudWatch;

/// <summary>
/// The CloudWatch operations the harness needs. A small interface so that AWSSDK.CloudWatch can stand
/// behind it where that package is available; here, <see cref="CloudWatchClient"/> implements it over HttpClient.
/// </summary>
public interface ICloudWatchClient
{
    Task<IReadOnlyList<MetricDataResult>> GetMetricDataAsync(IReadOnlyList<MetricDataQuery> queries, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default);
    Task<IReadOnlyList<MetricAlarm>> DescribeAlarmsAsync(IReadOnlyList<string>? alarmNames = null, string? namePrefix = null, CancellationToken ct = default);
    Task<IReadOnlyList<AlarmStateChange>> DescribeAlarmHistoryAsync(string alarmName, DateTimeOffset start, DateTimeOffset end, CancellationToken ct = default);
}

public sealed record MetricDimension(string Name, string Value);

/// <summary>A query of GetMetricData: a MetricStat (namespace, metric, dimensions, period, stat) or an Expression over other queries.</summary>
public sealed record MetricDataQuery(string Id, MetricStat? MetricStat = null, string? Expression = null, bool ReturnData = true, string? Label = null);

public sealed record MetricStat(string Namespace, string MetricName, IReadOnlyList<MetricDimension> Dimensions, int PeriodSeconds, string Stat);

public sealed record MetricDataResult(string Id, string? Label, IReadOnlyList<(DateTimeOffset At, double Value)> Points, string StatusCode);

public sealed record MetricAlarm(string Name, string State, DateTimeOffset? StateUpdated, string? Namespace, string? MetricName, double? Threshold, string? ComparisonOperator);

/// <summary>One StateUpdate of DescribeAlarmHistory, with the old and new state read from its HistoryData.</summary>
public sealed record AlarmStateChange(string AlarmName, DateTimeOffset At, string Summary, string? OldState, string? NewState);

public sealed class CloudWatchException(string code, string message, int status)
    : Exception($"CloudWatch {code} (HTTP {status}): {message}")
{
    public string Code { get; } = code;
    public int Status { get; } = status;
}
