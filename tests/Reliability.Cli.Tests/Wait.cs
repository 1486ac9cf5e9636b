namespace Reliability.Cli.Tests;

/// <summary>Waits on a condition with a deadline (never a sleep for synchronisation).</summary>
internal static class Wait
{
    public static async Task Until(Func<bool> condition, TimeSpan deadline, Func<string> describe)
    {
        using var timeout = new CancellationTokenSource(deadline);
        while (!condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"condition not met within {deadline}: {describe()}");
            }
            await Task.Delay(50);
        }
    }
}
