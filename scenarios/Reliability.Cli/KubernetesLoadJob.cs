using k8s.Models;

namespace Reliability.Cli;

/// <summary>What the shards of a Kubernetes load run are: N pods of the harness image, each told its share and the start time.</summary>
internal sealed record KubernetesLoadJobSpec(
    string Namespace, string Name, string Image, int Shards, IReadOnlyList<string> Arguments, DateTimeOffset StartAt, TimeSpan Deadline, string Owner);

/// <summary>
/// The Indexed Job of a sharded load on Kubernetes: one pod per shard (its index in JOB_COMPLETION_INDEX,
/// which the kubelet expands into the arguments), every shard at once, spread across zones and nodes, never
/// retried (a retried shard would replay its share of the load and its writes), and bounded in time even if
/// the coordinator dies (activeDeadlineSeconds). The start time is in the spec: nothing reaches a pod after it
/// is created, and the coordinator reads the shards only through the API (their logs).
/// </summary>
internal static class KubernetesLoadJob
{
    public const string RunLabel = "reliability.dev/load-run";
    public const string OwnerAnnotation = "reliability.dev/owner";
    public const string IndexAnnotation = "batch.kubernetes.io/job-completion-index";
    public const string ControllerUidLabel = "batch.kubernetes.io/controller-uid";
    public const string Container = "shard";

    public static V1Job Create(KubernetesLoadJobSpec spec)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "reliability-load", [RunLabel] = spec.Name };
        return new V1Job
        {
            ApiVersion = "batch/v1",
            Kind = "Job",
            Metadata = new V1ObjectMeta
            {
                Name = spec.Name,
                NamespaceProperty = spec.Namespace,
                Labels = labels,
                Annotations = new Dictionary<string, string> { [OwnerAnnotation] = spec.Owner },
            },
            Spec = new V1JobSpec
            {
                CompletionMode = "Indexed",
                Completions = spec.Shards,
                Parallelism = spec.Shards,
                BackoffLimit = 0,
                ActiveDeadlineSeconds = (long)Math.Ceiling(spec.Deadline.TotalSeconds),
                // A finished Job the coordinator could not delete (it was killed) goes after an hour, its logs readable until then.
                TtlSecondsAfterFinished = 3600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string>(labels) },
                    Spec = new V1PodSpec
                    {
                        RestartPolicy = "Never",
                        AutomountServiceAccountToken = false,
                        TerminationGracePeriodSeconds = 30,
                        TopologySpreadConstraints =
                        [
                            Spread("topology.kubernetes.io/zone", labels),
                            Spread("kubernetes.io/hostname", labels),
                        ],
                        Containers =
                        [
                            new V1Container
                            {
                                Name = Container,
                                Image = spec.Image,
                                Args = [.. spec.Arguments, "--shard", $"$(JOB_COMPLETION_INDEX)/{spec.Shards}", "--start-at", spec.StartAt.UtcDateTime.ToString("O"), "--output", "/tmp/shard"],
                                Env = [new V1EnvVar { Name = "CI", Value = "true" }],
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    ReadOnlyRootFilesystem = true,
                                    RunAsNonRoot = true,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                },
                                VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                            },
                        ],
                        Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
                    },
                },
            },
        };
    }

    // Spread evenly, but never refuse to schedule: a cluster with one zone still runs every shard.
    private static V1TopologySpreadConstraint Spread(string key, Dictionary<string, string> labels) => new()
    {
        TopologyKey = key,
        MaxSkew = 1,
        WhenUnsatisfiable = "ScheduleAnyway",
        LabelSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(labels) },
    };
}
