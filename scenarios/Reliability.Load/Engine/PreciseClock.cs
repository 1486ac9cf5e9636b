namespace Reliability.Load.Engine;

/// <summary>
/// Waits until a timestamp without burning a core: sleeps in 1 ms steps (nanosleep, which overshoots by
/// well under a millisecond here) and only spins for the last 200 µs. Used by the open-model scheduler thread.
/// </summary>
internal static class PreciseClock
{
    private static readonly TimeSpan SpinWindow = TimeSpan.FromMicroseconds(200);

    public static void WaitUntil(TimeProvider time, long due, CancellationToken ct)
    {
        var spinner = new SpinWait();
        while (!ct.IsCancellationRequested)
        {
            var remaining = time.GetElapsedTime(time.GetTimestamp(), due);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            if (remaining > SpinWindow)
            {
                Thread.Sleep(1);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
