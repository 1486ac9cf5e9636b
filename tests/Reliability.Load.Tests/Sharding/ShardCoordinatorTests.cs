using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Measurement;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;
using Reliability.Load.Simulations;
using Reliability.Load.Thresholds;

namespace Reliability.Load.Tests.Sharding;

/// <summary>The coordinator of a sharded run against scripted shards, on a fake clock.</summary>
public sealed class ShardCoordinatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly ScriptedShards _shards = new(2);

    [Fact]
    public async Task Shards_start_together_once_all_are_ready_and_their_results_and_ledgers_merge_into_one_run()
    {
        var running = Coordinator().RunAsync(CancellationToken.None);
        _shards.Say(0, new ShardReady(0, 5));
        await Until(() => _shards.Lines == 0);
        _time.Advance(TimeSpan.FromSeconds(1));
        _shards.StartAt.Should().BeNull("shard 1 is not ready yet");
        _shards.Say(1, new ShardReady(1, 5));
        await Until(() => _shards.StartAt is not null, advance: true);

        _shards.StartAt.Should().Be(_time.GetUtcNow() + TimeSpan.FromMilliseconds(500), "one start time, a little ahead, for all");
        Finish(0, ok: 100, failed: 0, acks: [T0.AddSeconds(3), T0.AddSeconds(5)]);
        Finish(1, ok: 90, failed: 10, acks: [T0.AddSeconds(4)]);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Failure.Should().BeNull();
        outcome.Run!.Measurements.Scenario.Count.Should().Be(200);
        outcome.Run.Measurements.Scenario.Failed.Should().Be(10);
        outcome.Ledger.Select(e => e.AckAt).Should().Equal(T0.AddSeconds(3), T0.AddSeconds(4), T0.AddSeconds(5));
        outcome.Run.Thresholds.Should().ContainSingle().Which.Passed.Should().BeFalse("fail_rate < 1% is judged on the merged whole: 5 %");
        _shards.Killed.Should().BeFalse();
    }

    [Fact]
    public async Task A_shard_that_fails_stops_every_shard_and_no_result_is_reported()
    {
        var running = await StartedAsync();

        _shards.Say(1, new ShardFailed(1, "virtual user 3 could not sign up"));
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Run.Should().BeNull();
        outcome.Failure.Should().Be("shard 1 failed: virtual user 3 could not sign up");
        _shards.Killed.Should().BeTrue();
    }

    [Fact]
    public async Task A_shard_whose_output_ends_before_it_is_done_fails_the_run()
    {
        var running = await StartedAsync();

        _shards.End(0);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Failure.Should().Be("shard 0 ended before it finished");
        _shards.Killed.Should().BeTrue();
    }

    [Fact]
    public async Task A_shard_that_says_nothing_for_the_silence_limit_fails_the_run()
    {
        var running = await StartedAsync();
        var ticks = _shards.Ticks;

        for (var second = 1; second <= 16 && !running.IsCompleted; second++)
        {
            _shards.Say(0, Progress(0, second, ok: 10 * second, failed: 0));
            await Until(() => _shards.Lines == 0 || running.IsCompleted);
            _time.Advance(TimeSpan.FromSeconds(1));
            await Until(() => _shards.Ticks >= ticks + second || running.IsCompleted, because: $"tick {second} (ticks {_shards.Ticks}, from {ticks})");
        }
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Failure.Should().Be("shard 1 said nothing for 15 s");
        _shards.Killed.Should().BeTrue();
    }

    [Fact]
    public async Task An_abort_on_fail_threshold_is_judged_on_the_merged_progress_and_stops_every_shard()
    {
        var running = await StartedAsync(Threshold.Parse("fail_rate < 10%", abortOnFail: true));

        // Shard 0 alone is at 0 %, shard 1 alone at 25 %: the whole is at 12.5 %.
        _shards.Say(0, Progress(0, 3, ok: 100, failed: 0));
        _shards.Say(1, Progress(1, 3, ok: 75, failed: 25));
        await Until(() => _shards.Lines == 0);
        await Until(() => _shards.Stopped, advance: true);
        Finish(0, ok: 100, failed: 0, acks: []);
        Finish(1, ok: 75, failed: 25, acks: []);
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Run!.AbortedBy!.Measured.Should().BeApproximately(0.125, 0.0001);
        outcome.Run.Passed.Should().BeFalse();
    }

    [Fact]
    public async Task Ctrl_C_kills_every_shard_and_reports_no_result()
    {
        using var cancel = new CancellationTokenSource();
        var running = Coordinator().RunAsync(cancel.Token);

        await cancel.CancelAsync();
        var outcome = await running.WaitAsync(TimeSpan.FromSeconds(10));

        outcome.Interrupted.Should().BeTrue();
        outcome.Run.Should().BeNull();
        _shards.Killed.Should().BeTrue();
    }

    private ShardCoordinator Coordinator(params Threshold[] thresholds) => new(_shards, new Scenario
    {
        Name = "crud",
        Run = _ => Task.CompletedTask,
        Simulations = [new ConstantArrivalRate(100, TimeSpan.FromSeconds(60), 100)],
        Thresholds = thresholds.Length > 0 ? thresholds : [Threshold.Parse("fail_rate < 1%")],
    }, _time) { Ticked = () => _shards.Ticks++ };

    private async Task<Task<ShardedRun>> StartedAsync(params Threshold[] thresholds)
    {
        var running = Coordinator(thresholds).RunAsync(CancellationToken.None);
        _shards.Say(0, new ShardReady(0, 5));
        _shards.Say(1, new ShardReady(1, 5));
        await Until(() => _shards.StartAt is not null, advance: true);
        _time.Advance(TimeSpan.FromSeconds(1));
        return running;
    }

    private void Finish(int shard, long ok, long failed, DateTimeOffset[] acks)
    {
        var run = new RunMeasurements(TimeSpan.FromSeconds(1));
        for (var i = 0; i < ok + failed; i++)
        {
            run.Scenario.Record(i < ok, i < ok ? null : "http_503", TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        }
        _shards.Say(shard, new ShardResult(shard, T0, 60, false, ShardMeasurements.Of(shard, run)));
        _shards.Say(shard, new ShardLedger(shard, [.. acks.Select(a => new LedgerEntry("task", 1, "create", "h", a, shard))]));
        _shards.Say(shard, new ShardDone(shard, acks.Length));
        _shards.End(shard);
    }

    private static ShardProgress Progress(int shard, double elapsed, long ok, long failed)
    {
        var stats = OutcomeStats.Restore(ok, failed > 0 ? new Dictionary<string, long> { ["http_503"] = failed } : new Dictionary<string, long>(), new LatencyHistogram());
        return new ShardProgress(shard, elapsed, 0, OutcomeParts.Of(stats), new Dictionary<string, OutcomeParts>(), []);
    }

    /// <summary>Waits for the coordinator (on the thread pool) to get somewhere; with <paramref name="advance"/>, moving the clock a second at a time.</summary>
    private async Task Until(Func<bool> condition, bool advance = false, string because = "")
    {
        for (var attempt = 0; attempt < 500 && !condition(); attempt++)
        {
            if (advance && attempt % 10 == 9)
            {
                _time.Advance(TimeSpan.FromSeconds(1));
            }
            await Task.Delay(10);
        }
        condition().Should().BeTrue($"the coordinator got there within 5 s {because}");
    }

    /// <summary>Shards whose lines the test writes; what the coordinator asked of them is kept.</summary>
    private sealed class ScriptedShards(int count) : IShardTransport
    {
        private readonly Channel<(int, string?)> _lines = Channel.CreateUnbounded<(int, string?)>();
        private int _pending;

        public int Count => count;
        public DateTimeOffset? StartAt { get; private set; }
        public bool Stopped { get; private set; }
        public bool Killed { get; private set; }
        public int Ticks { get; set; }

        /// <summary>Lines written and not read yet.</summary>
        public int Lines => Volatile.Read(ref _pending);

        public void Say(int shard, ShardEvent evt)
        {
            Interlocked.Increment(ref _pending);
            _lines.Writer.TryWrite((shard, evt.ToLine()));
        }

        public void End(int shard)
        {
            Interlocked.Increment(ref _pending);
            _lines.Writer.TryWrite((shard, null));
        }

        public async IAsyncEnumerable<(int Shard, string? Line)> ReadAsync([EnumeratorCancellation] CancellationToken ct)
        {
            while (await _lines.Reader.WaitToReadAsync(ct))
            {
                while (_lines.Reader.TryRead(out var line))
                {
                    yield return line;
                    Interlocked.Decrement(ref _pending);
                }
            }
        }

        public Task StartAsync(DateTimeOffset at, CancellationToken ct)
        {
            StartAt = at;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct)
        {
            Stopped = true;
            return Task.CompletedTask;
        }

        public Task KillAsync()
        {
            Killed = true;
            return Task.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
