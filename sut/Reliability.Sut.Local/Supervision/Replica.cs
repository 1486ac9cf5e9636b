using Reliability.Sut.Local.Sut;

namespace Reliability.Sut.Local.Supervision;

internal enum ReplicaState { Starting, Running, Down, HeldDown, Stopped }

/// <summary>One SUT replica as the supervisor sees it: identity and labels stay, the process comes and goes.</summary>
internal sealed class Replica
{
    internal Replica(string pod, string zone, Func<int, SutProcessOptions> options)
    {
        Pod = pod;
        Zone = zone;
        Options = options;
        Labels = new Dictionary<string, string>
        {
            ["app"] = "sut",
            ["pod"] = pod,
            ["zone"] = zone,
            ["topology.kubernetes.io/zone"] = zone,
        };
    }

    public string Pod { get; }
    public string Zone { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public ReplicaState State { get; internal set; } = ReplicaState.Starting;
    /// <summary>The port the replica listens on; kept across restarts so links and scrape targets stay valid.</summary>
    public int Port { get; internal set; }
    public int Restarts { get; internal set; }
    public SutProcess? Process { get; internal set; }
    internal Func<int, SutProcessOptions> Options { get; }
    internal bool HoldRequested { get; set; }
    internal TaskCompletionSource Released { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    internal Task? Watch { get; set; }
}
