using System.Net;

namespace Reliability.Sut.Local.Database;

/// <summary>One member's answer to the router's GET /primary: its status code, or none (refused, or timed out).</summary>
internal readonly record struct PrimaryAnswer(string Member, HttpStatusCode? Code, bool TimedOut);

/// <summary>
/// Which member the router sends writes to after a check, as HAProxy's health check decides: the one member
/// that answers 200; with two (a split brain the leader key should prevent) the current one rather than a flap.
/// Like HAProxy's fall (Patroni's documented HAProxy has fall 3), one check in which the primary only timed
/// out, with no other member claiming the role, does not yet take it away; a refused connection or a 503 is
/// believed at once, so a killed or demoted primary is left as soon as it is seen.
/// </summary>
internal static class PrimaryChoice
{
    public static (string? Next, bool LetPass) Decide(string? current, IReadOnlyList<PrimaryAnswer> answers, bool timedOutBefore)
    {
        var primaries = answers.Where(a => a.Code == HttpStatusCode.OK).Select(a => a.Member).ToList();
        var next = primaries.Count == 1 ? primaries[0] : primaries.Contains(current!) ? current : primaries.FirstOrDefault();
        if (next is null && current is not null && !timedOutBefore && answers.Any(a => a.Member == current && a.TimedOut))
        {
            return (current, true);
        }
        return (next, false);
    }
}
