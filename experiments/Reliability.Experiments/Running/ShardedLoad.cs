using Reliability.Load.Engine;
using Reliability.Load.Scenarios;
using Reliability.Load.Sharding;
using Reliability.Load.Simulations;

namespace Reliability.Experiments.Running;

/// <summary>
/// What a sharded experiment load asks of its generators: the target's scenario, the simulation of the whole, the folder the
/// shards keep their files in, the run's seed, and how long generators that must first be scheduled (pods) may take to be ready.
/// </summary>
internal sealed record ShardedLoadRequest(string Target, string Scenario, Uri BaseAddress, LoadSimulation Simulation, TimeSpan WarmUp, TimeSpan Timeout, int Shards, string Folder,
    int Seed = 0, TimeSpan? ReadyWithin = null);

/// <summary>
/// Starts the generator processes of a sharded load and coordinates them (<see cref="ShardCoordinator"/>); only
/// the composition root knows how to start them (processes of the CLI here, an Indexed Job on Kubernetes).
/// </summary>
internal interface IShardedLoad
{
    /// <summary>
    /// Runs the shards. <paramref name="stop"/> asks them to finish early and report (the runbook was done, the
    /// steady state was not met); <paramref name="kill"/> ends them at once (Ctrl-C).
    /// </summary>
    Task<ShardedRun> RunAsync(ShardedLoadRequest request, Scenario whole, ILoadProgress progress, CancellationToken kill, CancellationToken stop);
}

internal static class ShardedLoadExtensions
{
    /// <summary>
    /// Runs the shards for an experiment: their merged run stands for the engine's, and their merged ledger goes
    /// into the experiment's, acknowledgement times kept. A load that did not complete is an error of the run.
    /// </summary>
    public static async Task<ScenarioRun> RunIntoAsync(this IShardedLoad shards, ShardedLoadRequest request, Scenario whole, ILoadProgress progress,
        Reliability.Load.Ledger.WriteLedger ledger, CancellationToken kill, CancellationToken stop)
    {
        var outcome = await shards.RunAsync(request, whole, progress, kill, stop);
        if (outcome.Run is not { } run)
        {
            throw new InvalidOperationException($"the sharded load is not complete: {outcome.Failure}");
        }
        foreach (var entry in outcome.Ledger)
        {
            ledger.Append(entry);
        }
        return run;
    }
}
