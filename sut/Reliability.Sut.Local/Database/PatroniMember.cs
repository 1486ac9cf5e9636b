using System.Globalization;
using System.Net;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Database;

/// <summary>What the router last saw of a member: Patroni's role, from its REST API.</summary>
internal enum MemberRole { Unknown, Primary, Replica }

/// <summary>
/// One Patroni member: the patroni process (as the postgres account when the harness is root) managing
/// its own PostgreSQL in the member's folder. Patroni starts the postmaster detached, so the postmaster
/// is found through postmaster.pid, and the run sweep finds it by its data directory.
/// </summary>
internal sealed class PatroniMember : IAsyncDisposable
{
    internal const string ServiceAccount = "postgres";
    private readonly RunDirectory _run;
    private ChildProcess? _process;

    internal PatroniMember(RunDirectory run, int ordinal, string zone, int restPort, int postgresPort)
    {
        _run = run;
        Ordinal = ordinal;
        Zone = zone;
        RestPort = restPort;
        PostgresPort = postgresPort;
        Home = run.Folder(Name);
    }

    public string Name => $"postgres-{Ordinal}";
    public int Ordinal { get; }
    public string Zone { get; }
    public int RestPort { get; }
    public int PostgresPort { get; }
    public Uri RestUrl => new($"http://127.0.0.1:{RestPort}/");
    public IPEndPoint PostgresEndpoint => new(IPAddress.Loopback, PostgresPort);
    internal string Home { get; }
    internal string DataDirectory => Path.Combine(Home, "data");
    internal string ConfigFile => Path.Combine(Home, "patroni.yml");
    public string LogFile => Path.Combine(Home, "patroni.log");

    /// <summary>Patroni's role as last seen by the router; Unknown while its REST API does not answer.</summary>
    public MemberRole Role { get; internal set; } = MemberRole.Unknown;
    public int? Timeline { get; internal set; }
    /// <summary>True from a kill or hold-down until the member is started again.</summary>
    public bool IsDown { get; internal set; }
    public bool IsRunning => _process is { HasExited: false };
    public int? PatroniPid => _process?.Pid;

    /// <summary>The labels of the pod this member stands for; role and spilo-role follow Patroni, as the Zalando operator's do.</summary>
    public IReadOnlyDictionary<string, string> Labels => LabelsFor(Name, Zone, Role);

    public static IReadOnlyDictionary<string, string> LabelsFor(string name, string zone, MemberRole role) => new Dictionary<string, string>
    {
        ["app"] = "postgres",
        ["pod"] = name,
        ["zone"] = zone,
        ["topology.kubernetes.io/zone"] = zone,
        ["cluster-name"] = "task-manager-db",
        ["role"] = RoleLabel(role),
        ["spilo-role"] = RoleLabel(role),
    };

    internal static string RoleLabel(MemberRole role) => role switch
    {
        MemberRole.Primary => "master",
        MemberRole.Replica => "replica",
        _ => "unknown",
    };

    internal async Task StartAsync(string patroni)
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
        IsDown = false;
        _process = ChildProcess.Start(new ChildProcessSpec
        {
            Name = Name,
            FileName = patroni,
            Arguments = [ConfigFile],
            LogFile = LogFile,
            RunAsUserWhenRoot = ServiceAccount,
            // The postmaster Patroni starts inherits its output and outlives it after a kill.
            OutputToLogFile = true,
            // Patroni must not inherit a PGPASSWORD or the like from the harness's environment.
            Environment = new Dictionary<string, string?> { ["PGPASSWORD"] = null, ["PGHOST"] = null, ["PGPORT"] = null },
        }, _run);
    }

    /// <summary>
    /// The postmaster's pid from postmaster.pid, or null when PostgreSQL is not running. The pid is only
    /// trusted when that process's command line names this member's data directory: a stale file after a
    /// kill can name a pid the kernel has since given to anything else, and the harness often runs as root.
    /// </summary>
    public int? PostmasterPid()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Posix.IsAlive(pid)
                && Posix.CommandLineMentions(pid, DataDirectory) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>SIGKILL to Patroni and the postmaster at once: the node is lost.</summary>
    internal void KillNode()
    {
        IsDown = true;
        var postmaster = PostmasterPid();
        _process?.Kill();
        if (postmaster is { } pid)
        {
            Posix.Signal(pid, Posix.SIGKILL);
        }
    }

    /// <summary>SIGKILL to the postmaster only: Patroni is still there to restart it.</summary>
    internal bool KillPostgres() => PostmasterPid() is { } pid && Posix.Signal(pid, Posix.SIGKILL);

    /// <summary>Graceful stop: Patroni shuts PostgreSQL down on SIGTERM; then anything left on the member's files is killed.</summary>
    internal async Task StopAsync(TimeSpan grace)
    {
        if (_process is not null)
        {
            await _process.StopAsync(Posix.SIGTERM, grace);
            await _process.DisposeAsync();
            _process = null;
        }
        foreach (var pid in Posix.ProcessesMentioning(Home))
        {
            Posix.Signal(pid, Posix.SIGKILL);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(10));
}
