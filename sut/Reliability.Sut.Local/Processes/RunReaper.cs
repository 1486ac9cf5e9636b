using System.Diagnostics;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// A small watchdog beside each run: a shell that sleeps until its parent, the harness, dies (its
/// parent-death signal is SIGTERM), then SIGKILLs every process whose command line names the run folder.
/// Direct children die with the harness by their own parent-death signal; this also takes those that
/// detached from them (Patroni's postmaster and its backends), so a harness killed with SIGKILL leaves
/// nothing running. The stale-run sweep at the next start stays as the second line.
/// </summary>
internal sealed class RunReaper : IDisposable
{
    // $1 is the run folder. Every /proc/PID/cmdline naming something under it is killed, the reaper itself aside.
    // It lets go of the harness's standard streams first: a reaper or its sleep holding them would keep
    // whoever reads the harness's output (a pipe, a test, CI) waiting for end of file. SIGUSR1 is the quiet
    // exit of a run that ended in order; the sleep goes with it either way.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        run="$1/"
        quit() { kill "$!" 2>/dev/null; exit 0; }
        reap() {
          for p in /proc/[0-9]*; do
            pid=${p#/proc/}
            [ "$pid" = "$$" ] && continue
            if tr '\0' ' ' < "$p/cmdline" 2>/dev/null | grep -qF -- "$run"; then kill -9 "$pid" 2>/dev/null; fi
          done
          quit
        }
        trap reap TERM
        trap quit USR1
        while :; do sleep 3600 & wait $!; done
        """;

    private readonly Process? _process;

    private RunReaper(Process? process) => _process = process;

    /// <summary>The reaper's shell, for tests; null when there is none.</summary>
    internal int? Pid => _process?.Id;

    public static RunReaper Start(string runFolder)
    {
        var info = new ProcessStartInfo("setpriv") { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (var arg in new[] { "--pdeathsig", "TERM", "--", "setsid", "sh", "-c", Script, "reliability-reaper", runFolder })
        {
            info.ArgumentList.Add(arg);
        }
        try
        {
            return new RunReaper(SpawnThread.Run(() => Process.Start(info)));
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Without util-linux there is no reaper; the sweep at the next start still cleans up.
            return new RunReaper(null);
        }
    }

    /// <summary>The run ended in order: the reaper goes without reaping, and takes its sleep with it.</summary>
    public void Dispose()
    {
        if (_process is { } process)
        {
            if (!process.HasExited)
            {
                Posix.Signal(process.Id, Posix.SIGUSR1);
                if (!process.WaitForExit(5_000))
                {
                    Posix.Signal(process.Id, Posix.SIGKILL);
                    process.WaitForExit(5_000);
                }
            }
            process.Dispose();
        }
    }
}
