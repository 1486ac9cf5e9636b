using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn;

/// <summary>
/// ConfigMaps, for what the harness keeps in one: the safety lever (`reliability lever engage` creates it,
/// `release` deletes it, every run reads it). Get, create, replace and delete, with the API server's 404 and 409.
/// </summary>
internal sealed partial class KubernetesApiStandIn
{
    private readonly ConcurrentDictionary<string, JsonObject> _configMaps = new(StringComparer.Ordinal);

    private void MapConfigMaps(WebApplication app)
    {
        const string Path = "/api/v1/namespaces/{ns}/configmaps";
        app.MapGet(Path, (string ns) => Results.Json(List("ConfigMapList", "v1", _configMaps.Where(c => c.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(c => c.Value))));
        app.MapGet(Path + "/{name}", (string ns, string name) =>
            _configMaps.TryGetValue($"{ns}/{name}", out var found) ? Results.Json(found) : NotFound("configmaps", name));
        app.MapPost(Path, async (HttpContext context, string ns) =>
        {
            var body = await ConfigMapAsync(context, ns);
            var name = body["metadata"]!["name"]!.ToString();
            return _configMaps.TryAdd($"{ns}/{name}", body)
                ? Results.Json(body, statusCode: 201)
                : Results.Json(ApiStatus.Body(409, "AlreadyExists", $"configmaps \"{name}\" already exists"), statusCode: 409);
        });
        app.MapPut(Path + "/{name}", async (HttpContext context, string ns, string name) =>
        {
            var body = await ConfigMapAsync(context, ns);
            if (!_configMaps.ContainsKey($"{ns}/{name}"))
            {
                return NotFound("configmaps", name);
            }
            _configMaps[$"{ns}/{name}"] = body;
            return Results.Json(body);
        });
        app.MapDelete(Path + "/{name}", (string ns, string name) =>
            _configMaps.TryRemove($"{ns}/{name}", out var gone) ? Results.Json(gone) : NotFound("configmaps", name));
    }

    private static async Task<JsonObject> ConfigMapAsync(HttpContext context, string ns)
    {
        var body = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
        body["apiVersion"] = "v1";
        body["kind"] = "ConfigMap";
        body["metadata"]!["namespace"] = ns;
        body["metadata"]!["uid"] ??= Guid.NewGuid().ToString();
        body["metadata"]!["resourceVersion"] = "1";
        return body;
    }
}
