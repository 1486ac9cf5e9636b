using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn;

/// <summary>
/// Lists, and watches as the API server streams them: one JSON event a line (ADDED, MODIFIED, DELETED)
/// for as long as the client holds the request, ended by its timeoutSeconds (default 30 minutes) or by the
/// stand-in stopping. A watch from a resourceVersion the client already listed starts with changes only.
/// The state is sampled every <see cref="WatchInterval"/>; a change shorter than that can be missed, as a
/// kubelet's status updates also come at intervals.
/// </summary>
internal sealed partial class KubernetesApiStandIn
{
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);

    private async Task Serve(HttpContext context, string kind, Func<IReadOnlyList<JsonObject>> snapshot, bool? watch, string apiVersion = "v1")
    {
        if (watch != true)
        {
            await context.Response.WriteAsJsonAsync(List(kind, apiVersion, snapshot(), _chaos.Version));
            return;
        }
        var timeout = int.TryParse(context.Request.Query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : TimeSpan.FromMinutes(30);
        using var end = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
        end.CancelAfter(timeout);
        context.Response.ContentType = "application/json";
        var fromListed = context.Request.Query["resourceVersion"].ToString() is { Length: > 0 } rv && rv != "0";
        var known = fromListed ? snapshot().ToDictionary(Name, o => o.ToJsonString()) : [];
        await context.Response.Body.FlushAsync(end.Token).ConfigureAwait(false);
        try
        {
            while (!end.IsCancellationRequested)
            {
                var now = snapshot().ToDictionary(Name, o => o);
                foreach (var (name, item) in now)
                {
                    var text = item.ToJsonString();
                    var type = !known.TryGetValue(name, out var before) ? "ADDED" : before != text ? "MODIFIED" : null;
                    known[name] = text;
                    if (type is not null)
                    {
                        await WriteEventAsync(context, type, item, end.Token);
                    }
                }
                foreach (var gone in known.Keys.Where(k => !now.ContainsKey(k)).ToList())
                {
                    var last = JsonNode.Parse(known[gone])!.AsObject();
                    known.Remove(gone);
                    await WriteEventAsync(context, "DELETED", last, end.Token);
                }
                await Task.Delay(WatchInterval, end.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, its timeout ran out, or the stand-in is stopping: the watch ends as the API server ends one.
        }
    }

    private static string Name(JsonObject item) => $"{item["metadata"]?["namespace"]}/{item["metadata"]?["name"]}";

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject item, CancellationToken ct)
    {
        await context.Response.WriteAsync(new JsonObject { ["type"] = type, ["object"] = item.DeepClone() }.ToJsonString() + "\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }
}
