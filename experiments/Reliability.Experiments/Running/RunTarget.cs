using Reliability.Experiments.Drivers;
using Reliability.Slo.Prometheus;

namespace Reliability.Experiments.Running;

/// <summary>
/// Where an experiment runs and how it is observed: the URL users reach, the fault driver, Prometheus
/// (null: alert hypotheses are inconclusive), the database for the RPO check (null: inconclusive), and
/// the factor by which the target's alert rules run faster than production (1/30 locally).
/// </summary>
public sealed record RunTarget(
    Uri EntryPoint,
    IChaosDriver Driver,
    PrometheusClient? Prometheus,
    string? DatabaseConnectionString,
    double AlertTimeScale = 1.0)
{
    /// <summary>The SLOs of slo/specs: measured per phase on the server side, and named by "sli:" objectives.</summary>
    public IReadOnlyList<Slo.Specs.Slo> Slos { get; init; } = [];

    /// <summary>Alertmanager, to check that firing alerts reach it (null: delivery is unchecked, so alert verdicts are inconclusive).</summary>
    public Slo.Alertmanager.AlertmanagerClient? Alertmanager { get; init; }

    /// <summary>
    /// The shortest warm-up that lets the target's alert windows forget the set-up traffic (the virtual
    /// users' sign-up and login storm) before the steady state is judged; the experiment's own warm-up
    /// is raised to it. Zero by default.
    /// </summary>
    public TimeSpan MinimumWarmUp { get; init; }
}
