namespace Reliability.Experiments.Running;

/// <summary>
/// CancellationTokenSource.CancelAfter on the run's clock rather than the machine's: phase windows and
/// fault deadlines follow the TimeProvider, so a test can drive a whole timeline with a fake one.
/// </summary>
internal static class TimedCancellation
{
    /// <summary>Cancels <paramref name="source"/> after <paramref name="delay"/> on <paramref name="time"/>; dispose the timer before the source.</summary>
    public static ITimer CancelAfter(this TimeProvider time, CancellationTokenSource source, TimeSpan delay) =>
        time.CreateTimer(_ =>
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The window already closed.
            }
        }, null, delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
}
