using Reliability.Load.Targets;
using Reliability.Targets.TaskManager;

namespace Reliability.Experiments.Tests;

/// <summary>The load targets the CLI registers: the bundled SUT (the default) and any HTTP service.</summary>
internal static class TestTargets
{
    public static TargetCatalog Catalog => new(new TaskManagerTarget(), new HttpTarget());
}
