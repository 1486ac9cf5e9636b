using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn;

/// <summary>
/// Discovery as kubectl reads it (the legacy, unaggregated form, which kubectl falls back to): the server
/// version, the core group's resources, the API groups and their resources, so that `kubectl get podchaos`
/// and `kubectl apply -f` find their way. OpenAPI documents are not served: run kubectl with --validate=false
/// (the webhook here validates every chaos object anyway).
/// </summary>
internal sealed partial class KubernetesApiStandIn
{
    private void MapDiscovery(WebApplication app)
    {
        app.MapGet("/version", () => Results.Json(new JsonObject
        {
            ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.0-reliability-stand-in", ["platform"] = "linux/amd64",
        }));
        app.MapGet("/api", (HttpContext context) => Results.Json(new JsonObject
        {
            ["kind"] = "APIVersions", ["versions"] = new JsonArray("v1"),
            ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = context.Request.Host.ToString() }),
        }));
        app.MapGet("/apis", () => Results.Json(new JsonObject
        {
            ["kind"] = "APIGroupList", ["apiVersion"] = "v1",
            ["groups"] = new JsonArray(Group("batch", "v1"), Group("chaos-mesh.org", "v1alpha1"), Group("apiextensions.k8s.io", "v1")),
        }));
        app.MapGet("/api/v1", () => Results.Json(Resources("v1",
            Resource("pods", "Pod", true, "po", "get", "list", "watch", "delete"),
            Resource("pods/log", "Pod", true, null, "get"),
            Resource("nodes", "Node", false, "no", "get", "list", "watch"),
            Resource("namespaces", "Namespace", false, "ns", "get", "list"),
            Resource("configmaps", "ConfigMap", true, "cm", "get", "list", "create", "update", "delete"))));
        app.MapGet("/apis/batch/v1", () => Results.Json(Resources("batch/v1",
            Resource("jobs", "Job", true, null, "create", "get", "list", "delete"))));
        app.MapGet("/apis/apiextensions.k8s.io/v1", () => Results.Json(Resources("apiextensions.k8s.io/v1",
            Resource("customresourcedefinitions", "CustomResourceDefinition", false, "crd", "get"))));
        app.MapGet("/apis/chaos-mesh.org/v1alpha1", () => Results.Json(Resources(Crds.ApiVersion,
            [.. Crds.Plurals.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Resource(p.Key, p.Value, true, null, "create", "get", "list", "watch", "delete"))])));
    }

    private static JsonObject Group(string name, string version) => new()
    {
        ["name"] = name,
        ["versions"] = new JsonArray(new JsonObject { ["groupVersion"] = $"{name}/{version}", ["version"] = version }),
        ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{name}/{version}", ["version"] = version },
    };

    private static JsonObject Resources(string groupVersion, params JsonObject[] resources) => new()
    {
        ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = new JsonArray(resources),
    };

    private static JsonObject Resource(string plural, string kind, bool namespaced, string? shortName, params string[] verbs)
    {
        var resource = new JsonObject
        {
            ["name"] = plural, ["singularName"] = kind.ToLowerInvariant(), ["namespaced"] = namespaced, ["kind"] = kind,
            ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
        };
        if (shortName is not null)
        {
            resource["shortNames"] = new JsonArray(shortName);
        }
        return resource;
    }
}
