using Reliability.ClusterStandIn;
using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// No Kubernetes API server can run here, so the driver is tested against this faithful stand-in: it
/// serves the exact REST paths the driver uses (pods with label selectors and watch, nodes, and the
/// chaos-mesh.org custom objects with create, get and delete), answers with the documented shapes, and
/// records every request so tests can assert what was asked. Created chaos gets Chaos Mesh's
/// "chaos-mesh/records" finalizer and reports AllInjected at once; a delete marks it (deletionTimestamp)
/// and it is gone after <see cref="RecoveryDelay"/>, as the finalizer holds it until recovery (<see cref="ChaosStore"/>). Chaos
/// named "refused..." is denied as Chaos Mesh's admission webhook denies an invalid object; chaos named
/// "unselected..." selected nothing (Selected False, yet AllInjected True, as Chaos Mesh reports it). It
/// serves Chaos Mesh's CRDs under apiextensions.k8s.io/v1 (the bundled v2.8 ones, as a cluster with that
/// release installed would), or answers 403 as the API server does for a subject without the grant.
/// </summary>
internal sealed partial class KubernetesStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ChaosStore _chaos = new();

    public record Request(string Method, string Path, string Query, string Body);

    public ConcurrentQueue<Request> Requests { get; } = new();
    public Uri Address { get; private set; } = null!;

    /// <summary>The answer to a CRD read: 200 with the CRD, 403 (no RBAC grant) or 404 (Chaos Mesh not installed).</summary>
    public int CrdStatus { get; set; } = 200;

    /// <summary>The answer to a pod list: 200, or 403 as for a service account without the "list pods" grant.</summary>
    public int PodsStatus { get; set; } = 200;

    /// <summary>How long Chaos Mesh takes to recover a deleted object before its finalizer lets it go.</summary>
    public TimeSpan RecoveryDelay { get => _chaos.RecoveryDelay; set => _chaos.RecoveryDelay = value; }

    /// <summary>How long after a Workflow is gone the garbage collector deletes its children (background deletion).</summary>
    public TimeSpan GarbageCollectionDelay { get => _chaos.GarbageCollectionDelay; set => _chaos.GarbageCollectionDelay = value; }

    /// <summary>The chaos objects a Workflow's templates made that still exist.</summary>
    public int ChildrenOf(string workflow) => _chaos.ChildrenOf(workflow);

    /// <summary>How long a create takes to answer after the object is stored (a client may time out meanwhile).</summary>
    public TimeSpan CreateDelay { get; set; } = TimeSpan.Zero;

    /// <summary>Objects whose delete fails with 500, as an API server in trouble answers.</summary>
    public Func<string, bool> FailDelete { get; set; } = _ => false;

    /// <summary>Requests carried out whose answer is lost: the connection is reset instead, as by a proxy or a network fault.</summary>
    public Func<Request, bool> LoseAnswer { get; set; } = _ => false;

    /// <summary>Applied to each CRD served, to stand in for another Chaos Mesh release than the bundled one.</summary>
    public Action<JsonObject>? EditCrd { get; set; }

    private KubernetesStandIn(WebApplication app) => _app = app;

    public static async Task<KubernetesStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new KubernetesStandIn(app);
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            var request = new Request(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "", body);
            standIn.Requests.Enqueue(request);
            if (await standIn.ForbidAsync(context))
            {
                return;
            }
            if (standIn.LoseAnswer(request))
            {
                context.Response.Body = Stream.Null;
                await next();
                context.Abort();
                return;
            }
            await next();
        });
        app.MapGet("/api/v1/nodes", (string? labelSelector) => Results.Json(List("NodeList", standIn._nodes.Where(n => Matches(n, labelSelector)))));
        app.MapGet("/api/v1/namespaces/{ns}/pods", async (HttpContext context, string ns, string? labelSelector, bool? watch) =>
        {
            if (standIn.PodsStatus == 403)
            {
                await ApiStatus.Failure(403, "Forbidden",
                    $"pods is forbidden: User \"system:serviceaccount:{ns}:reliability-harness\" cannot list resource \"pods\" in API group \"\" in the namespace \"{ns}\"").ExecuteAsync(context);
                return;
            }
            var pods = standIn._pods.Concat(standIn.JobPods).Where(p => p["metadata"]!["namespace"]!.ToString() == ns && Matches(p, labelSelector)).ToList();
            if (watch != true)
            {
                await context.Response.WriteAsJsonAsync(List("PodList", pods));
                return;
            }
            context.Response.ContentType = "application/json";
            foreach (var pod in pods)
            {
                await context.Response.WriteAsync(new JsonObject { ["type"] = "ADDED", ["object"] = pod.DeepClone() }.ToJsonString() + "\n");
            }
            // Then the first pod's container restarts and the pod is not ready, as after a kill.
            var restarted = pods[0].DeepClone().AsObject();
            restarted["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" });
            restarted["status"]!["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = "sut", ["restartCount"] = 1, ["ready"] = false, ["image"] = "sut", ["imageID"] = "" });
            await context.Response.WriteAsync(new JsonObject { ["type"] = "MODIFIED", ["object"] = restarted }.ToJsonString() + "\n");
            await context.Response.Body.FlushAsync();
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        });
        app.MapPost("/apis/chaos-mesh.org/v1alpha1/namespaces/{ns}/{plural}", async (HttpContext context, string ns, string plural) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var name = body["metadata"]!["name"]!.ToString();
            if (name.StartsWith("refused", StringComparison.Ordinal))
            {
                return ApiStatus.Failure(422, "Invalid", "admission webhook \"vpodchaos.kb.io\" denied the request: value is invalid");
            }
            if (standIn._chaos.Objects.ContainsKey($"{ns}/{plural}/{name}"))
            {
                return ApiStatus.Failure(409, "AlreadyExists", $"{plural}.chaos-mesh.org \"{name}\" already exists");
            }
            body["metadata"]!["finalizers"] = new JsonArray("chaos-mesh/records");
            body["metadata"]!["uid"] = Guid.NewGuid().ToString();
            body["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "AllInjected", ["status"] = "True" }) };
            if (name.StartsWith("unselected", StringComparison.Ordinal))
            {
                // What Chaos Mesh's condition controller writes when the selector found no pod: no records, so "all" injected.
                body["status"]!["conditions"]!.AsArray().Add(new JsonObject { ["type"] = "Selected", ["status"] = "False" });
            }
            standIn._chaos.Objects[$"{ns}/{plural}/{name}"] = body;
            if (plural == "workflows")
            {
                standIn._chaos.SpawnChildren(ns, body);
            }
            await Task.Delay(standIn.CreateDelay, context.RequestAborted);
            return Results.Json(body, statusCode: 201);
        });
        app.MapGet("/apis/chaos-mesh.org/v1alpha1/namespaces/{ns}/{plural}", (string ns, string plural, string? labelSelector) =>
            Results.Json(List($"{plural}List", standIn._chaos.Objects.Where(o => o.Key.StartsWith($"{ns}/{plural}/", StringComparison.Ordinal)).Select(o => o.Value)
                .Where(o => Matches(o, labelSelector)).ToList())));
        app.MapGet("/apis/chaos-mesh.org/v1alpha1/namespaces/{ns}/{plural}/{name}", (string ns, string plural, string name) =>
            standIn._chaos.Objects.TryGetValue($"{ns}/{plural}/{name}", out var found) ? Results.Json(found) : NotFound(plural, name));
        app.MapDelete("/apis/chaos-mesh.org/v1alpha1/namespaces/{ns}/{plural}/{name}", (string ns, string plural, string name, string? propagationPolicy) =>
        {
            var key = $"{ns}/{plural}/{name}";
            if (!standIn._chaos.Objects.TryGetValue(key, out var found))
            {
                return NotFound(plural, name);
            }
            if (standIn.FailDelete(name))
            {
                return ApiStatus.Failure(500, "InternalError", "Internal error occurred: etcdserver: request timed out");
            }
            // The finalizer holds the object, marked for deletion, until Chaos Mesh has recovered its targets.
            standIn._chaos.Delete(key, found, propagationPolicy);
            return Results.Json(found, statusCode: 200);
        });
        // No safety lever was ever engaged on this cluster.
        app.MapGet("/api/v1/namespaces/{ns}/configmaps/{name}", (string ns, string name) => ApiStatus.Failure(404, "NotFound", $"configmaps \"{name}\" not found"));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}", (string ns, string name) =>
            standIn._pods.Concat(standIn.JobPods).SingleOrDefault(p => p["metadata"]!["namespace"]!.ToString() == ns && p["metadata"]!["name"]!.ToString() == name) is { } pod
                ? Results.Json(pod) : ApiStatus.Failure(404, "NotFound", $"pods \"{name}\" not found"));
        app.MapGet("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}", (string name) =>
        {
            var file = Path.Combine(AppContext.BaseDirectory, Reliability.Experiments.ChaosMesh.ChaosMeshSchemas.BundledFolder, $"chaos-mesh.org_{name.Split('.')[0]}.yaml");
            if (standIn.CrdStatus == 403)
            {
                return ApiStatus.Failure(403, "Forbidden", $"customresourcedefinitions.apiextensions.k8s.io \"{name}\" is forbidden: User \"system:serviceaccount:task-manager:reliability-harness\" cannot get resource \"customresourcedefinitions\" in API group \"apiextensions.k8s.io\" at the cluster scope");
            }
            if (standIn.CrdStatus == 404 || !File.Exists(file))
            {
                return ApiStatus.Failure(404, "NotFound", $"customresourcedefinitions.apiextensions.k8s.io \"{name}\" not found");
            }
            var stream = new YamlDotNet.RepresentationModel.YamlStream();
            using (var reader = new StreamReader(file))
            {
                stream.Load(reader);
            }
            var crd = Reliability.Experiments.ChaosMesh.ChaosMeshSchemas.ToJson(stream.Documents[0].RootNode)!.AsObject();
            crd["metadata"]!["resourceVersion"] = "4711";
            standIn.EditCrd?.Invoke(crd);
            return Results.Json(crd);
        });
        standIn.MapJobs(app);
        await app.StartAsync();
        standIn.Address = new Uri(app.Urls.First());
        return standIn;
    }

    public int Live => _chaos.Objects.Count;

    /// <summary>Sets a pod's Ready condition, as the kubelet would after a probe result.</summary>
    public void SetReady(string pod, bool ready) =>
        _pods.Single(p => p["metadata"]!["name"]!.ToString() == pod)["status"]!["conditions"] =
            new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = ready ? "True" : "False" });

    private static IResult NotFound(string plural, string name) => ApiStatus.Failure(404, "NotFound", $"{plural}.chaos-mesh.org \"{name}\" not found");

    private static JsonObject List(string kind, IEnumerable<JsonObject> items) =>
        new() { ["kind"] = kind, ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["items"] = new JsonArray([.. items.Select(i => i.DeepClone())]) };

    private static bool Matches(JsonObject item, string? selector) =>
        string.IsNullOrEmpty(selector) || selector.Split(',').All(term =>
        {
            if (!term.Contains('=', StringComparison.Ordinal))
            {
                return item["metadata"]!["labels"]?[term] is not null;
            }
            var (key, value) = (term.Split('=')[0], term.Split('=')[1]);
            return item["metadata"]!["labels"]?[key]?.ToString() == value;
        });

    private readonly List<JsonObject> _nodes = [Node("node-a", "zone-a"), Node("node-b", "zone-b")];

    /// <summary>Labels node-a and node-b with the zones a cloud gives them (us-east-1a...) instead of the experiments' zone-a and zone-b.</summary>
    public void NameZones(string nodeA, string nodeB)
    {
        _nodes[0]["metadata"]!["labels"]!["topology.kubernetes.io/zone"] = nodeA;
        _nodes[1]["metadata"]!["labels"]!["topology.kubernetes.io/zone"] = nodeB;
    }

    private readonly List<JsonObject> _pods =
    [
        Pod("sut-7d9f-a1", "sut", "node-a"), Pod("sut-7d9f-a2", "sut", "node-a"), Pod("sut-7d9f-b1", "sut", "node-b"), DatabasePod(),
        HarnessPod(),
    ];

    // The database primary as the Zalando operator labels it (Patroni's role in spilo-role).
    private static JsonObject DatabasePod()
    {
        var pod = Pod("postgres-0", "postgres", "node-a");
        pod["metadata"]!["labels"]!["spilo-role"] = "master";
        return pod;
    }

    // The game day's own pod, from the CronJob's Job: it has no readiness of its own to offer.
    private static JsonObject HarnessPod()
    {
        var pod = Pod(HarnessPodName, "reliability-harness", "node-b");
        pod["metadata"]!["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "batch/v1", ["kind"] = "Job", ["name"] = "reliability-gameday-29012345", ["uid"] = "5d1c", ["controller"] = true,
        });
        pod["status"]!["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" });
        return pod;
    }

    internal static JsonObject Node(string name, string zone) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["topology.kubernetes.io/zone"] = zone } },
    };

    internal static JsonObject Pod(string name, string app, string node) => new()
    {
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "task-manager", ["uid"] = $"uid-{name}", ["labels"] = new JsonObject { ["app"] = app } },
        ["spec"] = new JsonObject { ["nodeName"] = node, ["containers"] = new JsonArray() },
        ["status"] = new JsonObject { ["phase"] = "Running", ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }) },
    };

    public async ValueTask DisposeAsync()
    {
        StopJobPods();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
