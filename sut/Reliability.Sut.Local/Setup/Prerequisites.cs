using System.Diagnostics;

namespace Reliability.Sut.Local.Setup;

/// <summary>A program the embedded environment needs, and the Debian package that brings it.</summary>
internal sealed record Prerequisite(string Program, string Package, IReadOnlyList<string> SearchDirectories)
{
    public static readonly Prerequisite Postgres = new("initdb", "postgresql", ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"]);
    public static readonly Prerequisite Prometheus = new("prometheus", "prometheus", ["/usr/bin"]);
    public static readonly Prerequisite Alertmanager = new("prometheus-alertmanager", "prometheus-alertmanager", ["/usr/bin"]);

    /// <summary>The full path of the program, or an error that names the package to install.</summary>
    public string Locate() =>
        SearchDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Select(dir => Path.Combine(dir, Program)).FirstOrDefault(File.Exists)
        ?? throw new PrerequisiteException($"{Program} not found: install it with `sudo apt-get install -y {Package}`");

    public bool IsInstalled() =>
        SearchDirectories.Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            .Any(dir => File.Exists(Path.Combine(dir, Program)));
}

/// <summary>
/// Makes sure the programs are there: as root it installs what is missing with apt-get (as CI and a
/// fresh machine need); otherwise it names the exact command to run.
/// </summary>
internal static class Prerequisites
{
    public static async Task EnsureAsync(IEnumerable<Prerequisite> needed, TextWriter output, CancellationToken ct)
    {
        var missing = needed.Where(p => !p.IsInstalled()).ToList();
        if (missing.Count == 0)
        {
            return;
        }
        var packages = string.Join(' ', missing.Select(p => p.Package).Distinct());
        if (!Processes.Posix.IsRoot || !File.Exists("/usr/bin/apt-get"))
        {
            throw new PrerequisiteException($"missing {string.Join(", ", missing.Select(p => p.Program))}: run `sudo apt-get install -y {packages}`");
        }
        await output.WriteLineAsync($"Installing {packages} with apt-get (missing: {string.Join(", ", missing.Select(p => p.Program))})");
        await Run("apt-get", ["update", "-qq"], output, ct);
        await Run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", .. missing.Select(p => p.Package).Distinct()], output, ct);
        var still = missing.Where(p => !p.IsInstalled()).Select(p => p.Program).ToList();
        if (still.Count > 0)
        {
            throw new PrerequisiteException($"apt-get installed {packages} but {string.Join(", ", still)} is still missing");
        }
    }

    private static async Task Run(string program, string[] args, TextWriter output, CancellationToken ct)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            await output.WriteLineAsync(await stdout);
            throw new PrerequisiteException($"{program} {string.Join(' ', args)} failed with exit code {process.ExitCode}: {(await stderr).Trim()}");
        }
    }
}

internal sealed class PrerequisiteException(string message) : Exception(message);
