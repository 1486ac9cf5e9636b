using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Database.Backups;

/// <summary>A restore that did not bring the database back, with pgBackRest's or PostgreSQL's reason.</summary>
internal sealed class RestoreFailedException(string message, Exception inner) : Exception(message, inner);

/// <summary>One timed step of a restore, as the runbook names it.</summary>
internal sealed record RestoreStep(string Name, DateTimeOffset Started, TimeSpan Duration, string Detail);

/// <summary>What the disaster destroyed: members, data folders, and archived WAL lost with it.</summary>
internal sealed record DisasterReport(DateTimeOffset At, IReadOnlyList<string> Members, int ArchivedWalFilesLost, DateTimeOffset? NewestArchivedWalKept);

/// <summary>
/// How a restore went: its steps with their durations, the backup set pgBackRest restored, and the restore
/// point, the commit time of the last transaction PostgreSQL replayed (from its own log line "last completed
/// transaction was at log time"), which is what bounds the data lost.
/// </summary>
internal sealed record RestoreReport(RestoreTarget Target, IReadOnlyList<RestoreStep> Steps, string? BackupSet, DateTimeOffset? RestorePoint, int? Timeline);

/// <summary>The new primary restored from the repository: which member, the backup set, the restore point and the new timeline.</summary>
internal sealed record PrimaryRestore(string Member, RestoreTarget Target, string? BackupSet, DateTimeOffset? RestorePoint, int? Timeline);

/// <summary>
/// The whole database lost, and the way back from backups. The disaster stops every member and deletes its
/// data folder, as losing the volumes would, and clears the cluster's state in etcd, as a new Kubernetes
/// cluster would start without it; a variant also deletes the newest archived WAL, as when archiving lags.
/// The restore is Patroni's custom bootstrap from the pgBackRest repository (point-in-time recovery to the
/// end of the archive or to a time), then a new full backup on the new timeline, then the replicas.
/// </summary>
internal sealed partial class DisasterRecovery(PatroniCluster cluster, TimeProvider time)
{
    /// <summary>How long PostgreSQL may take to restore and replay before the restore is called failed.</summary>
    public TimeSpan RestoreTimeout { get; init; } = TimeSpan.FromMinutes(5);

    private ClusterBackups Backups => cluster.Backups ?? throw new InvalidOperationException("the cluster takes no backups: set PatroniOptions.Backups");

    public async Task<DisasterReport> DestroyAsync(TimeSpan loseNewestArchivedWal, CancellationToken ct)
    {
        _ = Backups;
        var at = time.GetUtcNow();
        foreach (var member in cluster.Members)
        {
            cluster.HoldDown(member);
        }
        foreach (var member in cluster.Members)
        {
            await WaitGoneAsync(member, ct);
            await DeleteAsync(member.DataDirectory, ct);
        }
        await ClearClusterStateAsync(ct);
        var (lost, kept) = loseNewestArchivedWal > TimeSpan.Zero ? LoseArchivedWal(at - loseNewestArchivedWal) : (0, null);
        return new DisasterReport(at, [.. cluster.Members.Select(m => m.Name)], lost, kept);
    }

    /// <summary>The whole restore, as the shipped runbook does it: the primary from the repository, a full backup on its new timeline, then the replicas.</summary>
    public async Task<RestoreReport> RestoreAsync(RestoreTarget target, CancellationToken ct)
    {
        var steps = new List<RestoreStep>();
        PrimaryRestore? primary = null;
        await StepAsync(steps, "bootstrap from the repository", $"{cluster.Members[0].Name}, to {target}", async () => primary = await RestorePrimaryAsync(target, ct));
        await StepAsync(steps, "full backup on the new timeline", "replicas and later restores start from it", () => BackupNewTimelineAsync(ct));
        await StepAsync(steps, "replicas", string.Join(", ", cluster.Members.Skip(1).Select(m => m.Name)), () => RestoreReplicasAsync(ct));
        return new RestoreReport(target, steps, primary!.BackupSet, primary.RestorePoint, primary.Timeline);
    }

