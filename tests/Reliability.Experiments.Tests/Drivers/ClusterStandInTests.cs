using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using Reliability.ClusterStandIn;
using Reliability.Experiments.Safety;
using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Supervision;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// The product's API stand-in (what `env up --kubernetes` serves) on a real, small embedded environment,
/// through the real Kubernetes client: a chaos object is applied to the environment and its status
/// follows Chaos Mesh's; a delete is held by the finalizer until the fault is recovered; and the API
/// server's refusals come as its Status answers.
/// </summary>
public sealed class ClusterStandInTests : IAsyncLifetime
{
    private LocalEnvironment _environment = null!;
    private KubernetesApiStandIn _standIn = null!;
    private string _kubeconfig = null!;

    public async Task InitializeAsync()
    {
        _environment = await LocalEnvironment.StartAsync(new EnvironmentOptions
        {
            Zones = ["zone-a"], ReplicasPerZone = 1, Database = DatabaseMode.Single, WithMonitoring = false,
        });
        _standIn = await KubernetesApiStandIn.StartAsync(_environment, Path.Combine(_environment.Run.Path, "chaos-mesh"), injectionDelay: TimeSpan.FromMilliseconds(300));
        _kubeconfig = Path.Combine(_environment.Run.Path, "kubeconfig");
        _standIn.WriteKubeconfig(_kubeconfig);
    }

