using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Sut.Local.Embedded;
using Reliability.Targets.TaskManager;

namespace Reliability.Cli;

/// <summary>
/// Warms a freshly started embedded environment before its first experiment. Six new replicas spend their
/// first minute compiling their hot paths on shared cores; production replicas have long been warm, so
/// measuring that minute as steady state would judge the JIT, not the service. A small CRUD load runs until
/// the <see cref="WarmUpRule"/> holds, or until <see cref="Limit"/>; its writes go to a ledger of its own in
/// the run directory.
/// </summary>
internal sealed class EnvironmentWarmUp(LocalEnvironment environment, TextWriter log) : ILoadProgress, IDisposable
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    private readonly CancellationTokenSource _warm = new();
    private readonly WarmUpRule _rule = new();

    /// <summary>False when interrupted (Ctrl-C): the caller stops with <see cref="ExitCodes.Interrupted"/>.</summary>
    public async Task<bool> RunAsync(CancellationToken ct)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _warm.Token);
        await using var ledger = new WriteLedger(Path.Combine(environment.Run.Path, "warm-up-ledger.jsonl"), time: TimeProvider.System);
        var scenario = TaskManagerScenarios.Create("crud", ledger, time: TimeProvider.System) with { Simulations = [new ConstantArrivalRate(20, Limit, MaxConcurrent: 20)] };
        using var http = LoadHttpClient.Create(environment.EntryPoint, TimeSpan.FromSeconds(5));
        var clock = TimeProvider.System.GetTimestamp();
        try
        {
            await new LoadEngine(http, progress: this, time: TimeProvider.System).RunAsync(scenario, linked.Token);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        if (ct.IsCancellationRequested)
        {
            return false;
        }
        var took = TimeProvider.System.GetElapsedTime(clock);
        log.WriteLine(_warm.IsCancellationRequested
            ? $"environment warm after {took.TotalSeconds:0} s (CRUD iteration p95 {_rule.LastP95.TotalMilliseconds:0} ms for {WarmUpRule.StableSeconds} s)"
            : $"environment still not warm after {took.TotalSeconds:0} s (last CRUD iteration p95 {_rule.LastP95.TotalMilliseconds:0} ms); going on");
        return true;
    }

    public void OnSimulation(LoadSimulation simulation)
    {
    }

    public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed)
    {
        if (_rule.Observe(measurements, elapsed) && !_warm.IsCancellationRequested)
        {
            _warm.Cancel();
        }
    }

    public void Dispose() => _warm.Dispose();
}
