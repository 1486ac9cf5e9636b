using System.Diagnostics;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Monitoring;

internal static class HttpReadiness
{
    /// <summary>Polls <paramref name="url"/> until it answers 2xx; fails with the process's log tail if it dies or time runs out.</summary>
    public static async Task WaitAsync(Uri url, ChildProcess process, TimeSpan timeout, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                throw new ComponentStartException(process.Spec.Name, $"exited with code {process.ExitCode} during start-up", process.Tail());
            }
            try
            {
                using var response = await http.GetAsync(url, ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
            }
            if (clock.Elapsed > timeout)
            {
                throw new ComponentStartException(process.Spec.Name, $"{url} did not answer within {timeout.TotalSeconds:0} s", process.Tail());
            }
            await Task.Delay(50, ct);
        }
    }
}
