using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// The operations the stand-in answers, request body in, result out, in the JSON shape of the CloudWatch
/// API reference (timestamps as DateTimeOffset values, written per protocol by <see cref="AwsWire"/>).
/// </summary>
internal sealed class CloudWatchApi(MetricStore store, Alarms alarms, TimeProvider time)
{
    private const int PageSize = 100;

    public JsonObject Invoke(string operation, JsonObject body) => operation switch
    {
        "PutMetricData" => PutMetricData(body),
        "GetMetricData" => GetMetricData(body),
        "PutMetricAlarm" => PutMetricAlarm(body),
        "DescribeAlarms" => DescribeAlarms(body),
        "DescribeAlarmHistory" => DescribeAlarmHistory(body),
        _ => throw new CloudWatchFault("InvalidAction", $"The action {operation} is not valid for this web service.", 400),
    };

    private JsonObject PutMetricData(JsonObject body)
    {
        var ns = Fields.RequiredString(body, "Namespace");
        if (ns.StartsWith("AWS/", StringComparison.Ordinal) && ns != "AWS/ApplicationELB")
        {
            // CloudWatch refuses AWS/ namespaces from customers; the embedded balancer plays the ALB, so that one is let in.
            throw CloudWatchFault.InvalidParameter($"The value {ns} for parameter Namespace is invalid.");
        }
        var now = time.GetUtcNow();
        foreach (var datum in Fields.List(body["MetricData"]).Select(d => d.AsObject()))
        {
            var key = MetricKey.Of(ns, Fields.RequiredString(datum, "MetricName"), Fields.Dimensions(datum["Dimensions"]));
            var at = Fields.Time(datum["Timestamp"], "Timestamp") ?? now;
            double[] values, counts;
            if (Fields.Double(datum["Value"], "Value") is { } value)
            {
                (values, counts) = ([value], [1]);
            }
            else if (datum["StatisticValues"] is JsonObject set)
            {
                // A statistic set carries no values: kept as its mean with its count, it answers Sum, Average and SampleCount (not percentiles).
                var n = Fields.Double(set["SampleCount"], "SampleCount") ?? 0;
                var sum = Fields.Double(set["Sum"], "Sum") ?? 0;
                values = n > 0 ? [sum / n] : [];
                counts = n > 0 ? [n] : [];
            }
            else
            {
                values = [.. Fields.List(datum["Values"]).Select(v => Fields.Double(v, "Values")!.Value)];
                counts = datum["Counts"] is null ? [.. values.Select(_ => 1.0)] : [.. Fields.List(datum["Counts"]).Select(c => Fields.Double(c, "Counts")!.Value)];
                if (values.Length == 0 || counts.Length != values.Length || values.Length > 150)
                {
                    throw CloudWatchFault.InvalidParameter("Values and Counts must be non-empty lists of the same length, at most 150 items.");
                }
            }
            store.Add(key, new Sample(at, values, counts));
        }
        return [];
    }

    private JsonObject GetMetricData(JsonObject body)
    {
        var start = Fields.Time(body["StartTime"], "StartTime") ?? throw CloudWatchFault.Validation("The parameter StartTime is required.");
        var end = Fields.Time(body["EndTime"], "EndTime") ?? throw CloudWatchFault.Validation("The parameter EndTime is required.");
        var queries = Fields.List(body["MetricDataQueries"]).Select(q => q.AsObject()).ToList();
        if (queries.Count == 0 || end <= start)
        {
            throw CloudWatchFault.Validation("MetricDataQueries must not be empty, and EndTime must be after StartTime.");
        }
        var period = queries.Select(q => Fields.Int(q["MetricStat"]?["Period"], "Period") ?? Fields.Int(q["Period"], "Period")).OfType<int>().DefaultIfEmpty(60).Max();
        var all = MetricQueries.EvaluateAll(queries, store, start, end, period, MetricQueries.Periods(start, end, period));
        var descending = Fields.String(body["ScanBy"]) != "TimestampAscending";
        var results = new JsonArray();
        foreach (var query in queries.Where(q => Fields.Bool(q["ReturnData"]) ?? true))
        {
            var id = Fields.RequiredString(query, "Id");
            var points = descending ? all[id].Reverse().ToList() : [.. all[id]];
            results.Add(new JsonObject
            {
                ["Id"] = id,
                ["Label"] = Fields.String(query["Label"]) ?? Fields.String(query["MetricStat"]?["Metric"]?["MetricName"]) ?? id,
                ["Timestamps"] = new JsonArray([.. points.Select(p => (JsonNode)JsonValue.Create(p.Key))]),
                ["Values"] = new JsonArray([.. points.Select(p => (JsonNode)p.Value)]),
                ["StatusCode"] = "Complete",
            });
        }
        return new JsonObject { ["MetricDataResults"] = results, ["Messages"] = new JsonArray() };
    }

