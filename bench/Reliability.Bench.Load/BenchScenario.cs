using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Bench.Load;

internal static class BenchScenario
{
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);

    /// <summary>
    /// One GET per iteration with 2 s of warm-up: through the engine's lean client (<c>ctx.Get</c>, the
    /// default), or through HttpClient (<c>ctx.Step</c> with <c>GetAsync</c>) to show what that costs.
    /// </summary>
    public static Scenario Get(string path, LoadSimulation simulation, bool httpClient = false) => new()
    {
        Name = path,
        Run = httpClient
            ? ctx => ctx.Step(path, http => http.GetAsync(path, ctx.CancellationToken))
            : ctx => ctx.Get(path, path),
        Simulations = [simulation],
        WarmUp = WarmUp,
    };

    /// <summary>How to start this benchmark again with other arguments: the apphost, or dotnet with the dll.</summary>
    public static IReadOnlyList<string> Self(params string[] arguments) =>
        Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal)
            ? [Environment.ProcessPath!, typeof(BenchScenario).Assembly.Location, .. arguments]
            : [Environment.ProcessPath!, .. arguments];
}
