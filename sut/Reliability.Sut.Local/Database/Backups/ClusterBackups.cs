using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Database.Backups;

/// <summary>
/// The cluster's backup schedule: the stanza and a full backup once the cluster is up, then a scheduled
/// backup every interval from whichever member is primary then. Backups never overlap (pgBackRest would
/// refuse a second one), a failed one is kept as a failure rather than thrown at nobody, and the schedule
/// stops with the cluster.
/// </summary>
internal sealed class ClusterBackups : IAsyncDisposable
{
    private readonly Func<PatroniMember?> _primary;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _one = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<BackupSet> _taken = [];
    private readonly List<string> _failures = [];
    private Task _schedule = Task.CompletedTask;

    public ClusterBackups(RunDirectory run, BackupOptions options, Func<PatroniMember?> primary, TimeProvider time)
    {
        options.Validate();
        _primary = primary;
        _time = time;
        // Outside the run folder: a Unix socket's path has at most 107 bytes, and run folders can be deep.
        BackRest = new PgBackRest(run, options, run.ShortFolderPath("pg"));
    }

    public PgBackRest BackRest { get; }
    public BackupOptions Options => BackRest.Options;

    /// <summary>Raised after each backup the environment took, scheduled or asked for.</summary>
    public event Action<BackupSet>? Taken;

    public IReadOnlyList<BackupSet> Backups
    {
        get
        {
            lock (_gate)
            {
                return [.. _taken];
            }
        }
    }

    /// <summary>Scheduled backups that failed, with pgBackRest's last lines.</summary>
    public IReadOnlyList<string> Failures
    {
        get
        {
            lock (_gate)
            {
                return [.. _failures];
            }
        }
    }

    /// <summary>Creates the stanza on the new primary, takes the first full backup, then starts the schedule.</summary>
    public async Task StartAsync(PatroniMember primary, CancellationToken ct)
    {
        try
        {
            await BackRest.StanzaCreateAsync(primary, ct);
            await TakeAsync(BackupType.Full, ct);
        }
        catch (PgBackRestException ex)
        {
            // A start that fails names the component and its log, as every other component's does.
            throw new ComponentStartException("pgbackrest", ex.Message, File.Exists(BackRest.LogFile) ? string.Join('\n', File.ReadLines(BackRest.LogFile).TakeLast(20)) : "");
        }
        if (Options.Interval > TimeSpan.Zero && _schedule.IsCompleted)
        {
            _schedule = Task.Run(ScheduleAsync, CancellationToken.None);
        }
    }

    /// <summary>Takes a backup of the current primary now, after any backup in progress.</summary>
    public async Task<BackupSet> TakeAsync(BackupType type, CancellationToken ct)
    {
        await _one.WaitAsync(ct);
        try
        {
            var primary = _primary() ?? throw new PgBackRestException("backup", "cannot run: the cluster has no primary", "");
            var set = await BackRest.BackupAsync(primary, type, ct);
            lock (_gate)
            {
                _taken.Add(set);
            }
            Taken?.Invoke(set);
            return set;
        }
        finally
        {
            _one.Release();
        }
    }

    private async Task ScheduleAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Options.Interval, _time, _stop.Token);
                if (_primary() is null)
                {
                    Fail("no primary at the scheduled time: backup skipped");
                    continue;
                }
                await TakeAsync(Options.Scheduled, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (PgBackRestException ex)
            {
                Fail(ex.Message);
            }
        }
    }

    private void Fail(string problem)
    {
        lock (_gate)
        {
            _failures.Add($"{_time.GetUtcNow():O} {problem}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _schedule;
        BackRest.Cleanup();
        _stop.Dispose();
        _one.Dispose();
    }
}
