using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Reliability.ClusterStandIn.Jobs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Sut.Local.Embedded;

namespace Reliability.ClusterStandIn;

/// <summary>
/// A STAND-IN for a Kubernetes API server with Chaos Mesh installed, backed by the embedded environment:
/// no API server can run on this machine, and a user should be able to try `--target kubernetes` on a
/// laptop before a cluster. It serves, on loopback, what the harness and kubectl use: discovery, nodes
/// (one per zone) and pods (<see cref="EmbeddedCluster"/>) with list and watch, namespaces, Chaos Mesh's
/// CRDs, and the chaos-mesh.org objects with create, get, list, watch and delete, which
/// <see cref="ChaosController"/> applies to the environment. Requests are authenticated by bearer token
/// (the kubeconfig's two users) and the harness's are authorized by the shipped RBAC rules, with the
/// API server's 401, 403, 404 and 409 Status answers. The harness's Kubernetes driver is not told.
/// </summary>
internal sealed partial class KubernetesApiStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmbeddedCluster _cluster;
    private readonly ChaosController _chaos;
    private readonly Authorization _authorization;
    private readonly JobController _jobs;
    private readonly CancellationTokenSource _stopping = new();
    private string _caPem = "";

    private KubernetesApiStandIn(WebApplication app, EmbeddedCluster cluster, ChaosController chaos, Authorization authorization)
    {
        _app = app;
        _cluster = cluster;
        _chaos = chaos;
        _authorization = authorization;
        var nodes = cluster.Nodes().Select(n => n["metadata"]!["name"]!.ToString()).ToList();
        _jobs = new JobController(HarnessImage(), index => nodes[index % nodes.Count]);
    }

    /// <summary>
    /// The harness image's entrypoint, for the pods of a sharded load's Job: the CLI this stand-in runs in, when it is
    /// there (`env up --kubernetes`); otherwise no image is known and such a pod waits in ErrImagePull.
    /// </summary>
    private static Dictionary<string, (string Program, string[] Prefix)> HarnessImage()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "reliability.dll");
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } given ? given
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        return File.Exists(cli) ? new() { ["reliability-harness"] = (host, [cli]) } : [];
    }

    /// <summary>Where the API is served (https://127.0.0.1:port).</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>
    /// Starts the stand-in beside a running environment. <paramref name="folder"/> receives each chaos
    /// object as admitted and the journal of what the local machinery did with it.
    /// </summary>
    public static async Task<KubernetesApiStandIn> StartAsync(LocalEnvironment environment, string folder, TimeProvider? time = null, TimeSpan? injectionDelay = null)
    {
        time ??= TimeProvider.System;
        var builder = WebApplication.CreateSlimBuilder();
        var certificate = ServingCertificate.Create(out var caPem);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var chaos = new ChaosController(environment, folder, time) { InjectionDelay = injectionDelay ?? TimeSpan.FromSeconds(1) };
        var standIn = new KubernetesApiStandIn(app, new EmbeddedCluster(environment, time.GetUtcNow()), chaos, Authorization.FromShippedRbac()) { _caPem = caPem };
        app.Use(standIn._authorization.Middleware);
        standIn.MapDiscovery(app);
        standIn.MapCore(app);
        standIn.MapChaos(app);
        standIn.MapConfigMaps(app);
        standIn._jobs.Map(app);
        app.MapFallback(() => Results.Json(ApiStatus.Body(404, "NotFound", "the server could not find the requested resource"), statusCode: 404));
        await app.StartAsync();
        var port = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port).First();
        standIn.Address = new Uri($"https://127.0.0.1:{port}/");
        return standIn;
    }

    /// <summary>Writes a kubeconfig (mode 0600: it holds the tokens) with a context for the harness and one for a person.</summary>
    public void WriteKubeconfig(string path) => Kubeconfig.Write(path, Address, _caPem, _authorization);

    private void MapCore(WebApplication app)
    {
        app.MapGet("/api/v1/nodes", (HttpContext context, string? labelSelector, bool? watch) =>
            Serve(context, "NodeList", () => [.. _cluster.Nodes().Where(n => Selectors.Matches(n, labelSelector, null))], watch));
        app.MapGet("/api/v1/nodes/{name}", (string name) =>
            _cluster.Nodes().FirstOrDefault(n => n["metadata"]!["name"]!.ToString() == name) is { } node ? Results.Json(node) : NotFound("nodes", name));
        app.MapGet("/api/v1/namespaces", () => Results.Json(List("NamespaceList", "v1", Namespaces.Select(Namespace))));
        app.MapGet("/api/v1/namespaces/{ns}", (string ns) => Namespaces.Contains(ns) ? Results.Json(Namespace(ns)) : NotFound("namespaces", ns));
        app.MapGet("/api/v1/pods", (HttpContext context, string? labelSelector, string? fieldSelector, bool? watch) =>
            Serve(context, "PodList", () => [.. Pods().Where(p => Selectors.Matches(p, labelSelector, fieldSelector))], watch));
        app.MapGet("/api/v1/namespaces/{ns}/pods", (HttpContext context, string ns, string? labelSelector, string? fieldSelector, bool? watch) =>
            Serve(context, "PodList", () => [.. Pods().Where(p => InNamespace(p, ns) && Selectors.Matches(p, labelSelector, fieldSelector))], watch));
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}", (string ns, string name) =>
            Pods().FirstOrDefault(p => InNamespace(p, ns) && p["metadata"]!["name"]!.ToString() == name) is { } pod ? Results.Json(pod) : NotFound("pods", name));
        app.MapGet("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/{name}", (string name) =>
            Crds.Read(name) is { } crd ? Results.Json(crd) : NotFound("customresourcedefinitions.apiextensions.k8s.io", name));
    }

    /// <summary>The environment's pods, and the pods of Jobs (a sharded load's generators).</summary>
    private IEnumerable<JsonObject> Pods() => _cluster.Pods().Concat(_jobs.Pods);

    private void MapChaos(WebApplication app)
    {
        const string Prefix = "/apis/chaos-mesh.org/v1alpha1";
        app.MapPost(Prefix + "/namespaces/{ns}/{plural}", async (HttpContext context, string ns, string plural) =>
        {
            if (!Crds.Plurals.ContainsKey(plural))
            {
                return NotFound(plural, "");
            }
            if (await JsonNode.ParseAsync(context.Request.Body) is not JsonObject body || body["metadata"]?["name"] is null)
            {
                return Results.Json(ApiStatus.Body(400, "BadRequest", "the object has no metadata.name"), statusCode: 400);
            }
            var (status, answer) = _chaos.Create(ns, plural, body);
            return Results.Json(answer, statusCode: status);
        });
        app.MapGet(Prefix + "/{plural}", (HttpContext context, string plural, string? labelSelector, string? fieldSelector, bool? watch) =>
            Serve(context, $"{Crds.KindOf(plural)}List", () => [.. _chaos.List(null, plural).Where(o => Selectors.Matches(o, labelSelector, fieldSelector))], watch, Crds.ApiVersion));
        app.MapGet(Prefix + "/namespaces/{ns}/{plural}", (HttpContext context, string ns, string plural, string? labelSelector, string? fieldSelector, bool? watch) =>
            Serve(context, $"{Crds.KindOf(plural)}List", () => [.. _chaos.List(ns, plural).Where(o => Selectors.Matches(o, labelSelector, fieldSelector))], watch, Crds.ApiVersion));
        app.MapGet(Prefix + "/namespaces/{ns}/{plural}/{name}", (string ns, string plural, string name) =>
            _chaos.Get(ns, plural, name) is { } found ? Results.Json(found) : NotFound($"{plural}.chaos-mesh.org", name));
        app.MapDelete(Prefix + "/namespaces/{ns}/{plural}/{name}", (string ns, string plural, string name) =>
            _chaos.Delete(ns, plural, name) is { } found ? Results.Json(found) : NotFound($"{plural}.chaos-mesh.org", name));
    }

    private static readonly string[] Namespaces = [EmbeddedCluster.Namespace, "ingress", "reliability", "default", "kube-system"];

    private static JsonObject Namespace(string name) => new()
    {
        ["apiVersion"] = "v1", ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/metadata.name"] = name } },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    private static bool InNamespace(JsonObject item, string ns) => item["metadata"]?["namespace"]?.ToString() == ns;

    private static IResult NotFound(string resource, string name) =>
        Results.Json(ApiStatus.Body(404, "NotFound", $"{resource} \"{name}\" not found"), statusCode: 404);

    internal static JsonObject List(string kind, string apiVersion, IEnumerable<JsonObject> items, long version = 1) => new()
    {
        ["kind"] = kind, ["apiVersion"] = apiVersion,
        ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        ["items"] = new JsonArray([.. items.Select(i => i.DeepClone())]),
    };

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        // Faults first: stopping the stand-in leaves nothing injected in the environment; then no Job's pod is left running.
        await _chaos.DisposeAsync();
        _jobs.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

}
