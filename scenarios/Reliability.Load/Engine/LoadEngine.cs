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

    /// <summary>Which shard of a sharded run this engine produces (see <see cref="ExecutionSegment"/>); the whole run by default.</summary>
    internal ExecutionSegment Segment { get; init; } = ExecutionSegment.Whole;

    /// <summary>
    /// Awaited once the virtual users are prepared and before the clock starts: a shard says it is ready and
    /// waits there for the start time its coordinator hands out, so that every shard starts together.
    /// </summary>
    internal Func<int, CancellationToken, Task>? BeforeStart { get; init; }

    public async Task<ScenarioRun> RunAsync(Scenario scenario, CancellationToken ct = default)
    {
        scenario.Validate();
        var users = scenario.Simulations.Select(UsersNeeded).DefaultIfEmpty(1).Max();
        using var pool = await VirtualUserPool.CreateAsync(users, scenario, http, ct, Segment);
        if (scenario.Init is { } init)
        {
            await init(http, ct);
        }
        if (BeforeStart is { } beforeStart)
        {
            await beforeStart(users, ct);
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
        ConstantUsers u => RunClosedAsync(run, _ => Segment.Share(u.Users), u.During),
        RampingUsers r => RunClosedAsync(run, Ramp(r, Segment), r.Duration),
        Pause p => Task.Delay(p.During, _time, run.Stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default),
        IterationCount n => RunIterationsAsync(run, Segment.Share(n.Iterations), IterationUsers(n)),
        _ => throw new NotSupportedException($"unknown simulation {simulation.GetType().Name}"),
    };

    /// <summary>This shard's virtual users for a simulation: its share of the users or of the concurrency cap.</summary>
    private int UsersNeeded(LoadSimulation simulation) => simulation switch
    {
        ConstantArrivalRate c => Segment.ShareAtLeastOne(c.MaxConcurrent),
        RampingArrivalRate r => Segment.ShareAtLeastOne(r.MaxConcurrent),
        ConstantUsers u => Segment.Share(u.Users),
        RampingUsers r => Segment.Share((int)Math.Ceiling(Math.Max(r.StartUsers, r.Stages.Max(s => s.Target)))),
        IterationCount n => IterationUsers(n),
        _ => 0,
    };

    private int IterationUsers(IterationCount n) => Segment.Share(n.Iterations) > 0 ? Segment.ShareAtLeastOne(n.Users) : 0;

    private static Func<double, int> Ramp(RampingUsers ramp, ExecutionSegment segment)
    {
        var schedule = new ArrivalSchedule(ramp.StartUsers, ramp.Stages);
        return seconds => segment.Share((int)Math.Round(schedule.RateAt(seconds)));
    }
}
