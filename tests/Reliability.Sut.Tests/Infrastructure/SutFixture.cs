using System.Security.Cryptography;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Sut;

namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>
/// A real throw-away PostgreSQL and one real SUT process on loopback, shared by a test collection.
/// Tests never share data: each signs up its own users. Everything is stopped on dispose, and the
/// run directory's ledger lets the next run kill what a crashed test host left behind.
/// </summary>
public sealed class SutFixture : IAsyncLifetime
{
    public const int LoginPerUsernameLimit = 5;

    internal RunDirectory Run { get; private set; } = null!;
    internal PostgresServer Postgres { get; private set; } = null!;
    internal SutProcess Sut { get; private set; } = null!;
    public string SigningKey { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));

    public async Task InitializeAsync()
    {
        Run = RunDirectory.Create("sut-tests");
        Postgres = await PostgresServer.StartAsync(Run, new PostgresOptions { Durable = false });
        Sut = await StartSutAsync("sut-zone-a-0");
    }

    /// <summary>Starts another replica on the same database, for tests that need their own process.</summary>
    internal Task<SutProcess> StartSutAsync(string pod, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? drainDelay = null)
    {
        var env = new Dictionary<string, string>
        {
            // The whole suite logs in from 127.0.0.1: per-client limits would throttle it; the per-username one stays tight.
            ["RATE_LIMIT_LOGIN_PER_CLIENT"] = "100000",
            ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "100000",
            ["RATE_LIMIT_LOGIN_PER_USERNAME"] = LoginPerUsernameLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // A lighter work factor keeps the suite fast on two cores; the bench measures the default.
            ["PASSWORD_HASH_ITERATIONS"] = "10000",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }
        return SutProcess.StartAsync(new SutProcessOptions
        {
            DatabaseUrl = DatabaseUrl,
            JwtSigningKey = SigningKey,
            PodName = pod,
            DrainDelay = drainDelay ?? TimeSpan.Zero,
            Environment = env,
        }, Run);
    }

    public string DatabaseUrl => $"postgres://{Postgres.AppUser}:{Postgres.AppPassword}@127.0.0.1:{Postgres.Port}/{Postgres.Database}";

    public HttpClient Client() => new() { BaseAddress = Sut.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public async Task DisposeAsync()
    {
        if (Sut is not null)
        {
            await Sut.StopAsync(TimeSpan.FromSeconds(5));
            await Sut.DisposeAsync();
        }
        if (Postgres is not null)
        {
            await Postgres.DisposeAsync();
        }
        // RELIABILITY_KEEP_RUNS=1 keeps the logs of a run for a post-mortem.
        Run?.Close(keepFiles: Environment.GetEnvironmentVariable("RELIABILITY_KEEP_RUNS") == "1");
    }
}

[CollectionDefinition(Name)]
public sealed class SutCollection : ICollectionFixture<SutFixture>
{
    public const string Name = "sut";
}
