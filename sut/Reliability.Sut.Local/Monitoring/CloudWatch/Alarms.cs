using System.Globalization;
using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>An alarm with its state, as DescribeAlarms answers it.</summary>
internal sealed record AlarmState(AlarmDefinition Definition, string Value, string Reason, DateTimeOffset Updated, DateTimeOffset ConfigurationUpdated);

/// <summary>One item of DescribeAlarmHistory.</summary>
internal sealed record AlarmHistoryItem(string AlarmName, DateTimeOffset Timestamp, string Type, string Summary, string Data);

/// <summary>
/// The alarms and their evaluation, by CloudWatch's documented rules: at each evaluation the last
/// EvaluationPeriods complete periods are read; the alarm is ALARM when at least DatapointsToAlarm of them
/// breach, OK otherwise. Missing datapoints count as TreatMissingData says: breaching, notBreaching, ignore
/// (the state is kept when all are missing) or missing (INSUFFICIENT_DATA when all are missing; otherwise the
/// present ones decide). A new alarm starts in INSUFFICIENT_DATA; every change of state is written to history
/// as a StateUpdate with the old and new state in HistoryData, as AWS writes it.
/// </summary>
internal sealed class Alarms(MetricStore store, TimeProvider time)
{
    private const int MaxHistory = 10_000;
    private readonly Dictionary<string, AlarmState> _alarms = new(StringComparer.Ordinal);
    private readonly List<AlarmHistoryItem> _history = [];
    private readonly Lock _lock = new();

    public void Put(AlarmDefinition definition)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var created = !_alarms.TryGetValue(definition.Name, out var existing);
            _alarms[definition.Name] = existing is null
                ? new AlarmState(definition, "INSUFFICIENT_DATA", "Unchecked: Initial alarm creation", now, now)
                : existing with { Definition = definition, ConfigurationUpdated = now };
            AddHistory(new AlarmHistoryItem(definition.Name, now, "ConfigurationUpdate", created ? $"Alarm \"{definition.Name}\" created" : $"Alarm \"{definition.Name}\" updated",
                new JsonObject { ["version"] = "1.0", ["type"] = created ? "Create" : "Update" }.ToJsonString()));
        }
    }

    public IReadOnlyList<AlarmState> All()
    {
        lock (_lock)
        {
            return [.. _alarms.Values.OrderBy(a => a.Definition.Name, StringComparer.Ordinal)];
        }
    }

    public IReadOnlyList<AlarmHistoryItem> History()
    {
        lock (_lock)
        {
            return [.. _history];
        }
    }

    /// <summary>Evaluates every alarm at the current time.</summary>
    public void EvaluateAll()
    {
        var now = time.GetUtcNow();
        foreach (var alarm in All())
        {
            var (value, reason) = Evaluate(alarm, now);
            if (value is null || value == alarm.Value)
            {
                continue;
            }
            lock (_lock)
            {
                // Evaluated twice at once (the loop and a caller), the change is still written once.
                if (!_alarms.TryGetValue(alarm.Definition.Name, out var current) || current.Definition != alarm.Definition || current.Value == value)
                {
                    continue;
                }
                _alarms[alarm.Definition.Name] = current with { Value = value, Reason = reason, Updated = now };
                var data = new JsonObject
                {
                    ["version"] = "1.0",
                    ["oldState"] = new JsonObject { ["stateValue"] = current.Value, ["stateReason"] = current.Reason },
                    ["newState"] = new JsonObject { ["stateValue"] = value, ["stateReason"] = reason },
                };
                AddHistory(new AlarmHistoryItem(alarm.Definition.Name, now, "StateUpdate", $"Alarm updated from {current.Value} to {value}", data.ToJsonString()));
            }
        }
    }

    /// <summary>The state the alarm should be in now and why; null keeps the current state.</summary>
    internal (string? Value, string Reason) Evaluate(AlarmState alarm, DateTimeOffset now)
    {
        var d = alarm.Definition;
        var last = MetricStore.Align(now, d.Period).AddSeconds(-d.Period);
        var periods = Enumerable.Range(0, d.EvaluationPeriods).Select(i => last.AddSeconds(-d.Period * (d.EvaluationPeriods - 1 - i))).ToList();
        SortedDictionary<DateTimeOffset, double> points;
        try
        {
            points = d.Datapoints(store, periods);
        }
        catch (CloudWatchFault ex)
        {
            return ("INSUFFICIENT_DATA", $"Unchecked: {ex.Message}");
        }
        var present = periods.Where(points.ContainsKey).Select(p => points[p]).ToList();
        var missing = periods.Count - present.Count;
        if (present.Count == 0 && d.TreatMissingData is "missing" or "ignore")
        {
            return d.TreatMissingData == "ignore" ? (null, "") : ("INSUFFICIENT_DATA", $"Insufficient Data: {periods.Count} datapoints were unknown.");
        }
        var breaching = present.Count(d.Breaches) + (d.TreatMissingData == "breaching" ? missing : 0);
        var shown = string.Join(", ", present.Select(v => v.ToString("0.###", CultureInfo.InvariantCulture)));
        var threshold = d.Threshold.ToString("0.0##", CultureInfo.InvariantCulture);
        return breaching >= d.DatapointsToAlarm
            ? ("ALARM", $"Threshold Crossed: {breaching} out of the last {d.EvaluationPeriods} datapoints [{shown}] were {d.ComparisonWords} the threshold ({threshold}) (minimum {d.DatapointsToAlarm} datapoints for OK -> ALARM transition).")
            : ("OK", $"Threshold Crossed: {d.EvaluationPeriods - breaching} out of the last {d.EvaluationPeriods} datapoints [{shown}] were not {d.ComparisonWords} the threshold ({threshold}) (minimum 1 datapoint for ALARM -> OK transition).");
    }

    private void AddHistory(AlarmHistoryItem item)
    {
        _history.Add(item);
        if (_history.Count > MaxHistory)
        {
            _history.RemoveRange(0, _history.Count - MaxHistory);
        }
    }
}
