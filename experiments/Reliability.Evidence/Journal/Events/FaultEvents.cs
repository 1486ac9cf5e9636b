namespace Reliability.Evidence.Journal.Events;

/// <summary>A Chaos Mesh object created in the cluster (Kubernetes driver).</summary>
internal sealed record ChaosObjectCreated(string Kind, string Namespace, string Name, string Path) : JournalEvent;

/// <summary>A leaf fault in effect: its kind and action, what it does, and what it hits.</summary>
internal sealed record FaultInjected(string Fault, string Kind, string? Action, string Effect, IReadOnlyList<string> Pods, IReadOnlyList<string> Links, string Source) : JournalEvent;

/// <summary>
/// A fault undone. <see cref="Confirmed"/> (Kubernetes) says whether the object was seen gone, which Chaos
/// Mesh's finalizer holds until its recovery is done.
/// </summary>
internal sealed record FaultRecovered(string Fault, string? Action = null, string? Namespace = null, string? Kind = null,
    IReadOnlyList<string>? Pods = null, IReadOnlyList<string>? Links = null, bool? Confirmed = null) : JournalEvent;

/// <summary>A fault that could not be undone, with the command an operator can run to undo it.</summary>
internal sealed record RollbackFailed(string Fault, string Namespace, string Kind, string Error, string Command) : JournalEvent;

/// <summary>What a link (a network path of the embedded environment) does now: its faults, or none.</summary>
internal sealed record LinkChanged(string Link, string Faults) : JournalEvent;
