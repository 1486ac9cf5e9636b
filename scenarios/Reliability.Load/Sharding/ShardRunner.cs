using System.Globalization;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Measurement;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Load.Sharding;

/// <summary>
/// One shard of a sharded run, in a generator process of its own: its share of the load
/// (<see cref="ExecutionSegment"/>), started together with the other shards, and reported to the
/// coordinator as <see cref="ShardEvent"/> lines. Thresholds are not judged here: a shard sees only its
/// share, so the coordinator judges them on the merged whole and stops every shard when one aborts.
/// </summary>
internal sealed class ShardRunner(ExecutionSegment segment, TextWriter output, TimeProvider time)
{
    // Small enough that a batch stays one line under a container runtime's 16 KiB log record.
    private const int LedgerBatch = 100;
    private readonly object _writeLock = new();

    /// <summary>The start time, when the coordinator put it in the shard's spec (Kubernetes); otherwise it comes on standard input.</summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>A start time this far past when the shard is ready means it missed the start: it fails rather than run short.</summary>
    public TimeSpan LateBy { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Runs the shard. <paramref name="input"/> carries "start &lt;time&gt;" and "stop" locally (null on Kubernetes); its
    /// end stops the shard too. <paramref name="stopRequested"/> asks it to stop and report what it measured, as "stop"
    /// does: on Kubernetes a pod is stopped with SIGTERM, and the coordinator reads the results from its log.
    /// </summary>
    public async Task<int> RunAsync(HttpClient http, Func<WriteLedger, Scenario> scenario, string ledgerPath, TextReader? input, CancellationToken ct,
        CancellationToken stopRequested = default)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct, stopRequested);
        var start = new TaskCompletionSource<DateTimeOffset>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (StartAt is { } at)
        {
            start.SetResult(at);
        }
        if (input is not null)
        {
            Listen(input, start, stop);
        }
        ScenarioRun run;
        long entries;
        try
        {
            await using (var ledger = new WriteLedger(ledgerPath, time))
            {
                var engine = new LoadEngine(http, time, new ProgressWriter(this, segment.Index))
                {
                    Segment = segment,
                    BeforeStart = (users, token) => WaitForStartAsync(users, start.Task, token),
                };
                run = await engine.RunAsync(scenario(ledger) with { Thresholds = [] }, stop.Token);
            }
            Write(new ShardResult(segment.Index, run.StartedAt, run.MeasuredFor.TotalSeconds, run.Cancelled, ShardMeasurements.Of(segment.Index, run.Measurements)));
            entries = await SendLedgerAsync(ledgerPath);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            Write(new ShardFailed(segment.Index, ex is OperationCanceledException ? "stopped before it started" : ex.Message));
            return 3;
        }
        finally
        {
            await stop.CancelAsync();
        }
        Write(new ShardDone(segment.Index, entries));
        return 0;
    }

    private async Task WaitForStartAsync(int users, Task<DateTimeOffset> start, CancellationToken ct)
    {
        Write(new ShardReady(segment.Index, users));
        var at = await start.WaitAsync(ct);
        var wait = at - time.GetUtcNow();
        if (wait < -LateBy)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"shard {segment} was ready {-wait.TotalSeconds:0.0} s after the shared start time {at:HH:mm:ss}: it would run short"));
        }
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
        }
    }

    /// <summary>
    /// Reads the coordinator's lines on a thread of its own (the console's reader blocks, even through its async
    /// methods): the start time, a stop, or the end of input, meaning the coordinator is gone: stop too.
    /// </summary>
    private static void Listen(TextReader input, TaskCompletionSource<DateTimeOffset> start, CancellationTokenSource stop)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (input.ReadLine() is { } line)
                {
                    if (line.StartsWith("start ", StringComparison.Ordinal)
                        && DateTimeOffset.TryParse(line[6..], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
                    {
                        start.TrySetResult(at);
                    }
                    else if (line == "stop")
                    {
                        break;
                    }
                }
            }
            catch (IOException)
            {
            }
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run is over already.
            }
        })
        { IsBackground = true, Name = "shard input" };
        thread.Start();
    }

    private async Task<long> SendLedgerAsync(string path)
    {
        var batch = new List<LedgerEntry>(LedgerBatch);
        long count = 0;
        await foreach (var entry in WriteLedger.ReadAsync(path))
        {
            batch.Add(entry);
            count++;
            if (batch.Count == LedgerBatch)
            {
                Write(new ShardLedger(segment.Index, [.. batch]));
                batch.Clear();
            }
        }
        if (batch.Count > 0)
        {
            Write(new ShardLedger(segment.Index, batch));
        }
        return count;
    }

    private void Write(ShardEvent evt)
    {
        var line = evt.ToLine();
        lock (_writeLock)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>
    /// Once a second, the shard's progress for the coordinator's live view and its abort-on-fail thresholds. A
    /// histogram being recorded into can refuse a copy ("modified during enumeration", seen under a saturating
    /// closed-model load); that part is then sent as last taken, so that progress, and the shard's liveness with
    /// it, never stops. The result at the end is taken after the load, when nothing records any more.
    /// </summary>
    private sealed class ProgressWriter(ShardRunner runner, int shard) : ILoadProgress
    {
        private readonly Dictionary<string, OutcomeParts> _last = new(StringComparer.Ordinal);

        public void OnSimulation(LoadSimulation simulation)
        {
        }

        public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
        {
            var width = measurements.Series.BucketWidth;
            var last = (long)Math.Floor(elapsed / width);
            var recent = measurements.Series.Buckets()
                .Select(b => (Index: (long)Math.Round(b.Start / width), b.Stats))
                .Where(b => b.Index >= last - 3)
                .Select(b => new BucketParts(b.Index, Snapshot($"bucket {b.Index}", b.Stats)))
                .ToList();
            // Only the buckets still sent are kept as a fallback: a long run does not grow this.
            foreach (var stale in _last.Keys.Where(k => k.StartsWith("bucket ", StringComparison.Ordinal) && long.Parse(k[7..], CultureInfo.InvariantCulture) < last - 3).ToList())
            {
                _last.Remove(stale);
            }
            runner.Write(new ShardProgress(shard, elapsed.TotalSeconds, measurements.Dropped, Snapshot("", measurements.Scenario),
                measurements.Steps.ToDictionary(s => s.Key, s => Snapshot("step " + s.Key, s.Value), StringComparer.Ordinal), recent));
        }

        private OutcomeParts Snapshot(string key, OutcomeStats stats)
        {
            try
            {
                return _last[key] = OutcomeParts.Of(stats);
            }
            catch (InvalidOperationException)
            {
                return _last.TryGetValue(key, out var previous) ? previous : OutcomeParts.Of(new OutcomeStats(stats.Latency.SignificantDigits));
            }
        }
    }
}
