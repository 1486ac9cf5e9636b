using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Http.Timeouts;
using Reliability.Sut.Apis;
using Reliability.Sut.Configuration;
using Reliability.Sut.Data;
using Reliability.Sut.Lifecycle;
using Reliability.Sut.Observability;
using Reliability.Sut.Security;

namespace Reliability.Sut;

/// <summary>Service registration and the request pipeline, kept out of Program.cs.</summary>
internal static class SutHost
{
    public static void ConfigureSut(this WebApplicationBuilder builder, SutSettings settings)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        // Framework request logs cost several lines per request (they capped /health near 6k rps on
        // two cores) and carry full URLs; RequestObservation logs what operators need instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Information);
        builder.Logging.AddFilter("Npgsql", LogLevel.Warning);

        builder.WebHost.UseUrls($"http://{settings.BindAddress}:{settings.Port}");
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.MaxRequestHeaderCount = 64;
            kestrel.Limits.MaxRequestLineSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = settings.DrainDelay + settings.DrainTimeout);

        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new StartTime(TimeProvider.System.GetUtcNow()));
        services.AddSingleton<SutMetrics>();
        services.AddSingleton(sp => DataSourceFactory.Create(settings, sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<Database>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<TaskStore>();
        services.AddSingleton<SchemaMigrator>();
        services.AddSingleton<SchemaState>();
        services.AddSingleton<DrainState>();
        services.AddSingleton<PasswordHashing>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<CurrentUser>();
        services.AddHostedService<MigrationService>();
        services.AddHostedService<GracefulShutdown>();

        services.AddProblemDetails();
        services.AddExceptionHandler<ErrorHandling>();
        services.AddRequestTimeouts(options => options.DefaultPolicy = new RequestTimeoutPolicy
        {
            Timeout = settings.RequestTimeout,
            TimeoutStatusCode = StatusCodes.Status503ServiceUnavailable,
        });
        services.AddSutAuthentication(settings);
        services.AddSutRateLimiting(settings.RateLimits);
    }

    public static void UseSut(this WebApplication app)
    {
        var metrics = app.Services.GetRequiredService<SutMetrics>();
        var settings = app.Services.GetRequiredService<SutSettings>();
        metrics.DbPoolMax.Set(settings.DbMaxConnections);
        metrics.DbPoolMin.Set(settings.DbMinConnections);

        // Before anything keys on the client: the forwarded address is believed only from a trusted proxy.
        // Not registered at all without one: the middleware with empty known lists would believe every peer.
        if (settings.TrustedProxies.Count > 0)
        {
            var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor, ForwardLimit = 1 };
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in settings.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
            app.UseForwardedHeaders(forwarded);
        }
        app.UseMiddleware<RequestObservation>();
        app.Use((context, next) =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            return next(context);
        });
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseRequestTimeouts();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapHealthApi();
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter<CurrentUser>();
        api.MapAuthApi();
        api.MapUsersApi();
        api.MapTasksApi();
    }
}
