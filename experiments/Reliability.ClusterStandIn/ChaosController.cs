using System.Text.Json.Nodes;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Drivers.Local;
using Reliability.Experiments.Faults;
using Reliability.Sut.Local.Embedded;

namespace Reliability.ClusterStandIn;

/// <summary>
/// Chaos Mesh's part of the stand-in: its admission webhook (the CRD schema and admission rules, as
/// `validate` applies them), its records and condition controllers, and its chaos daemon, played by the
/// local fault machinery on the embedded environment. A created object gets the "chaos-mesh/records"
/// finalizer; after <see cref="InjectionDelay"/> (a reconcile) its targets are selected and the fault is
/// applied; AllInjected turns True when the local driver has put it in effect. A delete marks the object
/// and ends its hold; the fault is recovered for real, and only then does the finalizer let the object go.
/// A duration that runs out recovers it in place (desiredPhase Stop), as Chaos Mesh does. Each object runs
/// on a driver of its own, so two objects' network faults on the same link do not compose as they would
/// on a node: the later one's link settings replace the earlier one's.
/// </summary>
internal sealed class ChaosController(LocalEnvironment environment, string folder, TimeProvider time) : IAsyncDisposable
{
    private readonly Dictionary<string, ChaosObject> _objects = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly ChaosMeshSchemas _schemas = ChaosMeshSchemas.Load();
    private long _version = 1000;

