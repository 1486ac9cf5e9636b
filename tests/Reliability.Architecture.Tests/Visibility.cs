using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Reliability.Architecture.Tests;

/// <summary>
/// Internal by default. A library's public types are what a user's own project compiles against (the load
/// engine's targets and scenarios); the product's projects share internals only along the layer arrows, with
/// friend assemblies, so a grant can never open a path the references may not take.
/// </summary>
internal static partial class Visibility
{
    /// <summary>At most this share of the libraries' top-level types may be public.</summary>
    public const double MaxPublicShare = 0.30;

    /// <summary>Projects that are not libraries of the product: the composition root, the SUT (a web app) and a user's sample.</summary>
    private static readonly HashSet<string> NotLibraries = [Layers.Cli, "Reliability.Sut", "Reliability.Samples.Scenarios"];

    /// <summary>Each product project's friend assemblies (its InternalsVisibleTo items), by project name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Friends(string root) =>
        Projects(root).ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => (IReadOnlyList<string>)[.. XDocument.Load(p).Descendants("InternalsVisibleTo")
            .Select(i => i.Attribute("Include")!.Value)]);

    /// <summary>Every grant the layers forbid: a friend must be a test, a benchmark, the composition root, or a project that may use the grantor.</summary>
    public static IReadOnlyList<string> Violations(IReadOnlyDictionary<string, IReadOnlyList<string>> friends, string cliAssembly)
    {
        var violations = new List<string>();
        foreach (var (project, grants) in friends)
        {
            foreach (var friend in grants)
            {
                var allowed = friend.EndsWith(".Tests", StringComparison.Ordinal)
                    || friend.StartsWith("Reliability.Bench.", StringComparison.Ordinal)
                    || friend == cliAssembly
                    || (Layers.Allowed.TryGetValue(friend, out var uses) && uses.Contains(project));
                if (!allowed)
                {
                    violations.Add($"{project} shows its internals to {friend}, which may not use it");
                }
            }
        }
        return violations;
    }

    /// <summary>The assembly name of the composition root, which its project file may rename.</summary>
    public static string CliAssembly(string root) =>
        Projects(root).Where(p => Path.GetFileNameWithoutExtension(p) == Layers.Cli)
            .Select(p => XDocument.Load(p).Descendants("AssemblyName").FirstOrDefault()?.Value ?? Layers.Cli).Single();

    /// <summary>Top-level types of the product's libraries, as (library, type, public?).</summary>
    public static IReadOnlyList<(string Library, string Type, bool Public)> LibraryTypes(string root)
    {
        var types = new Dictionary<(string, string), bool>();
        foreach (var project in Projects(root).Where(p => !NotLibraries.Contains(Path.GetFileNameWithoutExtension(p))))
        {
            var library = Path.GetFileNameWithoutExtension(project);
            foreach (var file in Directory.EnumerateFiles(Path.GetDirectoryName(project)!, "*.cs", SearchOption.AllDirectories).Where(NotBuildOutput))
            {
                foreach (var match in File.ReadLines(file).Select(l => TopLevelType().Match(l)).Where(m => m.Success))
                {
                    // A partial type declared in several files is one type, public if any part says so.
                    var key = (library, match.Groups[2].Value);
                    types[key] = types.GetValueOrDefault(key) || match.Groups[1].Value == "public ";
                }
            }
        }
        return [.. types.Select(t => (t.Key.Item1, t.Key.Item2, t.Value))];
    }

    private static IEnumerable<string> Projects(string root) =>
        new[] { "sut", "scenarios", "experiments", "slo", "reports", "samples" }
            .Select(f => Path.Combine(root, f)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*.csproj", SearchOption.AllDirectories)).Where(NotBuildOutput);

    private static bool NotBuildOutput(string path) =>
        !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}");

    [GeneratedRegex(@"^(public |internal |file )?(?:static |sealed |abstract |readonly |ref |partial )*(?:class|record struct|record|struct|interface|enum) (\w+)")]
    private static partial Regex TopLevelType();
}
