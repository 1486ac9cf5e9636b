using Reliability.Evidence.Specs;
using Reliability.Sut.Local.Database.Backups;

namespace Reliability.Experiments.Drivers.Local;

/// <summary>An experiment's environment.backups as the embedded environment's pgBackRest options, whose rules the spec reader applies.</summary>
internal static class LocalBackups
{
    public static BackupOptions Defaults { get; } = new();

    public static BackupOptions Options(BackupsSpec spec) => new()
    {
        Interval = spec.Interval,
        ArchiveTimeout = spec.ArchiveTimeout,
        Scheduled = spec.Scheduled switch { "differential" => BackupType.Differential, "full" => BackupType.Full, _ => BackupType.Incremental },
    };
}
