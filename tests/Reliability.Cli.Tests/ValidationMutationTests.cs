using System.Diagnostics;
using System.Text.RegularExpressions;
using Reliability.Cli.Commands;
using Reliability.Experiments.ChaosMesh;
using Reliability.Load.Targets;
using Reliability.Targets.TaskManager;
using YamlDotNet.RepresentationModel;
using Xunit.Abstractions;

namespace Reliability.Cli.Tests;

/// <summary>
/// Every shipped experiment, game day, SLO spec and Chaos Mesh manifest, mutated one place at a time (each
/// scalar made a list, a mapping, empty, huge, negative or NaN; each field dropped or given twice), is either
/// still valid (exit 0) or refused with exit 2 and every problem located as file:line:column: field: problem;
/// never a crash, a trace or an unlocated message. Runs `validate` in process, so thousands of files take seconds.
/// </summary>
public sealed partial class ValidationMutationTests(ITestOutputHelper log) : IDisposable
{
    private static readonly string[] Replacements = ["[1, 2]", "{ a: 1 }", "''", "99999999999999999999999", "-1", "NaN"];
    private readonly string _root = Directory.CreateTempSubdirectory("mutations-").FullName;

    [Fact]
    public void No_mutation_of_a_shipped_file_ends_in_anything_but_exit_0_or_located_problems_with_exit_2()
    {
        var repository = Path.GetDirectoryName(Repository.Experiments)!;
        CopyFolder(Path.Combine(repository, "experiments"), Path.Combine(_root, "experiments"));
        CopyFolder(Path.Combine(repository, "slo", "specs"), Path.Combine(_root, "slo", "specs"));
        var files = Directory.EnumerateFiles(Path.Combine(_root, "experiments"), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(_root, "slo", "specs"), "*.yaml"))
            .Order(StringComparer.Ordinal).ToList();
        var schemas = ChaosMeshSchemas.Load();
        var targets = new TargetCatalog(new TaskManagerTarget(), new HttpTarget());
        var failures = new List<string>();
        var (mutations, refused) = (0, 0);
        var clock = Stopwatch.StartNew();

        foreach (var file in files)
        {
            var original = File.ReadAllText(file);
            Validate(file, schemas, targets).Exit.Should().Be(0, $"{file} is valid as shipped");
            foreach (var (what, text) in Mutations(original))
            {
                File.WriteAllText(file, text);
                mutations++;
                var (exit, output) = Validate(file, schemas, targets);
                refused += exit == 2 ? 1 : 0;
                // MUTATIONS_ACCEPTED=FILE lists the mutations validate let through, to review them for rules still missing.
                if (exit == 0 && Environment.GetEnvironmentVariable("MUTATIONS_ACCEPTED") is { } accepted)
                {
                    File.AppendAllText(accepted, $"{Path.GetRelativePath(_root, file)}: {what}\n");
                }
                if (Problem(exit, output, file) is { } problem)
                {
                    failures.Add($"{Path.GetRelativePath(_root, file)}, {what}: {problem}\n{output}");
                }
            }
            File.WriteAllText(file, original);
        }

