using System.Text.Json.Nodes;
using Reliability.ClusterStandIn.Jobs;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// batch/v1 Jobs, their pods and the pod log, served by the cluster stand-in's <see cref="JobController"/>
/// (an Indexed Job's pods run as real processes of the programs <see cref="Images"/> names), for the sharded
/// load's coordinator, which is not told.
/// </summary>
internal sealed partial class KubernetesStandIn
{
    private JobController? _jobController;

    /// <summary>The program (and arguments before the container's) that stands for each image's entrypoint.</summary>
    public Dictionary<string, (string Program, string[] Prefix)> Images { get; } = [];

    private JobController JobControl => _jobController ??= new JobController(Images, index => $"node-{(char)('a' + index % 2)}");

    /// <summary>Jobs as stored, by namespace/name.</summary>
    public IReadOnlyDictionary<string, JsonObject> Jobs => JobControl.Jobs;

    /// <summary>The pods of Jobs that exist or were orphaned, still running or not.</summary>
    public IReadOnlyList<JsonObject> JobPods => JobControl.Pods;

    /// <summary>Kills a pod's process with SIGKILL, as an OOM kill or a node failure would end it.</summary>
    public void KillPod(int index) => JobControl.KillPod(index);

    private void MapJobs(Microsoft.AspNetCore.Builder.WebApplication app) => JobControl.Map(app);

    private void StopJobPods() => _jobController?.Dispose();
}
