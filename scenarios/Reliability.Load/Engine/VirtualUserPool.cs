using System.Collections.Concurrent;
using System.Net.Http;
using Reliability.Load.Scenarios;

namespace Reliability.Load.Engine;

/// <summary>
/// The virtual users of a run, created and initialised (sign-up, login) before the clock starts, so
/// per-user set-up never lands in the measurements. An arrival takes a free user or is dropped.
/// </summary>
internal sealed class VirtualUserPool : IDisposable
{
    private readonly ConcurrentBag<VirtualUser> _free;
    private readonly IReadOnlyList<VirtualUser> _all;

    private VirtualUserPool(IReadOnlyList<VirtualUser> users) => (_all, _free) = (users, new ConcurrentBag<VirtualUser>(users));

    public static async Task<VirtualUserPool> CreateAsync(int count, Scenario scenario, HttpClient http, CancellationToken ct, ExecutionSegment segment = default)
    {
        segment = segment.Count == 0 ? ExecutionSegment.Whole : segment;
        var seed = segment.Seed(scenario.Seed);
        var users = Enumerable.Range(1, count).Select(local => segment.UserId(local))
            .Select(id => new VirtualUser(id) { Random = new Random(ExecutionSegment.UserSeed(seed, id)) }).ToList();
        if (scenario.InitUser is { } init)
        {
            await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
                async (user, token) => await init(user, http, token));
        }
        return new VirtualUserPool(users);
    }

    public bool TryRent(out VirtualUser user) => _free.TryTake(out user!);

    public void Return(VirtualUser user) => _free.Add(user);

    /// <summary>Closes the users' connections once the run is over.</summary>
    public void Dispose()
    {
        foreach (var user in _all)
        {
            user.Connection?.Dispose();
            user.Connection = null;
        }
    }
}