        log.WriteLine($"{files.Count} files, {mutations} mutations ({refused} refused with exit 2) in {clock.Elapsed.TotalSeconds:0.0} s");
        files.Count.Should().BeGreaterThan(20);
        failures.Should().BeEmpty($"{failures.Count} of {mutations} mutations ended otherwise; the first ones:\n{string.Join("\n", failures.Take(8))}");
    }

    /// <summary>Null when the outcome is acceptable; otherwise what is wrong with it.</summary>
    private static string? Problem(int exit, string output, string file)
    {
        if (exit == 0)
        {
            return null;
        }
        if (exit != 2)
        {
            return $"exit {exit}";
        }
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.Contains("problem(s);", StringComparison.Ordinal)).ToList();
        if (lines.Count == 0)
        {
            return "exit 2 without a problem";
        }
        return lines.FirstOrDefault(l => Located().Match(l) is not { Success: true } m || long.Parse(m.Groups["line"].Value) < 1) is { } bad
            ? $"not located: {bad}"
            : null;
    }

    private static (int Exit, string Output) Validate(string file, ChaosMeshSchemas schemas, TargetCatalog targets)
    {
        var output = new StringWriter();
        try
        {
            var exit = ValidateCommand.Run([file], targets, output, output, schemas);
            return (exit, output.ToString());
        }
        catch (Exception ex)
        {
            return (-1, $"{output}\nthrew {ex}");
        }
    }

    /// <summary>Each mutation of one place of the file: a description and the mutated YAML.</summary>
    private static IEnumerable<(string What, string Text)> Mutations(string original)
    {
        var count = Places(Load(original)).Count;
        for (var i = 0; i < count; i++)
        {
            var (kind, path) = Describe(original, i);
            if (kind == "scalar")
            {
                foreach (var replacement in Replacements)
                {
                    yield return ($"{path} := {replacement}", Mutate(original, i, (map, key) => map.Children[key] = Parse(replacement)));
                }
            }
            else
            {
                yield return ($"{path} dropped", Mutate(original, i, (map, key) => map.Children.Remove(key)));
                yield return ($"{path} given twice", Duplicate(original, i));
            }
        }
    }

    private static (string Kind, string Path) Describe(string original, int index)
    {
        var place = Places(Load(original))[index];
        return (place.Map.Children[place.Key] is YamlScalarNode ? "scalar" : "field", place.Path);
    }

    private static string Mutate(string original, int index, Action<YamlMappingNode, YamlNode> change)
    {
        var stream = Load(original);
        var place = Places(stream)[index];
        change(place.Map, place.Key);
        return Save(stream);
    }

    /// <summary>A field given twice, written as text: a YAML model cannot hold a key twice.</summary>
    private static string Duplicate(string original, int index)
    {
        var stream = Load(original);
        var place = Places(stream)[index];
        var key = (YamlScalarNode)place.Key;
        var marker = $"mutation-{Guid.NewGuid():N}";
        var value = place.Map.Children[key];
        place.Map.Children.Remove(key);
        place.Map.Children.Add(new YamlScalarNode(marker), value);
        place.Map.Children.Add(key, value);
        return Save(stream).Replace(marker, key.Value, StringComparison.Ordinal);
    }

    /// <summary>Every mapping entry of every document, in document order: (mapping, key, path). Scalar values and whole fields are both places.</summary>
    private static List<(YamlMappingNode Map, YamlNode Key, string Path)> Places(YamlStream stream)
    {
        var places = new List<(YamlMappingNode, YamlNode, string)>();
        void Walk(YamlNode node, string path)
        {
            switch (node)
            {
                case YamlMappingNode map:
                    foreach (var (key, value) in map.Children)
                    {
                        var at = path.Length == 0 ? $"{key}" : $"{path}.{key}";
                        places.Add((map, key, at));
                        Walk(value, at);
                    }
                    break;
                case YamlSequenceNode list:
                    for (var i = 0; i < list.Children.Count; i++)
                    {
                        Walk(list.Children[i], $"{path}[{i}]");
                    }
                    break;
            }
        }
        for (var d = 0; d < stream.Documents.Count; d++)
        {
            Walk(stream.Documents[d].RootNode, stream.Documents.Count > 1 ? $"doc{d}" : "");
        }
        return places;
    }

    private static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream;
    }

    private static YamlNode Parse(string yaml) => Load($"x: {yaml}").Documents[0].RootNode is YamlMappingNode m ? m.Children[new YamlScalarNode("x")] : throw new InvalidOperationException();

    private static string Save(YamlStream stream)
    {
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>The YAML of a folder, without its projects' build output and the bundled CRDs (Chaos Mesh's and the harness's own).</summary>
    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*.yaml", SearchOption.AllDirectories)
                     .Where(f => Path.GetRelativePath(from, f).Split(Path.DirectorySeparatorChar) is var parts
                                 && !parts.Any(p => p.StartsWith("Reliability.", StringComparison.Ordinal) || p is "crds" or "harness-crds")))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex(@"^(?<file>[^:]+):(?<line>\d+):(?<column>\d+): (?<field>[^:]+): .+")]
    private static partial Regex Located();

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
