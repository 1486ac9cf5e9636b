using System.Net;
using Npgsql;
using Reliability.Sut.Local.Database.Backups;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Sut.Local.Database;

/// <summary>A change of primary seen by the router, with Patroni's timeline of the new primary.</summary>
internal sealed record LeaderChange(DateTimeOffset At, string? From, string? To, int? Timeline)
{
    /// <summary>What the router heard from the member it left: "503 replica", "no answer: ..." (null for the first primary).</summary>
    public string? Reason { get; init; }
}

/// <summary>
/// PostgreSQL as production runs it: a Patroni cluster over etcd. etcd has one member per zone (losing a
/// zone keeps the quorum); Patroni members sit in their zones, the first is the primary at bootstrap.
/// A router asks every member's GET /primary each second, as HAProxy's health check does, and reports
/// the primary; the environment points the SUT's database links at it.
/// </summary>
internal sealed partial class PatroniCluster : IAsyncDisposable
{
    public static readonly Prerequisite Etcd = new("etcd", "etcd-server", ["/usr/bin"]);
    public static readonly Prerequisite Patroni = new("patroni", "patroni", ["/usr/bin"]);

    private readonly RunDirectory _run;
    private readonly PatroniSecrets _secrets = PatroniSecrets.Create();
    private readonly List<LeaderChange> _leaderChanges = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly MemberRestarts _restarts;
    private readonly MemberProbe _probe = new(TimeSpan.FromSeconds(2));
    internal MemberProbe Probe => _probe;
    private string _patroni = "";
    private (uint Uid, uint Gid)? _owner;
    private Func<PatroniMember, RestoreTarget?, string> _config = (_, _) => "";
    private Task _routing = Task.CompletedTask;

