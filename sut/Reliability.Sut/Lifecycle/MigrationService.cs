using Reliability.Sut.Data;

namespace Reliability.Sut.Lifecycle;

/// <summary>
/// Runs the migration in the background and retries it with capped backoff, so a replica that starts
/// before its database is alive (and unready) rather than crash-looping.
/// </summary>
internal sealed class MigrationService(
    SchemaMigrator migrator, SchemaState state, TimeProvider time, ILogger<MigrationService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await migrator.MigrateAsync(stoppingToken);
                state.MarkMigrated();
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning("Schema migration failed ({Error}); retrying in {BackoffMs} ms",
                    ex.GetType().Name + ": " + ex.Message, (int)backoff.TotalMilliseconds);
            }
            try
            {
                await Task.Delay(backoff, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }
}
