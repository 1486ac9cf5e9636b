using System.Diagnostics;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// A supervised OS process: output goes to its log file and a short in-memory tail for error messages,
/// it is recorded in the run's ledger, and stopping escalates from a polite signal to SIGKILL.
/// </summary>
/// <remarks>
/// Every child runs in a session of its own (setsid), so a terminal's Ctrl-C or hang-up reaches only the
/// harness, which rolls back and stops it in order; and with a parent-death signal (setpriv --pdeathsig KILL,
/// started from <see cref="SpawnThread"/>), so a harness killed outright takes its children with it. Every
/// wait on a child is bounded.
/// </remarks>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 40;
    /// <summary>How long to wait for a killed process to be reaped and its output drained.</summary>
    private static readonly TimeSpan ReapBound = TimeSpan.FromSeconds(10);
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
    public bool HasExited => _disposed == 1 || Exited.IsCompleted || _process.HasExited;
    public int? ExitCode => _disposed == 1 ? _exitCode : _process.HasExited ? _process.ExitCode : null;
    public Task Exited { get; private set; } = Task.CompletedTask;

    public static ChildProcess Start(ChildProcessSpec spec, RunDirectory run, Action<string>? onLine = null)
    {
        // The launcher would start and then fail; a program that is not there is a clear error at once.
        if (Executable(spec.FileName) is null)
        {
            throw new ComponentStartException(spec.Name, $"could not run '{spec.FileName}': no such program", "");
        }
        var info = new ProcessStartInfo
        {
            RedirectStandardOutput = !spec.OutputToLogFile,
            RedirectStandardError = !spec.OutputToLogFile,
            RedirectStandardInput = false,
            UseShellExecute = false,
            WorkingDirectory = spec.WorkingDirectory ?? run.Path,
            FileName = "setpriv",
        };
        foreach (var arg in Launcher(spec))
        {
            info.ArgumentList.Add(arg);
        }
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(spec.LogFile)!);
        if (spec.OutputToLogFile && spec.RunAsUserWhenRoot is { } account && Posix.IsRoot && Posix.LookupUser(account) is { } owner)
        {
            // The program opens its own log, as the account it runs as.
            File.AppendAllText(spec.LogFile, "");
            Posix.Chown(spec.LogFile, owner.Uid, owner.Gid);
        }
        var log = spec.OutputToLogFile ? StreamWriter.Null
            : new StreamWriter(new FileStream(spec.LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        // The exit itself: WaitForExitAsync also waits for the end of redirected output, which a grandchild may hold.
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        var child = new ChildProcess(spec, process, run, log);
        if (onLine is not null)
        {
            child._lineObservers.Add(onLine);
        }
        process.OutputDataReceived += (_, e) => child.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => child.OnLine(e.Data);
        try
        {
            SpawnThread.Run(process.Start);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            log.Dispose();
            throw new ComponentStartException(spec.Name, $"could not run '{info.FileName}': {ex.Message}", "");
        }
        child.Pid = process.Id;
        child.Exited = exited.Task;
        run.Record(process.Id, spec.Name);
        if (!spec.OutputToLogFile)
        {
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
        return child;
    }

    /// <summary>The program's path: as given when it names a file, else found on PATH; null when there is none.</summary>
    private static string? Executable(string program) =>
        program.Contains('/', StringComparison.Ordinal)
            ? File.Exists(program) ? program : null
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    /// <summary>
    /// setpriv [drop to the service account] --pdeathsig KILL -- setsid [sh -c 'exec ... >>log'] program args:
    /// each step execs the next in place, so the pid the harness holds is the program's own.
    /// </summary>
    internal static IReadOnlyList<string> Launcher(ChildProcessSpec spec)
    {
        var args = new List<string>();
        if (spec.RunAsUserWhenRoot is { } user && Posix.IsRoot)
        {
            args.AddRange([$"--reuid={user}", $"--regid={user}", "--init-groups"]);
        }
        // After the change of user: changing credentials clears the parent-death signal.
        args.AddRange(["--pdeathsig", "KILL", "--", "setsid"]);
        if (spec.OutputToLogFile)
        {
            args.AddRange(["sh", "-c", "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1", "sh", spec.LogFile]);
        }
        args.Add(spec.FileName);
        args.AddRange(spec.Arguments);
        return args;
    }

    /// <summary>The last lines the process printed, for error messages.</summary>
    public string Tail()
    {
        if (Spec.OutputToLogFile)
        {
            return LogFileTail();
        }
        lock (_gate)
        {
            return string.Join('\n', _tail);
        }
    }

    private string LogFileTail()
    {
        try
        {
            using var stream = new FileStream(Spec.LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            stream.Seek(Math.Max(0, stream.Length - 16 * 1024), SeekOrigin.Begin);
            using var reader = new StreamReader(stream);
            return string.Join('\n', reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(TailLines));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public bool Signal(int signal) => !HasExited && Posix.Signal(Pid, signal);

    /// <summary>
    /// Sends <paramref name="signal"/>, waits up to <paramref name="grace"/> (less when <see cref="Shutdown.Hurry"/>
    /// is requested), then SIGKILLs; the wait for the kill is bounded too.
    /// </summary>
    public async Task StopAsync(int signal, TimeSpan grace)
    {
        if (!HasExited)
        {
            Signal(signal);
            if (!await WaitForExitAsync(grace, Shutdown.Hurry))
            {
                Kill();
                await WaitForExitAsync(ReapBound, CancellationToken.None);
            }
        }
        _run.Forget(Pid);
    }

    /// <summary>Waits for the exit up to <paramref name="bound"/> (or until <paramref name="hurry"/>); false when it did not come.</summary>
    private async Task<bool> WaitForExitAsync(TimeSpan bound, CancellationToken hurry)
    {
        try
        {
            await Exited.WaitAsync(bound, hurry);
            return true;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for the end of the redirected output up to <paramref name="bound"/>: a grandchild may hold the pipe open.</summary>
    private async Task<bool> DrainAsync(TimeSpan bound)
    {
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
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
        // The exit, then the end of its output, each for a bounded time: a grandchild may hold the pipe open.
        if (await WaitForExitAsync(ReapBound, CancellationToken.None) && (Spec.OutputToLogFile || await DrainAsync(ReapBound)))
        {
            _process.WaitForExit();
        }
        _run.Forget(Pid);
        _exitCode = _process.HasExited ? _process.ExitCode : null;
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
internal sealed class ComponentStartException(string component, string problem, string logTail)
    : Exception(string.IsNullOrEmpty(logTail) ? $"{component}: {problem}" : $"{component}: {problem}\n--- last lines of its log ---\n{logTail}")
{
    public string Component { get; } = component;
}
