using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.Drivers.Kubernetes;
using Reliability.Experiments.Running;
using YamlDotNet.RepresentationModel;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// The shipped deployment and the shipped experiments agree: the production overlay, rendered by kubectl
/// kustomize and run (as pods) by the API stand-in on a cluster whose zones are us-east-1a, b and c, gives
/// every fault of every shipped experiment targets, and none of them is the harness's own pod.
/// </summary>
public sealed class ShippedDeploymentTests : StandInTests
{
    private static readonly string Root = Path.GetFullPath(Path.Combine(Definitions.ExperimentsFolder.Path, ".."));

    [Fact]
    public async Task Every_fault_of_every_shipped_experiment_finds_its_targets_in_the_production_overlay_on_a_cloud_with_its_own_zone_names()
    {
        Api.LoadCluster(Render("sut/deploy/k8s/overlays/production"), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        var harness = await Client.CoreV1.ListNamespacedPodAsync("reliability");
        var self = harness.Items.Should().ContainSingle("the game day's Job pod").Which;
        var experiments = Definitions.ExperimentsFolder.ExperimentFiles().ToList();
        experiments.Should().HaveCountGreaterThan(8);

        var refused = new List<string>();
        foreach (var path in experiments)
        {
            var experiment = ExperimentLoader.Load(path, ChaosMeshSchemas.Load(), TestTargets.Catalog, strict: false);
            var driver = new KubernetesChaosDriver(Client, ["task-manager"], "run-1", TimeProvider.System)
            {
                Owner = new RunOwner($"pod:reliability/{self.Metadata.Name}/{self.Metadata.Uid}"),
            };
            try
            {
                var plan = await driver.PlanAsync(experiment.Faults, CancellationToken.None);
                plan.Leaves.Where(l => l.Fault is Faults.LeafFault).Should().OnlyContain(l => l.Pods.Count > 0, Path.GetFileName(path));
            }
            catch (ManifestException ex)
            {
                refused.AddRange(ex.Problems.Select(p => $"{Path.GetFileName(path)}: {p}"));
            }
        }

        refused.Should().BeEmpty("every shipped experiment must find its targets in what the shipped deployment runs");
    }

    [Fact]
    public void The_database_is_highly_available_across_zones_with_the_role_labels_the_experiments_select()
    {
        Api.LoadCluster(Render("sut/deploy/k8s/overlays/production"), ["us-east-1a", "us-east-1b", "us-east-1c"]);

        var members = Client.CoreV1.ListNamespacedPod("task-manager", labelSelector: "app=postgres").Items;

        members.Should().HaveCount(3);
        members.Select(m => m.Metadata.Labels["spilo-role"]).Should().BeEquivalentTo(["master", "replica", "replica"]);
        members.Select(m => m.Spec.NodeName).Distinct().Should().HaveCount(3, "one member per zone");
    }

    /// <summary>An overlay as kubectl kustomize renders it, one JSON object per document.</summary>
    private static List<JsonObject> Render(string overlay)
    {
        using var kubectl = Process.Start(new ProcessStartInfo("kubectl", ["kustomize", Path.Combine(Root, overlay)]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var yaml = kubectl.StandardOutput.ReadToEnd();
        kubectl.WaitForExit(60_000).Should().BeTrue();
        kubectl.ExitCode.Should().Be(0, kubectl.StandardError.ReadToEnd());
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => ChaosMeshSchemas.ToJson(d.RootNode)!.AsObject())];
    }
}
