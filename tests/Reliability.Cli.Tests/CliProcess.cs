using System.Diagnostics;
using System.Text;

namespace Reliability.Cli.Tests;

/// <summary>How to start the CLI: environment changes (null removes a variable), working directory, which reliability.dll.</summary>
internal sealed record CliStart
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();
    public string? WorkingDirectory { get; init; }
    /// <summary>The program's reliability.dll; default the one built beside the tests.</summary>
    public string? Program { get; init; }
}

/// <summary>Runs the built CLI as a real process, the way a user or CI does.</summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    public CliProcess(params string[] args) : this(new Dictionary<string, string>(), args)
    {
    }

    public CliProcess(IReadOnlyDictionary<string, string> environment, params string[] args)
        : this(new CliStart { Environment = environment.ToDictionary(kv => kv.Key, kv => (string?)kv.Value) }, args)
    {
    }

    public CliProcess(CliStart start, params string[] args)
    {
        // Through env --default-signal: a test suite started as a background job passes SIGINT on ignored, and
        // the CLI, like any program, keeps a signal ignored that it was started with. Users press Ctrl-C in a terminal.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("--default-signal=INT,HUP");
        info.ArgumentList.Add(DotnetHost());
        // A CLI starts as a user starts it: not with what an in-process test set in this process (the embedded
        // environment's inline socket completions would hang a Kubernetes client that blocks on its sockets).
        info.Environment.Remove(Reliability.Load.Engine.LoadHttpClient.InlineCompletionsVariable);
        foreach (var (key, value) in start.Environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }
        if (start.WorkingDirectory is { } folder)
        {
            info.WorkingDirectory = folder;
        }
        info.ArgumentList.Add(start.Program ?? Path.Combine(AppContext.BaseDirectory, "reliability.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            // Exited but the output still open means something it started holds the pipe.
            var state = _process.HasExited ? "exited, but its output is still held open" : "still running";
            throw new TimeoutException($"the CLI did not finish within {timeout.TotalSeconds:0} s ({state}); its output:\n{Output}");
        }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL, as when the harness itself is killed: nothing of its own cleanup runs.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output.AppendLine(line);
            }
        }
    }

    internal static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
}
