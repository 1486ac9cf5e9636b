using Reliability.Experiments.ChaosMesh;

namespace Reliability.Experiments.Tests.ChaosMesh;

/// <summary>Every Chaos Mesh object the repository ships is valid against the real CRD schemas bundled in experiments/chaos/crds.</summary>
public sealed class ManifestValidatorTests : IDisposable
{
    private static readonly ChaosMeshSchemas Schemas = ChaosMeshSchemas.Load();
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"manifests-{Guid.NewGuid():N}");

    public static TheoryData<string> ShippedManifests()
    {
        var root = RepositoryRoot();
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                              && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Where(ManifestValidator.IsChaosMeshFile)
                     .Order())
        {
            data.Add(Path.GetRelativePath(root, file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedManifests))]
    public void Every_shipped_chaos_mesh_manifest_is_valid_against_its_crd(string relativePath)
    {
        var problems = new ManifestValidator(Schemas).Validate(Path.Combine(RepositoryRoot(), relativePath));
        problems.Should().BeEmpty(string.Join("\n", problems));
    }

    [Fact]
    public void The_repository_ships_the_faults_the_experiments_need()
    {
        var shipped = new List<string>();
        foreach (string row in ShippedManifests())
        {
            shipped.Add(Path.GetFileName(row));
        }
        shipped.Should().Contain(
            ["pod-kill.yaml", "pod-failure.yaml", "network-delay-db.yaml", "network-loss.yaml", "network-partition-zone-db.yaml", "zone-failure.yaml", "gameday-schedule.yaml"]);
        Schemas.Kinds.Should().Contain(["PodChaos", "NetworkChaos", "Workflow", "Schedule"]);
    }

    [Theory]
    [InlineData("  acton: pod-kill\n  action: pod-kill", 8, 3, "spec.acton", "unknown field")]
    [InlineData("  action: pod-explode", 8, 11, "spec.action", "'pod-explode' is not one of")]
    [InlineData("  action: pod-kill\n  gracePeriod: soon", 9, 16, "spec.gracePeriod", "must be an integer")]
    [InlineData("  action: pod-kill\n  mode: sometimes", 9, 9, "spec.mode", "is not one of")]
    public void A_broken_manifest_is_reported_with_line_column_and_field(string actionLines, int line, int column, string field, string message)
    {
        var path = Write($"""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: PodChaos
            metadata:
              name: broken
            spec:
              selector:
                labelSelectors: {"{"} app: sut {"}"}
            {actionLines}
            {(actionLines.Contains("mode:", StringComparison.Ordinal) ? "" : "  mode: one")}
            """);
        var problems = new ManifestValidator(Schemas).Validate(path);
        problems.Should().Contain(p => p.Path == field && p.Message.Contains(message, StringComparison.Ordinal) && p.Line == line && p.Column == column,
            string.Join("\n", problems));
        problems.First(p => p.Path == field).ToString().Should().StartWith($"{path}:{line}:{column}: {field}: ");
    }

    [Fact]
    public void Missing_required_fields_and_unknown_kinds_are_reported()
    {
        var path = Write("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: NetworkChaos
            metadata:
              name: incomplete
            spec:
              action: delay
            ---
            apiVersion: chaos-mesh.org/v1alpha1
            kind: MeteorChaos
            metadata:
              name: nope
            """);
        var problems = new ManifestValidator(Schemas).Validate(path);
        problems.Select(p => p.Path).Should().Contain(["spec.mode", "spec.selector", "kind"]);
    }

    [Fact]
    public void A_yaml_syntax_error_is_reported_where_it_is()
    {
        var path = Write("apiVersion: chaos-mesh.org/v1alpha1\nkind: PodChaos\nspec: [unclosed\n");
        var problem = new ManifestValidator(Schemas).Validate(path).Should().ContainSingle().Which;
        problem.Path.Should().Be("(yaml)");
        problem.Line.Should().BeGreaterThanOrEqualTo(3);
    }

    private string Write(string yaml)
    {
        Directory.CreateDirectory(_scratch);
        var path = Path.Combine(_scratch, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliability.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Reliability.sln not found");
    }

    public void Dispose()
    {
        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }
}
