namespace Reliability.Sut.Local.Database;

/// <summary>Database faults, as Chaos Mesh would inject them into the pods the members stand for; <see cref="MemberRestarts"/> brings members back.</summary>
internal sealed partial class PatroniCluster
{
    /// <summary>
    /// Node loss (pod-kill): SIGKILL to Patroni and its postmaster. After the restart delay the member is
    /// started again, as a StatefulSet recreates its pod, and rejoins (pg_rewind when it was the primary).
    /// </summary>
    public void KillNode(PatroniMember member)
    {
        member.KillNode();
        _ = _restarts.RestartLaterAsync(member.Name, () => member.IsRunning, () => member.StartAsync(_patroni));
    }

    /// <summary>Only the postmaster dies (container-kill of "postgres"): Patroni restarts it in place.</summary>
    public bool KillPostgres(PatroniMember member) => member.KillPostgres();

    /// <summary>pod-failure: the member is stopped (Patroni and PostgreSQL killed) and kept down until released.</summary>
    public void HoldDown(PatroniMember member) => _restarts.Hold(member.Name, member.KillNode);

    public Task ReleaseAsync(PatroniMember member) => _restarts.ReleaseAsync(member.Name, () => member.StartAsync(_patroni));

    /// <summary>pod-failure of an etcd member: killed and kept down until released.</summary>
    public void HoldDownEtcd(EtcdMember member) => _restarts.Hold(member.Name, member.Kill);

    public Task ReleaseEtcdAsync(EtcdMember member) => _restarts.ReleaseAsync(member.Name, () => member.RestartAsync(Etcd.Locate()));

    /// <summary>etcd node loss: SIGKILL, restarted with its data after the restart delay.</summary>
    public void KillEtcd(EtcdMember member)
    {
        member.Kill();
        _ = _restarts.RestartLaterAsync(member.Name, () => member.IsRunning, () => member.RestartAsync(Etcd.Locate()));
    }
}
