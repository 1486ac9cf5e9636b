using Reliability.Experiments.ChaosMesh.Objects;

namespace Reliability.Experiments.Faults.Pods;

/// <summary>What a pod of the embedded environment is, by its labels; pod faults act differently on each.</summary>
internal enum LocalPodType { Sut, DatabaseMember, Etcd, SingleDatabase, Other }

internal static class LocalPods
{
    public static LocalPodType TypeOf(ChaosPod pod) => pod.Labels.GetValueOrDefault("app") switch
    {
        "sut" => LocalPodType.Sut,
        "postgres" when pod.Labels.ContainsKey("role") => LocalPodType.DatabaseMember,
        "etcd" => LocalPodType.Etcd,
        "postgres" => LocalPodType.SingleDatabase,
        _ => LocalPodType.Other,
    };
}
