using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// A metric alarm as PutMetricAlarm defines it: one metric with a statistic (or an ExtendedStatistic such as
/// p95), or metric math with exactly one query returning data; Period, EvaluationPeriods, DatapointsToAlarm
/// (M of N), a threshold with its comparison, and how missing data counts.
/// </summary>
internal sealed record AlarmDefinition(
    string Name,
    JsonObject Request,
    int Period,
    int EvaluationPeriods,
    int DatapointsToAlarm,
    double Threshold,
    string ComparisonOperator,
    string TreatMissingData,
    MetricKey? Metric,
    string? Statistic,
    IReadOnlyList<JsonObject> Metrics)
{
    private static readonly string[] Comparisons = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];
    private static readonly string[] MissingData = ["missing", "ignore", "breaching", "notBreaching"];

    public static AlarmDefinition Parse(JsonObject request)
    {
        Normalize(request);
        var name = Fields.RequiredString(request, "AlarmName");
        var evaluationPeriods = Fields.Int(request["EvaluationPeriods"], "EvaluationPeriods") ?? throw CloudWatchFault.Validation("The parameter EvaluationPeriods is required.");
        var datapoints = Fields.Int(request["DatapointsToAlarm"], "DatapointsToAlarm") ?? evaluationPeriods;
        if (evaluationPeriods < 1 || datapoints < 1 || datapoints > evaluationPeriods)
        {
            throw CloudWatchFault.Validation($"DatapointsToAlarm ({datapoints}) must be between 1 and EvaluationPeriods ({evaluationPeriods}).");
        }
        var threshold = Fields.Double(request["Threshold"], "Threshold") ?? throw CloudWatchFault.Validation("The parameter Threshold is required.");
        var comparison = Fields.RequiredString(request, "ComparisonOperator");
        if (!Comparisons.Contains(comparison))
        {
            throw CloudWatchFault.Validation($"Invalid ComparisonOperator {comparison}: one of {string.Join(", ", Comparisons)}.");
        }
        var missing = Fields.String(request["TreatMissingData"]) ?? "missing";
        if (!MissingData.Contains(missing))
        {
            throw CloudWatchFault.Validation($"Invalid TreatMissingData {missing}: one of {string.Join(", ", MissingData)}.");
        }
        var metrics = Fields.List(request["Metrics"]).Select(m => m.AsObject()).ToList();
        if (metrics.Count > 0)
        {
            if (request["MetricName"] is not null)
            {
                throw CloudWatchFault.Validation("Metrics and MetricName cannot both be specified.");
            }
            if (metrics.Count(m => Fields.Bool(m["ReturnData"]) ?? true) != 1)
            {
                throw CloudWatchFault.Validation("Exactly one element of the Metrics list must return data.");
            }
            var periods = metrics.Select(m => Fields.Int(m["MetricStat"]?["Period"], "Period")).OfType<int>().ToList();
            foreach (var m in metrics)
            {
                Fields.RequiredString(m, "Id");
                if (m["MetricStat"] is JsonObject stat && !MetricStore.IsStatistic(Fields.RequiredString(stat, "Stat")))
                {
                    throw CloudWatchFault.Validation($"Invalid Stat {stat["Stat"]} in metric {m["Id"]}.");
                }
            }
            var period = periods.Count > 0 ? periods.Max() : Fields.Int(metrics.First(m => Fields.Bool(m["ReturnData"]) ?? true)["Period"], "Period") ?? 60;
            return new AlarmDefinition(name, request, Range(Positive(period), evaluationPeriods), evaluationPeriods, datapoints, threshold, comparison, missing, null, null, metrics);
        }
        var statistic = Fields.String(request["Statistic"]) ?? Fields.String(request["ExtendedStatistic"])
            ?? throw CloudWatchFault.Validation("Statistic or ExtendedStatistic is required with MetricName.");
        if (!MetricStore.IsStatistic(statistic))
        {
            throw CloudWatchFault.Validation($"Invalid statistic {statistic}.");
        }
        var key = MetricKey.Of(Fields.RequiredString(request, "Namespace"), Fields.RequiredString(request, "MetricName"), Fields.Dimensions(request["Dimensions"]));
        var single = Fields.Int(request["Period"], "Period") ?? throw CloudWatchFault.Validation("The parameter Period is required.");
        return new AlarmDefinition(name, request, Range(Positive(single), evaluationPeriods), evaluationPeriods, datapoints, threshold, comparison, missing, key, statistic, []);
    }

    /// <summary>The value of each period in the range, or nothing where no datapoint exists.</summary>
    public SortedDictionary<DateTimeOffset, double> Datapoints(MetricStore store, IReadOnlyList<DateTimeOffset> periods)
    {
        var start = periods[0];
        var end = periods[^1].AddSeconds(Period);
        if (Metric is not null)
        {
            return store.Series(Metric, Statistic!, Period, start, end);
        }
        return MetricQueries.Evaluate(Metrics, store, start, end, Period, periods);
    }

    public bool Breaches(double value) => ComparisonOperator switch
    {
        "GreaterThanThreshold" => value > Threshold,
        "GreaterThanOrEqualToThreshold" => value >= Threshold,
        "LessThanThreshold" => value < Threshold,
        _ => value <= Threshold,
    };

    public string ComparisonWords => ComparisonOperator switch
    {
        "GreaterThanThreshold" => "greater than",
        "GreaterThanOrEqualToThreshold" => "greater than or equal to",
        "LessThanThreshold" => "less than",
        _ => "less than or equal to",
    };

    /// <summary>Numbers and booleans as numbers and booleans, whichever protocol put the alarm, so that it is described alike on both.</summary>
    private static void Normalize(JsonObject request)
    {
        foreach (var field in new[] { "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold" })
        {
            if (request[field] is { } node)
            {
                request[field] = Fields.Double(node, field);
            }
        }
        if (request["ActionsEnabled"] is { } enabled)
        {
            request["ActionsEnabled"] = Fields.Bool(enabled);
        }
        foreach (var metric in Fields.List(request["Metrics"]).Select(m => m.AsObject()))
        {
            if (metric["ReturnData"] is { } returns)
            {
                metric["ReturnData"] = Fields.Bool(returns);
            }
            foreach (var holder in new[] { metric, metric["MetricStat"] as JsonObject })
            {
                if (holder?["Period"] is { } period)
                {
                    holder["Period"] = Fields.Int(period, "Period");
                }
            }
        }
    }

    /// <summary>As CloudWatch: the evaluation range (Period × EvaluationPeriods) is at most 7 days, so an evaluation reads a bounded number of periods.</summary>
    private static int Range(int period, int evaluationPeriods) => (long)period * evaluationPeriods <= 7 * 86_400
        ? period
        : throw CloudWatchFault.Validation($"Period ({period}) × EvaluationPeriods ({evaluationPeriods}) must not exceed 7 days.");

    private static int Positive(int period) => period >= 1 ? period : throw CloudWatchFault.Validation($"Period must be at least 1 second, got {period}.");
}
