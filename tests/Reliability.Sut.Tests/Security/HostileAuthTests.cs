using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Security;

/// <summary>OWASP API2 (broken authentication) against the real SUT and PostgreSQL.</summary>
[Collection(SutCollection.Name)]
public sealed class HostileAuthTests(SutFixture fixture)
{
    public static TheoryData<string> ProtectedRoutes => new() { "/api/tasks", "/api/tasks/1", "/api/users/1" };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task No_token_is_401_with_a_bearer_challenge(string path)
    {
        using var client = fixture.Client();
        var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Headers.WwwAuthenticate.Should().Contain(h => h.Scheme == "Bearer");
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Every_kind_of_bad_token_is_401()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var key = fixture.SigningKey;
        var wrongKey = new string('k', 64);
        var cases = new Dictionary<string, string>
        {
            ["malformed"] = "not.a.jwt",
            ["garbage"] = "eyJhbGciOiJIUzI1NiJ9.%%%.###",
            ["alg none"] = TokenForge.Unsigned(TokenForge.Claims(user.Id)),
            ["alg none, signed header claims HS256 but no signature"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id)).Split('.')[0] + "." + TokenForge.Hs256(key, TokenForge.Claims(user.Id)).Split('.')[1] + ".",
            ["wrong key"] = TokenForge.Hs256(wrongKey, TokenForge.Claims(user.Id)),
            ["expired"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id, DateTimeOffset.UtcNow.AddHours(-2), expiresIn: TimeSpan.FromMinutes(15))),
            ["not yet valid"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id, notBeforeIn: TimeSpan.FromHours(1), expiresIn: TimeSpan.FromHours(2))),
            ["wrong issuer"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id, iss: "someone-else")),
            ["wrong audience"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id, aud: "another-api")),
            ["HS512 with the right key"] = TokenForge.Hs256(key, TokenForge.Claims(user.Id), new { alg = "HS512", typ = "JWT" }),
            ["unknown subject"] = TokenForge.Hs256(key, TokenForge.Claims(long.MaxValue - 7)),
        };
        // The control: a correctly forged token is accepted, so each refusal below is the token's fault.
        using (var control = fixture.Client())
        {
            control.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TokenForge.Hs256(key, TokenForge.Claims(user.Id)));
            (await control.GetAsync("/api/tasks")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        foreach (var (name, token) in cases)
        {
            using var client = fixture.Client();
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            var response = await client.GetAsync("/api/tasks");
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, $"a token that is {name} must be refused");
        }
    }

    [Fact]
    public async Task A_token_whose_user_was_deleted_is_401()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        (await user.Client.GetAsync("/api/tasks")).StatusCode.Should().Be(HttpStatusCode.OK);
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.Postgres.AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var delete = new Npgsql.NpgsqlCommand("DELETE FROM users WHERE id = @id", connection);
            delete.Parameters.AddWithValue("id", user.Id);
            (await delete.ExecuteNonQueryAsync()).Should().Be(1);
        }
        (await user.Client.GetAsync("/api/tasks")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Wrong_password_and_unknown_user_get_the_same_401()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var client = fixture.Client();
        var wrongPassword = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "not-the-password-1" });
        var unknownUser = await client.PostAsJsonAsync("/api/auth/login", new { username = $"nobody-{Guid.NewGuid():N}"[..30], password = "not-the-password-1" });
        wrongPassword.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        unknownUser.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var a = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>();
        var b = await unknownUser.Content.ReadFromJsonAsync<JsonElement>();
        a.GetProperty("detail").GetString().Should().Be(b.GetProperty("detail").GetString());
        a.GetProperty("title").GetString().Should().Be(b.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Brute_force_on_one_username_gets_429_with_retry_after_within_the_configured_attempts()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var client = fixture.Client();
        HttpResponseMessage? throttled = null;
        // The user's own successful login in ApiUser.CreateAsync used one attempt already.
        for (var attempt = 1; attempt <= SutFixture.LoginPerUsernameLimit; attempt++)
        {
            var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = $"guess-number-{attempt:D4}" });
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throttled = response;
                break;
            }
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
        throttled.Should().NotBeNull($"the limit is {SutFixture.LoginPerUsernameLimit} attempts per minute");
        throttled!.Headers.RetryAfter!.Delta.Should().BeGreaterThan(TimeSpan.Zero);
        // Even the right password is refused until the window passes: the limit is not an oracle.
        (await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = user.Password }))
            .StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        (await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username.ToUpperInvariant(), password = user.Password }))
            .StatusCode.Should().Be(HttpStatusCode.TooManyRequests, "case variants share one budget");
    }

    [Fact]
    public async Task A_login_token_has_the_documented_shape_and_claims()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var client = fixture.Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = user.Password });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("tokenType").GetString().Should().Be("Bearer");
        body.GetProperty("expiresIn").GetInt32().Should().Be(900);
        var payload = body.GetProperty("accessToken").GetString()!.Split('.')[1];
        var json = JsonDocument.Parse(Convert.FromBase64String(payload.Replace('-', '+').Replace('_', '/').PadRight((payload.Length + 3) / 4 * 4, '='))).RootElement;
        json.GetProperty("sub").GetString().Should().Be(user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        json.GetProperty("iss").GetString().Should().Be("reliability-sut");
        json.GetProperty("aud").GetString().Should().Be("reliability-sut");
    }
}
