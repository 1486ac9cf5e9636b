using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Reliability.Sut.Local.Sut;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Lifecycle;

[Collection(DatabaseCollection.Name)]
public sealed class StartupAndShutdownTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Three_replicas_starting_together_on_an_empty_database_migrate_it_exactly_once()
    {
        var databaseUrl = await fixture.CreateDatabaseAsync();
        var replicas = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => fixture.StartSutAsync(databaseUrl, $"sut-migrate-{i}")));
        try
        {
            foreach (var replica in replicas)
            {
                using var client = new HttpClient { BaseAddress = replica.BaseAddress };
                await Eventually.Until(async () => (await client.GetAsync("/ready")).StatusCode, s => s == HttpStatusCode.OK,
                    TimeSpan.FromSeconds(20), $"{replica.Options.PodName} ready");
            }
            await using var connection = new NpgsqlConnection(fixture.AdminConnectionString(databaseUrl));
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM schema_migrations", connection);
            (await count.ExecuteScalarAsync()).Should().Be(1L);

            var logs = await Task.WhenAll(replicas.Select(r => File.ReadAllTextAsync(r.LogFile)));
            logs.Count(log => log.Contains("Schema migration 1 (users and tasks) applied", StringComparison.Ordinal)).Should().Be(1);
            logs.Should().AllSatisfy(log => log.Should().NotContain("\"LogLevel\":\"Error\"").And.NotContain("migration failed"));
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_request_in_flight_when_SIGTERM_arrives_completes_with_200_and_the_process_exits_0()
    {
        var databaseUrl = await fixture.CreateDatabaseAsync();
        await using var sut = await fixture.StartSutAsync(databaseUrl, "sut-drain", drainDelay: TimeSpan.FromMilliseconds(500));
        using var client = new HttpClient { BaseAddress = sut.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var token = await SignUpAndLoginAsync(client);
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);

        // Hold a lock on tasks so the list request is provably in flight when the signal arrives.
        await using var admin = new NpgsqlConnection(fixture.AdminConnectionString(databaseUrl));
        await admin.OpenAsync();
        var transaction = await admin.BeginTransactionAsync();
        await using (var lockTasks = new NpgsqlCommand("LOCK TABLE tasks IN ACCESS EXCLUSIVE MODE", admin, transaction))
        {
            await lockTasks.ExecuteNonQueryAsync();
        }
        var inFlight = client.GetAsync("/api/tasks");
        await Eventually.Until(() => WaitingOnTasksLock(fixture.AdminConnectionString(databaseUrl)), n => n > 0, TimeSpan.FromSeconds(10), "the request to block on the lock");

        sut.SendSignal(15 /* SIGTERM */).Should().BeTrue();
        using (var probe = new HttpClient { BaseAddress = sut.BaseAddress, Timeout = TimeSpan.FromSeconds(5) })
        {
            await Eventually.Until(async () => (await probe.GetAsync("/ready")).StatusCode, s => s == HttpStatusCode.ServiceUnavailable,
                TimeSpan.FromSeconds(5), "/ready 503 while draining");
        }
        inFlight.IsCompleted.Should().BeFalse();
        await transaction.CommitAsync();

        var response = await inFlight;
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        await sut.Exited.WaitAsync(TimeSpan.FromSeconds(30));
        sut.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Outside_Development_it_refuses_to_start_without_a_signing_key_and_says_why()
    {
        var start = () => SutProcess.StartAsync(new SutProcessOptions
        {
            DatabaseUrl = "postgres://nobody:nothing@127.0.0.1:1/none",
            JwtSigningKey = "",
            PodName = "sut-no-key",
        }, fixture.Run);
        var failure = await start.Should().ThrowAsync<Reliability.Sut.Local.Processes.ComponentStartException>();
        failure.Which.Message.Should().Contain("exited with code 2").And.Contain("JWT_SIGNING_KEY is required outside the Development environment");
    }

    [Fact]
    public async Task Per_client_sign_up_limit_answers_429_with_retry_after()
    {
        await using var sut = await fixture.StartSutAsync(await fixture.CreateDatabaseAsync(), "sut-signup-limit",
            new Dictionary<string, string> { ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "3" });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress };
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var name = $"limit-{i}-{Guid.NewGuid():N}"[..20];
            var response = await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.test", password = "long enough password" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
            }
        }
        statuses.Should().Equal(HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests);
        var metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("http_rate_limited_total{policy=\"signup-per-client\"} 1");
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_each_forwarded_client_has_its_own_sign_up_bucket()
    {
        await using var sut = await fixture.StartSutAsync(await fixture.CreateDatabaseAsync(), "sut-behind-proxy",
            new Dictionary<string, string> { ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "2", ["TRUSTED_PROXIES"] = "127.0.0.0/8" });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress };

        var noisy = await SignUpsFromAsync(client, "203.0.113.7", 3);
        var other = await SignUpsFromAsync(client, "198.51.100.9", 1);

        noisy.Should().Equal(HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests);
        other.Should().Equal([HttpStatusCode.Created], "another client behind the same ingress is not locked out by the first");
    }

    [Fact]
    public async Task X_forwarded_for_from_an_untrusted_peer_is_ignored_so_it_cannot_buy_a_fresh_bucket()
    {
        await using var sut = await fixture.StartSutAsync(await fixture.CreateDatabaseAsync(), "sut-no-proxy",
            new Dictionary<string, string> { ["RATE_LIMIT_SIGNUP_PER_CLIENT"] = "2" });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress };

        var statuses = new List<HttpStatusCode>();
        foreach (var address in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3" })
        {
            statuses.AddRange(await SignUpsFromAsync(client, address, 1));
        }

        statuses.Should().Equal(HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests);
    }

    private static async Task<List<HttpStatusCode>> SignUpsFromAsync(HttpClient client, string forwardedFor, int count)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < count; i++)
        {
            var name = $"fwd-{Guid.NewGuid():N}"[..20];
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/users")
            {
                Content = JsonContent.Create(new { username = name, email = $"{name}@example.test", password = "long enough password" }),
            };
            request.Headers.Add("X-Forwarded-For", forwardedFor);
            statuses.Add((await client.SendAsync(request)).StatusCode);
        }
        return statuses;
    }

    private static async Task<string> SignUpAndLoginAsync(HttpClient client)
    {
        var name = $"drain-{Guid.NewGuid():N}"[..20];
        const string password = "long enough password";
        (await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.test", password })).EnsureSuccessStatusCode();
        return await ApiUser.LoginAsync(client, name, password);
    }

    private static async Task<long> WaitingOnTasksLock(string adminConnectionString)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'tasks'::regclass", connection);
        return (long)(await query.ExecuteScalarAsync())!;
    }
}
