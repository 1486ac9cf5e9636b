using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Observers;
using Reliability.Experiments.Running;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// Runs faults on a cluster with Chaos Mesh: the manifests are created as they are (plus a run label),
/// the driver waits for Chaos Mesh to report AllInjected, deletes them at recovery and waits for them
/// to be gone (Chaos Mesh's finalizer recovers first). Every namespace a fault touches must be on the
/// allow-list; planning checks that each selector matches running pods before anything is created.
/// </summary>
public sealed partial class KubernetesChaosDriver(IKubernetes client, IReadOnlyCollection<string> allowedNamespaces, string runId, TimeProvider time) : IChaosDriver
{
    public const string Group = "chaos-mesh.org";
    public const string Version = "v1alpha1";
    public const string RunLabel = "reliability.dev/run";

    private readonly TimeProvider _time = time;
    private readonly List<(string Namespace, string Plural, string Name)> _created = [];
    private readonly Lock _gate = new();

    public string Name => "kubernetes";

    /// <summary>How long Chaos Mesh may take to inject or to recover before the driver gives up waiting.</summary>
    public TimeSpan ConditionTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    public async Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        try
        {
            await Task.WhenAll(plan.Roots.Select(root => RunRootAsync(root, plan, journal, window)));
        }
        finally
        {
            await RecoverAllAsync(journal);
        }
    }

    private async Task RunRootAsync(FaultNode root, FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        var document = root.Source;
        var ns = document.Namespace ?? "default";
        var plural = Plural(document.Kind);
        var body = (JsonObject)document.Body.DeepClone();
        var metadata = body["metadata"] as JsonObject ?? [];
        var labels = metadata["labels"] as JsonObject ?? [];
        labels[RunLabel] = runId;
        metadata["labels"] = labels;
        metadata["namespace"] = ns;
        body["metadata"] = metadata;

        try
        {
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonSerializer.Deserialize<JsonElement>(body.ToJsonString()), Group, Version, ns, plural, cancellationToken: CancellationToken.None);
        }
        catch (HttpOperationException ex)
        {
            // Chaos Mesh's admission webhook and the API server explain refusals in the body.
            throw new InvalidOperationException($"the cluster refused {document.Kind} {ns}/{document.Name} ({document.File}): HTTP {(int)ex.Response.StatusCode} {ex.Response.Content}", ex);
        }
        lock (_gate)
        {
            _created.Add((ns, plural, document.Name));
        }
        journal.Write(new ChaosObjectCreated(document.Kind, ns, document.Name, $"/apis/{Group}/{Version}/namespaces/{ns}/{plural}/{document.Name}"));
        if (document.Kind != "Workflow")
        {
            await WaitForConditionAsync(ns, plural, document.Name, "AllInjected", window);
        }
        foreach (var leaf in root.Leaves())
        {
            var planned = plan.For(leaf);
            journal.Write(new FaultInjected(leaf.Name, document.Kind, (leaf as LeafFault)?.Action, planned.Effect, planned.Pods, planned.Links, document.File));
        }
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(window);
        using var holdTimer = root.Deadline is { } deadline ? _time.CancelAfter(hold, deadline) : null;
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, hold.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await DeleteAsync(ns, plural, document.Name, journal);
    }

    public async Task RecoverAllAsync(ExperimentJournal journal)
    {
        (string, string, string)[] created;
        lock (_gate)
        {
            created = [.. _created];
        }
        foreach (var (ns, plural, name) in created)
        {
            await DeleteAsync(ns, plural, name, journal);
        }
    }

    public IReadOnlyList<IRunObserver> Observers(TimeProvider time) => [new PodWatcher(client, allowedNamespaces)];

    private async Task DeleteAsync(string ns, string plural, string name, ExperimentJournal journal)
    {
        lock (_gate)
        {
            if (_created.RemoveAll(c => c == (ns, plural, name)) == 0)
            {
                return;
            }
        }
        try
        {
            try
            {
                await client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, ns, plural, name);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
            }
            var gone = await WaitUntilGoneAsync(ns, plural, name);
            journal.Write(new FaultRecovered(name, Namespace: ns, Kind: plural, Confirmed: gone));
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
        {
            // Keep rolling back the other objects; this one is named so an operator can delete it by hand.
            journal.Write(new RollbackFailed(name, ns, plural, ex.Message, $"kubectl delete {plural}.{Group} -n {ns} {name}"));
        }
    }

    private async Task WaitForConditionAsync(string ns, string plural, string name, string condition, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < ConditionTimeout)
        {
            var status = await GetAsync(ns, plural, name);
            if (status?["status"]?["conditions"] is JsonArray conditions
                && conditions.Any(c => c?["type"]?.ToString() == condition && c?["status"]?.ToString() == "True"))
            {
                return;
            }
            await Task.Delay(PollInterval, _time, ct);
        }
        throw new InvalidOperationException($"Chaos Mesh did not report {condition} for {plural}/{name} in {ns} within {ConditionTimeout.TotalSeconds:0} s");
    }

    private async Task<bool> WaitUntilGoneAsync(string ns, string plural, string name)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < ConditionTimeout)
        {
            if (await GetAsync(ns, plural, name) is null)
            {
                return true;
            }
            await Task.Delay(PollInterval, _time);
        }
        return false;
    }

    private async Task<JsonNode?> GetAsync(string ns, string plural, string name)
    {
        try
        {
            var found = await client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, ns, plural, name);
            return JsonSerializer.SerializeToNode(found);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    internal static string Plural(string kind) => kind switch
    {
        "Workflow" => "workflows",
        "Schedule" => "schedules",
        _ => kind.ToLowerInvariant(),
    };
}
