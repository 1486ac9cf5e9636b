using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Running;
using Reliability.Observe.Alertmanager;
using Reliability.Observe.Prometheus;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Cli;

/// <summary>What `run` and `gameday` share on the embedded environment: the target and its steady-state check.</summary>
internal sealed class LocalRun(LocalEnvironment environment) : IDisposable
{
    /// <summary>The embedded environment an experiment's `environment:` block asks for.</summary>
    public static EnvironmentOptions Options(Reliability.Evidence.Specs.EnvironmentSpec spec) => new()
    {
        Database = spec.Database == "single" ? Reliability.Sut.Local.Database.DatabaseMode.Single : Reliability.Sut.Local.Database.DatabaseMode.Patroni,
        Patroni = new Reliability.Sut.Local.Database.PatroniOptions
        {
            SynchronousMode = spec.SynchronousMode,
            Backups = spec.Backups is { } backups ? Reliability.Experiments.Drivers.Local.LocalBackups.Options(backups) : null,
        },
    };

    private readonly HttpClient _prometheus = new() { BaseAddress = environment.Prometheus!.Address, Timeout = TimeSpan.FromSeconds(3) };
    private readonly HttpClient _alertmanager = new() { BaseAddress = environment.Alertmanager!.Address, Timeout = TimeSpan.FromSeconds(3) };

    public RunTarget Target(int seed) =>
        new(environment.EntryPoint, new LocalChaosDriver(environment, seed, time: TimeProvider.System), new PrometheusClient(_prometheus),
            environment.DatabaseAdminConnectionString, environment.Options.Monitoring.RuleTimeScale)
        {
            Alertmanager = new AlertmanagerClient(_alertmanager),
            CloudWatch = environment.CloudWatch?.Client,
            Lever = Commands.Levers.Local(),
            ShardedLoad = new LocalShardedLoad(),
            // The hand-written alerts look back 5 minutes, compressed locally (10 s at 1/30), plus a scrape and an evaluation.
            MinimumWarmUp = TimeSpan.FromMinutes(5) * environment.Options.Monitoring.RuleTimeScale
                + environment.Options.Monitoring.ScrapeInterval + environment.Options.Monitoring.EvaluationInterval,
        };

    /// <summary>Steady state between experiments: every replica running and ready, the balancer sending to all of them, the database whole.</summary>
    public async Task<string?> SteadyStateProblemAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var replicas = environment.Supervisor.Replicas;
            var down = replicas.Where(r => r.State != ReplicaState.Running).Select(r => r.Pod).ToList();
            var healthy = environment.LoadBalancer.HealthyTargets().Count;
            var database = DatabaseProblem();
            if (down.Count == 0 && healthy == replicas.Count && database is null)
            {
                return null;
            }
            if (DateTime.UtcNow > deadline)
            {
                return $"after 90 s, replicas not running: [{string.Join(", ", down)}], balancer healthy {healthy} of {replicas.Count}{(database is null ? "" : $"; {database}")}";
            }
            await Task.Delay(250, ct);
        }
    }

    /// <summary>With Patroni: a primary, and every other member back as a replica (a killed primary rejoins after its restart delay).</summary>
    private string? DatabaseProblem()
    {
        if (environment.Patroni is not { } cluster)
        {
            return null;
        }
        var notReady = cluster.Members.Where(m => m.IsDown || m.Role == Reliability.Sut.Local.Database.MemberRole.Unknown).Select(m => m.Name).ToList();
        return cluster.Primary is null ? "no database primary"
            : notReady.Count > 0 ? $"database members not back: [{string.Join(", ", notReady)}]"
            : null;
    }

    public void Dispose()
    {
        _prometheus.Dispose();
        _alertmanager.Dispose();
    }
}
