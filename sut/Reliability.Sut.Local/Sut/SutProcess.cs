using System.Diagnostics;
using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Sut;

/// <summary>
/// A real SUT replica as an OS process on 127.0.0.1. It binds the port it is given (or one the kernel
/// picks), and is ready to use once /health answers.
/// </summary>
internal sealed partial class SutProcess : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SutProcess(SutProcessOptions options, ChildProcess process)
    {
        Options = options;
        _process = process;
    }

    public SutProcessOptions Options { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public int Pid => _process.Pid;
    public bool HasExited => _process.HasExited;
    public int? ExitCode => _process.ExitCode;
    public Task Exited => _process.Exited;
    public string LogFile => _process.Spec.LogFile;

    public static async Task<SutProcess> StartAsync(SutProcessOptions options, RunDirectory run, CancellationToken ct = default)
    {
        var environment = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DATABASE_URL"] = options.DatabaseUrl,
            ["JWT_SIGNING_KEY"] = options.JwtSigningKey,
            ["BIND_ADDRESS"] = "127.0.0.1",
            ["PORT"] = options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ZONE"] = options.Zone,
            ["POD_NAME"] = options.PodName,
            ["DRAIN_DELAY_MS"] = ((int)options.DrainDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Keep the harness's own settings from leaking into the replica.
            ["ASPNETCORE_URLS"] = null,
            ["DOTNET_URLS"] = null,
            // A load generator in the same harness process may have switched this on for itself.
            ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = null,
            // Six replicas start (and restart under chaos) on shared cores; dynamic PGO's instrumented tier
            // cost each about a third more start-up CPU (8-9 s against 5-6 s per replica on a 2-core
            // machine), which the others' requests paid for in latency.
            ["DOTNET_TieredPGO"] = "0",
        };
        foreach (var (key, value) in options.Environment)
        {
            environment[key] = value;
        }
        SutProcess? sut = null;
        var process = ChildProcess.Start(new ChildProcessSpec
        {
            Name = options.PodName,
            FileName = SutBinary.DotnetHost(),
            Arguments = [SutBinary.LocateAssembly()],
            Environment = environment,
            LogFile = Path.Combine(run.Folder("sut"), $"{options.PodName}.log"),
        }, run, line => sut?.OnLine(line));
        sut = new SutProcess(options, process);
        try
        {
            await sut.WaitUntilServingAsync(ct);
            return sut;
        }
        catch
        {
            await sut.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGTERM, as the kubelet sends it; SIGKILL after <paramref name="grace"/>.</summary>
    public Task StopAsync(TimeSpan grace) => _process.StopAsync(Posix.SIGTERM, grace);

    public bool SendSignal(int signal) => _process.Signal(signal);

    public void Kill() => _process.Kill();

    public string LogTail() => _process.Tail();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private void OnLine(string line)
    {
        if (!_listening.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var exited = _process.Exited;
        var first = await Task.WhenAny(_listening.Task, exited, Task.Delay(Options.StartTimeout, ct));
        if (first != _listening.Task)
        {
            var problem = exited.IsCompleted ? $"exited with code {_process.ExitCode} during start-up" : $"did not listen within {Options.StartTimeout.TotalSeconds:0} s";
            throw new ComponentStartException(Options.PodName, problem, _process.Tail());
        }
        BaseAddress = await _listening.Task;
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new ComponentStartException(Options.PodName, $"exited with code {_process.ExitCode} during start-up", _process.Tail());
            }
            try
            {
                using var response = await http.GetAsync("/health", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            // A replica starting on a busy machine can take longer than one probe's timeout to answer.
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested && clock.Elapsed < Options.StartTimeout)
            {
            }
            if (clock.Elapsed > Options.StartTimeout)
            {
                throw new ComponentStartException(Options.PodName, "/health did not answer 200 in time", _process.Tail());
            }
            await Task.Delay(20, ct);
        }
    }

    // Kestrel's start-up line; the address is what was really bound, also when PORT=0.
    [GeneratedRegex(@"Now listening on: (http://[^""\s]+)")]
    private static partial Regex ListeningLine();
}
