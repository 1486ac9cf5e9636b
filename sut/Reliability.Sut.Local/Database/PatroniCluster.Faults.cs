namespace Reliability.Sut.Local.Database;

/// <summary>Database faults, as Chaos Mesh would inject them into the pods the members stand for.</summary>
public sealed partial class PatroniCluster
{
    private readonly HashSet<string> _heldDown = [];
    // Starts after a fault and the shutdown take turns, so nothing is started once the cluster is stopping.
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _stopping;

    /// <summary>Runs a (re)start unless the cluster is stopping; a failure is logged in the member's folder, not thrown at nobody.</summary>
    private async Task StartIfRunningAsync(Func<Task> start, string what)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (!_stopping)
            {
                await start();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await File.AppendAllTextAsync(Path.Combine(_run.Path, "database-restarts.log"), $"{_time.GetUtcNow():O} {what} failed: {ex.Message}\n");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    private async Task StopStartingAsync()
    {
        await _lifecycle.WaitAsync();
        _stopping = true;
        _lifecycle.Release();
    }

    /// <summary>
    /// Node loss (pod-kill): SIGKILL to Patroni and its postmaster. After the restart delay the member is
    /// started again, as a StatefulSet recreates its pod, and rejoins (pg_rewind when it was the primary).
    /// </summary>
    public void KillNode(PatroniMember member)
    {
        member.KillNode();
        _ = RestartLaterAsync(member.Name, () => member.IsRunning, () => member.StartAsync(_patroni));
    }

    /// <summary>Only the postmaster dies (container-kill of "postgres"): Patroni restarts it in place.</summary>
    public bool KillPostgres(PatroniMember member) => member.KillPostgres();

    /// <summary>pod-failure: the member is stopped (Patroni and PostgreSQL killed) and kept down until released.</summary>
    public void HoldDown(PatroniMember member) => Hold(member.Name, member.KillNode);

    public Task ReleaseAsync(PatroniMember member) => ReleaseAsync(member.Name, () => member.StartAsync(_patroni));

    /// <summary>pod-failure of an etcd member: killed and kept down until released.</summary>
    public void HoldDownEtcd(EtcdMember member) => Hold(member.Name, member.Kill);

    public Task ReleaseEtcdAsync(EtcdMember member) => ReleaseAsync(member.Name, () => member.RestartAsync(Etcd.Locate()));

    /// <summary>etcd node loss: SIGKILL, restarted with its data after the restart delay.</summary>
    public void KillEtcd(EtcdMember member)
    {
        member.Kill();
        _ = RestartLaterAsync(member.Name, () => member.IsRunning, () => member.RestartAsync(Etcd.Locate()));
    }

    private void Hold(string name, Action kill)
    {
        lock (_gate)
        {
            _heldDown.Add(name);
        }
        kill();
    }

    private async Task ReleaseAsync(string name, Func<Task> start)
    {
        lock (_gate)
        {
            if (!_heldDown.Remove(name))
            {
                return;
            }
        }
        await StartIfRunningAsync(start, $"starting {name}");
    }

    /// <summary>After the restart delay, starts the member again unless it is held down or already back.</summary>
    private async Task RestartLaterAsync(string name, Func<bool> isRunning, Func<Task> start)
    {
        try
        {
            await Task.Delay(Options.RestartDelay, _time, _stop.Token);
            bool held;
            lock (_gate)
            {
                held = _heldDown.Contains(name);
            }
            if (!held && !isRunning())
            {
                await StartIfRunningAsync(start, $"restarting {name}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
