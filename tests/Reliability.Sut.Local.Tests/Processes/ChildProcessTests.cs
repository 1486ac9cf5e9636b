using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Processes;

public sealed class ChildProcessTests : IDisposable
{
    private readonly RunDirectory _run = RunDirectory.Create("child-process-tests", Path.Combine(Path.GetTempPath(), $"child-tests-{Guid.NewGuid():N}"));

    [Fact]
    public async Task Output_goes_to_the_log_file_and_the_tail()
    {
        var log = Path.Combine(_run.Path, "echo.log");
        await using var child = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "echo", FileName = "sh", Arguments = ["-c", "echo first; echo second >&2"], LogFile = log,
        }, _run);
        await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));
        await child.DisposeAsync();
        (await File.ReadAllLinesAsync(log)).Should().BeEquivalentTo("first", "second");
        child.Tail().Should().Contain("first").And.Contain("second");
    }

    [Fact]
    public async Task Stop_escalates_to_SIGKILL_when_the_polite_signal_is_ignored()
    {
        var ready = new TaskCompletionSource();
        await using var stubborn = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "stubborn",
            FileName = "python3",
            Arguments = ["-c", "import signal,time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(60)"],
            LogFile = Path.Combine(_run.Path, "stubborn.log"),
        }, _run, line => { if (line == "ready") { ready.TrySetResult(); } });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await stubborn.StopAsync(Posix.SIGTERM, TimeSpan.FromMilliseconds(300));

        stubborn.HasExited.Should().BeTrue();
        stubborn.ExitCode.Should().Be(137, "128 + SIGKILL: the grace period ran out");
        Directory.EnumerateFiles(Path.Combine(_run.Path, "processes")).Should().BeEmpty("a stopped process leaves the ledger");
    }

    [Fact]
    public void A_missing_program_is_a_clear_error()
    {
        var act = () => ChildProcess.Start(new ChildProcessSpec
        {
            Name = "ghost", FileName = "/nonexistent/ghost-binary", LogFile = Path.Combine(_run.Path, "ghost.log"),
        }, _run);
        act.Should().Throw<ComponentStartException>().Which.Message.Should().Contain("ghost").And.Contain("could not run");
    }

    [Fact]
    public async Task A_grandchild_holding_the_output_pipe_does_not_hold_up_teardown()
    {
        var marker = $"{Random.Shared.Next(100_000, 999_999)}.5";
        var child = ChildProcess.Start(new ChildProcessSpec
        {
            // The shell leaves a sleeper behind with its stdout, then exits: what a detached postmaster's backends do.
            Name = "leaver", FileName = "sh", Arguments = ["-c", $"sleep {marker} & exit 0"], LogFile = Path.Combine(_run.Path, "leaver.log"),
        }, _run);
        try
        {
            await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));

            await child.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

            child.ExitCode.Should().Be(0);
        }
        finally
        {
            foreach (var pid in Posix.ProcessesMentioning(marker))
            {
                Posix.Signal(pid, Posix.SIGKILL);
            }
        }
    }

    [Fact]
    public async Task A_program_that_logs_to_its_file_is_tailed_from_the_file()
    {
        await using var child = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "filer", FileName = "sh", Arguments = ["-c", "echo to-stdout; echo to-stderr >&2"], LogFile = Path.Combine(_run.Path, "filer.log"),
            OutputToLogFile = true,
        }, _run);
        await child.Exited.WaitAsync(TimeSpan.FromSeconds(10));

        child.Tail().Should().Contain("to-stdout").And.Contain("to-stderr");
        File.ReadAllText(Path.Combine(_run.Path, "filer.log")).Should().Contain("to-stdout");
    }

    [Fact]
    public async Task A_child_runs_in_a_session_of_its_own_with_a_parent_death_signal()
    {
        await using var child = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "sleeper", FileName = "sleep", Arguments = ["300"], LogFile = Path.Combine(_run.Path, "sleeper.log"),
        }, _run);
        var status = await WaitForStatusAsync(child.Pid);

        // A terminal's Ctrl-C or hang-up reaches only the harness; and the kernel kills the child if the harness dies.
        status.Should().Contain($"NSsid:\t{child.Pid}");
        File.ReadAllText($"/proc/{child.Pid}/cmdline").Replace('\0', ' ').Should().StartWith("sleep 300", "each launcher step execs in place: the pid is the program's");
    }

    private static async Task<string> WaitForStatusAsync(int pid)
    {
        // Until the launcher has exec'd the program (setpriv, then setsid), the pid shows their names.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("sleep", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        return File.ReadAllText($"/proc/{pid}/status");
    }

    public void Dispose() => _run.Dispose();
}
