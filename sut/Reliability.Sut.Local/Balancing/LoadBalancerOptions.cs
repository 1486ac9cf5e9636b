namespace Reliability.Sut.Local.Balancing;

/// <summary>The entry point's behaviour: what an ALB or a Kubernetes Service does in production.</summary>
internal sealed record LoadBalancerOptions
{
    /// <summary>Active health check interval on /ready. Default 1 s.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>A probe that takes longer fails. Default 1 s.</summary>
    public TimeSpan HealthTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Failed probes in a row before a target is taken out. Default 1, like a kubelet seeing a dead container.</summary>
    public int UnhealthyThreshold { get; init; } = 1;
    /// <summary>PowerOfTwoChoices (default) or RoundRobin.</summary>
    public string Policy { get; init; } = "PowerOfTwoChoices";
    /// <summary>How long a target failed by passive checks (transport errors under traffic) stays out. Default 5 s.</summary>
    public TimeSpan PassiveReactivation { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Upper bound on one proxied request's idle time. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public void Validate()
    {
        if (HealthInterval <= TimeSpan.Zero || HealthTimeout <= TimeSpan.Zero || UnhealthyThreshold < 1)
        {
            throw new ArgumentException("health interval and timeout must be positive and the unhealthy threshold at least 1");
        }
        if (Policy is not ("PowerOfTwoChoices" or "RoundRobin"))
        {
            throw new ArgumentException($"load balancing policy must be PowerOfTwoChoices or RoundRobin, got '{Policy}'");
        }
    }
}

/// <summary>A target behind the load balancer: a replica, reached through its link.</summary>
internal sealed record LoadBalancerTarget(string Pod, string Zone, Uri Address);
