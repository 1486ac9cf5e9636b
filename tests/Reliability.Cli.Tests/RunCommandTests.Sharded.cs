using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests;

public sealed partial class RunCommandTests
{
    [Fact]
    public async Task An_experiment_whose_load_is_split_across_two_shards_is_judged_on_their_merged_evidence()
    {
        var output = Path.Combine(_work, "sharded");
        var copy = RoomyLatencyCopy("pod-kill.yaml");
        var text = File.ReadAllText(copy);
        text.Should().Contain("  rate: 20 ", "the copy splits exactly this load");
        // Shorter phases than the shipped ones: the story is the same, and the suite's time is spent once on the full length.
        File.WriteAllText(copy, text.Replace("  rate: 20 ", "  shards: 2\n  rate: 20 ", StringComparison.Ordinal)
            .Replace("steadyState: 15s", "steadyState: 10s", StringComparison.Ordinal).Replace("fault: 20s", "fault: 12s", StringComparison.Ordinal)
            .Replace("recovery: 20s", "recovery: 12s", StringComparison.Ordinal));
        using var cli = Cli("run", copy, "--output", output);

        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(4));

        exit.Should().Be(0, cli.Output);
        var journal = Journal(output);
        journal.Count(r => r["type"]!.ToString() == "load").Should().BeGreaterThan(25, "one merged load record per second");
        var summary = journal.Single(r => r["type"]!.ToString() == "load-summary");
        summary["rps"]!.GetValue<double>().Should().BeApproximately(20, 0.4, "20 iterations a second from both shards together");
        summary["count"]!.GetValue<long>().Should().BeGreaterThan(600);
        journal.Where(r => r["type"]!.ToString() == "verdict").Should().OnlyContain(r => r["status"]!.ToString() == "passed");
        File.Exists(Path.Combine(output, "shards", "0.log")).Should().BeTrue();
        File.Exists(Path.Combine(output, "shards", "1.log")).Should().BeTrue();
        File.ReadLines(Path.Combine(output, "write-ledger.jsonl")).Should().NotBeEmpty("the shards' acknowledged writes are merged into the experiment's ledger");
        Posix.ProcessesMentioning(output).Should().BeEmpty("no shard outlives the run");
    }
}
