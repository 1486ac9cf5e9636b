namespace Reliability.Load.Tests;

/// <summary>
/// Tests that assert on measured latencies run alone: on two cores, a parallel test class's JIT and
/// load add milliseconds of scheduling delay to every request, which is the very error they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "timing";
}
