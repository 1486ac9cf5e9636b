using System.Globalization;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Measurement;
using Reliability.Load.Scenarios;
using Reliability.Load.Thresholds;

namespace Reliability.Load.Sharding;

/// <summary>
/// How a sharded run ended: the merged run (every shard's measurements added, thresholds judged on the whole)
/// and the merged write ledger, or why it is not complete (a shard failed, fell silent, or Ctrl-C): then no
/// run is reported, as a smaller load must not pass for the configured one.
/// </summary>
internal sealed record ShardedRun(ScenarioRun? Run, IReadOnlyList<LedgerEntry> Ledger, string? Failure, bool Interrupted);

/// <summary>
/// The coordinator of a sharded run, wherever it runs: waits for every shard to be ready, hands out one start
/// time, shows the merged progress once a second, judges abort-on-fail thresholds on the merged data (and
/// stops every shard when one fails), and merges the results: histograms added, never percentiles averaged.
/// A shard that fails, ends before it is done, or says nothing for <see cref="Silence"/> ends the run for all.
/// </summary>
internal sealed partial class ShardCoordinator(IShardTransport shards, Scenario scenario, TimeProvider time, ILoadProgress? progress = null)
{
    /// <summary>A shard that says nothing for this long is taken for dead (its progress comes every second).</summary>
    public TimeSpan Silence { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the shards may take to prepare their virtual users.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The start time handed out is this far ahead of the moment the last shard was ready, so that it reaches all in time.</summary>
    public TimeSpan StartLead { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The start time, when it was fixed in the shards' spec before they existed (a Kubernetes Job: nothing reaches
    /// a pod afterwards); a shard not ready by then fails the run. Null: handed out once every shard is ready.
    /// </summary>
    public DateTimeOffset? StartAt { get; init; }

    /// <summary>After the run's duration, how long the shards may take to finish in-flight iterations and send their results.</summary>
    public TimeSpan FinishGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Called after each second's checks: a test's window on the coordinator's clock.</summary>
    internal Action? Ticked { get; init; }

    private readonly Shard[] _shards = [.. Enumerable.Range(0, shards.Count).Select(i => new Shard(i))];
    private DateTimeOffset? _startAt;
    private bool _stopped;
    // Decoded once as they come (a bucket is re-sent for a few seconds, mostly unchanged), not every second.
    private readonly Dictionary<(int Shard, long Index), (OutcomeParts Parts, OutcomeStats Stats)> _series = [];
    private ThresholdVerdict? _abortedBy;

    /// <summary>
    /// Runs the shards to their end. <paramref name="stop"/> asks them to finish now and report what they measured
    /// (an experiment whose runbook is done); <paramref name="ct"/> (Ctrl-C) kills them and reports nothing.
    /// </summary>
    public async Task<ShardedRun> RunAsync(CancellationToken ct, CancellationToken stop = default)
    {
        var began = time.GetUtcNow();
        foreach (var shard in _shards)
        {
            shard.LastHeard = began;
        }
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var lines = shards.ReadAsync(reading.Token).GetAsyncEnumerator(reading.Token);
        Task<bool>? pending = null;
        Task? tick = null;
        var open = true;
        var nextTick = began + TimeSpan.FromSeconds(1);
        string? failure = null;
        try
        {
            while (failure is null && !_shards.All(s => s.Done))
            {
                if (open)
                {
                    pending ??= lines.MoveNextAsync().AsTask();
                }
                // One timer per second, not one per line: many shards send many lines.
                var wait = nextTick - time.GetUtcNow();
                tick ??= wait > TimeSpan.Zero ? Task.Delay(wait, time, ct) : Task.CompletedTask;
                var first = await Task.WhenAny(open ? new Task[] { pending!, tick } : new[] { tick });
                ct.ThrowIfCancellationRequested();
                if (open && first == pending)
                {
                    var line = pending;
                    pending = null;
                    if (await line)
                    {
                        failure = Handle(lines.Current.Shard, lines.Current.Line);
                    }
                    else
                    {
                        open = false;
                    }
                    continue;
                }
                tick = null;
                nextTick += TimeSpan.FromSeconds(1);
                if (stop.IsCancellationRequested && !_stopped)
                {
                    _stopped = true;
                    await shards.StopAsync(ct);
                }
                failure = await EverySecondAsync(began, ct);
                Ticked?.Invoke();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await shards.KillAsync();
            return new ShardedRun(null, [], "interrupted (Ctrl-C or SIGTERM): every shard was stopped", Interrupted: true);
        }
        finally
        {
            // The enumerator cannot be disposed with a read in flight: end the read first.
            await reading.CancelAsync();
            if (pending is not null)
            {
                try
                {
                    await pending;
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
        if (failure is not null)
        {
            await shards.KillAsync();
            return new ShardedRun(null, [], failure, Interrupted: false);
        }
        return Merge();
    }

    /// <summary>One line of a shard's output; a failure of the run, or null.</summary>
    private string? Handle(int index, string? line)
    {
        var shard = _shards[index];
        shard.LastHeard = time.GetUtcNow();
        if (line is null)
        {
            return shard.Done ? null : $"shard {index} ended before it finished{(_startAt is null ? " (before the start)" : "")}";
        }
        switch (ShardEvent.Parse(line))
        {
            case ShardReady:
                shard.Ready = true;
                break;
            case ShardProgress p:
                shard.Progress = p;
                shard.Scenario = p.Scenario.ToStats();
                shard.Steps = [.. p.Steps.Select(s => (s.Key, s.Value.ToStats()))];
                foreach (var bucket in p.Recent)
                {
                    if (!_series.TryGetValue((index, bucket.Index), out var known) || !known.Parts.Same(bucket.Outcomes))
                    {
                        _series[(index, bucket.Index)] = (bucket.Outcomes, bucket.Outcomes.ToStats());
                    }
                }
                break;
            case ShardResult r:
                shard.Result = r;
                break;
            case ShardLedger l:
                shard.Ledger.AddRange(l.Entries);
                break;
            case ShardFailed f:
                return $"shard {index} failed: {f.Error}";
            case ShardDone d:
                if (shard.Result is null || shard.Ledger.Count != d.LedgerEntries)
                {
                    return $"shard {index} finished without its whole result ({shard.Ledger.Count} of {d.LedgerEntries} ledger entries)";
                }
                shard.Done = true;
                break;
        }
        return null;
    }

    /// <summary>Once a second: the start, deadlines and silence, the live view and the abort-on-fail thresholds.</summary>
    private async Task<string?> EverySecondAsync(DateTimeOffset began, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (_startAt is null)
        {
            if (_shards.All(s => s.Ready))
            {
                _startAt = StartAt ?? now + StartLead;
                await shards.StartAsync(_startAt.Value, ct);
                progress?.OnStart(_startAt.Value);
                foreach (var shard in _shards)
                {
                    shard.LastHeard = now;
                }
            }
            else if (StartAt is { } fixedStart && now > fixedStart + TimeSpan.FromSeconds(2))
            {
                return $"shards {string.Join(", ", _shards.Where(s => !s.Ready).Select(s => s.Index))} were not ready at the start time {fixedStart:HH:mm:ss}";
            }
            else if (now - began > ReadyTimeout)
            {
                return $"shards {string.Join(", ", _shards.Where(s => !s.Ready).Select(s => s.Index))} were not ready within {ReadyTimeout.TotalSeconds:0} s";
            }
            return null;
        }
        if (_shards.FirstOrDefault(s => !s.Done && now - s.LastHeard > Silence) is { } silent)
        {
            return $"shard {silent.Index} said nothing for {Silence.TotalSeconds:0} s";
        }
        var elapsed = now - _startAt.Value;
        if (elapsed > scenario.Duration + FinishGrace)
        {
            return $"shards {string.Join(", ", _shards.Where(s => !s.Done).Select(s => s.Index))} did not finish within {FinishGrace.TotalSeconds:0} s of the run's end";
        }
        if (elapsed <= TimeSpan.Zero || _shards.Any(s => s.Result is not null))
        {
            return null;
        }
        var live = Live();
        progress?.OnTick(scenario, live, elapsed);
        if (_abortedBy is null && elapsed > scenario.WarmUp)
        {
            foreach (var threshold in scenario.Thresholds.Where(t => t.AbortOnFail))
            {
                if (threshold.Evaluate(live, elapsed - scenario.WarmUp) is { Passed: false, Measured: not null } verdict)
                {
                    _abortedBy = verdict;
                    await shards.StopAsync(ct);
                    break;
                }
            }
        }
        return null;
    }

    /// <summary>
    /// The shards' latest progress merged: cumulative outcomes, and every second's bucket as last reported (a
    /// runner judges the steady state on them before it injects).
    /// </summary>
    private RunMeasurements Live()
    {
        var live = new RunMeasurements(TimeSpan.FromSeconds(1));
        foreach (var shard in _shards.Where(s => s.Progress is not null))
        {
            live.Add(shard.Scenario!, shard.Steps, [], new LatencyHistogram(), shard.Progress!.Dropped);
        }
        live.Add(new OutcomeStats(), [], _series.Select(b => (b.Key.Index, b.Value.Stats)), new LatencyHistogram(), 0);
        return live;
    }

    private ShardedRun Merge()
    {
        var results = _shards.Select(s => s.Result!).ToList();
        var measurements = ShardMeasurements.Merge([.. results.Select(r => r.Measurements)]);
        var measuredFor = TimeSpan.FromSeconds(results.Max(r => r.MeasuredSeconds));
        var verdicts = scenario.Thresholds.Select(t => t.Evaluate(measurements, measuredFor)).ToList();
        var run = new ScenarioRun(scenario, measurements, verdicts, results.Min(r => r.StartedAt), measuredFor, _abortedBy,
            Cancelled: _abortedBy is null && results.Any(r => r.Cancelled));
        var ledger = _shards.SelectMany(s => s.Ledger).OrderBy(e => e.AckAt).ToList();
        return new ShardedRun(run, ledger, null, Interrupted: false);
    }

    /// <summary>What the coordinator knows of one shard.</summary>
    private sealed class Shard(int index)
    {
        public int Index { get; } = index;
        public DateTimeOffset LastHeard { get; set; }
        public bool Ready { get; set; }
        public bool Done { get; set; }
        public ShardProgress? Progress { get; set; }
        public OutcomeStats? Scenario { get; set; }
        public IReadOnlyList<(string, OutcomeStats)> Steps { get; set; } = [];
        public ShardResult? Result { get; set; }
        public List<LedgerEntry> Ledger { get; } = [];
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{shards.Count} shards of {scenario.Name}");
}
