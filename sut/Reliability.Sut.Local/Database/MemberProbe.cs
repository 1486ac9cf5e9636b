using System.Diagnostics;
using System.Net;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Database;

/// <summary>Asks a member's Patroni REST API whether it has a role yet, as a readiness probe would, and waits for it with a deadline.</summary>
internal sealed class MemberProbe(TimeSpan requestTimeout) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = requestTimeout };

    /// <summary>Waits until GET /<paramref name="endpoint"/> (primary, replica) answers 200; fails at once when Patroni exits.</summary>
    public async Task WaitForRoleAsync(PatroniMember member, string endpoint, TimeSpan timeout, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        while (!await AnswersAsync(member, endpoint, ct))
        {
            if (!member.IsRunning)
            {
                throw new ComponentStartException(member.Name, "patroni exited during start-up", Tail(member));
            }
            if (clock.Elapsed > timeout)
            {
                throw new ComponentStartException(member.Name, $"GET /{endpoint} did not answer 200 within {timeout.TotalSeconds:0} s", Tail(member));
            }
            await Task.Delay(100, ct);
        }
    }

    public static string Tail(PatroniMember member) =>
        File.Exists(member.LogFile) ? string.Join('\n', File.ReadLines(member.LogFile).TakeLast(30)) : "";

    private async Task<bool> AnswersAsync(PatroniMember member, string endpoint, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(member.RestUrl, endpoint), ct);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => _http.Dispose();
}
