using Reliability.Load.Scenarios;
using Reliability.Load.Targets;

namespace Reliability.Targets.TaskManager;

/// <summary>The bundled SUT as a load target: its scenarios on the real API, and its tasks table for the RPO check.</summary>
internal sealed class TaskManagerTarget : ILoadTarget
{
    public const string TargetName = "task-manager";

    public string Name => TargetName;

    public IReadOnlyList<string> Scenarios => TaskManagerScenarios.Names;

    public IRowReader? Rows { get; } = new TaskRows();

    public Scenario Create(string scenario, TargetContext context) =>
        TaskManagerScenarios.Create(scenario, context.Ledger ?? throw new ArgumentException("the task-manager scenarios record their writes: give them a ledger"), context.Time);
}
