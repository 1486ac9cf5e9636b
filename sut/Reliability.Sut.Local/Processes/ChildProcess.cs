using System.Diagnostics;

namespace Reliability.Sut.Local.Processes;

/// <summary>What to start: the program, its arguments and environment, and where its output goes.</summary>
public sealed record ChildProcessSpec
{
    public required string Name { get; init; }
    public required string FileName { get; init; }
    public IReadOnlyList<string> Arguments { get; init; } = [];
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? WorkingDirectory { get; init; }
    public required string LogFile { get; init; }
    /// <summary>When the harness runs as root, drop to this account (PostgreSQL refuses to run as root).</summary>
    public string? RunAsUserWhenRoot { get; init; }
}

/// <summary>
/// A supervised OS process: output goes to its log file and a short in-memory tail for error messages,
/// it is recorded in the run's ledger, and stopping escalates from a polite signal to SIGKILL.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    private readonly Process _process;
    private readonly RunDirectory _run;
    private readonly StreamWriter _log;
    private readonly Queue<string> _tail = new();
    private readonly List<Action<string>> _lineObservers = [];
    private readonly Lock _gate = new();
    private int _disposed;
    private int? _exitCode;

    private ChildProcess(ChildProcessSpec spec, Process process, RunDirectory run, StreamWriter log)
    {
        Spec = spec;
        _process = process;
        _run = run;
        _log = log;
    }

    public ChildProcessSpec Spec { get; }
    public int Pid { get; private set; }
    public bool HasExited => _disposed == 1 || _process.HasExited;
    public int? ExitCode => _disposed == 1 ? _exitCode : _process.HasExited ? _process.ExitCode : null;
    public Task Exited { get; private set; } = Task.CompletedTask;

    public static ChildProcess Start(ChildProcessSpec spec, RunDirectory run, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? run.Path,
        };
        if (spec.RunAsUserWhenRoot is { } user && Posix.IsRoot)
        {
            // setpriv execs in place, so the pid we hold is the program's own, not a wrapper's.
            info.FileName = "setpriv";
            foreach (var arg in new[] { $"--reuid={user}", $"--regid={user}", "--init-groups", "--", spec.FileName })
            {
                info.ArgumentList.Add(arg);
            }
        }
        else
        {
            info.FileName = spec.FileName;
        }
        foreach (var arg in spec.Arguments)
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(spec.LogFile)!);
        var log = new StreamWriter(new FileStream(spec.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(spec, process, run, log);
        if (onLine is not null)
        {
            child._lineObservers.Add(onLine);
        }
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            log.Dispose();
            throw new ComponentStartException(spec.Name, $"could not run '{info.FileName}': {ex.Message}", "");
        }
        child.Pid = process.Id;
        child.Exited = process.WaitForExitAsync();
        run.Record(process.Id, spec.Name);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>The last lines the process printed, for error messages.</summary>
    public string Tail()
    {
        lock (_gate)
        {
            return string.Join('\n', _tail);
        }
    }

    public bool Signal(int signal) => !HasExited && Posix.Signal(Pid, signal);

    /// <summary>Sends <paramref name="signal"/>, waits up to <paramref name="grace"/>, then SIGKILLs.</summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!HasExited)
        {
            Signal(signal);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                await _process.WaitForExitAsync();
            }
        }
        _run.Forget(Pid);
    }

    public void Kill()
    {
        if (!HasExited)
        {
            Posix.Signal(Pid, Posix.SIGKILL);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        if (!_process.HasExited)
        {
            Posix.Signal(Pid, Posix.SIGKILL);
        }
        await _process.WaitForExitAsync();
        _run.Forget(Pid);
        // Let the asynchronous readers drain the last lines before the log closes.
        _process.WaitForExit();
        _exitCode = _process.ExitCode;
        lock (_gate)
        {
            _log.Dispose();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        Action<string>[] observers;
        lock (_gate)
        {
            try
            {
                _log.WriteLine(line);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
            observers = [.. _lineObservers];
        }
        foreach (var observer in observers)
        {
            observer(line);
        }
    }
}

/// <summary>A component that failed to start; carries the tail of its log.</summary>
public sealed class ComponentStartException(string component, string problem, string logTail)
    : Exception(string.IsNullOrEmpty(logTail) ? $"{component}: {problem}" : $"{component}: {problem}\n--- last lines of its log ---\n{logTail}")
{
    public string Component { get; } = component;
}
