namespace Reliability.Architecture.Tests;

public sealed class VisibilityTests
{
    [Fact]
    public void Under_30_percent_of_the_library_types_are_public()
    {
        var types = Visibility.LibraryTypes(Repository.Root);
        var share = (double)types.Count(t => t.Public) / types.Count;

        types.Should().HaveCountGreaterThan(200, "the reader finds the libraries' types");
        share.Should().BeLessThan(Visibility.MaxPublicShare,
            "public is only what a user's project compiles against; public now: {0}",
            string.Join(", ", types.Where(t => t.Public).Select(t => $"{t.Library}.{t.Type}")));
    }

    [Fact]
    public void Internals_are_shown_only_to_tests_benchmarks_the_composition_root_and_projects_that_may_use_them()
    {
        var friends = Visibility.Friends(Repository.Root);

        friends["Reliability.Evidence"].Should().Contain("Reliability.Reports", "the reader finds the grants");
        Visibility.Violations(friends, Visibility.CliAssembly(Repository.Root)).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Reliability.Experiments", "Reliability.Slo")]
    [InlineData("Reliability.Evidence", "Reliability.Load")]
    [InlineData("Reliability.Sut.Local", "Reliability.Reports")]
    public void A_grant_against_the_arrows_turns_the_check_red(string grantor, string friend)
    {
        var friends = Visibility.Friends(Repository.Root).ToDictionary(kv => kv.Key, kv => kv.Value);
        friends[grantor] = [.. friends[grantor], friend];

        Visibility.Violations(friends, Visibility.CliAssembly(Repository.Root))
            .Should().ContainSingle().Which.Should().Be($"{grantor} shows its internals to {friend}, which may not use it");
    }

    [Fact]
    public void The_composition_root_is_found_by_its_assembly_name()
    {
        Visibility.CliAssembly(Repository.Root).Should().Be("reliability");
    }
}
