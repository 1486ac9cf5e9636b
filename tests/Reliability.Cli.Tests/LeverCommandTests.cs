namespace Reliability.Cli.Tests;

/// <summary>The safety lever from the command line, locally: engage, status, a run refused, release.</summary>
public sealed class LeverCommandTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), $"lever-{Guid.NewGuid():N}");

    [Fact]
    public async Task An_engaged_lever_refuses_runs_and_game_days_before_anything_starts_until_released()
    {
        var env = new Dictionary<string, string> { ["RELIABILITY_RUNS"] = _runs, ["CI"] = "true" };
        (await Run(env, "lever", "status")).Exit.Should().Be(0, "released until engaged");

        var engage = await Run(env, "lever", "engage", "--reason", "INC-4711 database failover in progress");
        engage.Exit.Should().Be(0, engage.Output);
        var status = await Run(env, "lever", "status");
        status.Exit.Should().Be(1);
        status.Output.Should().Contain("engaged").And.Contain("INC-4711");

        var gameday = await Run(env, "gameday", "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));
        gameday.Exit.Should().Be(1, gameday.Output);
        gameday.Output.Should().Contain("the safety lever is engaged").And.Contain("nothing is started");
        Directory.EnumerateDirectories(_runs).Should().BeEmpty("no environment was started");
        var run = await Run(env, "run", Path.Combine(Repository.Experiments, "pod-kill.yaml"));
        run.Exit.Should().Be(1, run.Output);

        (await Run(env, "lever", "release")).Exit.Should().Be(0);
        (await Run(env, "lever", "status")).Output.Should().Contain("released");
    }

    private static async Task<(int Exit, string Output)> Run(Dictionary<string, string> env, params string[] args)
    {
        using var cli = new CliProcess(env, args);
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(1));
        return (exit, cli.Output);
    }

    public void Dispose()
    {
        if (Directory.Exists(_runs))
        {
            Directory.Delete(_runs, recursive: true);
        }
    }
}
