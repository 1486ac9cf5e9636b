using Reliability.Sut.Configuration;

namespace Reliability.Sut.Lifecycle;

/// <summary>
/// On SIGTERM: report unready at once, keep serving for the drain delay so load balancers take the
/// instance out, then let Kestrel close the listener and finish in-flight requests (bounded by
/// HostOptions.ShutdownTimeout, set from DRAIN_TIMEOUT_SECONDS).
/// </summary>
internal sealed class GracefulShutdown(
    DrainState drain, SutSettings settings, TimeProvider time, ILogger<GracefulShutdown> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        drain.BeginDraining();
        logger.LogInformation("Shutdown requested: draining; readiness is now 503, listener closes in {DelayMs} ms",
            (int)settings.DrainDelay.TotalMilliseconds);
        if (settings.DrainDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(settings.DrainDelay, time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Shutdown timeout hit first: proceed to close.
            }
        }
    }

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Shutdown complete");
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
