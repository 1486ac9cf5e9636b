namespace Reliability.Sut.Local.Supervision;

internal enum LifecycleEventKind
{
    /// <summary>A process was launched.</summary>
    Started,
    /// <summary>The replica's /ready answered 200 for the first time since it started.</summary>
    Ready,
    /// <summary>The harness sent SIGKILL (pod-kill, container-kill).</summary>
    Killed,
    /// <summary>The harness sent SIGTERM with a grace period (pod deletion).</summary>
    Terminated,
    /// <summary>The process ended, whatever the cause; the detail holds the exit code.</summary>
    Exited,
    /// <summary>The supervisor is about to start a replacement after the restart delay.</summary>
    Restarting,
    /// <summary>Kept down until released (pod-failure, zone failure).</summary>
    HeldDown,
    Released,
    /// <summary>Stopped for good, at environment shutdown.</summary>
    Stopped,
}

/// <summary>What happened to which replica, and when: the evidence recovery times are computed from.</summary>
internal sealed record LifecycleEvent(DateTimeOffset At, string Pod, string Zone, LifecycleEventKind Kind, string? Detail = null);
