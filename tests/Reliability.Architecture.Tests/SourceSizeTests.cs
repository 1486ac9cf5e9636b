using System.Text.RegularExpressions;

namespace Reliability.Architecture.Tests;

/// <summary>Small files named for what they hold: no source file over 300 lines, no class over 400 across its partial files.</summary>
public sealed partial class SourceSizeTests
{
    public const int MaxFileLines = 300;
    public const int MaxClassLines = 400;

    [Fact]
    public void No_source_file_is_over_300_lines()
    {
        var large = Repository.Sources().Select(f => (File: Path.GetRelativePath(Repository.Root, f), Lines: File.ReadLines(f).Count()))
            .Where(f => f.Lines > MaxFileLines).Select(f => $"{f.File}: {f.Lines} lines").ToList();

        large.Should().BeEmpty();
    }

    [Fact]
    public void No_class_is_over_400_lines_across_its_partial_files()
    {
        ClassSizes(Repository.Sources()).Where(c => c.Value > MaxClassLines).Select(c => $"{c.Key}: {c.Value} lines").Should().BeEmpty();
    }

    [Fact]
    public void A_class_split_into_partial_files_counts_as_one()
    {
        var dir = Directory.CreateTempSubdirectory("sizes-").FullName;
        try
        {
            var body = string.Join('\n', Enumerable.Repeat("    // line", 250));
            File.WriteAllText(Path.Combine(dir, "A.cs"), $"namespace N;\n\npublic sealed partial class Big\n{{\n{body}\n}}\n");
            File.WriteAllText(Path.Combine(dir, "A.More.cs"), $"namespace N;\n\npublic sealed partial class Big\n{{\n{body}\n}}\n");

            ClassSizes(Directory.EnumerateFiles(dir)).Should().ContainKey("N.Big").WhoseValue.Should().BeGreaterThan(MaxClassLines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Lines per top-level class (by namespace and name): a file counts toward the classes it declares, split evenly when it declares several.</summary>
    internal static Dictionary<string, int> ClassSizes(IEnumerable<string> files)
    {
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var lines = File.ReadAllLines(file);
            var ns = lines.Select(l => Namespace().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value ?? "";
            var classes = lines.Select(l => TopLevelClass().Match(l)).Where(m => m.Success).Select(m => $"{ns}.{m.Groups[1].Value}").Distinct().ToList();
            foreach (var name in classes)
            {
                sizes[name] = sizes.GetValueOrDefault(name) + lines.Length / classes.Count;
            }
        }
        return sizes;
    }

    [GeneratedRegex(@"^namespace ([\w.]+)")]
    private static partial Regex Namespace();

    [GeneratedRegex(@"^(?:public |internal |file )?(?:sealed |static |abstract |partial )*class (\w+)")]
    private static partial Regex TopLevelClass();
}
