using System.Globalization;
using Microsoft.IdentityModel.JsonWebTokens;
using Reliability.Sut.Data;
using Reliability.Sut.Observability;

namespace Reliability.Sut.Security;

/// <summary>
/// Endpoint filter for the authenticated API: resolves the caller from the token's sub and checks the
/// account still exists, so a deleted user's unexpired token gets 401. The lookup runs outside the
/// authentication handler on purpose: a database outage must surface as 503, not as 401 (which would
/// send every client into a login storm).
/// </summary>
internal sealed class CurrentUser(UserStore users, SutMetrics metrics) : IEndpointFilter
{
    private const string ItemKey = "reliability.user-id";

    public static long Id(HttpContext context) => (long)context.Items[ItemKey]!;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
        {
            return await next(context);
        }
        var sub = http.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value;
        if (!long.TryParse(sub, NumberStyles.None, CultureInfo.InvariantCulture, out var userId)
            || !await users.ExistsAsync(userId, http.RequestAborted))
        {
            metrics.AuthFailures.WithLabels("unknown_subject").Inc();
            return Problems.UnauthorizedResult("The token's subject is not a known user.");
        }
        http.Items[ItemKey] = userId;
        return await next(context);
    }
}
