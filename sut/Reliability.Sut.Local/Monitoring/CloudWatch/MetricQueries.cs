using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// MetricDataQuery lists, as GetMetricData and metric-math alarms take them: each query is a MetricStat read
/// from the store or an Expression over the other queries' ids, evaluated once each, inputs first.
/// </summary>
internal static class MetricQueries
{
    /// <summary>Every query's series by id.</summary>
    public static Dictionary<string, SortedDictionary<DateTimeOffset, double>> EvaluateAll(IReadOnlyList<JsonObject> queries, MetricStore store, DateTimeOffset start, DateTimeOffset end, int period, IReadOnlyList<DateTimeOffset> periods)
    {
        var byId = queries.ToDictionary(q => Fields.RequiredString(q, "Id"), q => q);
        var done = new Dictionary<string, SortedDictionary<DateTimeOffset, double>>();
        var visiting = new HashSet<string>();

        SortedDictionary<DateTimeOffset, double> Of(string id)
        {
            if (done.TryGetValue(id, out var known))
            {
                return known;
            }
            if (!byId.TryGetValue(id, out var query))
            {
                throw CloudWatchFault.Validation($"Expression refers to unknown id '{id}'.");
            }
            if (!visiting.Add(id))
            {
                throw CloudWatchFault.Validation($"Expressions refer to each other in a cycle through '{id}'.");
            }
            SortedDictionary<DateTimeOffset, double> series;
            if (query["MetricStat"] is JsonObject stat)
            {
                var metric = stat["Metric"]?.AsObject() ?? throw CloudWatchFault.Validation($"MetricStat of '{id}' has no Metric.");
                var key = MetricKey.Of(Fields.RequiredString(metric, "Namespace"), Fields.RequiredString(metric, "MetricName"), Fields.Dimensions(metric["Dimensions"]));
                series = store.Series(key, Fields.RequiredString(stat, "Stat"), Fields.Int(stat["Period"], "Period") ?? period, start, end);
            }
            else if (Fields.String(query["Expression"]) is { } expression)
            {
                try
                {
                    series = MetricMath.Evaluate(expression, x => new MetricMath.Series(Of(x)), periods).Points;
                }
                catch (MetricMathException ex)
                {
                    throw CloudWatchFault.Validation(ex.Message);
                }
            }
            else
            {
                throw CloudWatchFault.Validation($"Query '{id}' needs a MetricStat or an Expression.");
            }
            visiting.Remove(id);
            return done[id] = series;
        }

        foreach (var id in byId.Keys)
        {
            Of(id);
        }
        return done;
    }

    /// <summary>The series of the one query that returns data (an alarm's metric math).</summary>
    public static SortedDictionary<DateTimeOffset, double> Evaluate(IReadOnlyList<JsonObject> queries, MetricStore store, DateTimeOffset start, DateTimeOffset end, int period, IReadOnlyList<DateTimeOffset> periods)
    {
        var all = EvaluateAll(queries, store, start, end, period, periods);
        var returned = queries.Single(q => Fields.Bool(q["ReturnData"]) ?? true);
        return all[Fields.RequiredString(returned, "Id")];
    }

    /// <summary>Period starts from start to end, aligned to the epoch.</summary>
    public static IReadOnlyList<DateTimeOffset> Periods(DateTimeOffset start, DateTimeOffset end, int period)
    {
        var list = new List<DateTimeOffset>();
        for (var at = MetricStore.Align(start, period); at < end && list.Count < 100_800; at = at.AddSeconds(period))
        {
            list.Add(at);
        }
        return list;
    }
}
