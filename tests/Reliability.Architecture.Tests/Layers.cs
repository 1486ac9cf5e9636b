using System.Xml.Linq;

namespace Reliability.Architecture.Tests;

/// <summary>
/// The layers of the product and the only project references they may have (→ means "may use"). Data flows
/// one way: spec → runner → driver → evidence → verdicts → reports, and the CLI composes them.
/// </summary>
internal static class Layers
{
    public static readonly IReadOnlyDictionary<string, IReadOnlySet<string>> Allowed = new Dictionary<string, IReadOnlySet<string>>
    {
        // The system under test and its embedded environment know nothing of the harness.
        ["Reliability.Sut"] = new HashSet<string>(),
        // Its balancer publishes ALB metrics with the CloudWatch client, and its CloudWatch stand-in checks SigV4 with the same code.
        ["Reliability.Sut.Local"] = new HashSet<string> { "Reliability.Observe" },
        // The load engine knows nothing of the project; a target package knows only the engine.
        ["Reliability.Load"] = new HashSet<string>(),
        ["Reliability.Targets.TaskManager"] = new HashSet<string> { "Reliability.Load" },
        // What observes the target: Prometheus, Alertmanager, CloudWatch clients.
        ["Reliability.Observe"] = new HashSet<string>(),
        // The spec model, the typed journal, the timeline and the result model: the engine's measurement types at most.
        ["Reliability.Evidence"] = new HashSet<string> { "Reliability.Load" },
        // Spec reading, fault kinds, drivers, observers, runner, game days. Never the verdicts.
        ["Reliability.Experiments"] = new HashSet<string> { "Reliability.Evidence", "Reliability.Load", "Reliability.Sut.Local", "Reliability.Observe" },
        // A Kubernetes API server with Chaos Mesh, played by the embedded environment and the local fault machinery.
        // Nothing but the CLI uses it: the Kubernetes driver cannot tell it from a cluster.
        ["Reliability.ClusterStandIn"] = new HashSet<string> { "Reliability.Experiments", "Reliability.Evidence", "Reliability.Sut.Local" },
        // The verdicts: never a driver, never the runner.
        ["Reliability.Slo"] = new HashSet<string> { "Reliability.Evidence", "Reliability.Observe" },
        ["Reliability.Reports"] = new HashSet<string> { "Reliability.Evidence" },
        // Users' own scenarios: the load engine only.
        ["Reliability.Samples.Scenarios"] = new HashSet<string> { "Reliability.Load" },
    };

    /// <summary>The composition root: it may use everything, and nothing may use it.</summary>
    public const string Cli = "Reliability.Cli";

    /// <summary>Every reference the rules forbid, as "from → to" with the reason.</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyDictionary<string, IReadOnlyList<string>> graph)
    {
        var violations = new List<string>();
        foreach (var (project, references) in graph)
        {
            foreach (var reference in references)
            {
                if (reference == Cli)
                {
                    violations.Add($"{project} → {reference}: nothing references the composition root");
                }
                else if (project != Cli && Allowed.TryGetValue(project, out var allowed) && !allowed.Contains(reference))
                {
                    violations.Add($"{project} → {reference}: {project} may use only {(allowed.Count == 0 ? "nothing of the project" : string.Join(", ", allowed.Order()))}");
                }
            }
            if (project != Cli && !Allowed.ContainsKey(project))
            {
                violations.Add($"{project}: a product project with no place in the layers");
            }
        }
        return violations;
    }

    /// <summary>The product's projects (not tests, not benchmarks) and their project references, read from the .csproj files.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Read(string root)
    {
        var graph = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var folder in new[] { "sut", "scenarios", "experiments", "slo", "reports", "samples" })
        {
            var path = Path.Combine(root, folder);
            if (!Directory.Exists(path))
            {
                continue;
            }
            foreach (var project in Directory.EnumerateFiles(path, "*.csproj", SearchOption.AllDirectories).Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            {
                graph[Path.GetFileNameWithoutExtension(project)] = [.. XDocument.Load(project).Descendants("ProjectReference")
                    .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))];
            }
        }
        return graph;
    }
}
