using System.Text.Json.Nodes;

namespace Reliability.Evidence.Journal.Events;

/// <summary>
/// A pod (or, locally, a replica or database member) changed: killed, exited, restarting, started, ready,
/// held-down, released (local supervisor), or added, restarted, ready, not-ready, deleted (Kubernetes).
/// </summary>
internal sealed record PodEvent(string Pod, string Event, string? Zone = null, string? Namespace = null, string? Detail = null,
    bool? Ready = null, int? Restarts = null, string? Node = null) : JournalEvent;

/// <summary>The set of replicas the load balancer finds healthy changed.</summary>
internal sealed record BalancerHealthChanged(int Count, IReadOnlyList<string> Pods) : JournalEvent;

/// <summary>The database cluster as the run begins: its primary and its members' roles.</summary>
internal sealed record LeaderObserved(string? Primary, IReadOnlyList<DatabaseMember> Members) : JournalEvent;

internal sealed record DatabaseMember(string Name, string Zone, string Role, int? Timeline);

/// <summary>The router saw the primary change (to null while there is none), and what it heard from the one it left.</summary>
internal sealed record LeaderChanged(string? From, string? To, int? Timeline, string? Reason = null) : JournalEvent;

/// <summary>Patroni's own view at the end of the run: GET /cluster and /history, as Patroni answered.</summary>
internal sealed record PatroniDescribed(JsonNode? Cluster, JsonNode? History) : JournalEvent;
