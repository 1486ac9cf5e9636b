using System.Diagnostics;
using Reliability.Sut.Local.Processes;
using Xunit.Abstractions;

namespace Reliability.Cli.Tests;

/// <summary>
/// `env up` in a real pseudo-terminal (tmux), stopped as a user stops it: Ctrl-C typed into the terminal, or
/// the terminal closed under it (the session killed: SIGHUP). Either way nothing of the run may outlive it by
/// more than 10 s, five times in a row. A pty is the only faithful way: a job started in the background by a
/// script ignores SIGINT, and a closed terminal is a hang-up, not a signal someone sends.
/// </summary>
public sealed class TerminalTests(ITestOutputHelper log) : IDisposable
{
    private const int Times = 5;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly string _runs = Directory.CreateTempSubdirectory("terminal-runs-").FullName;
    // A tmux server exits when its last session ends; a new session asked of the same socket in that moment
    // fails with "server exited unexpectedly" (seen in CI). Each time gets a server of its own.
    private string _socket = NewSocket();

    [Fact]
    public async Task Ctrl_C_in_the_terminal_leaves_no_process_of_the_run_within_10_s_five_times_in_a_row()
    {
        for (var time = 1; time <= Times; time++)
        {
            await StopAndCheckAsync(time, "Ctrl-C", () => Tmux("send-keys", "-t", "env", "C-c"));
        }
    }

    [Fact]
    public async Task Closing_the_terminal_leaves_no_process_of_the_run_within_10_s_five_times_in_a_row()
    {
        for (var time = 1; time <= Times; time++)
        {
            await StopAndCheckAsync(time, "hang-up", () => Tmux("kill-session", "-t", "env"));
        }
    }

    private async Task StopAndCheckAsync(int time, string how, Action stop)
    {
        _socket = NewSocket();
        var output = Path.Combine(_runs, $"output-{how}-{time}.log");
        var command = $"exec env RELIABILITY_RUNS='{_runs}' CI=true '{CliProcess.DotnetHost()}' '{Path.Combine(AppContext.BaseDirectory, "reliability.dll")}' env up >'{output}' 2>&1";
        Tmux("new-session", "-d", "-s", "env", "-x", "160", "-y", "40", command);
        var harness = int.Parse(Tmux("list-panes", "-t", "env", "-F", "#{pane_pid}").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Wait.Until(() => Read(output).Contains("Press Ctrl-C", StringComparison.Ordinal), TimeSpan.FromMinutes(2), () => Read(output));
        var run = Directory.EnumerateDirectories(_runs).Single();
        // The harness, what it started (its ledger) and what those started on the run's files (Patroni's postmasters).
        var recorded = Directory.EnumerateFiles(Path.Combine(run, "processes")).Select(f => int.Parse(Path.GetFileName(f), System.Globalization.CultureInfo.InvariantCulture));
        var processes = Posix.ProcessesMentioning(run).Concat(recorded).Append(harness).Distinct().ToList();
        processes.Should().HaveCountGreaterThanOrEqualTo(16, "the harness, its reaper, 3 etcd, 2 Patroni with their postmasters, 6 replicas, Prometheus and Alertmanager");

        var clock = Stopwatch.StartNew();
        stop();
        await Wait.Until(() => processes.All(pid => !Posix.IsAlive(pid)) && Posix.ProcessesMentioning(run).Count == 0, Bound,
            () => $"{how} #{time}: still alive after {Bound.TotalSeconds:0} s: {string.Join(", ", processes.Where(Posix.IsAlive).Concat(Posix.ProcessesMentioning(run)).Distinct())}\n{Read(output)}");
        log.WriteLine($"{how} #{time}: {processes.Count} processes gone in {clock.Elapsed.TotalSeconds:0.0} s");
        await Wait.Until(() => !Directory.Exists(run), Bound, () => $"{how} #{time}: the run's folder {run} is still there");
        Tmux("kill-server", allowFailure: true);
    }

    private static string NewSocket() => $"reliability-test-{Guid.NewGuid():N}";

    private string Tmux(params string[] args) => Tmux(args, allowFailure: false);

    private string Tmux(string arg, bool allowFailure) => Tmux([arg], allowFailure);

    private string Tmux(string[] args, bool allowFailure)
    {
        var info = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-L", _socket, "-f", "/dev/null" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["TERM"] = "xterm";
        using var tmux = Process.Start(info)!;
        var stdout = tmux.StandardOutput.ReadToEndAsync();
        var stderr = tmux.StandardError.ReadToEndAsync();
        if (!tmux.WaitForExit(10_000))
        {
            tmux.Kill();
            throw new TimeoutException($"tmux {string.Join(' ', args)} did not return");
        }
        if (tmux.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} exited {tmux.ExitCode}: {stderr.Result}");
        }
        return stdout.Result;
    }

    private static string Read(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    public void Dispose()
    {
        Tmux("kill-server", allowFailure: true);
        StaleRunSweeper.Sweep(_runs);
        Directory.Delete(_runs, recursive: true);
    }
}
