using Reliability.Sut.Local.Database;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>
/// What the database router reads from each member's GET /primary. A replica that knows no leader answers
/// "timeline": null (found in CI: the router died on it mid-failover); nothing in the answer may stop routing.
/// </summary>
public sealed class PatroniStatusTests
{
    [Theory]
    [InlineData("""{"state": "running", "role": "primary", "timeline": 3}""", "primary", 3)]
    [InlineData("""{"state": "running", "role": "replica", "timeline": null}""", "replica", null)]
    [InlineData("""{"state": "starting", "role": "replica"}""", "replica", null)]
    [InlineData("""{"role": 7, "timeline": "2"}""", null, null)]
    [InlineData("""{"timeline": 12345678901}""", null, null)]
    [InlineData("""[]""", null, null)]
    public void A_status_answer_gives_its_role_and_timeline_and_anything_else_is_unknown(string body, string? role, int? timeline)
    {
        PatroniCluster.ParseStatus(body).Should().Be((role, timeline));
    }
}
