namespace Reliability.Sut.Local.Postgres;

internal sealed record PostgresOptions
{
    /// <summary>Folder holding initdb and postgres; null finds them on PATH or in /usr/lib/postgresql/*/bin.</summary>
    public string? BinDirectory { get; init; }
    public string Database { get; init; } = "taskmanager";
    public string AppUser { get; init; } = "sut";
    /// <summary>False trades crash safety for speed (fsync off): only for throw-away test databases.</summary>
    public bool Durable { get; init; } = true;
    public int MaxConnections { get; init; } = 300;
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
