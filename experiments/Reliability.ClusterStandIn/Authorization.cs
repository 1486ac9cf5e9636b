using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn;

/// <summary>
/// Who is asking, and whether they may: each bearer token is a user, as an API server's token
/// authenticator has it. The harness's token carries exactly the grants of the shipped Role and
/// ClusterRoles (<see cref="Rbac.GrantsOf"/>), so a call the harness makes without a grant is refused with
/// 403 here as on a cluster; the person's token may do everything (a cluster admin on their own laptop).
/// Namespaces of RoleBindings and resourceNames are not modelled: a grant holds in every namespace, for every name.
/// </summary>
internal sealed class Authorization
{
    public const string HarnessUser = "system:serviceaccount:reliability:reliability-harness";

    private readonly IReadOnlySet<Access> _harness;

    private Authorization(IReadOnlySet<Access> harness) => _harness = harness;

    public string HarnessToken { get; } = NewToken();
    public string AdminToken { get; } = NewToken();

    /// <summary>The grants of the rbac files that travel with the program (sut/deploy/k8s: harness/rbac.yaml and load-generators.yaml, base/harness-access.yaml).</summary>
    public static Authorization FromShippedRbac()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "cluster-standin");
        return new Authorization(new[] { "rbac.yaml", "harness-access.yaml", "load-generators.yaml" }.SelectMany(f => Rbac.GrantsOf(Path.Combine(folder, f))).ToHashSet());
    }

    public async Task Middleware(HttpContext context, RequestDelegate next)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : "";
        if (Same(token, AdminToken))
        {
            await next(context);
            return;
        }
        if (!Same(token, HarnessToken))
        {
            await ApiStatus.Failure(401, "Unauthorized", "Unauthorized").ExecuteAsync(context);
            return;
        }
        if (Rbac.AccessOf(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "") is { } access && !_harness.Contains(access))
        {
            await ApiStatus.Failure(403, "Forbidden",
                $"{access.Resource}{(access.Group.Length > 0 ? "." + access.Group : "")} is forbidden: User \"{HarnessUser}\" cannot {access.Verb} resource \"{access.Resource}\" in API group \"{access.Group}\"").ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool Same(string given, string expected) =>
        given.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(expected));

    private static string NewToken() => Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
}
