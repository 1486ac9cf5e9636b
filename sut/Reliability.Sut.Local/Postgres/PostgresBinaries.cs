namespace Reliability.Sut.Local.Postgres;

/// <summary>Finds the PostgreSQL server programs, or says exactly what to install.</summary>
internal static class PostgresBinaries
{
    public const string InstallHint = "install PostgreSQL 15 server binaries: apt-get install -y postgresql-15 (or postgresql)";

    public static string Locate(string? configured)
    {
        var candidates = new List<string>();
        if (configured is not null)
        {
            candidates.Add(configured);
        }
        // Debian's own layout first: it also holds pg_basebackup, pg_rewind and the rest.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        foreach (var dir in candidates)
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }
        throw new InvalidOperationException($"PostgreSQL binaries (initdb, postgres) not found: {InstallHint}.");
    }
}
