using k8s.Models;

namespace Reliability.Sut.Tests.Deploy;

/// <summary>
/// The game-day harness as each overlay deploys it: in a namespace of its own, aimed at its own
/// environment's SUT and nothing else, with only the grants it uses, time to roll back when stopped, an
/// identity the next run can check, and the database URL for the RPO check.
/// </summary>
public sealed class HarnessManifestsTests
{
    public static TheoryData<string> Overlays => KubernetesManifestsTests.Overlays;

    public static string SutNamespace(string overlay) => overlay == "production" ? "task-manager" : $"task-manager-{overlay}";

    public static string HarnessNamespace(string overlay) => overlay == "production" ? "reliability" : $"reliability-{overlay}";

    /// <summary>The harness's ServiceAccount (the database has one of its own, for Patroni).</summary>
    private static V1ServiceAccount Harness(RenderedManifests rendered) =>
        rendered.All<V1ServiceAccount>().Should().ContainSingle(a => a.Metadata.Name.StartsWith("reliability-harness", StringComparison.Ordinal)).Which;

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_harness_runs_in_a_namespace_of_its_own_aimed_at_its_own_environments_sut(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var cron = rendered.All<V1CronJob>().Should().ContainSingle().Which;
        cron.Metadata.NamespaceProperty.Should().Be(HarnessNamespace(overlay)).And.NotBe(SutNamespace(overlay));
        rendered.All<V1Namespace>().Select(n => n.Metadata.Name).Should().BeEquivalentTo([SutNamespace(overlay), HarnessNamespace(overlay)]);
        var args = cron.Spec.JobTemplate.Spec.Template.Spec.Containers.Single().Args;
        args.Should().StartWith(["gameday"]);
        args.Where(a => a.StartsWith("--allow-namespace=", StringComparison.Ordinal)).Should().Equal($"--allow-namespace={SutNamespace(overlay)}");
        args.Should().Contain($"--url=http://sut.{SutNamespace(overlay)}.svc");
        cron.Spec.ConcurrencyPolicy.Should().Be("Forbid");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_harness_has_time_to_roll_back_an_identity_for_the_sweep_and_the_database_url_for_rpo(string overlay)
    {
        var pod = new RenderedManifests(overlay).All<V1CronJob>().Single().Spec.JobTemplate.Spec.Template.Spec;
        pod.TerminationGracePeriodSeconds.Should().BeGreaterThanOrEqualTo(75, "rollback may take the driver's 60 s budget, plus the reports");
        var container = pod.Containers.Single();
        var env = container.Env.ToDictionary(e => e.Name);
        env["POD_NAMESPACE"].ValueFrom.FieldRef.FieldPath.Should().Be("metadata.namespace");
        env["POD_NAME"].ValueFrom.FieldRef.FieldPath.Should().Be("metadata.name");
        env["POD_UID"].ValueFrom.FieldRef.FieldPath.Should().Be("metadata.uid");
        env["DATABASE_URL"].ValueFrom.SecretKeyRef.Name.Should().Be("reliability-harness-db");
        container.Args.Should().Contain("--database-url-env=DATABASE_URL");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_harness_is_granted_in_the_suts_namespace_only_what_it_calls(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var role = rendered.Single<V1Role>("reliability-harness");
        role.Metadata.NamespaceProperty.Should().Be(SutNamespace(overlay));
        role.Rules.SelectMany(r => r.Verbs.Concat(r.Resources).Concat(r.ApiGroups)).Should().NotContain("*");
        role.Rules.Should().HaveCount(2);
        var chaos = role.Rules.Single(r => r.ApiGroups.SequenceEqual(["chaos-mesh.org"]));
        chaos.Resources.Should().BeEquivalentTo(["podchaos", "networkchaos", "workflows"]);
        chaos.Verbs.Should().BeEquivalentTo(["create", "get", "list", "delete"]);
        var pods = role.Rules.Single(r => r.ApiGroups.SequenceEqual([""]));
        pods.Resources.Should().Equal("pods");
        pods.Verbs.Should().BeEquivalentTo(["get", "list", "watch"]);
        var binding = rendered.Single<V1RoleBinding>("reliability-harness");
        var account = Harness(rendered);
        binding.Subjects.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Kind = "ServiceAccount", account.Metadata.Name, NamespaceProperty = HarnessNamespace(overlay) });
        rendered.All<V1CronJob>().Single().Spec.JobTemplate.Spec.Template.Spec.ServiceAccountName.Should().Be(account.Metadata.Name);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_harness_may_read_exactly_the_chaos_mesh_crds_it_validates_against_and_nothing_else_of_the_cluster_s_apis(string overlay)
    {
        var bundled = Directory.EnumerateFiles(Repository.PathOf("experiments/chaos/crds"), "chaos-mesh.org_*.yaml")
            .Select(f => File.ReadLines(f).First(l => l.StartsWith("  name: ", StringComparison.Ordinal))["  name: ".Length..]).ToList();
        bundled.Should().HaveCount(11);
        var rendered = new RenderedManifests(overlay);
        var account = Harness(rendered).Metadata.Name;
        var roles = rendered.All<V1ClusterRole>().ToList();
        roles.SelectMany(r => r.Rules).Should().HaveCount(2, "the CRDs by name, and the nodes for zone selectors");
        var crds = roles.SelectMany(r => r.Rules).Single(r => r.ApiGroups.SequenceEqual(["apiextensions.k8s.io"]));
        crds.Resources.Should().Equal("customresourcedefinitions");
        crds.Verbs.Should().Equal("get");
        crds.ResourceNames.Should().BeEquivalentTo(bundled);
        var nodes = roles.SelectMany(r => r.Rules).Single(r => r.ApiGroups.SequenceEqual([""]));
        nodes.Resources.Should().Equal("nodes");
        nodes.Verbs.Should().Equal("list");
        rendered.All<V1ClusterRoleBinding>().Should().HaveCount(2).And.OnlyContain(b => b.Subjects.Single().Name == account && b.Subjects.Single().NamespaceProperty == HarnessNamespace(overlay));
        if (overlay != "production")
        {
            roles.Select(r => r.Metadata.Name).Concat(rendered.All<V1ClusterRoleBinding>().Select(b => b.Metadata.Name)).Should().OnlyContain(name => name.EndsWith($"-{overlay}", StringComparison.Ordinal),
                "cluster-wide names of its own, so that it can share a cluster with production's harness");
        }
    }
}
