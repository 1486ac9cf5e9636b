using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Database;

/// <summary>One etcd member on 127.0.0.1 with its data under the run folder; a pod labelled app=etcd in its zone.</summary>
internal sealed class EtcdMember : IAsyncDisposable
{
    private readonly RunDirectory _run;
    private readonly string _home;
    private readonly string _initialCluster;
    private ChildProcess? _process;

    internal EtcdMember(RunDirectory run, string zone, int clientPort, int peerPort, string initialCluster)
    {
        _run = run;
        Zone = zone;
        ClientPort = clientPort;
        PeerPort = peerPort;
        _initialCluster = initialCluster;
        _home = run.Folder(Name);
    }

    public string Name => $"etcd-{Zone}";
    public string Zone { get; }
    public int ClientPort { get; }
    public int PeerPort { get; }
    public Uri ClientUrl => new($"http://127.0.0.1:{ClientPort}/");
    public bool IsRunning => _process is { HasExited: false };
    public int? Pid => _process?.Pid;

    public IReadOnlyDictionary<string, string> Labels => LabelsFor(Zone);

    public static IReadOnlyDictionary<string, string> LabelsFor(string zone) => new Dictionary<string, string>
    {
        ["app"] = "etcd", ["pod"] = $"etcd-{zone}", ["zone"] = zone, ["topology.kubernetes.io/zone"] = zone,
    };

    internal string PeerEntry => $"{Name}=http://127.0.0.1:{PeerPort}";

    /// <summary>Starts (or restarts, keeping its data) the member; it is healthy once the cluster has a quorum.</summary>
    internal void Start(string program)
    {
        var fresh = !Directory.Exists(Path.Combine(_home, "data"));
        _process = ChildProcess.Start(new ChildProcessSpec
        {
            Name = Name,
            FileName = program,
            Arguments =
            [
                "--name", Name, "--data-dir", Path.Combine(_home, "data"),
                "--listen-client-urls", $"http://127.0.0.1:{ClientPort}", "--advertise-client-urls", $"http://127.0.0.1:{ClientPort}",
                "--listen-peer-urls", $"http://127.0.0.1:{PeerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{PeerPort}",
                "--initial-cluster", _initialCluster, "--initial-cluster-state", fresh ? "new" : "existing",
                "--initial-cluster-token", Path.GetFileName(_run.Path),
                // Local runs compress time: a leader notices a lost peer in about a second.
                "--heartbeat-interval", "100", "--election-timeout", "1000", "--logger", "zap", "--log-level", "warn",
            ],
            LogFile = Path.Combine(_home, "etcd.log"),
        }, _run);
    }

    internal Task WaitHealthyAsync(TimeSpan timeout, CancellationToken ct) =>
        HttpReadiness.WaitAsync(new Uri(ClientUrl, "health"), _process!, timeout, ct);

    internal async Task RestartAsync(string program)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        Start(program);
    }

    /// <summary>SIGKILL, as a node loss.</summary>
    public void Kill() => _process?.Kill();

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.StopAsync(Posix.SIGTERM, TimeSpan.FromSeconds(5));
            await _process.DisposeAsync();
            _process = null;
        }
    }
}
