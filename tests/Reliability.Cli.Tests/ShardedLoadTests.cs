using System.Text.Json;
using Reliability.Experiments.Tests.Drivers;
using Reliability.Sut.Local.Processes;

namespace Reliability.Cli.Tests;

/// <summary>`load --shards N` on this machine: N generator processes, one merged result, and no partial result passed off as whole.</summary>
public sealed class ShardedLoadTests : IAsyncLifetime
{
    private PlainService _service = null!;
    private readonly string _work = Directory.CreateTempSubdirectory("sharded-load-").FullName;

    public async Task InitializeAsync() => _service = await PlainService.StartAsync();

    [Fact]
    public async Task Two_shards_of_a_1000_per_second_run_produce_1000_per_second_within_one_percent_in_one_merged_result()
    {
        var output = Path.Combine(_work, "two");
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "http", "--target", new Uri(_service.Address, "ping").ToString(),
            "--rate", "1000", "--duration", "5s", "--shards", "2", "--threshold", "fail_rate < 1%", "--output", output);

        (await cli.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(0, cli.Output);

        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "load-result.json"))).RootElement;
        result.GetProperty("shards").GetInt32().Should().Be(2);
        var summary = result.GetProperty("summary");
        summary.GetProperty("count").GetInt64().Should().BeInRange(4950, 5050, "1,000/s for 5 s, split in two and merged");
        summary.GetProperty("ok").GetInt64().Should().Be(summary.GetProperty("count").GetInt64());
        summary.GetProperty("rps").GetDouble().Should().BeApproximately(1000, 10);
        _service.Requests.Count.Should().BeInRange(4950, 5050, "the server saw the whole load too");
        cli.Output.Should().Contain("threshold passed: fail_rate < 1%");
        File.Exists(Path.Combine(output, "shards", "0.log")).Should().BeTrue();
        Posix.ProcessesMentioning(output).Should().BeEmpty("every shard process is gone");
    }

    [Fact]
    public async Task A_killed_shard_stops_every_shard_and_fails_the_run_with_exit_3_and_writes_no_result()
    {
        var output = Path.Combine(_work, "killed");
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" }, "load", "http", "--target", new Uri(_service.Address, "ping").ToString(),
            "--rate", "100", "--duration", "60s", "--shards", "2", "--output", output);
        // The shards' command lines name their folders under the output folder; the coordinator's names the folder itself.
        List<int> Shard1() => [.. Posix.ProcessesMentioning(output).Where(pid => Posix.CommandLineMentions(pid, "--shard 1/2"))];
        await Wait.Until(() => Shard1().Count > 0 && cli.Output.Split("req/s").Length > 3, TimeSpan.FromMinutes(1), () => cli.Output);

        foreach (var pid in Shard1())
        {
            Posix.Signal(pid, 9 /* SIGKILL */);
        }

        (await cli.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(3, cli.Output);
        cli.Output.Should().Contain("shard 1 ended before it finished").And.Contain("No result is written");
        File.Exists(Path.Combine(output, "load-result.json")).Should().BeFalse("a part of the load must not pass for the whole");
        await Wait.Until(() => Posix.ProcessesMentioning(output).Count == 0, TimeSpan.FromSeconds(15), () => "the other shard to be stopped");
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        foreach (var pid in Posix.ProcessesMentioning(_work))
        {
            Posix.Signal(pid, 9);
        }
        Directory.Delete(_work, recursive: true);
    }
}