    private PatroniCluster(RunDirectory run, PatroniOptions options, PostgresOptions database, TimeProvider time)
    {
        _run = run;
        Options = options;
        _time = time;
        Database = database.Database;
        AppUser = database.AppUser;
        _http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(Math.Max(300, options.RouterInterval.TotalMilliseconds * 0.8)) };
        _restarts = new MemberRestarts(run.Path, options.RestartDelay, _time, _stop.Token);
    }

    public PatroniOptions Options { get; }
    public IReadOnlyList<EtcdMember> EtcdMembers { get; private set; } = [];
    public IReadOnlyList<PatroniMember> Members { get; private set; } = [];
    public string Database { get; }
    public string AppUser { get; }
    public string AppPassword { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
    /// <summary>pgBackRest's archive and schedule, when <see cref="PatroniOptions.Backups"/> asks for them.</summary>
    public ClusterBackups? Backups { get; private set; }
    /// <summary>The member whose GET /primary answered 200 at the router's last check; null while there is none.</summary>
    public PatroniMember? Primary { get; private set; }
    /// <summary>Raised by the router when the primary changes (to null too, while there is none).</summary>
    public event Action<LeaderChange>? PrimaryChanged;

    public IReadOnlyList<LeaderChange> LeaderChanges
    {
        get
        {
            lock (_gate)
            {
                return [.. _leaderChanges];
            }
        }
    }

    /// <summary>Superuser connection to whichever member is writable (Npgsql multi-host, read-write), for the RPO reconciliation.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = string.Join(',', Members.Select(m => $"127.0.0.1:{m.PostgresPort}")),
        Database = Database, Username = PatroniSecrets.SuperUser, Password = _secrets.SuperPassword,
        // Npgsql caches each host's role for 10 s by default; after a failover that cache would call both hosts unsuitable.
        TargetSessionAttributes = "read-write", HostRecheckSeconds = 0, Pooling = false, Timeout = 3,
    }.ConnectionString;

    /// <summary>Superuser connection to one member, whatever its role (to check that a demoted primary refuses writes).</summary>
    public string MemberConnectionString(PatroniMember member) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = member.PostgresPort, Database = Database, Username = PatroniSecrets.SuperUser,
        Password = _secrets.SuperPassword, Pooling = false, Timeout = 3,
    }.ConnectionString;

    /// <summary>
    /// Starts etcd, then the members: the first alone until it is the primary, then the replicas until they
    /// stream. <paramref name="etcdRoute"/> gives the address member m uses for etcd member e (a link);
    /// <paramref name="peerRoute"/> the address member a uses to reach member b's PostgreSQL (replication,
    /// pg_rewind). Patroni advertises one connect_address per member, so peer links are used only with
    /// two members, where each member has exactly one peer.
    /// </summary>
    public static async Task<PatroniCluster> StartAsync(RunDirectory run, PatroniOptions options, PostgresOptions database, TimeProvider time,
        Func<PatroniMember, EtcdMember, IPEndPoint>? etcdRoute = null, CancellationToken ct = default,
        Func<PatroniMember, PatroniMember, IPEndPoint>? peerRoute = null)
    {
        var cluster = new PatroniCluster(run, options, database, time);
        try
        {
            await cluster.StartEtcdAsync(ct);
            cluster.Members = [.. options.MemberZones.Select((zone, i) => new PatroniMember(run, i, zone, FreePort.Next(), FreePort.Next()))];
            etcdRoute ??= (_, e) => new IPEndPoint(IPAddress.Loopback, e.ClientPort);
            await cluster.StartMembersAsync(etcdRoute, peerRoute, database, ct);
            cluster._routing = Task.Run(cluster.RouteAsync, CancellationToken.None);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartEtcdAsync(CancellationToken ct)
    {
        var etcd = Etcd.Locate();
        var members = Options.EtcdZones.Select(zone => (Zone: zone, Client: FreePort.Next(), Peer: FreePort.Next())).ToList();
        var initial = string.Join(',', members.Select(m => $"etcd-{m.Zone}=http://127.0.0.1:{m.Peer}"));
        EtcdMembers = [.. members.Select(m => new EtcdMember(_run, m.Zone, m.Client, m.Peer, initial))];
        foreach (var member in EtcdMembers)
        {
            member.Start(etcd);
        }
        await Task.WhenAll(EtcdMembers.Select(m => m.WaitHealthyAsync(Options.StartTimeout, ct)));
    }

    private async Task StartMembersAsync(Func<PatroniMember, EtcdMember, IPEndPoint> etcdRoute, Func<PatroniMember, PatroniMember, IPEndPoint>? peerRoute,
        PostgresOptions database, CancellationToken ct)
    {
        _patroni = Patroni.Locate();
        // Patroni's bin_dir needs pg_rewind, pg_basebackup and pg_controldata, which Debian keeps off PATH.
        var binDirectory = Options.BinDirectory ?? PostgresBinaries.Locate(database.BinDirectory);
        _owner = Posix.IsRoot
            ? Posix.LookupUser(PatroniMember.ServiceAccount) ?? throw new InvalidOperationException($"running as root, Patroni and PostgreSQL need the '{PatroniMember.ServiceAccount}' account: {PostgresBinaries.InstallHint}")
            : null;
        if (Options.Backups is { } backups)
        {
            Backups = new ClusterBackups(_run, backups, () => Primary, _time);
            Backups.BackRest.Prepare(_owner);
        }
        _config = (member, bootstrapFrom) => PatroniConfig.Render(member, Options, [.. EtcdMembers.Select(e => etcdRoute(member, e))],
            peerRoute is not null && Members.Count == 2 ? peerRoute(Members.Single(m => m != member), member) : member.PostgresEndpoint,
            _secrets, binDirectory, Backups?.BackRest, bootstrapFrom);
        foreach (var member in Members)
        {
            await WriteConfigAsync(member, null, ct);
        }
        // Its PostgreSQL port comes from FreePort, outside the ephemeral range: a port another listener took
        // meanwhile was what made bootstraps fail ("Failed to bootstrap cluster"), at every attempt.
        await Members[0].StartAsync(_patroni);
        await WaitForRoleAsync(Members[0], "primary", ct);
        await CreateAppDatabaseAsync(Members[0], ct);
        foreach (var replica in Members.Skip(1))
        {
            await replica.StartAsync(_patroni);
        }
        foreach (var replica in Members.Skip(1))
        {
            await WaitForRoleAsync(replica, "replica", ct);
        }
        foreach (var member in Members)
        {
            member.Role = member == Members[0] ? MemberRole.Primary : MemberRole.Replica;
        }
        Primary = Members[0];
        Record(new LeaderChange(_time.GetUtcNow(), null, Primary.Name, 1));
        if (Backups is not null)
        {
            await Backups.StartAsync(Primary, ct);
        }
    }

    /// <summary>Writes a member's patroni.yml (0600, its owner's), bootstrapping from the backup repository when a target is given.</summary>
    internal async Task WriteConfigAsync(PatroniMember member, RestoreTarget? bootstrapFrom, CancellationToken ct)
    {
        await File.WriteAllTextAsync(member.ConfigFile, _config(member, bootstrapFrom), ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(member.ConfigFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (_owner is { } o)
        {
            Posix.ChownRecursive(member.Home, o.Uid, o.Gid);
        }
    }

    private Task WaitForRoleAsync(PatroniMember member, string endpoint, CancellationToken ct) =>
        _probe.WaitForRoleAsync(member, endpoint, Options.StartTimeout, ct);

    private async Task CreateAppDatabaseAsync(PatroniMember primary, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(MemberConnectionString(primary)) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        // Names come from options, the password is random hex: literal quoting is safe.
        foreach (var sql in new[] { $"CREATE ROLE \"{AppUser}\" LOGIN PASSWORD '{AppPassword}'", $"CREATE DATABASE \"{Database}\" OWNER \"{AppUser}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Waits until every replica has replayed the WAL the primary had written when the call began (see <see cref="ReplicaReplay"/>).</summary>
    public Task WaitForReplicasToReplayAsync(TimeSpan timeout, CancellationToken ct = default) => ReplicaReplay.WaitAsync(this, timeout, ct);

    private void Record(LeaderChange change)
    {
        lock (_gate)
        {
            _leaderChanges.Add(change);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _restarts.StopStartingAsync();
        await _routing;
        if (Backups is not null)
        {
            await Backups.DisposeAsync();
        }
        // Replicas first, so the primary's shutdown does not wait on them; then etcd.
        foreach (var member in Members.Reverse())
        {
            await member.StopAsync(TimeSpan.FromSeconds(10));
        }
        foreach (var etcd in EtcdMembers)
        {
            await etcd.DisposeAsync();
        }
        _http.Dispose();
        _probe.Dispose();
        _stop.Dispose();
        _restarts.Dispose();
    }
}
