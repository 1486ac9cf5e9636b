namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>Waits on a condition with a deadline instead of sleeping for synchronisation.</summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan deadline, string what)
    {
        using var timeout = new CancellationTokenSource(deadline);
        T last = default!;
        while (!timeout.IsCancellationRequested)
        {
            last = await probe();
            if (done(last))
            {
                return last;
            }
            try
            {
                await Task.Delay(50, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        throw new TimeoutException($"{what} did not happen within {deadline.TotalSeconds:0.#} s (last: {last})");
    }
}
