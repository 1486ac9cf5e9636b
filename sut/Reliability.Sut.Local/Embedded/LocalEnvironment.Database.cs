using System.Net;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Links;
using Reliability.Sut.Local.Postgres;

namespace Reliability.Sut.Local.Embedded;

/// <summary>
/// The database side: a single PostgreSQL, or a Patroni cluster. With Patroni every SUT replica has a link
/// to every member and a small router in front of them (a per-pod HAProxy): the router forwards to the
/// link of the member whose GET /primary answers 200, and cuts its connections when the primary changes,
/// so no connection stays on a demoted primary. Members reach etcd through links too.
/// </summary>
internal sealed partial class LocalEnvironment
{
    private readonly Dictionary<string, LinkProxy> _routers = [];

    public PatroniCluster? Patroni { get; private set; }

    /// <summary>Superuser connection to the writable database, for the RPO reconciliation.</summary>
    public string DatabaseAdminConnectionString => Patroni?.AdminConnectionString ?? Postgres!.AdminConnectionString;

    /// <summary>One line for people: where the database is.</summary>
    public string DatabaseSummary => Patroni is { } cluster
        ? $"Patroni cluster {string.Join(", ", cluster.Members.Select(m => $"{m.Name} ({m.Zone}, {PatroniMember.RoleLabel(m.Role)}) 127.0.0.1:{m.PostgresPort}"))}; etcd {string.Join(", ", cluster.EtcdMembers.Select(e => e.Name))}; database {cluster.Database}, role {cluster.AppUser}"
        : $"127.0.0.1:{Postgres!.Port} database {Postgres.Database}, role {Postgres.AppUser}";

    /// <summary>Starts the database and gives, per SUT pod, the connection string its replica uses.</summary>
    private async Task<Func<string, string, string>> StartDatabaseAsync(TextWriter progress, CancellationToken ct)
    {
        if (Options.Database == DatabaseMode.Single)
        {
            await progress.WriteLineAsync("Starting PostgreSQL");
            Postgres = await PostgresServer.StartAsync(Run, Options.Postgres, ct: ct);
            _teardown.Add(() => Postgres.DisposeAsync());
            var endpoint = new IPEndPoint(IPAddress.Loopback, Postgres.Port);
            var labels = EnvironmentLayout.DatabaseLabels(Options);
            // A restart after a pod-failure may have to take another port: the replicas' links follow it.
            Postgres.PortChanged += port =>
            {
                foreach (var link in _links.Where(l => l.To == "postgres-0"))
                {
                    link.Proxy.Upstream = new IPEndPoint(IPAddress.Loopback, port);
                }
            };
            return (pod, zone) =>
            {
                var link = AddLink(new LinkProxy($"{pod}->postgres", endpoint, Options.Time), pod, EnvironmentLayout.PodLabels(pod, zone), "postgres-0", labels);
                return $"postgres://{Postgres.AppUser}:{Postgres.AppPassword}@127.0.0.1:{link.Proxy.Endpoint.Port}/{Postgres.Database}";
            };
        }

        await progress.WriteLineAsync($"Starting etcd ({Options.Patroni.EtcdZones.Count} members) and Patroni ({Options.Patroni.MemberZones.Count} members)");
        Patroni = await PatroniCluster.StartAsync(Run, Options.Patroni, Options.Postgres, Options.Time,
            (member, etcd) => AddLink(new LinkProxy($"{member.Name}->{etcd.Name}", new IPEndPoint(IPAddress.Loopback, etcd.ClientPort), Options.Time),
                member.Name, new LiveLabels(() => member.Labels), etcd.Name, etcd.Labels).Proxy.Endpoint,
            ct: ct,
            peerRoute: (from, to) => AddLink(new LinkProxy($"{from.Name}->{to.Name}", to.PostgresEndpoint, Options.Time),
                from.Name, new LiveLabels(() => from.Labels), to.Name, new LiveLabels(() => to.Labels)).Proxy.Endpoint);
        _teardown.Add(() => Patroni.DisposeAsync());
        var cluster = Patroni;
        cluster.PrimaryChanged += OnPrimaryChanged;
        return (pod, zone) =>
        {
            foreach (var member in cluster.Members)
            {
                AddLink(new LinkProxy($"{pod}->{member.Name}", member.PostgresEndpoint, Options.Time), pod, EnvironmentLayout.PodLabels(pod, zone), member.Name, new LiveLabels(() => member.Labels));
            }
            var router = new LinkProxy($"{pod}->postgres (router)", Link(pod, cluster.Primary!.Name).Proxy.Endpoint, Options.Time);
            _routers[pod] = router;
            return $"postgres://{cluster.AppUser}:{cluster.AppPassword}@127.0.0.1:{router.Endpoint.Port}/{cluster.Database}";
        };
    }

    private void OnPrimaryChanged(LeaderChange change)
    {
        foreach (var (pod, router) in _routers)
        {
            if (change.To is { } primary)
            {
                router.Upstream = Link(pod, primary).Proxy.Endpoint;
            }
            // With no primary, new connections still go to the old one and fail there, as through HAProxy with no backend up.
            router.ResetConnections();
        }
    }

    private async ValueTask DisposeRoutersAsync()
    {
        foreach (var router in _routers.Values)
        {
            await router.DisposeAsync();
        }
        _routers.Clear();
    }

    private IEnumerable<Monitoring.ScrapeTarget> DatabaseScrapeTargets() =>
        Patroni?.Members.Select(m => new Monitoring.ScrapeTarget("patroni", $"127.0.0.1:{m.RestPort}",
            new Dictionary<string, string> { ["app"] = "postgres", ["zone"] = m.Zone, ["pod"] = m.Name, ["member"] = m.Name })) ?? [];
}
