using System.Net.Http;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Load.Thresholds;

namespace Reliability.Load.Engine;

/// <summary>
/// Runs a scenario through its simulations: open-model arrivals on a dedicated scheduler thread,
/// closed-model users as async loops. Thresholds are checked every second and can abort the run.
/// </summary>
public sealed partial class LoadEngine(HttpClient http, TimeProvider time, ILoadProgress? progress = null)
{
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time;

    /// <summary>
    /// Whether scenarios' requests go over each user's lean connection (the default, for plain-http targets);
    /// off, everything goes through the HttpClient, which the load bench uses to show what the lean client saves.
    /// </summary>
    internal bool LeanClient { get; init; } = true;

    public async Task<ScenarioRun> RunAsync(Scenario scenario, CancellationToken ct = default)
    {
        scenario.Validate();
        var users = scenario.Simulations.Select(UsersNeeded).DefaultIfEmpty(1).Max();
        using var pool = await VirtualUserPool.CreateAsync(users, scenario, http, ct);
        if (scenario.Init is { } init)
        {
            await init(http, ct);
        }

        var measurements = new RunMeasurements(TimeSpan.FromSeconds(1));
        var startedAt = _time.GetUtcNow();
        var run = new RunState(scenario, pool, measurements, _time, http, _time.GetTimestamp(), ct, LeanClient);
        progress?.OnStart(startedAt);
        using var monitor = new ThresholdMonitor(scenario, measurements, run, _time, progress);
        var monitoring = monitor.RunAsync();
        try
        {
            foreach (var simulation in scenario.Simulations)
            {
                if (run.Stopping.IsCancellationRequested)
                {
                    break;
                }
                progress?.OnSimulation(simulation);
                await RunSimulationAsync(run, simulation);
            }
            await run.DrainAsync(GracefulStop);
        }
        finally
        {
            await run.StopAsync();
            await monitoring;
        }
        if (scenario.Clean is { } clean)
        {
            await clean(http, CancellationToken.None);
        }
        var measuredFor = _time.GetElapsedTime(run.Start) - scenario.WarmUp;
        var verdicts = scenario.Thresholds.Select(t => t.Evaluate(measurements, measuredFor)).ToList();
        return new ScenarioRun(scenario, measurements, verdicts, startedAt, measuredFor, monitor.AbortedBy, ct.IsCancellationRequested);
    }

    private Task RunSimulationAsync(RunState run, LoadSimulation simulation) => simulation switch
    {
        ConstantArrivalRate c => RunOpenAsync(run, ArrivalSchedule.Constant(c.Rate, c.During), c.During),
        RampingArrivalRate r => RunOpenAsync(run, new ArrivalSchedule(r.StartRate, r.Stages), r.Duration),
        ConstantUsers u => RunClosedAsync(run, _ => u.Users, u.During),
        RampingUsers r => RunClosedAsync(run, Ramp(r), r.Duration),
        Pause p => Task.Delay(p.During, _time, run.Stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default),
        IterationCount n => RunIterationsAsync(run, n),
        _ => throw new NotSupportedException($"unknown simulation {simulation.GetType().Name}"),
    };

    private static int UsersNeeded(LoadSimulation simulation) => simulation switch
    {
        ConstantArrivalRate c => c.MaxConcurrent,
        RampingArrivalRate r => r.MaxConcurrent,
        ConstantUsers u => u.Users,
        RampingUsers r => (int)Math.Ceiling(Math.Max(r.StartUsers, r.Stages.Max(s => s.Target))),
        IterationCount n => n.Users,
        _ => 0,
    };

    private static Func<double, int> Ramp(RampingUsers ramp)
    {
        var schedule = new ArrivalSchedule(ramp.StartUsers, ramp.Stages);
        return seconds => (int)Math.Round(schedule.RateAt(seconds));
    }
}
