using k8s;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>What every test of the Kubernetes path starts from: a fresh API stand-in, a client for it, and the shipped manifests as faults.</summary>
public abstract class StandInTests : IAsyncLifetime
{
    internal KubernetesStandIn Api { get; private set; } = null!;

    internal k8s.Kubernetes Client { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        Api = await KubernetesStandIn.StartAsync();
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Api.Address.ToString() });
    }

    /// <summary>The faults of a manifest in experiments/chaos.</summary>
    internal static List<FaultNode> Faults(string manifest) =>
        [.. ChaosDocument.Load(Path.Combine(Definitions.ExperimentsFolder.Path, "chaos", manifest)).Select(d => FaultReader.Read(d, strict: false))];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
