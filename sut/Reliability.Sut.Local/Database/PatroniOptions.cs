namespace Reliability.Sut.Local.Database;

/// <summary>Which database the embedded environment runs.</summary>
internal enum DatabaseMode
{
    /// <summary>One PostgreSQL server in the database zone: a zone loss there takes the service down.</summary>
    Single,
    /// <summary>A Patroni cluster over a three-member etcd, a primary with streaming standbys.</summary>
    Patroni,
}

/// <summary>
/// The Patroni cluster's settings in one place. Defaults are those measured on a 2-core machine to fail
/// over in about 10 s: ttl 10 s, loop_wait 1 s, retry_timeout 4 s (Patroni requires
/// loop_wait + 2 × retry_timeout ≤ ttl), failover refused to a replica more than 1 MiB behind, and
/// asynchronous replication, as in Patroni itself (RDS Multi-AZ's standby is synchronous; set
/// <see cref="SynchronousMode"/> to compare).
/// </summary>
internal sealed record PatroniOptions
{
    /// <summary>The zones with a Patroni member; the first is the primary at bootstrap.</summary>
    public IReadOnlyList<string> MemberZones { get; init; } = ["zone-a", "zone-b"];
    /// <summary>The zones with an etcd member: one per zone, so that losing a zone keeps the quorum.</summary>
    public IReadOnlyList<string> EtcdZones { get; init; } = ["zone-a", "zone-b", "zone-c"];
    public TimeSpan Ttl { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan LoopWait { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan RetryTimeout { get; init; } = TimeSpan.FromSeconds(4);
    public long MaximumLagOnFailoverBytes { get; init; } = 1024 * 1024;
    public bool SynchronousMode { get; init; }
    /// <summary>How often the database router asks every member's GET /primary, like HAProxy's check.</summary>
    public TimeSpan RouterInterval { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>
    /// How long a killed member stays down before it is started again, as its pod rescheduled after a node
    /// loss would be. Longer than the ttl, so the leader key expires first: a member back within the ttl
    /// still holds the key and stays primary, which is a restart, not a failover.
    /// </summary>
    public TimeSpan RestartDelay { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>WAL archiving and scheduled backups with pgBackRest; null runs the cluster without (the default).</summary>
    public Backups.BackupOptions? Backups { get; init; }
    /// <summary>Folder with initdb, pg_ctl, pg_basebackup, pg_rewind and pg_controldata: Patroni's bin_dir.</summary>
    public string? BinDirectory { get; init; }

    public void Validate(IReadOnlyList<string> zones)
    {
        if (MemberZones.Count is < 2 or > 3 || MemberZones.Distinct().Count() != MemberZones.Count)
        {
            throw new ArgumentException("patroni: 2 or 3 members in distinct zones");
        }
        if (EtcdZones.Count is not (1 or 3) || EtcdZones.Distinct().Count() != EtcdZones.Count)
        {
            throw new ArgumentException("patroni: etcd needs 1 or 3 members in distinct zones");
        }
        if (MemberZones.Concat(EtcdZones).FirstOrDefault(z => !zones.Contains(z)) is { } unknown)
        {
            throw new ArgumentException($"patroni: zone '{unknown}' is not one of the environment's zones");
        }
        if (LoopWait + RetryTimeout * 2 > Ttl)
        {
            throw new ArgumentException($"patroni: loop_wait ({LoopWait.TotalSeconds} s) + 2 × retry_timeout ({RetryTimeout.TotalSeconds} s) must not exceed ttl ({Ttl.TotalSeconds} s)");
        }
        if (LoopWait < TimeSpan.FromSeconds(1) || Ttl.TotalSeconds % 1 != 0 || LoopWait.TotalSeconds % 1 != 0 || RetryTimeout.TotalSeconds % 1 != 0)
        {
            throw new ArgumentException("patroni: ttl, loop_wait and retry_timeout are whole seconds, loop_wait at least 1");
        }
        Backups?.Validate();
    }
}
