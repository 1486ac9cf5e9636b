namespace Reliability.Sut.Local.Database.Backups;

/// <summary>
/// Backups of the Patroni cluster with pgBackRest, to a repository in the run folder that stands in for
/// an object store. Defaults are the seeds' schedule compressed for a test run: a full backup once the
/// cluster is up, then an incremental one every minute (production: hourly), and WAL archived at least
/// every 10 s while there are writes (archive_timeout; Spilo's default is 30 min, which is the RPO of a
/// restore from archived WAL when archiving works).
/// </summary>
internal sealed record BackupOptions
{
    /// <summary>The pgBackRest stanza: one per cluster, named after Patroni's scope.</summary>
    public const string Stanza = "task-manager-db";

    /// <summary>How often a scheduled backup is taken after the first full one; zero takes none.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>What the schedule takes: incremental (changes since any backup) or differential (since the last full).</summary>
    public BackupType Scheduled { get; init; } = BackupType.Incremental;
    /// <summary>PostgreSQL's archive_timeout: a segment that is being written is switched and archived after this long.</summary>
    public TimeSpan ArchiveTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Full backups kept in the repository (repo1-retention-full); older ones and their WAL expire.</summary>
    public int RetentionFull { get; init; } = 2;
    /// <summary>How long one pgBackRest command may take before it is killed and reported.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public void Validate()
    {
        if (Interval < TimeSpan.Zero || (Interval > TimeSpan.Zero && Interval < TimeSpan.FromSeconds(5)))
        {
            throw new ArgumentException($"backups: interval must be zero (no schedule) or at least 5 s, got {Interval.TotalSeconds} s");
        }
        if (ArchiveTimeout < TimeSpan.FromSeconds(1) || ArchiveTimeout.TotalSeconds % 1 != 0)
        {
            throw new ArgumentException($"backups: archive timeout is whole seconds, at least 1, got {ArchiveTimeout.TotalSeconds} s");
        }
        if (RetentionFull is < 1 or > 100)
        {
            throw new ArgumentException($"backups: full backups kept must be between 1 and 100, got {RetentionFull}");
        }
        if (Scheduled == BackupType.Full && Interval > TimeSpan.Zero && Interval < TimeSpan.FromSeconds(30))
        {
            throw new ArgumentException("backups: a scheduled full backup needs an interval of at least 30 s");
        }
    }
}

/// <summary>pgBackRest's backup types: --type=full, diff or incr.</summary>
internal enum BackupType { Full, Differential, Incremental }
