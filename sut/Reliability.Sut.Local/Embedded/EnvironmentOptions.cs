using Reliability.Sut.Local.Balancing;
using Reliability.Sut.Local.Monitoring;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Sut.Local.Embedded;

/// <summary>
/// The embedded environment's topology and settings. Defaults: three zones, two SUT replicas in each,
/// PostgreSQL in zone-a, a load balancer, Prometheus and Alertmanager.
/// </summary>
internal sealed record EnvironmentOptions
{
    public IReadOnlyList<string> Zones { get; init; } = ["zone-a", "zone-b", "zone-c"];
    public int ReplicasPerZone { get; init; } = 2;
    /// <summary>Single PostgreSQL or a Patroni cluster (see <see cref="Patroni"/>).</summary>
    public Database.DatabaseMode Database { get; init; } = Reliability.Sut.Local.Database.DatabaseMode.Patroni;
    /// <summary>Where the single PostgreSQL runs (database mode single).</summary>
    public string DatabaseZone { get; init; } = "zone-a";
    public Database.PatroniOptions Patroni { get; init; } = new();
    public PostgresOptions Postgres { get; init; } = new();
    public SupervisorOptions Supervisor { get; init; } = new();
    public LoadBalancerOptions LoadBalancer { get; init; } = new();
    public MonitoringTimings Monitoring { get; init; } = new();
    /// <summary>
    /// The clock of the environment's own timing (links' delays, restart delays, notification times). Its
    /// processes run in real time, so it is the system clock unless a test needs another.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>False skips Prometheus and Alertmanager (for tests that do not observe).</summary>
    public bool WithMonitoring { get; init; } = true;
    /// <summary>Rule files loaded besides sut/deploy/prometheus/rules.yaml: (file name, YAML).</summary>
    public IReadOnlyList<(string Name, string Yaml)> ExtraRuleFiles { get; init; } = [];
    /// <summary>Extra environment for every replica; it overrides the environment's own defaults.</summary>
    public IReadOnlyDictionary<string, string> SutEnvironment { get; init; } = new Dictionary<string, string>();
    /// <summary>Parent of the run directory; null uses $RELIABILITY_RUNS or the temp folder.</summary>
    public string? RunRoot { get; init; }
    public bool KeepRunFiles { get; init; }

    public IEnumerable<(string Pod, string Zone)> Pods() =>
        Zones.SelectMany(zone => Enumerable.Range(0, ReplicasPerZone).Select(i => ($"sut-{zone}-{i}", zone)));

    public void Validate()
    {
        if (Zones.Count == 0 || Zones.Distinct().Count() != Zones.Count)
        {
            throw new ArgumentException("zones must be a non-empty list of distinct names");
        }
        if (ReplicasPerZone is < 1 or > 10)
        {
            throw new ArgumentException($"replicas per zone must be between 1 and 10, got {ReplicasPerZone}");
        }
        if (!Zones.Contains(DatabaseZone))
        {
            throw new ArgumentException($"the database zone '{DatabaseZone}' is not one of the zones");
        }
        if (Database == Reliability.Sut.Local.Database.DatabaseMode.Patroni)
        {
            Patroni.Validate(Zones);
        }
        Supervisor.Validate();
        LoadBalancer.Validate();
        Monitoring.Validate();
    }
}
