namespace Reliability.Experiments.Faults;

/// <summary>The fault kinds the harness knows: the one place a new kind is registered.</summary>
internal static class FaultKinds
{
    public static readonly IReadOnlyList<IFaultKind> All =
    [
        new PodKill.PodKill(),
        new PodFailure.PodFailure(),
        new ContainerKill.ContainerKill(),
        new NetworkDelay.NetworkDelay(),
        new NetworkLoss.NetworkLoss(),
        new NetworkPartition.NetworkPartition(),
        new DatabaseDisaster.DatabaseDisaster(),
    ];

    /// <summary>The kind for a Chaos Mesh kind and action, or null.</summary>
    public static IFaultKind? Find(string chaosKind, string? action) => All.FirstOrDefault(k => k.ChaosKind == chaosKind && k.ChaosAction == action);

    public static IFaultKind Of(FaultAction action) => All.Single(k => k.Action == action);

    /// <summary>The Chaos Mesh kinds with at least one fault kind (what a Workflow template may name).</summary>
    public static IReadOnlyList<string> ChaosKinds => [.. All.Where(k => k.ChaosMesh).Select(k => k.ChaosKind).Distinct()];

    /// <summary>Every kind a manifest may have: Chaos Mesh's, and the harness's own (reliability.dev/v1alpha1).</summary>
    public static IReadOnlyList<string> Kinds => [.. All.Select(k => k.ChaosKind).Distinct()];

    public static IReadOnlyList<string> ActionsOf(string chaosKind) => [.. All.Where(k => k.ChaosKind == chaosKind).Select(k => k.ChaosAction)];
}
