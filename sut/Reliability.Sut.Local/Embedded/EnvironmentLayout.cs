using Reliability.Sut.Local.Database;

namespace Reliability.Sut.Local.Embedded;

/// <summary>
/// The pods of an embedded environment and the network paths between them, named and labelled exactly as
/// <see cref="LocalEnvironment.Links"/> will be once started, as Kubernetes would label the pods they stand for.
/// </summary>
internal static class EnvironmentLayout
{
    /// <summary>
    /// The network paths an environment with these options has, named and labelled exactly as
    /// <see cref="LocalEnvironment.Links"/> will be once started: what a dry run plans faults against.
    /// </summary>
    public static IReadOnlyList<LinkLayout> PlannedLinks(EnvironmentOptions options)
    {
        var links = new List<LinkLayout>();
        if (options.Database == DatabaseMode.Patroni)
        {
            links.AddRange(PlannedPatroniLinks(options));
        }
        foreach (var (pod, zone) in options.Database == DatabaseMode.Single ? options.Pods() : [])
        {
            links.Add(new LinkLayout($"{pod}->postgres", pod, PodLabels(pod, zone), "postgres-0", DatabaseLabels(options)));
        }
        foreach (var (pod, zone) in options.Pods())
        {
            links.Add(new LinkLayout($"lb->{pod}", "lb", LoadBalancerLabels, pod, PodLabels(pod, zone)));
        }
        return links;
    }

    internal static Dictionary<string, string> DatabaseLabels(EnvironmentOptions options) =>
        new() { ["app"] = "postgres", ["zone"] = options.DatabaseZone, ["topology.kubernetes.io/zone"] = options.DatabaseZone, ["pod"] = "postgres-0" };

    internal static Dictionary<string, string> PodLabels(string pod, string zone) =>
        new() { ["app"] = "sut", ["pod"] = pod, ["zone"] = zone, ["topology.kubernetes.io/zone"] = zone };

    internal static readonly Dictionary<string, string> LoadBalancerLabels = new() { ["app"] = "lb" };

    /// <summary>The Patroni links as they will be at bootstrap (the first member is the primary), for planning.</summary>
    private static IEnumerable<LinkLayout> PlannedPatroniLinks(EnvironmentOptions options)
    {
        var members = options.Patroni.MemberZones.Select((zone, i) => (Name: $"postgres-{i}", Zone: zone, Role: i == 0 ? MemberRole.Primary : MemberRole.Replica)).ToList();
        foreach (var m in members)
        {
            foreach (var zone in options.Patroni.EtcdZones)
            {
                yield return new LinkLayout($"{m.Name}->etcd-{zone}", m.Name, PatroniMember.LabelsFor(m.Name, m.Zone, m.Role), $"etcd-{zone}", EtcdMember.LabelsFor(zone));
            }
        }
        // Replication and pg_rewind between the two members (see PatroniCluster.StartAsync).
        if (members.Count == 2)
        {
            foreach (var (from, to) in new[] { (members[1], members[0]), (members[0], members[1]) })
            {
                yield return new LinkLayout($"{from.Name}->{to.Name}", from.Name, PatroniMember.LabelsFor(from.Name, from.Zone, from.Role), to.Name, PatroniMember.LabelsFor(to.Name, to.Zone, to.Role));
            }
        }
        foreach (var (pod, zone) in options.Pods())
        {
            foreach (var m in members)
            {
                yield return new LinkLayout($"{pod}->{m.Name}", pod, PodLabels(pod, zone), m.Name, PatroniMember.LabelsFor(m.Name, m.Zone, m.Role));
            }
        }
    }
}
