using System.Text.Json;
using Reliability.Load.Engine;
using Reliability.Load.Measurement;
using Reliability.Load.Sharding;

namespace Reliability.Load.Tests.Sharding;

/// <summary>Shards' measurements, sent as counts and encoded histograms, merged into one run's.</summary>
public sealed class ShardMeasurementsTests
{
    [Fact]
    public void Merged_shards_have_the_counts_and_percentiles_of_one_run_that_recorded_every_sample()
    {
        var random = new Random(7);
        var whole = new RunMeasurements(TimeSpan.FromSeconds(1));
        var shards = Enumerable.Range(0, 3).Select(_ => new RunMeasurements(TimeSpan.FromSeconds(1))).ToList();
        for (var i = 0; i < 30_000; i++)
        {
            // A long tail: most samples 1-50 ms, a few up to 5 s; 2 % fail, some as timeouts.
            var latency = TimeSpan.FromMicroseconds(random.NextDouble() < 0.01 ? random.Next(100_000, 5_000_000) : random.Next(1_000, 50_000));
            var ok = random.NextDouble() >= 0.02;
            var reason = ok ? null : random.NextDouble() < 0.5 ? "timeout" : "http_503";
            var second = TimeSpan.FromSeconds(random.Next(0, 30) + random.NextDouble());
            var shard = shards[i % 3];
            foreach (var run in new[] { whole, shard })
            {
                run.Scenario.Record(ok, reason, latency, latency / 2);
                run.Scenario.RecordRequest(ok);
                run.Step(i % 2 == 0 ? "create-task" : "get-task").Record(ok, reason, latency, latency / 2);
                run.Series.At(second).Record(ok, reason, latency, latency / 2);
                run.RecordLag(latency / 100);
            }
        }
        foreach (var shard in shards)
        {
            shard.CountDropped(TimeSpan.FromSeconds(3), measured: false);
        }

        var sent = shards.Select((s, i) => JsonSerializer.Deserialize<ShardMeasurements>(JsonSerializer.Serialize(ShardMeasurements.Of(i, s), JsonSerializerOptions.Web), JsonSerializerOptions.Web)!).ToList();
        var merged = ShardMeasurements.Merge(sent);

        Same(merged.Scenario, whole.Scenario, "the scenario");
        merged.Steps.Keys.Should().BeEquivalentTo(whole.Steps.Keys);
        foreach (var (name, stats) in whole.Steps)
        {
            Same(merged.Steps[name], stats, $"step {name}");
        }
        merged.Series.Buckets().Select(b => b.Start).Should().Equal(whole.Series.Buckets().Select(b => b.Start));
        foreach (var ((_, mine), (start, theirs)) in merged.Series.Buckets().Zip(whole.Series.Buckets()))
        {
            Same(mine, theirs, $"the bucket at {start.TotalSeconds} s");
        }
        merged.Dropped.Should().Be(3);
        merged.SchedulingLag.Percentile(99).Should().Be(whole.SchedulingLag.Percentile(99));
        merged.SchedulingLag.Count.Should().Be(whole.SchedulingLag.Count);
    }

    [Fact]
    public void Shards_measured_with_another_histogram_precision_are_refused_not_merged_approximately()
    {
        var run = new RunMeasurements(TimeSpan.FromSeconds(1));
        run.Scenario.Record(true, null, TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5));
        var good = ShardMeasurements.Of(0, run);
        var other = good with { Shard = 1, Scenario = good.Scenario with { Digits = 2 } };

        var merge = () => ShardMeasurements.Merge([good, other]);

        merge.Should().Throw<InvalidDataException>().WithMessage("shard 1 measured with another configuration*");
    }

    private static void Same(OutcomeStats merged, OutcomeStats whole, string what)
    {
        merged.Count.Should().Be(whole.Count, what);
        merged.Ok.Should().Be(whole.Ok, what);
        merged.Failures.Should().Equal(whole.Failures, what);
        merged.Requests.Should().Be(whole.Requests, what);
        merged.FailedRequests.Should().Be(whole.FailedRequests, what);
        foreach (var p in new[] { 50.0, 90, 95, 99, 99.9, 100 })
        {
            merged.Latency.Percentile(p).Should().Be(whole.Latency.Percentile(p), $"p{p} of {what}");
            merged.ServiceTime.Percentile(p).Should().Be(whole.ServiceTime.Percentile(p), $"service-time p{p} of {what}");
        }
        merged.Latency.Max.Should().Be(whole.Latency.Max, what);
    }
}
