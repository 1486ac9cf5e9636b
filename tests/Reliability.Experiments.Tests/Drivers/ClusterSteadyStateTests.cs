using k8s;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Experiments.Drivers.Kubernetes;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>The game day's steady-state gate on a cluster, against the API stand-in and a real Kestrel service on port 0.</summary>
public sealed class ClusterSteadyStateTests : IAsyncLifetime
{
    private KubernetesStandIn _api = null!;
    private k8s.Kubernetes _client = null!;
    private WebApplication _service = null!;
    private HttpClient _serviceClient = null!;
    private int _readyStatus = StatusCodes.Status200OK;

    public async Task InitializeAsync()
    {
        _api = await KubernetesStandIn.StartAsync();
        _client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _api.Address.ToString() });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _service = builder.Build();
        _service.MapGet("/ready", () => Results.StatusCode(_readyStatus));
        await _service.StartAsync();
        _serviceClient = new HttpClient { BaseAddress = new Uri(_service.Urls.First() + "/") };
    }

    private ClusterSteadyState Gate() => new(_client, ["task-manager"], _serviceClient, time: TimeProvider.System) { Deadline = TimeSpan.Zero };

    [Fact]
    public async Task Ready_pods_and_a_ready_service_are_steady_and_the_harness_own_job_pod_is_ignored()
    {
        (await Gate().ProblemAsync(CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task A_pod_that_is_not_ready_is_named()
    {
        _api.SetReady("sut-7d9f-b1", ready: false);
        (await Gate().ProblemAsync(CancellationToken.None)).Should().Be("after 0 s: pods not ready: [task-manager/sut-7d9f-b1]");
    }

    [Fact]
    public async Task A_service_that_is_not_ready_is_reported_with_its_status()
    {
        _readyStatus = StatusCodes.Status503ServiceUnavailable;
        (await Gate().ProblemAsync(CancellationToken.None)).Should().Contain("/ready answered 503");
    }

    [Fact]
    public async Task It_waits_for_a_pod_to_come_back_before_the_deadline()
    {
        _api.SetReady("postgres-0", ready: false);
        var gate = new ClusterSteadyState(_client, ["task-manager"], _serviceClient, time: TimeProvider.System) { Deadline = TimeSpan.FromSeconds(30), PollInterval = TimeSpan.FromMilliseconds(50) };
        var check = gate.ProblemAsync(CancellationToken.None);
        await Task.Delay(200);
        check.IsCompleted.Should().BeFalse("postgres-0 is not ready yet");
        _api.SetReady("postgres-0", ready: true);
        (await check.WaitAsync(TimeSpan.FromSeconds(10))).Should().BeNull();
    }

    public async Task DisposeAsync()
    {
        _serviceClient.Dispose();
        _client.Dispose();
        await _service.DisposeAsync();
        await _api.DisposeAsync();
    }
}
