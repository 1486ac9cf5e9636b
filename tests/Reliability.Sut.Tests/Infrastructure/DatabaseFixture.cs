using Npgsql;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Sut;

namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>
/// A PostgreSQL server of its own for tests that stop the database, or start and stop SUT processes:
/// each such test gets a fresh, empty database on it, so nothing leaks between tests.
/// </summary>
public sealed class DatabaseFixture : IAsyncLifetime
{
    internal RunDirectory Run { get; private set; } = null!;
    internal PostgresServer Postgres { get; private set; } = null!;
    public string SigningKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        Run = RunDirectory.Create("lifecycle-tests");
        Postgres = await PostgresServer.StartAsync(Run, new PostgresOptions { Durable = false });
    }

    /// <summary>Creates an empty database owned by the application role; returns its DATABASE_URL.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"db_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Postgres.AdminConnectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" OWNER \"{Postgres.AppUser}\"", connection);
        await command.ExecuteNonQueryAsync();
        return $"postgres://{Postgres.AppUser}:{Postgres.AppPassword}@127.0.0.1:{Postgres.Port}/{name}";
    }

    public string AdminConnectionString(string databaseUrl) =>
        new NpgsqlConnectionStringBuilder(Postgres.AdminConnectionString) { Database = new Uri(databaseUrl).AbsolutePath.TrimStart('/') }.ConnectionString;

    internal Task<SutProcess> StartSutAsync(string databaseUrl, string pod, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? drainDelay = null) =>
        SutProcess.StartAsync(new SutProcessOptions
        {
            DatabaseUrl = databaseUrl,
            JwtSigningKey = SigningKey,
            PodName = pod,
            DrainDelay = drainDelay ?? TimeSpan.Zero,
            Environment = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["PASSWORD_HASH_ITERATIONS"] = "10000" },
        }, Run);

    public async Task DisposeAsync()
    {
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
        Run?.Close(keepFiles: Environment.GetEnvironmentVariable("RELIABILITY_KEEP_RUNS") == "1");
    }
}

[CollectionDefinition(Name)]
public sealed class DatabaseCollection : ICollectionFixture<DatabaseFixture>
{
    public const string Name = "database";
}
