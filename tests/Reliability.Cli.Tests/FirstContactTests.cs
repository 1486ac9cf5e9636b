using System.Diagnostics;

namespace Reliability.Cli.Tests;

/// <summary>
/// A user's clone has nothing beside it (no ../shared), the harness image holds only the publish output,
/// and users start the program from any folder: everything the program needs at run time travels with it.
/// </summary>
public sealed class FirstContactTests : IDisposable
{
    private static readonly string RepositoryRoot = Path.GetDirectoryName(Repository.Experiments)!;
    private readonly string _scratch = Directory.CreateTempSubdirectory("first-contact-").FullName;

    // No override: the bundled CRDs must be found on their own.
    private static readonly Dictionary<string, string?> Clean = new() { ["RELIABILITY_CHAOS_MESH_SCHEMAS"] = null, ["CI"] = "true" };

    [Fact]
    public async Task A_copy_of_the_repository_with_nothing_beside_it_validates_everything_and_plans_the_default_game_day()
    {
        var clone = Path.Combine(_scratch, "clone");
        CopySources(RepositoryRoot, clone);
        var program = Path.Combine(clone, "out");
        await PublishAsync(program);
        Directory.EnumerateFiles(Path.Combine(program, "chaos-mesh-crds"), "chaos-mesh.org_*.yaml").Should().HaveCount(11, "the publish output (the image's /app) carries the CRDs");
        File.Exists(Path.Combine(program, "chaos-mesh-crds", "LICENSE")).Should().BeTrue("Chaos Mesh's Apache-2.0 license travels with its CRDs");
        var start = new CliStart { Environment = Clean, WorkingDirectory = clone, Program = Path.Combine(program, "reliability.dll") };

        using var validate = new CliProcess(start, "validate", "experiments/", "slo/specs/");
        (await validate.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, validate.Output);
        validate.Output.Should().Contain("0 problem(s)").And.Contain("bundled Chaos Mesh CRDs v2.8");

        using var dryRun = new CliProcess(start, "gameday", "--dry-run");
        (await dryRun.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, dryRun.Output);
        dryRun.Output.Should().Contain("pod-kill").And.Contain("db-primary-kill");
    }

    [Fact]
    public async Task From_another_working_directory_the_program_validates_and_plans_with_absolute_paths()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_scratch, "elsewhere")).FullName;
        var start = new CliStart { Environment = Clean, WorkingDirectory = elsewhere };

        using var validate = new CliProcess(start, "validate", Repository.Experiments, Path.Combine(RepositoryRoot, "slo", "specs"));
        (await validate.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, validate.Output);
        validate.Output.Should().Contain("0 problem(s)");

        using var dryRun = new CliProcess(start, "gameday", "--dry-run", "--plan", Path.Combine(Repository.Experiments, "gamedays", "default.yaml"));
        (await dryRun.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(0, dryRun.Output);
        Directory.EnumerateFileSystemEntries(elsewhere).Should().BeEmpty("a dry run writes nothing");
    }

    [Fact]
    public void The_harness_image_runs_the_publish_output()
    {
        // The publish output is what the first test checked for the CRDs; the image must hold exactly it.
        var dockerfile = File.ReadAllText(Path.Combine(RepositoryRoot, "scenarios", "Dockerfile"));
        dockerfile.Should().Contain("dotnet publish scenarios/Reliability.Cli/Reliability.Cli.csproj -c Release -o /app")
            .And.Contain("COPY --from=build /app .")
            .And.Contain("WORKDIR /app")
            .And.Contain("ENTRYPOINT [\"dotnet\", \"reliability.dll\"]");
    }

    /// <summary>The repository's own files: what a clone holds (no build output, no git metadata, nothing beside it).</summary>
    private static void CopySources(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var folder in Directory.EnumerateDirectories(from))
        {
            if (Path.GetFileName(folder) is not (".git" or "bin" or "obj" or "artifacts" or "TestResults"))
            {
                CopySources(folder, Path.Combine(to, Path.GetFileName(folder)));
            }
        }
    }

    /// <summary>`dotnet publish` of the CLI as the image builds it, from the build the tests run on.</summary>
    private static async Task PublishAsync(string output)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var info = new ProcessStartInfo(CliProcess.DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "publish", Path.Combine(RepositoryRoot, "scenarios", "Reliability.Cli", "Reliability.Cli.csproj"), "--no-build", "-c", configuration, "-o", output, "-nologo" })
        {
            info.ArgumentList.Add(arg);
        }
        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        try
        {
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        }
        finally
        {
            if (!publish.HasExited)
            {
                publish.Kill(entireProcessTree: true);
            }
        }
        publish.ExitCode.Should().Be(0, await stdout + await stderr);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
