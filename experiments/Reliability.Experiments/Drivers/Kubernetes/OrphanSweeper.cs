using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>What a sweep found: objects deleted because their run's owner is gone, and objects left because nobody here can tell.</summary>
internal sealed record SweepResult(IReadOnlyList<string> Deleted, IReadOnlyList<string> Unknown, IReadOnlyList<string> Failed);

/// <summary>
/// The second line of defence on a cluster: a harness killed with SIGKILL, OOM-killed or evicted cannot
/// roll back, so at start and at exit every run deletes the Chaos Mesh objects that carry the run label
/// and whose owner (<see cref="RunOwner"/>) is gone, and waits until Chaos Mesh has recovered them
/// (its finalizer holds each object until then), so that the run that follows starts from a clean
/// cluster and can create objects of the same name. Objects of live runs, and of owners this harness
/// cannot check, are left alone and named.
/// </summary>
internal sealed class OrphanSweeper(IKubernetes client, IReadOnlyCollection<string> namespaces)
{
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to wait, all deleted objects together, for Chaos Mesh to recover them.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The Chaos Mesh resources the harness creates: the only ones it lists and deletes.</summary>
    public static readonly IReadOnlyList<string> Plurals = ["podchaos", "networkchaos", "workflows"];

    public async Task<SweepResult> SweepAsync(CancellationToken ct)
    {
        var orphans = new List<(string Namespace, string Plural, string Name)>();
        var unknown = new List<string>();
        var owners = new Dictionary<string, bool?>();
        foreach (var ns in namespaces)
        {
            foreach (var plural in Plurals)
            {
                var list = JsonSerializer.SerializeToNode(await client.CustomObjects.ListNamespacedCustomObjectAsync(
                    KubernetesChaosDriver.Group, KubernetesChaosDriver.Version, ns, plural, labelSelector: KubernetesChaosDriver.RunLabel, cancellationToken: ct));
                foreach (var item in list?["items"]?.AsArray() ?? [])
                {
                    var name = item?["metadata"]?["name"]?.ToString() ?? "";
                    var owner = item?["metadata"]?["annotations"]?[RunOwner.Annotation]?.ToString();
                    if (owner is null)
                    {
                        unknown.Add($"{plural}/{name} in {ns} (no {RunOwner.Annotation} annotation)");
                        continue;
                    }
                    if (!owners.TryGetValue(owner, out var alive))
                    {
                        owners[owner] = alive = await new RunOwner(owner).IsAliveAsync(client, ct);
                    }
                    if (alive == false)
                    {
                        orphans.Add((ns, plural, name));
                    }
                    else if (alive is null)
                    {
                        unknown.Add($"{plural}/{name} in {ns} (owner {owner} cannot be checked from here)");
                    }
                }
            }
        }
        var deleted = new List<string>();
        var failed = new List<string>();
        foreach (var (ns, plural, name) in orphans)
        {
            try
            {
                await client.CustomObjects.DeleteNamespacedCustomObjectAsync(KubernetesChaosDriver.Group, KubernetesChaosDriver.Version, ns, plural, name,
                    propagationPolicy: KubernetesChaosDriver.PropagationPolicy(plural), cancellationToken: ct);
                deleted.Add($"{plural}/{name} in {ns}");
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                // Gone meanwhile: another run swept it.
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
            {
                failed.Add($"{plural}/{name} in {ns}: {ex.Message}");
            }
        }
        using var recovery = CancellationTokenSource.CreateLinkedTokenSource(ct);
        recovery.CancelAfter(RecoveryTimeout);
        foreach (var (ns, plural, name) in orphans.Where(o => deleted.Contains($"{o.Plural}/{o.Name} in {o.Namespace}")))
        {
            try
            {
                await WaitUntilGoneAsync(ns, plural, name, recovery.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                deleted.Remove($"{plural}/{name} in {ns}");
                failed.Add($"{plural}/{name} in {ns}: deleted, but Chaos Mesh had not recovered it after {RecoveryTimeout.TotalSeconds:0} s");
            }
        }
        return new SweepResult(deleted, unknown, failed);
    }

    /// <summary>Until the object is gone; the caller's token bounds the wait.</summary>
    private async Task WaitUntilGoneAsync(string ns, string plural, string name, CancellationToken ct)
    {
        while (true)
        {
            try
            {
                await client.CustomObjects.GetNamespacedCustomObjectAsync(KubernetesChaosDriver.Group, KubernetesChaosDriver.Version, ns, plural, name, ct);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return;
            }
            await Task.Delay(PollInterval, ct);
        }
    }
}