    /// <summary>How long a reconcile takes before the fault is applied.</summary>
    public TimeSpan InjectionDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long after recovery the finalizer is removed and the object is gone.</summary>
    public TimeSpan FinalizerDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The store's current resource version; a watch compares it.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Admits and stores an object, or gives the status the API server or the webhook would answer with.</summary>
    public (int Status, JsonObject Body) Create(string ns, string plural, JsonObject body)
    {
        var name = body["metadata"]?["name"]?.ToString() ?? "";
        var kind = body["kind"]?.ToString() ?? "";
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{ns}.{plural}.{name}.json");
        File.WriteAllText(file, body.ToJsonString());
        // The webhook's answer: the CRD schema, Chaos Mesh's admission rules, and what the harness's fault kinds can run.
        var problems = new ManifestValidator(_schemas).Validate(file).ToList();
        FaultNode? node = null;
        if (problems.Count == 0)
        {
            try
            {
                node = FaultReader.Read(ChaosDocument.Load(file)[0], strict: false);
            }
            catch (ManifestException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        if (problems.Count > 0 || node is null)
        {
            return (422, Status(422, "Invalid", $"admission webhook \"v{kind.ToLowerInvariant()}.kb.io\" denied the request: {string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}"))}"));
        }
        ChaosObject stored;
        lock (_gate)
        {
            if (_objects.ContainsKey(ChaosObject.KeyOf(ns, plural, name)))
            {
                return (409, Status(409, "AlreadyExists", $"{plural}.chaos-mesh.org \"{name}\" already exists"));
            }
            var metadata = body["metadata"]!.AsObject();
            metadata["namespace"] = ns;
            metadata["uid"] = Guid.NewGuid().ToString();
            metadata["generation"] = 1;
            metadata["creationTimestamp"] = EmbeddedCluster.Timestamp(time.GetUtcNow());
            metadata["finalizers"] = new JsonArray("chaos-mesh/records");
            body["status"] = kind == "Workflow"
                ? new JsonObject { ["entryNode"] = $"{name}-{body["spec"]?["entry"]}", ["startTime"] = EmbeddedCluster.Timestamp(time.GetUtcNow()), ["conditions"] = new JsonArray() }
                : new JsonObject { ["experiment"] = new JsonObject { ["desiredPhase"] = "Run" } };
            stored = new ChaosObject(ns, plural, name, body);
            _objects[stored.Key] = stored;
            Touch(stored);
            stored.Run = Task.Run(() => RunAsync(stored, node));
        }
        return (201, Copy(stored));
    }

    public JsonObject? Get(string ns, string plural, string name)
    {
        lock (_gate)
        {
            return _objects.TryGetValue(ChaosObject.KeyOf(ns, plural, name), out var found) ? Copy(found) : null;
        }
    }

    /// <summary>The objects of a kind, in one namespace or all (<paramref name="ns"/> null).</summary>
    public IReadOnlyList<JsonObject> List(string? ns, string plural)
    {
        lock (_gate)
        {
            return [.. _objects.Values.Where(o => o.Plural == plural && (ns is null || o.Namespace == ns)).OrderBy(o => o.Key, StringComparer.Ordinal).Select(Copy)];
        }
    }

    /// <summary>Marks the object for deletion and ends its fault; the finalizer holds it until recovery. Null when there is none.</summary>
    public JsonObject? Delete(string ns, string plural, string name)
    {
        lock (_gate)
        {
            if (!_objects.TryGetValue(ChaosObject.KeyOf(ns, plural, name), out var found))
            {
                return null;
            }
            if (!found.Deleting)
            {
                found.Body["metadata"]!["deletionTimestamp"] = EmbeddedCluster.Timestamp(time.GetUtcNow());
                found.Body["metadata"]!["deletionGracePeriodSeconds"] = 0;
                found.Body["status"]!["experiment"]?.AsObject()["desiredPhase"] = "Stop";
                Touch(found);
                found.Window.Cancel();
            }
            return Copy(found);
        }
    }

    private async Task RunAsync(ChaosObject o, FaultNode node)
    {
        try
        {
            await Task.Delay(InjectionDelay, time, o.Window.Token);
        }
        catch (OperationCanceledException)
        {
        }
        var driver = new LocalChaosDriver(environment, seed: StableSeed(o.Name), time);
        FaultPlan? plan = null;
        try
        {
            plan = o.Window.IsCancellationRequested ? null : await driver.PlanAsync([node], CancellationToken.None);
        }
        catch (ManifestException)
        {
            // Nothing selected: the object stays, its conditions say so, until it is deleted.
            Update(o, x => x.NothingSelected());
        }
        if (plan is not null)
        {
            try
            {
                if (!await ApplyAsync(o, node, driver, plan))
                {
                    // Chaos Mesh retries a failed recovery and keeps the finalizer meanwhile: the object stays, deleted or not,
                    // until someone undoes the fault by hand (the journal in the folder says what failed).
                    Update(o, x => x.Body["status"]!["failedMessage"] = "recovery failed; the finalizer stays until the fault is undone by hand");
                    return;
                }
            }
            catch (Exception ex)
            {
                // What Chaos Mesh reports when its daemon fails: the object stays, with the reason.
                Update(o, x => x.Body["status"]!["failedMessage"] = ex.Message);
            }
        }
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, o.Window.Token);
        }
        catch (OperationCanceledException)
        {
        }
        await Task.Delay(FinalizerDelay, time);
        lock (_gate)
        {
            // The finalizer is removed, and with it the object: what the API server does once finalizers are empty.
            _objects.Remove(o.Key);
            Interlocked.Increment(ref _version);
        }
    }

    /// <summary>Applies the fault and holds it until deleted or its duration ends; false when its recovery failed.</summary>
    private async Task<bool> ApplyAsync(ChaosObject o, FaultNode node, LocalChaosDriver driver, FaultPlan plan)
    {
        var targets = plan.Leaves.SelectMany(l => l.Pods).Distinct().Select(p => $"{o.Namespace}/{p}").ToList();
        var leaves = plan.Leaves.Count(l => l.Fault is not SuspendFault);
        var workflow = o.Kind == "Workflow";
        // A Workflow's controller schedules its entry node and says so; its conditions are Scheduled and Accomplished.
        Update(o, x =>
        {
            if (workflow)
            {
                x.WorkflowConditions(accomplished: false);
            }
            else
            {
                x.SetRecords(targets, "Not Injected", "Run", time.GetUtcNow(), null);
            }
        });
        await using var journal = new ExperimentJournal(Path.Combine(folder, $"{o.Namespace}.{o.Plural}.{o.Name}.jsonl"), time);
        var injected = 0;
        var failedRecovery = false;
        journal.Written += e =>
        {
            if (!workflow && e is FaultInjected && Interlocked.Increment(ref injected) >= leaves)
            {
                Update(o, x => x.SetRecords(targets, "Injected", "Run", time.GetUtcNow(), "Apply"));
            }
            failedRecovery |= e is RollbackFailed;
        };
        await driver.RunAsync(plan, journal, o.Window.Token);
        var instant = !o.Window.IsCancellationRequested && node.Deadline is null;
        if (instant || failedRecovery)
        {
            // An instant fault (pod-kill) stays "injected" until deleted, as Chaos Mesh's one-shot records do.
            return !failedRecovery;
        }
        Update(o, x =>
        {
            if (workflow)
            {
                x.WorkflowConditions(accomplished: true);
                x.Body["status"]!["endTime"] = EmbeddedCluster.Timestamp(time.GetUtcNow());
            }
            else
            {
                x.SetRecords(targets, "Not Injected", "Stop", time.GetUtcNow(), "Recover");
            }
        });
        return true;
    }

    private void Update(ChaosObject o, Action<ChaosObject> change)
    {
        lock (_gate)
        {
            change(o);
            Touch(o);
        }
    }

    private void Touch(ChaosObject o) => o.Body["metadata"]!["resourceVersion"] = Interlocked.Increment(ref _version).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static JsonObject Copy(ChaosObject o) => o.Body.DeepClone().AsObject();

    private static int StableSeed(string name) => name.Aggregate(17, (h, c) => unchecked((h * 31) + c));

    private static JsonObject Status(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["reason"] = reason, ["code"] = code, ["message"] = message,
    };

    /// <summary>Ends every fault and waits, bounded, for their recovery: stopping the stand-in leaves nothing injected.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ChaosObject> all;
        lock (_gate)
        {
            all = [.. _objects.Values];
        }
        foreach (var o in all)
        {
            await o.Window.CancelAsync();
        }
        await Task.WhenAny(Task.WhenAll(all.Select(o => o.Run)), Task.Delay(TimeSpan.FromSeconds(60)));
    }
}
