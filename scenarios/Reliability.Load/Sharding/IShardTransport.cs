namespace Reliability.Load.Sharding;

/// <summary>
/// How the coordinator reaches its shards: local generator processes (their standard input and output), or
/// the pods of a Kubernetes Indexed Job (the start time in the Job's spec, their logs through the API). The
/// coordinator's logic does not know which.
/// </summary>
internal interface IShardTransport : IAsyncDisposable
{
    /// <summary>How many shards there are.</summary>
    int Count { get; }

    /// <summary>Every shard's output lines as they come, with the shard they came from; a shard's end of output comes as a null line.</summary>
    IAsyncEnumerable<(int Shard, string? Line)> ReadAsync(CancellationToken ct);

    /// <summary>Hands every shard the shared start time (a no-op where it was fixed in advance, as in a Job's spec).</summary>
    Task StartAsync(DateTimeOffset at, CancellationToken ct);

    /// <summary>Asks every shard to stop and report what it measured (an abort-on-fail threshold).</summary>
    Task StopAsync(CancellationToken ct);

    /// <summary>Ends every shard at once, without waiting for its results (a failed or silent shard, Ctrl-C).</summary>
    Task KillAsync();
}
