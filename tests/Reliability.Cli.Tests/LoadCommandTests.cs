using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Reliability.Load.Ledger;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Sut;

namespace Reliability.Cli.Tests;

/// <summary>The load command against a real SUT on a real PostgreSQL, with authentication on.</summary>
public sealed class LoadCommandTests : IAsyncLifetime
{
    private RunDirectory _run = null!;
    private PostgresServer _postgres = null!;
    private SutProcess _sut = null!;
    private readonly string _output = Path.Combine(Path.GetTempPath(), $"load-cli-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        _run = RunDirectory.Create("load-cli-tests");
        _postgres = await PostgresServer.StartAsync(_run, new PostgresOptions { Durable = false });
        _sut = await SutProcess.StartAsync(new SutProcessOptions
        {
            DatabaseUrl = $"postgres://{_postgres.AppUser}:{_postgres.AppPassword}@127.0.0.1:{_postgres.Port}/{_postgres.Database}",
            JwtSigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
            Environment = new Dictionary<string, string> { ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "100000", ["RATE_LIMIT_LOGIN_PER_CLIENT"] = "100000", ["PASSWORD_HASH_ITERATIONS"] = "10000" },
        }, _run);
    }

    [Fact]
    public async Task Crud_load_passes_its_thresholds_and_every_acknowledged_write_is_in_the_database()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" },
            "load", "crud", "--target", _sut.BaseAddress.ToString(), "--rate", "20", "--duration", "3s", "--threshold", "fail_rate < 1%", "--output", _output);
        var exit = await cli.WaitAsync(TimeSpan.FromMinutes(2));
        exit.Should().Be(0, cli.Output);
        cli.Output.Should().Contain("create-task").And.Contain("threshold passed: fail_rate < 1%");

        var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_output, "load-result.json"))).RootElement;
        report.GetProperty("schema").GetString().Should().Be("reliability.load/v1");
        var ok = report.GetProperty("summary").GetProperty("ok").GetInt64();
        ok.Should().BeInRange(55, 60);

        var ledger = new List<LedgerEntry>();
        await foreach (var entry in WriteLedger.ReadAsync(Path.Combine(_output, "write-ledger.jsonl")))
        {
            ledger.Add(entry);
        }
        ledger.Count(e => e.Op == "create").Should().Be((int)ok);
        ledger.Count(e => e.Op == "delete").Should().Be((int)ok, "each crud iteration deletes what it created");
        await using var connection = new NpgsqlConnection(_postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM tasks WHERE id = ANY(@ids)", connection);
        count.Parameters.AddWithValue("ids", ledger.Select(e => e.Id).Distinct().ToArray());
        (await count.ExecuteScalarAsync()).Should().Be(0L, "every acknowledged delete holds");
        (await File.ReadAllTextAsync(Path.Combine(_output, "write-ledger.jsonl"))).Should().NotContain("eyJ", "no token in the ledger");
    }

    [Fact]
    public async Task A_failed_threshold_makes_exit_code_1_with_the_measured_value()
    {
        using var cli = new CliProcess(new Dictionary<string, string> { ["CI"] = "true" },
            "load", "browse", "--target", _sut.BaseAddress.ToString(), "--users", "2", "--duration", "2s", "--threshold", "p50 < 0.001ms", "--output", _output);
        (await cli.WaitAsync(TimeSpan.FromMinutes(2))).Should().Be(1, cli.Output);
        cli.Output.Should().MatchRegex(@"threshold FAILED: p50 < 0.001ms \(measured \d");
    }

    [Fact]
    public async Task A_bad_simulations_file_is_exit_2_with_file_line_and_column()
    {
        Directory.CreateDirectory(_output);
        var file = Path.Combine(_output, "bad.yaml");
        await File.WriteAllTextAsync(file, "simulations:\n  - constantArrivalRate: { rate: fast, duration: 10s, maxConcurrent: 10 }\n");
        using var cli = new CliProcess("load", "crud", "--target", _sut.BaseAddress.ToString(), "--simulations", file);
        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(2);
        cli.Output.Should().Contain($"{file}:2:").And.Contain("simulations[0].rate: expected a number");
    }

    [Fact]
    public async Task An_unreachable_target_is_an_environment_error_exit_3()
    {
        using var cli = new CliProcess("load", "crud", "--target", "http://127.0.0.1:1/", "--rate", "5", "--duration", "1s", "--output", _output);
        (await cli.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(3, cli.Output);
        cli.Output.Should().Contain("could not prepare the virtual users");
    }

    public async Task DisposeAsync()
    {
        await _sut.DisposeAsync();
        await _postgres.DisposeAsync();
        _run.Dispose();
        if (Directory.Exists(_output))
        {
            Directory.Delete(_output, recursive: true);
        }
    }
}
