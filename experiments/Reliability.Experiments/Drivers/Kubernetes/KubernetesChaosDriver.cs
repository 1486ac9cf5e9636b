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
/// Runs faults on a cluster with Chaos Mesh: the manifests are created as they are, plus the run label
/// and the owner annotation (<see cref="RunOwner"/>, for the sweep of a run that died), the driver waits
/// for Chaos Mesh to report AllInjected, deletes them at recovery and waits for them to be gone (Chaos
/// Mesh's finalizer recovers first). Every namespace a fault touches must be on the allow-list; planning
/// checks that each selector matches running pods, and never the harness's own, before anything is created.
/// </summary>
internal sealed partial class KubernetesChaosDriver(IKubernetes client, IReadOnlyCollection<string> allowedNamespaces, string runId, TimeProvider time) : IChaosDriver
{
    public const string Group = "chaos-mesh.org";
    public const string Version = "v1alpha1";
    public const string RunLabel = "reliability.dev/run";

    private readonly TimeProvider _time = time;
    private readonly List<(string Namespace, string Plural, string Name)> _created = [];
    private readonly Lock _gate = new();

    /// <summary>Who this run is, on every object it creates; by default this pod or this process.</summary>
    internal RunOwner Owner { get; init; } = RunOwner.Current();

    public string Name => "kubernetes";

    /// <summary>How long Chaos Mesh may take to inject or to recover before the driver gives up waiting.</summary>
    public TimeSpan ConditionTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long a create may take. One that times out may still have been stored, so the object is tracked
    /// before the call and rollback deletes it either way.
    /// </summary>
    public TimeSpan CreateTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task RunAsync(FaultPlan plan, ExperimentJournal journal, CancellationToken window)
    {
        // One root that fails (refused, never injected) ends the others' hold too: rollback starts at once.
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(window);
        try
        {
            await Task.WhenAll(plan.Roots.Select(async root =>
            {
                try
                {
                    await RunRootAsync(root, plan, journal, failed.Token);
                }
                catch (OperationCanceledException) when (failed.IsCancellationRequested && !window.IsCancellationRequested)
                {
                    // Stopped because another root failed: that failure is the one to report.
                }
                catch
                {
                    await failed.CancelAsync();
                    throw;
                }
            }));
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
        var annotations = metadata["annotations"] as JsonObject ?? [];
        annotations[RunOwner.Annotation] = Owner.Value;
        metadata["annotations"] = annotations;
        metadata["namespace"] = ns;
        body["metadata"] = metadata;
        // The experiment's zones (zone-a...) by the names this cluster gives them.
        _zones?.Rewrite(body["spec"]);

        // Tracked before the call: a create that times out after the API server stored the object still gets deleted.
        lock (_gate)
        {
            _created.Add((ns, plural, document.Name));
        }
        using (var createTimeout = new CancellationTokenSource(CreateTimeout, _time))
        {
            try
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonSerializer.Deserialize<JsonElement>(body.ToJsonString()), Group, Version, ns, plural,
                    cancellationToken: createTimeout.Token);
            }
            catch (HttpOperationException ex) when ((int)ex.Response.StatusCode is >= 400 and < 500 and not 408 and not 429)
            {
                // Refused, so not stored: nothing to roll back. Chaos Mesh's admission webhook and the API server explain refusals in the body.
                lock (_gate)
                {
                    _created.Remove((ns, plural, document.Name));
                }
                throw new InvalidOperationException($"the cluster refused {document.Kind} {ns}/{document.Name} ({document.File}): HTTP {(int)ex.Response.StatusCode} {ex.Response.Content}", ex);
            }
            catch (OperationCanceledException) when (createTimeout.IsCancellationRequested)
            {
                throw new TimeoutException($"creating {document.Kind} {ns}/{document.Name} did not answer within {CreateTimeout.TotalSeconds:0} s; it may have been stored and is deleted at rollback");
            }
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

    public IReadOnlyList<IRunObserver> Observers(TimeProvider time) => [new PodWatcher(client, allowedNamespaces)];

    private async Task WaitForConditionAsync(string ns, string plural, string name, string condition, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        while (_time.GetElapsedTime(started) < ConditionTimeout)
        {
            var status = await GetAsync(ns, plural, name);
            if (status?["status"]?["conditions"] is JsonArray conditions
                && conditions.Any(c => c?["type"]?.ToString() == condition && c?["status"]?.ToString() == "True"))
            {
                // With no records Chaos Mesh reports AllInjected True too: Selected False means nothing was injected anywhere.
                if (conditions.Any(c => c?["type"]?.ToString() == "Selected" && c?["status"]?.ToString() == "False"))
                {
                    throw new InvalidOperationException($"Chaos Mesh selected no pod for {plural}/{name} in {ns} (condition Selected is False), so nothing was injected");
                }
                return;
            }
            await Task.Delay(PollInterval, _time, ct);
        }
        throw new InvalidOperationException($"Chaos Mesh did not report {condition} for {plural}/{name} in {ns} within {ConditionTimeout.TotalSeconds:0} s");
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