    /// <summary>
    /// Bootstraps the first member from the repository (Patroni's custom bootstrap) and waits for it to lead;
    /// gives the backup set restored and the restore point PostgreSQL reports.
    /// </summary>
    public async Task<PrimaryRestore> RestorePrimaryAsync(RestoreTarget target, CancellationToken ct)
    {
        var first = cluster.Members[0];
        var logStart = File.Exists(first.LogFile) ? new FileInfo(first.LogFile).Length : 0;
        var restoreLog = Path.Combine(Backups.BackRest.Folder, "log", $"{BackupOptions.Stanza}-restore.log");
        var restoreLogStart = File.Exists(restoreLog) ? new FileInfo(restoreLog).Length : 0;
        await cluster.WriteConfigAsync(first, target, ct);
        await cluster.ReleaseAsync(first);
        try
        {
            await cluster.Probe.WaitForRoleAsync(first, "primary", RestoreTimeout, ct);
        }
        catch (ComponentStartException ex) when (FailureReason(restoreLog, restoreLogStart, first.LogFile, logStart) is { } reason)
        {
            // Patroni's own words are a traceback; what the operator needs is pgBackRest's or PostgreSQL's reason.
            throw new RestoreFailedException($"{first.Name} did not come back from the repository to {target}: {reason}", ex);
        }
        // Later restarts of this member must not try to bootstrap again (Patroni would not, with the cluster initialized, but say so).
        await cluster.WriteConfigAsync(first, null, ct);
        return new PrimaryRestore(first.Name, target, RestoredSet(restoreLog, restoreLogStart), LastReplayedCommit(first.LogFile, logStart), await TimelineAsync(first, ct));
    }

