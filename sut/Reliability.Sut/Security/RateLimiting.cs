using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Reliability.Sut.Configuration;
using Reliability.Sut.Observability;

namespace Reliability.Sut.Security;

/// <summary>
/// OWASP API4: per-client limits on login and sign-up through ASP.NET Core's rate limiter, and a
/// per-username login limit (the username is only known once the body is read, so the login handler
/// asks <see cref="LoginThrottle"/> itself). Every rejection is a 429 with Retry-After, counted by policy.
/// </summary>
internal static class RateLimiting
{
    public const string LoginPerClient = "login-per-client";
    public const string SignupPerClient = "signup-per-client";

    public static IServiceCollection AddSutRateLimiting(this IServiceCollection services, RateLimitSettings limits)
    {
        services.AddSingleton(new LoginThrottle(limits));
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(LoginPerClient, context => PerClient(context, LoginPerClient, limits.Enabled, limits.LoginPerClientPerMinute));
            options.AddPolicy(SignupPerClient, context => PerClient(context, SignupPerClient, limits.Enabled, limits.SignupPerClientPerMinute));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var policy = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName ?? "unknown";
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                await Reject(context.HttpContext, policy, retryAfter);
            };
        });
        return services;
    }

    public static async Task Reject(HttpContext context, string policy, TimeSpan retryAfter)
    {
        context.RequestServices.GetRequiredService<SutMetrics>().RateLimited.WithLabels(policy).Inc();
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Write(context, StatusCodes.Status429TooManyRequests, "Too Many Requests",
            $"Rate limit '{policy}' exceeded; retry after {seconds} s.");
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, string policy, bool enabled, int perMinute)
    {
        if (!enabled)
        {
            return RateLimitPartition.GetNoLimiter(policy);
        }
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter($"{policy}:{client}", _ => Window(perMinute));
    }

    internal static FixedWindowRateLimiterOptions Window(int perMinute) => new()
    {
        PermitLimit = perMinute,
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}

/// <summary>Per-username login attempts; keyed case-insensitively so case games do not multiply the budget.</summary>
internal sealed class LoginThrottle(RateLimitSettings limits) : IDisposable
{
    public const string Policy = "login-per-username";

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(username =>
        limits.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter(username, _ => RateLimiting.Window(limits.LoginPerUsernamePerMinute))
            : RateLimitPartition.GetNoLimiter(username));

    /// <summary>Null when the attempt may go ahead, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string username)
    {
        using var lease = _limiter.AttemptAcquire(username.ToLowerInvariant());
        if (lease.IsAcquired)
        {
            return null;
        }
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
