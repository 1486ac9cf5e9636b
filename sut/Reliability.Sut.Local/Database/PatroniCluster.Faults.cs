namespace Reliability.Sut.Local.Database;

/// <summary>Database faults, as Chaos Mesh would inject them into the pods the members stand for.</summary>
public sealed partial class PatroniCluster
{
    private readonly HashSet<string> _heldDown = [];

    /// <summary>
    /// Node loss (pod-kill): SIGKILL to Patroni and its postmaster. After the restart delay the member is
    /// started again, as a StatefulSet recreates its pod, and rejoins (pg_rewind when it was the primary).
    /// </summary>
    public void KillNode(PatroniMember member)
    {
        member.KillNode();
        _ = RestartLaterAsync(member);
    }

    /// <summary>Only the postmaster dies (container-kill of "postgres"): Patroni restarts it in place.</summary>
    public bool KillPostgres(PatroniMember member) => member.KillPostgres();

    /// <summary>pod-failure: the member is stopped (Patroni and PostgreSQL killed) and kept down until released.</summary>
    public void HoldDown(PatroniMember member)
    {
        lock (_gate)
        {
            _heldDown.Add(member.Name);
        }
        member.KillNode();
    }

    public async Task ReleaseAsync(PatroniMember member)
    {
        lock (_gate)
        {
            if (!_heldDown.Remove(member.Name))
            {
                return;
            }
        }
        if (!_stop.IsCancellationRequested)
        {
            await member.StartAsync(_patroni);
        }
    }

    /// <summary>pod-failure of an etcd member: killed and kept down until released.</summary>
    public void HoldDownEtcd(EtcdMember member)
    {
        lock (_gate)
        {
            _heldDown.Add(member.Name);
        }
        member.Kill();
    }

    public async Task ReleaseEtcdAsync(EtcdMember member)
    {
        lock (_gate)
        {
            if (!_heldDown.Remove(member.Name))
            {
                return;
            }
        }
        if (!_stop.IsCancellationRequested)
        {
            await member.RestartAsync(Etcd.Locate());
        }
    }

    /// <summary>etcd node loss: SIGKILL, restarted with its data after the restart delay.</summary>
    public void KillEtcd(EtcdMember member)
    {
        member.Kill();
        _ = RestartEtcdLaterAsync(member);
    }

    private async Task RestartLaterAsync(PatroniMember member)
    {
        try
        {
            await Task.Delay(Options.RestartDelay, _time, _stop.Token);
            bool held;
            lock (_gate)
            {
                held = _heldDown.Contains(member.Name);
            }
            if (!held && !member.IsRunning)
            {
                await member.StartAsync(_patroni);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RestartEtcdLaterAsync(EtcdMember member)
    {
        try
        {
            await Task.Delay(Options.RestartDelay, _time, _stop.Token);
            await member.RestartAsync(Etcd.Locate());
        }
        catch (OperationCanceledException)
        {
        }
    }
}
