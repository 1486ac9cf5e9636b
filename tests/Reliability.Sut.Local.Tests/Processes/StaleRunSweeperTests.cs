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
            // Pretend the owner was SIGKILLed: its lock is gone and its record names a process that has exited.
            run.Abandon();
            await File.WriteAllTextAsync(Path.Combine(run.Path, "owner"), $"{DeadPid()} 12345");

            var swept = StaleRunSweeper.Sweep(_root);

            swept.Should().ContainSingle().Which.Should().Be(run.Path);
            await orphan.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            Directory.Exists(run.Path).Should().BeFalse();
        }
    }

    [Fact]
    public async Task A_dead_run_s_short_folders_outside_it_are_removed_by_the_sweep_and_a_closed_run_s_when_it_closes()
    {
        var dead = RunDirectory.Create("dead-with-socket", _root);
        var socket = dead.ShortFolderPath("pg");
        Directory.CreateDirectory(socket);
        dead.Abandon();
        await File.WriteAllTextAsync(Path.Combine(dead.Path, "owner"), $"{DeadPid()} 12345");
        using var live = RunDirectory.Create("live-with-socket", _root);
        Directory.CreateDirectory(live.ShortFolderPath("pg"));

        StaleRunSweeper.Sweep(_root);

        Directory.Exists(socket).Should().BeFalse("the sweep removes what the dead run left outside its folder");
        Directory.Exists(live.ShortFolderPath("pg")).Should().BeTrue("a live run's folders are left alone");
        live.Dispose();
        Directory.Exists(live.ShortFolderPath("pg")).Should().BeFalse();
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
        run.Abandon();
        await File.WriteAllTextAsync(Path.Combine(run.Path, "owner"), $"{DeadPid()} 12345");

        StaleRunSweeper.Sweep(_root);

        bystander.HasExited.Should().BeFalse();
    }

    [Fact]
    public async Task A_run_is_alive_while_its_owner_file_is_locked_whatever_the_file_says()
    {
        var run = RunDirectory.Create("locked", _root);
        var child = ChildProcess.Start(Sleeper(run), run);
        await using (child)
        {
            var owner = Path.Combine(run.Path, "owner");
            run.Abandon();
            // What a concurrent sweep could once read: an owner record that does not parse, or names a dead pid.
            await File.WriteAllTextAsync(owner, "");
            using (new FileStream(owner, FileMode.Open, FileAccess.Read, FileShare.None))
            {
                StaleRunSweeper.Sweep(_root).Should().BeEmpty("the owner file is locked, as a live run holds it");
                child.HasExited.Should().BeFalse();
            }

            StaleRunSweeper.Sweep(_root).Should().ContainSingle("once the lock is gone, so is its owner");
            await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void A_folder_without_the_run_marker_is_never_swept_whatever_its_owner_file_says()
    {
        var stranger = Directory.CreateDirectory(Path.Combine(_root, "not-a-run")).FullName;
        File.WriteAllText(Path.Combine(stranger, "owner"), "garbage");
        File.WriteAllText(Path.Combine(stranger, "data.txt"), "someone else's");

        StaleRunSweeper.Sweep(_root).Should().BeEmpty();

        File.Exists(Path.Combine(stranger, "data.txt")).Should().BeTrue();
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
