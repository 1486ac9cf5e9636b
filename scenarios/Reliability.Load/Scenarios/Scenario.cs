using Reliability.Load.Simulations;
using Reliability.Load.Thresholds;

namespace Reliability.Load.Scenarios;

/// <summary>
/// A named async function of a context, run under a sequence of load simulations. Optional hooks:
/// <see cref="Init"/> and <see cref="Clean"/> once per run, <see cref="InitUser"/> once per virtual user
/// (sign up and log in there, not per iteration: the password KDF is deliberately slow).
/// </summary>
public sealed record Scenario
{
    public required string Name { get; init; }
    public required Func<ScenarioContext, Task> Run { get; init; }
    public IReadOnlyList<LoadSimulation> Simulations { get; init; } = [];
    public Func<System.Net.Http.HttpClient, CancellationToken, Task>? Init { get; init; }
    public Func<System.Net.Http.HttpClient, CancellationToken, Task>? Clean { get; init; }
    public Func<VirtualUser, System.Net.Http.HttpClient, CancellationToken, Task>? InitUser { get; init; }
    /// <summary>Iterations that start within this span from the beginning run but are not measured.</summary>
    public TimeSpan WarmUp { get; init; }
    public IReadOnlyList<Threshold> Thresholds { get; init; } = [];

    /// <summary>
    /// The run's seed. Each shard derives its own from it (<see cref="Engine.ExecutionSegment.Seed"/>), and each
    /// virtual user its <see cref="VirtualUser.Random"/> from the shard's: a scenario that randomises does the same
    /// on every run with the same seed, and no two shards or users draw the same sequence.
    /// </summary>
    public int Seed { get; init; }

    public TimeSpan Duration => Simulations.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            throw new ArgumentException("a scenario needs a name");
        }
        if (Simulations.Count == 0)
        {
            throw new ArgumentException($"scenario '{Name}' has no load simulation");
        }
        foreach (var simulation in Simulations)
        {
            simulation.Validate();
        }
    }
}

/// <summary>One simulated user: an id and whatever its init hook stored (a token, its own task ids...).</summary>
public sealed class VirtualUser(int id)
{
    public int Id { get; } = id;
    public Dictionary<string, object?> Data { get; } = [];

    /// <summary>Its own random numbers, seeded from the run's seed, its shard and its id (one iteration uses a user at a time).</summary>
    public Random Random { get; internal init; } = new(id);

    public T Get<T>(string key) => (T)Data[key]!;

    /// <summary>Its own keep-alive connection for <see cref="ScenarioContext.Get"/> and <see cref="ScenarioContext.SendAsync"/>, opened on first use.</summary>
    internal Http.LeanHttpConnection? Connection { get; set; }
}
