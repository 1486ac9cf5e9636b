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

    public void Dispose() => _run.Dispose();
}
