using System.Text.Json.Nodes;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// Workflows as Chaos Mesh's workflow controller and the API server's garbage collector treat them: a
/// created Workflow gets one child chaos object per chaos template, owned by it (blockOwnerDeletion). A
/// Workflow deleted in the foreground stays, marked, until its children are recovered and gone; deleted
/// in the background it goes at once, and the garbage collector removes the children only later
/// (<see cref="GarbageCollectionDelay"/>), so "gone" would not mean "recovered". Every chaos object
/// carries Chaos Mesh's finalizer: deleted, it is marked and gone after <see cref="RecoveryDelay"/>.
/// </summary>
internal sealed class ChaosStore
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, JsonObject> _objects = new();

    /// <summary>How long Chaos Mesh takes to recover a deleted object before its finalizer lets it go.</summary>
    public TimeSpan RecoveryDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Every object, by "namespace/plural/name".</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, JsonObject> Objects => _objects;

    private static readonly Dictionary<string, string> ChaosTemplates = new()
    {
        ["PodChaos"] = "podchaos", ["NetworkChaos"] = "networkchaos", ["StressChaos"] = "stresschaos", ["IOChaos"] = "iochaos",
    };

    /// <summary>How long after its owner is gone the garbage collector deletes a dependent.</summary>
    public TimeSpan GarbageCollectionDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The chaos objects a Workflow's templates made that still exist.</summary>
    public int ChildrenOf(string workflow) => _objects.Values.Count(o => Owner(o) == workflow);

    public void SpawnChildren(string ns, JsonObject workflow)
    {
        var name = workflow["metadata"]!["name"]!.ToString();
        foreach (var template in workflow["spec"]?["templates"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            if (template["templateType"]?.ToString() is not { } type || !ChaosTemplates.TryGetValue(type, out var plural))
            {
                continue;
            }
            var child = $"{name}-{template["name"]}";
            _objects[$"{ns}/{plural}/{child}"] = new JsonObject
            {
                ["apiVersion"] = "chaos-mesh.org/v1alpha1", ["kind"] = type,
                ["metadata"] = new JsonObject
                {
                    ["name"] = child, ["namespace"] = ns, ["finalizers"] = new JsonArray("chaos-mesh/records"),
                    ["ownerReferences"] = new JsonArray(new JsonObject
                    {
                        ["apiVersion"] = "chaos-mesh.org/v1alpha1", ["kind"] = "Workflow", ["name"] = name,
                        ["uid"] = workflow["metadata"]!["uid"]!.ToString(), ["blockOwnerDeletion"] = true,
                    }),
                },
                ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "AllInjected", ["status"] = "True" }) },
            };
        }
    }

    /// <summary>Deletes an object as the API server would, honouring finalizers and, for a Workflow, the propagation policy.</summary>
    public void Delete(string key, JsonObject found, string? propagation)
    {
        found["metadata"]!["deletionTimestamp"] ??= DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var name = found["metadata"]!["name"]!.ToString();
        var children = _objects.Where(o => Owner(o.Value) == name).ToList();
        if (children.Count > 0 && propagation == "Foreground")
        {
            found["metadata"]!["finalizers"]!.AsArray().Add("foregroundDeletion");
            foreach (var (childKey, child) in children)
            {
                Delete(childKey, child, null);
            }
            _ = Task.Run(async () =>
            {
                // The owner goes once its blocking dependents are gone (and its own finalizer has run).
                for (var i = 0; i < 600 && ChildrenOf(name) > 0; i++)
                {
                    await Task.Delay(10);
                }
                await Task.Delay(RecoveryDelay);
                _objects.TryRemove(key, out _);
            });
            return;
        }
        _ = Task.Delay(RecoveryDelay).ContinueWith(_ => _objects.TryRemove(key, out JsonObject? _), TaskScheduler.Default);
        foreach (var (childKey, child) in children)
        {
            _ = Task.Delay(RecoveryDelay + GarbageCollectionDelay).ContinueWith(_ => Delete(childKey, child, null), TaskScheduler.Default);
        }
    }

    private static string? Owner(JsonObject o) => o["metadata"]?["ownerReferences"]?[0]?["name"]?.ToString();
}