    private JsonObject PutMetricAlarm(JsonObject body)
    {
        alarms.Put(AlarmDefinition.Parse((JsonObject)body.DeepClone()));
        return [];
    }

    private JsonObject DescribeAlarms(JsonObject body)
    {
        var names = Fields.List(body["AlarmNames"]).Select(Fields.String).ToHashSet();
        var prefix = Fields.String(body["AlarmNamePrefix"]);
        var state = Fields.String(body["StateValue"]);
        var types = Fields.List(body["AlarmTypes"]).Select(Fields.String).ToList();
        var matching = types.Count > 0 && !types.Contains("MetricAlarm")
            ? []
            : alarms.All().Where(a => (names.Count == 0 || names.Contains(a.Definition.Name))
                && (prefix is null || a.Definition.Name.StartsWith(prefix, StringComparison.Ordinal))
                && (state is null || a.Value == state)).ToList();
        var (page, next) = Page(matching, body);
        var result = new JsonObject { ["MetricAlarms"] = new JsonArray([.. page.Select(a => (JsonNode)Describe(a))]), ["CompositeAlarms"] = new JsonArray() };
        if (next is not null)
        {
            result["NextToken"] = next;
        }
        return result;
    }

    private JsonObject DescribeAlarmHistory(JsonObject body)
    {
        var name = Fields.String(body["AlarmName"]);
        var type = Fields.String(body["HistoryItemType"]);
        var start = Fields.Time(body["StartDate"], "StartDate") ?? DateTimeOffset.MinValue;
        var end = Fields.Time(body["EndDate"], "EndDate") ?? DateTimeOffset.MaxValue;
        var items = alarms.History().Where(h => (name is null || h.AlarmName == name) && (type is null || h.Type == type) && h.Timestamp >= start && h.Timestamp <= end);
        var ordered = (Fields.String(body["ScanBy"]) == "TimestampAscending" ? items.OrderBy(h => h.Timestamp) : items.OrderByDescending(h => h.Timestamp)).ToList();
        var (page, next) = Page(ordered, body);
        var result = new JsonObject
        {
            ["AlarmHistoryItems"] = new JsonArray([.. page.Select(h => (JsonNode)new JsonObject
            {
                ["AlarmName"] = h.AlarmName,
                ["AlarmType"] = "MetricAlarm",
                ["Timestamp"] = JsonValue.Create(h.Timestamp),
                ["HistoryItemType"] = h.Type,
                ["HistorySummary"] = h.Summary,
                ["HistoryData"] = h.Data,
            })]),
        };
        if (next is not null)
        {
            result["NextToken"] = next;
        }
        return result;
    }

    private static JsonObject Describe(AlarmState alarm)
    {
        // What was put, echoed back, with the state CloudWatch adds.
        var described = (JsonObject)alarm.Definition.Request.DeepClone();
        described["AlarmArn"] = $"arn:aws:cloudwatch:local:000000000000:alarm:{alarm.Definition.Name}";
        described["StateValue"] = alarm.Value;
        described["StateReason"] = alarm.Reason;
        described["StateUpdatedTimestamp"] = JsonValue.Create(alarm.Updated);
        described["AlarmConfigurationUpdatedTimestamp"] = JsonValue.Create(alarm.ConfigurationUpdated);
        described["StateTransitionedTimestamp"] = JsonValue.Create(alarm.Updated);
        return described;
    }

    private static (IReadOnlyList<T> Page, string? Next) Page<T>(IReadOnlyList<T> items, JsonObject body)
    {
        var from = int.TryParse(Fields.String(body["NextToken"]), out var offset) ? offset : 0;
        var size = Math.Clamp(Fields.Int(body["MaxRecords"], "MaxRecords") ?? PageSize, 1, PageSize);
        var page = items.Skip(from).Take(size).ToList();
        return (page, from + size < items.Count ? (from + size).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
    }
}
