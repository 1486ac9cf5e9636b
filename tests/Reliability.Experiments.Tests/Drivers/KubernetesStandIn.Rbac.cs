using Reliability.ClusterStandIn;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// RBAC as the API server applies it: with <see cref="Granted"/> set (from the shipped Role and
/// ClusterRoles, <see cref="Rbac.GrantsOf"/>), every request whose verb on its resource is not granted gets
/// 403 Forbidden, and <see cref="Used"/> lists what the harness asked for, to compare with what it holds.
/// </summary>
internal sealed partial class KubernetesStandIn
{
    public IReadOnlySet<Access>? Granted { get; set; }

    /// <summary>Every permission the requests so far needed.</summary>
    public IReadOnlySet<Access> Used => Requests.Select(r => Rbac.AccessOf(r.Method, r.Path, r.Query)).OfType<Access>().ToHashSet();

    private async Task<bool> ForbidAsync(HttpContext context)
    {
        if (Granted is null || Rbac.AccessOf(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "") is not { } access || Granted.Contains(access))
        {
            return false;
        }
        await ApiStatus.Failure(403, "Forbidden",
            $"{access.Resource}{(access.Group.Length > 0 ? "." + access.Group : "")} is forbidden: User \"system:serviceaccount:reliability:reliability-harness\" cannot {access.Verb} resource \"{access.Resource}\" in API group \"{access.Group}\"").ExecuteAsync(context);
        return true;
    }

    /// <summary>Puts the harness's own pod on a node, as the scheduler may, and in the namespace it is deployed to (by default the SUT's).</summary>
    public void MoveHarnessTo(string node, string? ns = null)
    {
        var pod = _pods.Single(p => p["metadata"]!["labels"]!["app"]!.ToString() == "reliability-harness");
        pod["spec"]!["nodeName"] = node;
        if (ns is not null)
        {
            pod["metadata"]!["namespace"] = ns;
        }
    }

    public const string HarnessPodName = "reliability-gameday-29012345-x7k2p";
}