    /// <summary>
    /// The timeline the new primary writes on, from the name of its current WAL file: Patroni reports the last
    /// checkpoint's, which stays the old one until the checkpoint after promotion is done.
    /// </summary>
    private async Task<int> TimelineAsync(PatroniMember primary, CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(cluster.MemberConnectionString(primary));
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_walfile_name(pg_current_wal_lsn())", connection);
        var file = (string)(await command.ExecuteScalarAsync(ct))!;
        return int.Parse(file[..8], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
    }

    /// <summary>A full backup of the restored primary: its new timeline needs one before replicas and later restores can start from it.</summary>
    public async Task<BackupSet> BackupNewTimelineAsync(CancellationToken ct)
    {
        await cluster.CheckOnceAsync(ct);
        return await Backups.TakeAsync(BackupType.Full, ct);
    }

    /// <summary>Lets the other members start again; each is rebuilt from the repository (or a base backup) and waited for as a replica.</summary>
    public async Task RestoreReplicasAsync(CancellationToken ct)
    {
        foreach (var replica in cluster.Members.Skip(1))
        {
            await cluster.ReleaseAsync(replica);
        }
        foreach (var replica in cluster.Members.Skip(1))
        {
            await cluster.Probe.WaitForRoleAsync(replica, "replica", RestoreTimeout, ct);
        }
    }

    private async Task StepAsync(List<RestoreStep> steps, string name, string detail, Func<Task> step)
    {
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        await step();
        steps.Add(new RestoreStep(name, started, clock.Elapsed, detail));
    }

    private static async Task WaitGoneAsync(PatroniMember member, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (member.IsRunning || member.PostmasterPid() is not null)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"{member.Name} was still running 10 s after it was killed");
            }
            await Task.Delay(50, ct);
        }
        // Backends, the checkpointer, the WAL writer and archive commands of a killed postmaster exit on their own, but
        // not at once: none may write into a folder being deleted. Their command lines do not name it (PostgreSQL
        // renames its children), their working directory is the data directory.
        while (Posix.ProcessesMentioning(member.Home).Concat(Posix.ProcessesWorkingIn(member.Home)).ToList() is { Count: > 0 } left)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"processes {string.Join(", ", left)} of {member.Name} were still running 10 s after it was killed");
            }
            foreach (var pid in left)
            {
                Posix.Signal(pid, Posix.SIGKILL);
            }
            await Task.Delay(50, ct);
        }
    }

    /// <summary>Deletes a killed member's data folder; a file a dying process still wrote is deleted on the next pass (bounded).</summary>
    private static async Task DeleteAsync(string folder, CancellationToken ct)
    {
        for (var attempt = 1; Directory.Exists(folder); attempt++)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) when (attempt < 20)
            {
                await Task.Delay(50, ct);
            }
        }
    }

    /// <summary>Deletes every key under Patroni's namespace and scope (leader, members, initialize, config, history) with etcd's v3 JSON gateway.</summary>
    private async Task ClearClusterStateAsync(CancellationToken ct)
    {
        const string prefix = "/reliability/task-manager-db/";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        Exception? last = null;
        foreach (var etcd in cluster.EtcdMembers.Where(e => e.IsRunning))
        {
            try
            {
                using var response = await http.PostAsJsonAsync(new Uri(etcd.ClientUrl, "v3/kv/deleterange"), new Dictionary<string, string>
                {
                    ["key"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix)),
                    // The range end of a prefix is the prefix with its last byte plus one: '/' + 1 is '0'.
                    ["range_end"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(prefix[..^1] + "0")),
                }, ct);
                response.EnsureSuccessStatusCode();
                return;
            }
            catch (HttpRequestException ex)
            {
                last = ex;
            }
        }
        throw new InvalidOperationException("no etcd member took the deletion of the cluster's state", last);
    }

    /// <summary>Deletes the archived WAL segments written since <paramref name="since"/>; gives how many, and when the newest one kept was archived.</summary>
    private (int Lost, DateTimeOffset? Kept) LoseArchivedWal(DateTimeOffset since)
    {
        var segments = Directory.Exists(Backups.BackRest.ArchiveFolder)
            ? Directory.EnumerateFiles(Backups.BackRest.ArchiveFolder, "*", SearchOption.AllDirectories)
                .Where(f => WalSegment().IsMatch(Path.GetFileName(f))).Select(f => new FileInfo(f)).ToList()
            : [];
        var lost = segments.Where(f => f.LastWriteTimeUtc >= since.UtcDateTime).ToList();
        foreach (var file in lost)
        {
            file.Delete();
        }
        var kept = segments.Except(lost).Select(f => (DateTimeOffset?)new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)).Max();
        return (lost.Count, kept);
    }

    /// <summary>The commit time of the last transaction replayed, from PostgreSQL's own line at the end of recovery.</summary>
    internal static DateTimeOffset? LastReplayedCommit(string logFile, long from) =>
        LinesFrom(logFile, from).Select(l => LastCompleted().Match(l)).Where(m => m.Success)
            .Select(m => DateTimeOffset.TryParse(WithMinutes(m.Groups[1].Value), CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : (DateTimeOffset?)null)
            .LastOrDefault(t => t is not null);

    // PostgreSQL writes a whole-hour offset as "+00"; .NET wants its minutes.
    private static string WithMinutes(string time) => Regex.IsMatch(time, @"[+-]\d\d$") ? time + ":00" : time;

    /// <summary>Why a restore failed: pgBackRest's first error, else PostgreSQL's first fatal error that is not a client turned away.</summary>
    internal static string? FailureReason(string restoreLog, long restoreLogFrom, string memberLog, long memberLogFrom)
    {
        var backRest = LinesFrom(restoreLog, restoreLogFrom).Select(l => BackRestError().Match(l)).FirstOrDefault(m => m.Success);
        if (backRest is not null)
        {
            return "pgBackRest " + backRest.Groups[1].Value.Trim();
        }
        var fatal = LinesFrom(memberLog, memberLogFrom).Select(l => PostgresFatal().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value.Trim())
            .FirstOrDefault(m => !m.StartsWith("the database system is", StringComparison.Ordinal) && !m.StartsWith("terminating connection", StringComparison.Ordinal));
        return fatal is null ? null : "PostgreSQL: " + fatal;
    }

    private static string? RestoredSet(string logFile, long from) =>
        LinesFrom(logFile, from).Select(l => RestoreBackupSet().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).LastOrDefault();

    private static IEnumerable<string> LinesFrom(string file, long from)
    {
        if (!File.Exists(file))
        {
            return [];
        }
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(Math.Min(from, stream.Length), SeekOrigin.Begin);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n');
    }

    [GeneratedRegex(@"^[0-9A-F]{24}-[0-9a-f]{40}(\.(gz|lz4|zst|bz2))?$")]
    private static partial Regex WalSegment();

    // PostgreSQL 15: "last completed transaction was at log time 2026-12-07 10:29:58.456789+00".
    [GeneratedRegex(@"last completed transaction was at log time (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?[+-]\d\d(?::?\d\d)?)")]
    private static partial Regex LastCompleted();

    // pgBackRest: "2026-12-07 17:06:28.882 P00  ERROR: [075]: unable to find backup set with stop time less than '...'".
    [GeneratedRegex(@"P\d+\s+ERROR: (\[\d+\]: .*)$")]
    private static partial Regex BackRestError();

    // PostgreSQL: "2026-12-07 17:06:22.806 UTC [3321] FATAL:  recovery ended before configured recovery target was reached".
    [GeneratedRegex(@"FATAL:\s+(.*)$")]
    private static partial Regex PostgresFatal();

    // pgBackRest: "repo1: restore backup set 20261207-103000F_20261207-103100I, recovery will start at ...".
    [GeneratedRegex(@"restore backup set (\S+?),")]
    private static partial Regex RestoreBackupSet();
}
