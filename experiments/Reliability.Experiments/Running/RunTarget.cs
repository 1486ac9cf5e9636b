using Reliability.Experiments.Drivers;
using Reliability.Experiments.Observers;
using Reliability.Observe.Alertmanager;
using Reliability.Observe.Prometheus;

namespace Reliability.Experiments.Running;

/// <summary>
/// Where an experiment runs and how it is observed: the URL users reach, the fault driver, Prometheus
/// (null: alert hypotheses are inconclusive), the database for the RPO check (null: inconclusive), and
/// the factor by which the target's alert rules run faster than production (1/30 locally).
/// </summary>
internal sealed record RunTarget(
    Uri EntryPoint,
    IChaosDriver Driver,
    PrometheusClient? Prometheus,
    string? DatabaseConnectionString,
    double AlertTimeScale = 1.0)
{
    /// <summary>Alertmanager, to check that firing alerts reach it (null: delivery is unchecked, so alert verdicts are inconclusive).</summary>
    public AlertmanagerClient? Alertmanager { get; init; }

    /// <summary>
    /// The shortest warm-up that lets the target's alert windows forget the set-up traffic (the virtual
    /// users' sign-up and login storm) before the steady state is judged; the experiment's own warm-up
    /// is raised to it. Zero by default.
    /// </summary>
    public TimeSpan MinimumWarmUp { get; init; }

    /// <summary>CloudWatch, whose alarm history judges alarm hypotheses (null: they are inconclusive).</summary>
    public Reliability.Observe.CloudWatch.ICloudWatchClient? CloudWatch { get; init; }

    /// <summary>The safety lever: while engaged, nothing is injected and a running fault is rolled back (null: none).</summary>
    public Safety.ISafetyLever? Lever { get; init; }

    /// <summary>How an experiment's load runs split across generator processes (`load.shards`); null: this target cannot.</summary>
    public IShardedLoad? ShardedLoad { get; init; }

    /// <summary>Observers beyond the driver's and the alert watcher (see <see cref="RunObservers"/>).</summary>
    public IReadOnlyList<IRunObserver> Observers { get; init; } = [];
}