    [Fact]
    public async Task A_pod_failure_holds_the_replica_down_until_deleted_and_the_finalizer_keeps_the_object_until_it_is_released()
    {
        using var admin = Client("admin");
        var replica = _environment.Supervisor.Replicas.Single();

        await admin.CustomObjects.CreateNamespacedCustomObjectAsync(PodFailure("sut-down", "sut"), "chaos-mesh.org", "v1alpha1", "task-manager", "podchaos");
        var injected = await UntilAsync(admin, "sut-down", o => Condition(o, "AllInjected") == "True");

        // The replica's process is killed with the hold; its supervisor sees the exit on its own thread, bounded.
        var held = DateTime.UtcNow.AddSeconds(10);
        while (replica.State == ReplicaState.Running)
        {
            DateTime.UtcNow.Should().BeBefore(held, "the fault is in effect on the environment, not only in the status");
            await Task.Delay(50);
        }
        Condition(injected, "Selected").Should().Be("True");
        Condition(injected, "AllRecovered").Should().Be("False");
        injected["status"]!["experiment"]!["containerRecords"]![0]!["id"]!.ToString().Should().Be($"task-manager/{replica.Pod}");
        injected["status"]!["experiment"]!["containerRecords"]![0]!["phase"]!.ToString().Should().Be("Injected");

        var deleted = JsonSerializer.SerializeToNode(await admin.CustomObjects.DeleteNamespacedCustomObjectAsync("chaos-mesh.org", "v1alpha1", "task-manager", "podchaos", "sut-down"))!;
        deleted["metadata"]!["deletionTimestamp"].Should().NotBeNull();
        deleted["metadata"]!["finalizers"]![0]!.ToString().Should().Be("chaos-mesh/records", "the finalizer holds the object until recovery");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await GetAsync(admin, "sut-down") is not null)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the object goes once its fault is recovered");
            await Task.Delay(100);
        }
        replica.State.Should().NotBe(ReplicaState.HeldDown, "gone means recovered: the replica was released first");
    }

    [Fact]
    public async Task A_selector_that_finds_no_pod_reports_selected_false_and_all_injected_true_as_chaos_mesh_does()
    {
        using var admin = Client("admin");

        await admin.CustomObjects.CreateNamespacedCustomObjectAsync(PodFailure("nobody-down", "payments"), "chaos-mesh.org", "v1alpha1", "task-manager", "podchaos");
        var found = await UntilAsync(admin, "nobody-down", o => Condition(o, "Selected") == "False");

        Condition(found, "AllInjected").Should().Be("True", "with no records, Chaos Mesh's condition controller finds nothing un-injected");
        _environment.Supervisor.Replicas.Single().State.Should().Be(ReplicaState.Running);
    }

    [Fact]
    public async Task Refusals_come_as_the_api_server_gives_them()
    {
        using var admin = Client("admin");
        using var harness = Client("reliability-harness");

        (await StatusOf(() => admin.CustomObjects.CreateNamespacedCustomObjectAsync(PodFailure("broken", "sut", action: "explode"), "chaos-mesh.org", "v1alpha1", "task-manager", "podchaos")))
            .Should().Be(HttpStatusCode.UnprocessableEntity, "the admission webhook refuses what the CRD and Chaos Mesh's rules refuse");
        await admin.CustomObjects.CreateNamespacedCustomObjectAsync(PodFailure("twice", "sut"), "chaos-mesh.org", "v1alpha1", "task-manager", "podchaos");
        (await StatusOf(() => admin.CustomObjects.CreateNamespacedCustomObjectAsync(PodFailure("twice", "sut"), "chaos-mesh.org", "v1alpha1", "task-manager", "podchaos")))
            .Should().Be(HttpStatusCode.Conflict);
        (await StatusOf(() => harness.CoreV1.ListNamespaceAsync())).Should().Be(HttpStatusCode.Forbidden, "the shipped RBAC grants the harness no namespace list");
        (await StatusOf(() => harness.CoreV1.ListNamespacedPodAsync("task-manager"))).Should().Be(HttpStatusCode.OK);
        (await StatusOf(() => admin.CustomObjects.GetNamespacedCustomObjectAsync("chaos-mesh.org", "v1alpha1", "task-manager", "podchaos", "absent"))).Should().Be(HttpStatusCode.NotFound);
        using var anonymous = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });
        (await anonymous.GetAsync(new Uri(_standIn.Address, "api/v1/namespaces/task-manager/pods"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        await admin.CustomObjects.DeleteNamespacedCustomObjectAsync("chaos-mesh.org", "v1alpha1", "task-manager", "podchaos", "twice");
    }

    [Fact]
    public async Task The_safety_lever_is_a_config_map_an_operator_engages_and_the_harness_only_reads()
    {
        using var admin = Client("admin");
        using var harness = Client("reliability-harness");
        var operatorLever = new ConfigMapSafetyLever(admin, "reliability", TimeProvider.System);
        var harnessLever = new ConfigMapSafetyLever(harness, "reliability", TimeProvider.System);

        (await harnessLever.ReadAsync(CancellationToken.None)).Engaged.Should().BeFalse();
        await operatorLever.EngageAsync("INC-4711", CancellationToken.None);
        var seen = await harnessLever.ReadAsync(CancellationToken.None);
        seen.Engaged.Should().BeTrue();
        seen.Reason.Should().Be("INC-4711");
        (await StatusOf(() => harnessLever.ReleaseAsync(CancellationToken.None))).Should().Be(HttpStatusCode.Forbidden, "releasing is an operator's verb");
        await operatorLever.EngageAsync("INC-4711, still", CancellationToken.None);
        await operatorLever.ReleaseAsync(CancellationToken.None);
        (await harnessLever.ReadAsync(CancellationToken.None)).Engaged.Should().BeFalse();
    }

    [Fact]
    public async Task A_load_job_s_pods_are_listed_with_the_environment_s_and_go_with_the_job_when_deleted_in_the_background()
    {
        using var harness = Client("reliability-harness");
        var job = new k8s.Models.V1Job
        {
            Metadata = new k8s.Models.V1ObjectMeta { Name = "reliability-load-test", Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "reliability-load" } },
            Spec = new k8s.Models.V1JobSpec
            {
                CompletionMode = "Indexed", Completions = 2, Parallelism = 2, BackoffLimit = 0,
                Template = new k8s.Models.V1PodTemplateSpec
                {
                    Metadata = new k8s.Models.V1ObjectMeta { Labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "reliability-load" } },
                    Spec = new k8s.Models.V1PodSpec { RestartPolicy = "Never", Containers = [new k8s.Models.V1Container { Name = "shard", Image = "registry.example.com/not-here:1" }] },
                },
            },
        };

        var created = await harness.BatchV1.CreateNamespacedJobAsync(job, "reliability");

        var pods = (await harness.CoreV1.ListNamespacedPodAsync("reliability", labelSelector: $"batch.kubernetes.io/controller-uid={created.Metadata.Uid}")).Items;
        pods.Select(p => p.Metadata.Annotations["batch.kubernetes.io/job-completion-index"]).Should().BeEquivalentTo(["0", "1"]);
        pods.Should().OnlyContain(p => p.Spec.NodeName == "node-zone-a" && p.Status.ContainerStatuses[0].State.Waiting.Reason == "ErrImagePull", "no such image here");
        var log = await StatusOf(() => harness.CoreV1.ReadNamespacedPodLogAsync(pods[0].Metadata.Name, "reliability"));
        log.Should().Be(HttpStatusCode.BadRequest, "a container waiting to start has no log yet");
        (await harness.CoreV1.ListNamespacedPodAsync("task-manager")).Items.Should().NotBeEmpty("the environment's pods are still there beside them");

        await harness.BatchV1.DeleteNamespacedJobAsync("reliability-load-test", "reliability", propagationPolicy: "Background");

        (await StatusOf(() => harness.BatchV1.ReadNamespacedJobAsync("reliability-load-test", "reliability"))).Should().Be(HttpStatusCode.Forbidden,
            "the harness's Role grants create, list and delete of Jobs, never get");
        (await harness.BatchV1.ListNamespacedJobAsync("reliability")).Items.Should().BeEmpty();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await harness.CoreV1.ListNamespacedPodAsync("reliability", labelSelector: $"batch.kubernetes.io/controller-uid={created.Metadata.Uid}")).Items.Count > 0)
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the pods go with their Job");
            await Task.Delay(50);
        }
    }

    private Kubernetes Client(string context) => new(KubernetesClientConfiguration.BuildConfigFromConfigFile(_kubeconfig, context));

    private static JsonElement PodFailure(string name, string app, string action = "pod-failure") => JsonSerializer.SerializeToElement(new JsonObject
    {
        ["apiVersion"] = "chaos-mesh.org/v1alpha1", ["kind"] = "PodChaos",
        ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "task-manager" },
        ["spec"] = new JsonObject
        {
            ["action"] = action, ["mode"] = "all",
            ["selector"] = new JsonObject { ["namespaces"] = new JsonArray("task-manager"), ["labelSelectors"] = new JsonObject { ["app"] = app } },
        },
    });

    private static string? Condition(JsonNode o, string type) =>
        o["status"]?["conditions"]?.AsArray().FirstOrDefault(c => c?["type"]?.ToString() == type)?["status"]?.ToString();

    private static async Task<JsonNode?> GetAsync(Kubernetes client, string name)
    {
        try
        {
            return JsonSerializer.SerializeToNode(await client.CustomObjects.GetNamespacedCustomObjectAsync("chaos-mesh.org", "v1alpha1", "task-manager", "podchaos", name));
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static async Task<JsonNode> UntilAsync(Kubernetes client, string name, Func<JsonNode, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            if (await GetAsync(client, name) is { } found && condition(found))
            {
                return found;
            }
            DateTime.UtcNow.Should().BeBefore(deadline, $"{name} reaches the expected status");
            await Task.Delay(100);
        }
    }

    private static async Task<HttpStatusCode> StatusOf(Func<Task> call)
    {
        try
        {
            await call();
            return HttpStatusCode.OK;
        }
        catch (HttpOperationException ex)
        {
            return ex.Response.StatusCode;
        }
    }

    public async Task DisposeAsync()
    {
        await _standIn.DisposeAsync();
        await _environment.DisposeAsync();
    }
}
