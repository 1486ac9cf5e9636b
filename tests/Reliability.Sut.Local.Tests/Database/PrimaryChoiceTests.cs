using System.Net;
using Reliability.Sut.Local.Database;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>How the database router picks the primary from one round of GET /primary, as HAProxy's health check would.</summary>
public sealed class PrimaryChoiceTests
{
    private static PrimaryAnswer Ok(string member) => new(member, HttpStatusCode.OK, false);
    private static PrimaryAnswer Replica(string member) => new(member, HttpStatusCode.ServiceUnavailable, false);
    private static PrimaryAnswer Refused(string member) => new(member, null, false);
    private static PrimaryAnswer Slow(string member) => new(member, null, true);

    [Fact]
    public void The_one_member_that_answers_200_is_the_primary()
    {
        PrimaryChoice.Decide(null, [Replica("postgres-0"), Ok("postgres-1")], false).Should().Be(("postgres-1", false));
    }

    [Fact]
    public void Two_members_answering_200_keep_the_current_primary_rather_than_flap()
    {
        PrimaryChoice.Decide("postgres-1", [Ok("postgres-0"), Ok("postgres-1")], false).Should().Be(("postgres-1", false));
    }

    [Fact]
    public void A_primary_whose_check_only_timed_out_is_kept_for_one_check_and_lost_on_the_second()
    {
        PrimaryChoice.Decide("postgres-0", [Slow("postgres-0"), Replica("postgres-1")], false).Should().Be(("postgres-0", true));
        PrimaryChoice.Decide("postgres-0", [Slow("postgres-0"), Replica("postgres-1")], true).Should().Be(((string?)null, false));
    }

    [Fact]
    public void A_killed_or_demoted_primary_is_left_at_once()
    {
        PrimaryChoice.Decide("postgres-0", [Refused("postgres-0"), Replica("postgres-1")], false).Should().Be(((string?)null, false));
        PrimaryChoice.Decide("postgres-0", [Replica("postgres-0"), Replica("postgres-1")], false).Should().Be(((string?)null, false));
    }

    [Fact]
    public void A_slow_primary_is_left_at_once_when_another_member_has_become_primary()
    {
        PrimaryChoice.Decide("postgres-0", [Slow("postgres-0"), Ok("postgres-1")], false).Should().Be(("postgres-1", false));
    }
}
