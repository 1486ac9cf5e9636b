using System.Diagnostics;
using System.Security.Cryptography;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;
using Reliability.Sut.Local.Sut;

namespace Reliability.Cli;

/// <summary>
/// One SUT replica on an embedded PostgreSQL: the stand-in until the multi-zone environment exists.
/// Everything it starts lives in one run directory and is stopped on dispose.
/// </summary>
internal sealed class LocalSut : IAsyncDisposable
{
    private LocalSut(RunDirectory run, PostgresServer postgres, SutProcess sut, TimeSpan postgresStart, TimeSpan sutStart)
    {
        Run = run;
        Postgres = postgres;
        Sut = sut;
        PostgresStartTime = postgresStart;
        SutStartTime = sutStart;
    }

    public RunDirectory Run { get; }
    public PostgresServer Postgres { get; }
    public SutProcess Sut { get; }
    public TimeSpan PostgresStartTime { get; }
    /// <summary>From process start until /ready answers 200.</summary>
    public TimeSpan SutStartTime { get; }

    public static async Task<LocalSut> StartAsync(TextWriter output, CancellationToken ct)
    {
        await Prerequisites.EnsureAsync([Prerequisite.Postgres], output, ct);
        var run = RunDirectory.Create("sut");
        PostgresServer? postgres = null;
        try
        {
            var clock = Stopwatch.StartNew();
            postgres = await PostgresServer.StartAsync(run, ct: ct);
            var postgresStart = clock.Elapsed;
            clock.Restart();
            var sut = await SutProcess.StartAsync(new SutProcessOptions
            {
                DatabaseUrl = $"postgres://{postgres.AppUser}:{postgres.AppPassword}@127.0.0.1:{postgres.Port}/{postgres.Database}",
                JwtSigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
                Zone = "zone-a",
                PodName = "sut-zone-a-0",
            }, run, ct);
            using var http = new HttpClient { BaseAddress = sut.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            while (!await IsReadyAsync(http, ct))
            {
                if (sut.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new ComponentStartException(sut.Options.PodName, sut.HasExited ? $"exited with code {sut.ExitCode} before it was ready" : "/ready did not answer 200 within 30 s", sut.LogTail());
                }
                await Task.Delay(20, ct);
            }
            return new LocalSut(run, postgres, sut, postgresStart, clock.Elapsed);
        }
        catch
        {
            if (postgres is not null)
            {
                await postgres.DisposeAsync();
            }
            run.Dispose();
            throw;
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync("/ready", ct);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>Resident set size of the SUT process, from /proc.</summary>
    public long? SutRssBytes()
    {
        try
        {
            var line = File.ReadLines($"/proc/{Sut.Pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Sut.StopAsync(TimeSpan.FromSeconds(10));
        await Sut.DisposeAsync();
        await Postgres.DisposeAsync();
        Run.Dispose();
    }
}
