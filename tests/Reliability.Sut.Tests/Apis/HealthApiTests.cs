using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Apis;

[Collection(DatabaseCollection.Name)]
public sealed class HealthApiTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Health_reports_zone_and_pod_anonymously()
    {
        await using var sut = await fixture.StartSutAsync(await fixture.CreateDatabaseAsync(), "sut-zone-b-1", new Dictionary<string, string> { ["ZONE"] = "zone-b" });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress };
        var health = await client.GetFromJsonAsync<JsonElement>("/health");
        health.GetProperty("status").GetString().Should().Be("ok");
        health.GetProperty("zone").GetString().Should().Be("zone-b");
        health.GetProperty("pod").GetString().Should().Be("sut-zone-b-1");
    }

    [Fact]
    public async Task Ready_follows_the_database_down_and_back_up_without_a_restart_while_health_stays_200()
    {
        var databaseUrl = await fixture.CreateDatabaseAsync();
        await using var sut = await fixture.StartSutAsync(databaseUrl, "sut-ready-test", new Dictionary<string, string>
        {
            ["DB_CONNECT_TIMEOUT_SECONDS"] = "2",
            ["DB_MIN_CONNECTIONS"] = "2",
        });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await Eventually.Until(() => Status(client, "/ready"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "/ready 200 at start");
        var signUp = await client.PostAsJsonAsync("/api/users", new { username = $"ready-{Guid.NewGuid():N}"[..20], email = $"{Guid.NewGuid():N}@example.test", password = "long enough password" });
        signUp.StatusCode.Should().Be(HttpStatusCode.Created);

        await fixture.Postgres.StopAsync();
        try
        {
            await Eventually.Until(() => Status(client, "/ready"), s => s == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "/ready 503 with the database down");
            (await Status(client, "/health")).Should().Be(HttpStatusCode.OK, "liveness must not depend on the database");

            // A request that needs the database fails fast with 503 and a problem body, not a hang or a 500.
            var clock = Stopwatch.StartNew();
            var login = await client.PostAsJsonAsync("/api/auth/login", new { username = "whoever", password = "long enough password" });
            clock.Stop();
            login.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            login.Headers.RetryAfter.Should().NotBeNull();
            (await login.Content.ReadAsStringAsync()).Should().NotContain("   at ", "no stack trace outside Development");
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the connect timeout bounds it");
        }
        finally
        {
            await fixture.Postgres.RestartAsync();
        }
        await Eventually.Until(() => Status(client, "/ready"), s => s == HttpStatusCode.OK, TimeSpan.FromSeconds(20), "/ready 200 after the database restarts");
        sut.HasExited.Should().BeFalse();
    }

    private static async Task<HttpStatusCode> Status(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return response.StatusCode;
    }
}
