using System.Text.Json;
using System.Text.Json.Serialization;
using Reliability.Load.Ledger;

namespace Reliability.Load.Sharding;

/// <summary>
/// What a shard tells its coordinator, one JSON object a line on its standard output: locally a pipe, on
/// Kubernetes the pod's log, which the coordinator follows through the API wherever it runs. The
/// coordinator answers (start, stop) on the shard's standard input locally; on Kubernetes the start time is
/// in the Job's spec and a stop is the Job's deletion.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(ShardReady), "ready")]
[JsonDerivedType(typeof(ShardProgress), "progress")]
[JsonDerivedType(typeof(ShardResult), "result")]
[JsonDerivedType(typeof(ShardLedger), "ledger")]
[JsonDerivedType(typeof(ShardFailed), "failed")]
[JsonDerivedType(typeof(ShardDone), "done")]
internal abstract record ShardEvent(int Shard)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string ToLine() => JsonSerializer.Serialize(this, Json);

    /// <summary>The event on a line, or null for anything else (a runtime's own message, a blank line).</summary>
    public static ShardEvent? Parse(string line)
    {
        if (!line.StartsWith("{\"event\":", StringComparison.Ordinal))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<ShardEvent>(line, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Its virtual users are prepared (signed up, logged in): it can start when told.</summary>
internal sealed record ShardReady(int Shard, int Users) : ShardEvent(Shard);

/// <summary>
/// Once a second: the cumulative scenario and step outcomes so far, and the last few seconds' buckets, each
/// replacing what the shard sent before (an iteration completes after the second it was intended in).
/// </summary>
internal sealed record ShardProgress(int Shard, double ElapsedSeconds, long Dropped, OutcomeParts Scenario, IReadOnlyDictionary<string, OutcomeParts> Steps,
    IReadOnlyList<BucketParts> Recent) : ShardEvent(Shard);

/// <summary>Everything it measured, at the end.</summary>
internal sealed record ShardResult(int Shard, DateTimeOffset StartedAt, double MeasuredSeconds, bool Cancelled, ShardMeasurements Measurements) : ShardEvent(Shard);

/// <summary>A batch of its write ledger, after the result.</summary>
internal sealed record ShardLedger(int Shard, IReadOnlyList<LedgerEntry> Entries) : ShardEvent(Shard);

/// <summary>It could not run (its users could not be prepared, the start time had passed): the run cannot be complete.</summary>
internal sealed record ShardFailed(int Shard, string Error) : ShardEvent(Shard);

/// <summary>Its last line: everything it had to say was said.</summary>
internal sealed record ShardDone(int Shard, long LedgerEntries) : ShardEvent(Shard);
