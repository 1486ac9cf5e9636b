namespace Reliability.Sut.Local.Processes;

/// <summary>
/// The harness's shutdown urgency. A second Ctrl-C asks to hurry: faults are still rolled back first, but
/// the graceful waits of stopping processes are cut short and they are killed at once.
/// </summary>
internal static class Shutdown
{
    private static readonly CancellationTokenSource HurrySource = new();

    /// <summary>Cancelled once hurrying is requested.</summary>
    public static CancellationToken Hurry => HurrySource.Token;

    public static void RequestHurry()
    {
        try
        {
            HurrySource.Cancel();
        }
        catch (AggregateException)
        {
            // A callback failed; the processes are killed anyway.
        }
    }
}
