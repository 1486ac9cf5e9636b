using System.Net;

namespace Reliability.Sut.Local.Database;

internal sealed partial class PatroniCluster
{
    private bool _primaryTimedOut; // its last check timed out and was let pass once, as HAProxy's fall

    /// <summary>
    /// Every interval, GET /primary on every member in parallel. A member that answers 200 is the primary;
    /// 503 with a running replica is a replica; no answer is Unknown. <see cref="PrimaryChoice"/> decides.
    /// </summary>
    private async Task RouteAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await CheckOnceAsync(_stop.Token);
                await Task.Delay(Options.RouterInterval, _time, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    internal async Task CheckOnceAsync(CancellationToken ct)
    {
        var answers = await Task.WhenAll(Members.Select(async m => (Member: m, Status: await StatusAsync(m, ct))));
        foreach (var (member, status) in answers)
        {
            member.Role = status.Code switch
            {
                HttpStatusCode.OK => MemberRole.Primary,
                HttpStatusCode.ServiceUnavailable when status.Role is "replica" or "sync_standby" => MemberRole.Replica,
                _ => MemberRole.Unknown,
            };
            member.Timeline = status.Timeline ?? member.Timeline;
        }
        var (nextName, letPass) = PrimaryChoice.Decide(Primary?.Name, [.. answers.Select(a => new PrimaryAnswer(a.Member.Name, a.Status.Code, a.Status.TimedOut))], _primaryTimedOut);
        _primaryTimedOut = letPass;
        if (letPass)
        {
            Primary!.Role = MemberRole.Primary;
            return;
        }
        var next = Members.FirstOrDefault(m => m.Name == nextName);
        var left = answers.FirstOrDefault(a => a.Member == Primary).Status;
        if (next != Primary)
        {
            var change = new LeaderChange(_time.GetUtcNow(), Primary?.Name, next?.Name, next?.Timeline)
            {
                Reason = Primary is null ? null : left.Code is { } code ? $"{(int)code} {left.Role ?? "(no role)"}" : $"no answer: {left.Error}",
            };
            Primary = next;
            Record(change);
            PrimaryChanged?.Invoke(change);
        }
    }

    private async Task<(HttpStatusCode? Code, string? Role, int? Timeline, string? Error, bool TimedOut)> StatusAsync(PatroniMember member, CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(member.RestUrl, "primary"), ct);
            var (role, timeline) = ParseStatus(await response.Content.ReadAsStringAsync(ct));
            return (response.StatusCode, role, timeline, null, false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            var timedOut = ex is TaskCanceledException;
            return (null, null, null, timedOut ? $"timed out after {_http.Timeout.TotalMilliseconds:0} ms" : ex.Message, timedOut);
        }
    }

    /// <summary>
    /// The role and timeline of a Patroni status answer. A replica that knows no leader (during a failover)
    /// answers "timeline": null (Patroni's api.py: replica_cached_timeline of no leader), and neither field is
    /// promised at all: whatever is missing or of another type is unknown, never an exception that would
    /// stop the router.
    /// </summary>
    internal static (string? Role, int? Timeline) ParseStatus(string body)
    {
        using var json = System.Text.Json.JsonDocument.Parse(body);
        if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return (null, null);
        }
        var role = json.RootElement.TryGetProperty("role", out var r) && r.ValueKind == System.Text.Json.JsonValueKind.String ? r.GetString() : null;
        int? timeline = json.RootElement.TryGetProperty("timeline", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.Number && t.TryGetInt32(out var tl) ? tl : null;
        return (role, timeline);
    }

    /// <summary>
    /// Patroni's own record, for the journal: GET /cluster (members, roles, timelines, lag) and GET /history
    /// (every promotion with its timeline and WAL position), asked of the first member that answers.
    /// </summary>
    public async Task<(System.Text.Json.Nodes.JsonNode? Cluster, System.Text.Json.Nodes.JsonNode? History)> DescribeAsync(CancellationToken ct)
    {
        foreach (var member in Members.OrderByDescending(m => m == Primary))
        {
            try
            {
                var cluster = System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync(new Uri(member.RestUrl, "cluster"), ct));
                var history = System.Text.Json.Nodes.JsonNode.Parse(await _http.GetStringAsync(new Uri(member.RestUrl, "history"), ct));
                return (cluster, history);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
            {
                // The next member may answer.
            }
        }
        return (null, null);
    }
}
