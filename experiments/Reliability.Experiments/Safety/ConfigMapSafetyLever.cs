using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Reliability.Experiments.Safety;

/// <summary>
/// The lever on Kubernetes: the ConfigMap <c>reliability-safety-lever</c> in the harness's namespace, so that
/// an operator engages it with the CLI or kubectl and every harness pod sees it. The harness needs only
/// "get" on that one ConfigMap; engaging and releasing are an operator's verbs.
/// </summary>
internal sealed class ConfigMapSafetyLever(IKubernetes client, string ns, TimeProvider time) : ISafetyLever
{
    public const string Name = "reliability-safety-lever";

    public string Location => $"ConfigMap {ns}/{Name}";

    public async Task<LeverState> ReadAsync(CancellationToken ct)
    {
        try
        {
            var map = await client.CoreV1.ReadNamespacedConfigMapAsync(Name, ns, cancellationToken: ct);
            IReadOnlyDictionary<string, string> data = map.Data is { } found ? new Dictionary<string, string>(found) : new Dictionary<string, string>();
            return data.TryGetValue("engaged", out var engaged) && engaged == "false"
                ? LeverState.Released
                : new LeverState(true, data.GetValueOrDefault("reason"), data.GetValueOrDefault("by"),
                    DateTimeOffset.TryParse(data.GetValueOrDefault("at"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return LeverState.Released;
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new LeverState(true, $"{Location} cannot be read ({ex.Message}); counted as engaged");
        }
    }

    public async Task EngageAsync(string reason, CancellationToken ct)
    {
        var map = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = Name, NamespaceProperty = ns, Labels = new Dictionary<string, string> { ["app"] = "reliability-harness" } },
            Data = new Dictionary<string, string>
            {
                ["engaged"] = "true", ["reason"] = reason, ["by"] = Environment.UserName,
                ["at"] = time.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            },
        };
        try
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(map, ns, cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(map, Name, ns, cancellationToken: ct);
        }
    }

    public async Task ReleaseAsync(CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedConfigMapAsync(Name, ns, cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
        }
    }
}
