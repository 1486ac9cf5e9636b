using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Bench.Load;

internal static class BenchScenario
{
    /// <summary>One GET per iteration, the response disposed unread past its status; 2 s of warm-up.</summary>
    public static Scenario Get(string path, LoadSimulation simulation) => new()
    {
        Name = path,
        Run = ctx => ctx.Step(path, http => http.GetAsync(path, ctx.CancellationToken)),
        Simulations = [simulation],
        WarmUp = TimeSpan.FromSeconds(2),
    };

    /// <summary>How to start this benchmark again with other arguments: the apphost, or dotnet with the dll.</summary>
    public static IReadOnlyList<string> Self(params string[] arguments) =>
        Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal)
            ? [Environment.ProcessPath!, typeof(BenchScenario).Assembly.Location, .. arguments]
            : [Environment.ProcessPath!, .. arguments];
}
