using k8s.Models;
using Reliability.Sut.Apis;

namespace Reliability.Sut.Tests.Deploy;

public sealed class KubernetesManifestsTests
{
    public static TheoryData<string> Overlays => new() { "dev", "staging", "production" };

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_overlay_renders_and_every_object_deserializes_strictly(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        rendered.Objects.Should().NotBeEmpty();
        rendered.Custom.Select(c => c.Kind).Should().BeEquivalentTo(["ServiceMonitor", "PrometheusRule"]);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Selectors_match_the_labels_of_what_they_select(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var sut = rendered.Single<V1Deployment>("sut");
        var podLabels = sut.Spec.Template.Metadata.Labels;
        Matches(sut.Spec.Selector.MatchLabels, podLabels).Should().BeTrue("the Deployment selector must match its pods");
        Matches(rendered.Single<V1Service>("sut").Spec.Selector, podLabels).Should().BeTrue("the Service must select the SUT pods");
        Matches(rendered.Single<V1PodDisruptionBudget>("sut").Spec.Selector.MatchLabels, podLabels).Should().BeTrue();
        Matches(rendered.Single<V1NetworkPolicy>("sut").Spec.PodSelector.MatchLabels, podLabels).Should().BeTrue();
        foreach (var constraint in sut.Spec.Template.Spec.TopologySpreadConstraints)
        {
            Matches(constraint.LabelSelector.MatchLabels, podLabels).Should().BeTrue();
        }
        var postgres = rendered.Single<V1StatefulSet>("postgres");
        Matches(postgres.Spec.Selector.MatchLabels, postgres.Spec.Template.Metadata.Labels).Should().BeTrue();
        Matches(rendered.Single<V1Service>("postgres-members").Spec.Selector, postgres.Spec.Template.Metadata.Labels).Should().BeTrue();
        Matches(rendered.Single<V1PodDisruptionBudget>("postgres").Spec.Selector.MatchLabels, postgres.Spec.Template.Metadata.Labels).Should().BeTrue();
        // The primary's Service selects the role label Patroni puts on the running primary (role_label in patroni.yml).
        var patroni = Repository.YamlToJson(rendered.Single<V1ConfigMap>("patroni").Data["patroni.yml"]);
        patroni["kubernetes"]!["role_label"]!.GetValue<string>().Should().Be("spilo-role");
        var primary = new Dictionary<string, string>(postgres.Spec.Template.Metadata.Labels) { ["spilo-role"] = "master" };
        Matches(rendered.Single<V1Service>("postgres").Spec.Selector, primary).Should().BeTrue("the Service follows the primary");
        Matches(rendered.Single<V1Service>("postgres").Spec.Selector, postgres.Spec.Template.Metadata.Labels).Should().BeFalse("never a replica");
        foreach (var hpa in rendered.All<V2HorizontalPodAutoscaler>())
        {
            hpa.Spec.ScaleTargetRef.Kind.Should().Be("Deployment");
            hpa.Spec.ScaleTargetRef.Name.Should().Be("sut");
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Probes_point_at_paths_the_sut_serves(string overlay)
    {
        var container = new RenderedManifests(overlay).Single<V1Deployment>("sut").Spec.Template.Spec.Containers.Single();
        container.LivenessProbe.HttpGet.Path.Should().Be(HealthApi.LivenessPath);
        container.StartupProbe.HttpGet.Path.Should().Be(HealthApi.LivenessPath);
        container.ReadinessProbe.HttpGet.Path.Should().Be(HealthApi.ReadinessPath);
        container.Ports.Should().Contain(p => p.Name == "http" && p.ContainerPort == 8080);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_ingress_the_slos_measure_at_routes_to_the_suts_service_in_the_namespace_they_name(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var ingress = rendered.Single<V1Ingress>("task-manager");
        var backend = ingress.Spec.Rules.Single().Http.Paths.Single().Backend.Service;
        var service = rendered.Single<V1Service>(backend.Name);
        service.Spec.Ports.Should().Contain(p => p.Name == backend.Port.Name);
        ingress.Spec.IngressClassName.Should().Be("nginx", "the network policy admits user traffic from ingress-nginx's namespace");
        var specs = File.ReadAllText(Path.Combine(Repository.Root, "slo", "specs", "task-manager.yaml"));
        specs.Should().Contain($"ingress=\"{ingress.Metadata.Name}\"", "the SLOs read ingress-nginx's series for this Ingress");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_disruption_budget_lets_one_pod_go_at_minimum_scale_and_the_autoscaler_floor_is_above_it(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var pdb = rendered.Single<V1PodDisruptionBudget>("sut");
        var minAvailable = int.Parse(pdb.Spec.MinAvailable.Value, System.Globalization.CultureInfo.InvariantCulture);
        var hpa = rendered.All<V2HorizontalPodAutoscaler>().SingleOrDefault();
        var minimumReplicas = hpa?.Spec.MinReplicas ?? rendered.Single<V1Deployment>("sut").Spec.Replicas!.Value;
        (minimumReplicas - minAvailable).Should().BeGreaterThanOrEqualTo(1, "a node drain must be able to evict one pod at minimum scale");
        if (hpa is not null)
        {
            hpa.Spec.MinReplicas.Should().BeGreaterThanOrEqualTo(minAvailable + 1);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Replicas_spread_across_zones_and_roll_out_without_losing_capacity(string overlay)
    {
        var sut = new RenderedManifests(overlay).Single<V1Deployment>("sut");
        sut.Spec.Template.Spec.TopologySpreadConstraints.Should().Contain(c => c.TopologyKey == "topology.kubernetes.io/zone" && c.MaxSkew == 1);
        sut.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
            .Should().Contain(t => t.PodAffinityTerm.TopologyKey == "kubernetes.io/hostname");
        sut.Spec.Strategy.Type.Should().Be("RollingUpdate");
        sut.Spec.Strategy.RollingUpdate.MaxSurge.Value.Should().Be("1");
        sut.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.Should().Be("0");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_container_has_requests_and_limits_and_none_runs_as_root(string overlay)
    {
        foreach (var (owner, pod) in new RenderedManifests(overlay).PodSpecs())
        {
            foreach (var container in pod.Containers.Concat(pod.InitContainers ?? []))
            {
                var where = $"{overlay} {owner} container {container.Name}";
                container.Resources?.Requests.Should().ContainKeys(["cpu", "memory"], where);
                container.Resources?.Limits.Should().ContainKeys(["cpu", "memory"], where);
                var nonRoot = container.SecurityContext?.RunAsNonRoot ?? pod.SecurityContext?.RunAsNonRoot;
                nonRoot.Should().BeTrue($"{where} must run as non-root");
                (container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser).Should().NotBe(0, where);
                container.SecurityContext!.AllowPrivilegeEscalation.Should().BeFalse(where);
                container.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue(where);
                container.SecurityContext.Capabilities.Drop.Should().Contain("ALL", where);
                (container.SecurityContext.SeccompProfile ?? pod.SecurityContext?.SeccompProfile)!.Type.Should().Be("RuntimeDefault", where);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_grace_period_covers_the_sut_drain(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        var config = rendered.Single<V1ConfigMap>("sut-config").Data;
        var drain = int.Parse(config["DRAIN_DELAY_MS"], System.Globalization.CultureInfo.InvariantCulture) / 1000
            + int.Parse(config["DRAIN_TIMEOUT_SECONDS"], System.Globalization.CultureInfo.InvariantCulture);
        rendered.Single<V1Deployment>("sut").Spec.Template.Spec.TerminationGracePeriodSeconds.Should().BeGreaterThan(drain);
    }

    [Theory]
    [InlineData("dev", 1, null, null, "200m", "256Mi")]
    [InlineData("staging", 2, null, null, "500m", "512Mi")]
    [InlineData("production", 3, 3, 10, "1", "1Gi")]
    public void Overlays_size_the_sut_as_specified(string overlay, int replicas, int? hpaMin, int? hpaMax, string cpu, string memory)
    {
        var rendered = new RenderedManifests(overlay);
        var sut = rendered.Single<V1Deployment>("sut");
        sut.Spec.Replicas.Should().Be(replicas);
        var resources = sut.Spec.Template.Spec.Containers.Single().Resources;
        resources.Requests["cpu"].ToDecimal().Should().Be(new ResourceQuantity(cpu).ToDecimal());
        resources.Requests["memory"].ToDecimal().Should().Be(new ResourceQuantity(memory).ToDecimal());
        var hpa = rendered.All<V2HorizontalPodAutoscaler>().SingleOrDefault();
        hpa?.Spec.MinReplicas.Should().Be(hpaMin);
        hpa?.Spec.MaxReplicas.Should().Be(hpaMax);
        if (hpaMin is null)
        {
            hpa.Should().BeNull();
        }
        else
        {
            hpa!.Spec.Metrics.Select(m => (m.Resource.Name, m.Resource.Target.AverageUtilization)).Should().BeEquivalentTo([("cpu", (int?)70), ("memory", (int?)80)]);
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Secrets_are_referenced_never_rendered(string overlay)
    {
        var rendered = new RenderedManifests(overlay);
        rendered.All<V1Secret>().Should().BeEmpty("real secret values never live in the repository");
        var env = rendered.Single<V1Deployment>("sut").Spec.Template.Spec.Containers.Single().Env;
        env.Single(e => e.Name == "JWT_SIGNING_KEY").ValueFrom.SecretKeyRef.Name.Should().Be("sut-secrets");
        env.Single(e => e.Name == "DATABASE_URL").ValueFrom.SecretKeyRef.Name.Should().Be("sut-secrets");
        var example = k8s.KubernetesYaml.Deserialize<V1Secret>(File.ReadAllText(Repository.PathOf("sut/deploy/k8s/base/secret.example.yaml")), strict: true);
        example.StringData.Values.Should().AllSatisfy(v => v.Should().Contain("<", "the example holds placeholders only"));
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_network_policy_admits_only_ingress_monitoring_and_the_harness_and_lets_out_only_postgres_and_dns(string overlay)
    {
        var policy = new RenderedManifests(overlay).Single<V1NetworkPolicy>("sut");
        policy.Spec.PolicyTypes.Should().BeEquivalentTo(["Ingress", "Egress"]);
        policy.Spec.Ingress.SelectMany(r => r.FromProperty).Select(p => p.NamespaceSelector?.MatchLabels?["kubernetes.io/metadata.name"] ?? p.PodSelector?.MatchLabels?["app"])
            .Should().BeEquivalentTo(["ingress-nginx", "monitoring", HarnessManifestsTests.HarnessNamespace(overlay)]);
        policy.Spec.Ingress.SelectMany(r => r.FromProperty).Should().ContainSingle(p => p.PodSelector != null && p.PodSelector.MatchLabels["app"] == "reliability-harness"
            && p.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"] == HarnessManifestsTests.HarnessNamespace(overlay), "the harness's pods, from its own namespace");
        policy.Spec.Egress.SelectMany(r => r.Ports).Select(p => p.Port.Value).Distinct().Should().BeEquivalentTo(["5432", "53"]);
    }

    [Fact]
    public void The_prometheus_rule_carries_exactly_the_rules_file()
    {
        var rendered = new RenderedManifests("production");
        var rule = Repository.YamlToJson(rendered.Custom.Single(c => c.Kind == "PrometheusRule").Yaml);
        var file = Repository.YamlToJson(File.ReadAllText(Repository.PathOf("sut/deploy/prometheus/rules.yaml")));
        // Kustomize reorders keys, so compare as trees, not as text.
        System.Text.Json.Nodes.JsonNode.DeepEquals(rule["spec"]!["groups"], file["groups"]).Should().BeTrue(
            $"the PrometheusRule must carry sut/deploy/prometheus/rules.yaml verbatim:\n{rule["spec"]!["groups"]}\nvs\n{file["groups"]}");
    }

    private static bool Matches(IDictionary<string, string>? selector, IDictionary<string, string> labels) =>
        selector is { Count: > 0 } && selector.All(kv => labels.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
