using System.Diagnostics;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Processes;

public sealed class StaleRunSweeperTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"sweeper-tests-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_run_whose_owner_died_has_its_processes_killed_and_its_folder_removed()
    {
        var run = RunDirectory.Create("orphaned", _root);
        var orphan = ChildProcess.Start(Sleeper(run), run);
        await using (orphan)
        {
            // Pretend the owner was SIGKILLed: point the owner record at a process that has exited.
            await File.WriteAllTextAsync(Path.Combine(run.Path, "owner"), $"{DeadPid()} 12345");

            var swept = StaleRunSweeper.Sweep(_root);

            swept.Should().ContainSingle().Which.Should().Be(run.Path);
            await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            Directory.Exists(run.Path).Should().BeFalse();
        }
    }

    [Fact]
    public async Task A_live_run_is_left_alone()
    {
        using var run = RunDirectory.Create("alive", _root);
        await using var child = ChildProcess.Start(Sleeper(run), run);
        StaleRunSweeper.Sweep(_root).Should().BeEmpty();
        child.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task A_recorded_pid_with_another_start_time_is_not_killed()
    {
        var run = RunDirectory.Create("reused-pid", _root);
        await using var bystander = ChildProcess.Start(Sleeper(run), run);
        // Same pid, different start time: the kernel reused the number for an unrelated process.
        await File.WriteAllTextAsync(Path.Combine(run.Path, "processes", bystander.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)), "1 not-ours");
        await File.WriteAllTextAsync(Path.Combine(run.Path, "owner"), $"{DeadPid()} 12345");

        StaleRunSweeper.Sweep(_root);

        bystander.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task Disposing_a_run_kills_whatever_its_ledger_still_lists()
    {
        var run = RunDirectory.Create("dispose", _root);
        var child = ChildProcess.Start(Sleeper(run), run);
        run.Dispose();
        await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await child.DisposeAsync();
        Directory.Exists(run.Path).Should().BeFalse();
    }

    private static ChildProcessSpec Sleeper(RunDirectory run) => new()
    {
        Name = "sleeper", FileName = "sleep", Arguments = ["300"], LogFile = Path.Combine(run.Path, "sleeper.log"),
    };

    private static int DeadPid()
    {
        using var process = Process.Start("true");
        process.WaitForExit();
        return process.Id;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            foreach (var run in Directory.EnumerateDirectories(_root))
            {
                StaleRunSweeper.KillRecorded(run);
            }
            Directory.Delete(_root, recursive: true);
        }
    }
}
