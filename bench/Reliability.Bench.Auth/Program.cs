// What authentication costs: the password KDF per login, and authenticated against anonymous
// throughput, measured side by side against one SUT process on an embedded PostgreSQL.
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Reliability.Sut.Configuration;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Sut;
using Reliability.Sut.Security;

var duration = args.Length > 0 ? args[0] : "10s";
const int Connections = 32;
var invariant = CultureInfo.InvariantCulture;

// 1. The KDF itself, at the production default work factor.
var settings = SutSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["DATABASE_URL"] = "postgres://u:p@127.0.0.1/d",
    ["JWT_SIGNING_KEY"] = new string('k', 32),
}).Build(), isDevelopment: false);
var hashing = new PasswordHashing(settings);
var hash = hashing.Hash("correct horse battery staple");
var samples = new List<double>();
for (var i = 0; i < 25; i++)
{
    var clock = Stopwatch.StartNew();
    hashing.Verify(hash, "correct horse battery staple");
    samples.Add(clock.Elapsed.TotalMilliseconds);
}
samples.Sort();
Console.WriteLine($"KDF: PBKDF2-HMAC-SHA512, {settings.PasswordHashIterations:N0} iterations: verify median {samples[samples.Count / 2]:0.0} ms, min {samples[0]:0.0} ms, max {samples[^1]:0.0} ms (25 runs)");

// 2. One SUT with production defaults but no rate limits, so the benchmark measures work, not throttling.
using var run = RunDirectory.Create("bench-auth");
await using var postgres = await PostgresServer.StartAsync(run);
await using var sut = await SutProcess.StartAsync(new SutProcessOptions
{
    DatabaseUrl = $"postgres://{postgres.AppUser}:{postgres.AppPassword}@127.0.0.1:{postgres.Port}/{postgres.Database}",
    JwtSigningKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32)),
    Environment = new Dictionary<string, string> { ["RATE_LIMITS_ENABLED"] = "false" },
}, run);
using var http = new HttpClient { BaseAddress = sut.BaseAddress };
var username = "bench-user";
var password = "bench password 123";
(await http.PostAsJsonAsync("/api/users", new { username, email = "bench@example.test", password })).EnsureSuccessStatusCode();
// Known and unknown users interleaved, so drift on the machine hits both alike.
var logins = new List<double>();
var refusals = new List<double>();
string token = "";
for (var i = 0; i < 15; i++)
{
    var clock = Stopwatch.StartNew();
    var login = await http.PostAsJsonAsync("/api/auth/login", new { username, password });
    logins.Add(clock.Elapsed.TotalMilliseconds);
    token = (await login.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    clock.Restart();
    await http.PostAsJsonAsync("/api/auth/login", new { username = $"no-such-user-{i}", password });
    refusals.Add(clock.Elapsed.TotalMilliseconds);
}
logins.Sort();
refusals.Sort();
Console.WriteLine($"Login over HTTP: known user median {logins[7]:0.0} ms, unknown user (decoy KDF) median {refusals[7]:0.0} ms (15 each, interleaved)");
http.DefaultRequestHeaders.Authorization = new("Bearer", token);
var created = await http.PostAsJsonAsync("/api/tasks", new { title = "bench task" });
var taskId = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

// 3. wrk, same connections and duration, one after the other against the same process.
var health = Wrk($"{sut.BaseAddress}health", null);
var authenticated = Wrk($"{sut.BaseAddress}api/tasks/{taskId}", token);
Console.WriteLine();
Console.WriteLine($"| endpoint | auth | requests/s | p50 | p99 | non-2xx |");
Console.WriteLine($"| --- | --- | ---: | ---: | ---: | ---: |");
Console.WriteLine($"| GET /health | anonymous | {health.Rps:0} | {health.P50} | {health.P99} | {health.Errors} |");
Console.WriteLine($"| GET /api/tasks/{{id}} | bearer JWT + user check + owner-scoped query | {authenticated.Rps:0} | {authenticated.P50} | {authenticated.P99} | {authenticated.Errors} |");
Console.WriteLine();
Console.WriteLine($"authenticated / anonymous throughput: {authenticated.Rps / health.Rps:0.00} (wrk -t2 -c{Connections} -d{duration}, 2-core machine, wrk on the same cores)");
await sut.StopAsync(TimeSpan.FromSeconds(10));

WrkResult Wrk(string url, string? bearer)
{
    var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var arg in new[] { "-t2", $"-c{Connections}", $"-d{duration}", "--latency" })
    {
        info.ArgumentList.Add(arg);
    }
    if (bearer is not null)
    {
        info.ArgumentList.Add("-H");
        info.ArgumentList.Add($"Authorization: Bearer {bearer}");
    }
    info.ArgumentList.Add(url);
    using var wrk = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start");
    var output = wrk.StandardOutput.ReadToEnd();
    wrk.WaitForExit();
    if (wrk.ExitCode != 0)
    {
        throw new InvalidOperationException($"wrk failed: {wrk.StandardError.ReadToEnd()}");
    }
    string Field(string pattern) => Regex.Match(output, pattern, RegexOptions.Multiline).Groups[1].Value;
    var errors = Field(@"Non-2xx or 3xx responses: (\d+)");
    return new WrkResult(double.Parse(Field(@"Requests/sec:\s+([\d.]+)"), invariant), Field(@"^\s+50%\s+(\S+)"), Field(@"^\s+99%\s+(\S+)"), errors.Length == 0 ? "0" : errors);
}

internal sealed record WrkResult(double Rps, string P50, string P99, string Errors);
