using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Security;

/// <summary>With JWT_AUTHORITY set, tokens come from the OIDC issuer (Keycloak in production), checked through its discovery document.</summary>
[Collection(DatabaseCollection.Name)]
public sealed class OidcAuthorityTests(DatabaseFixture fixture)
{
    [Fact]
    public async Task Tokens_from_the_issuer_are_accepted_and_everything_else_is_refused()
    {
        using var issuer = new OidcStandIn();
        await using var sut = await fixture.StartSutAsync(await fixture.CreateDatabaseAsync(), "sut-oidc", new Dictionary<string, string>
        {
            ["JWT_AUTHORITY"] = issuer.Issuer,
            ["JWT_AUDIENCE"] = "task-api",
            ["JWT_SIGNING_KEY"] = "",
        });
        using var client = new HttpClient { BaseAddress = sut.BaseAddress };
        var name = $"oidc-{Guid.NewGuid():N}"[..20];
        var signUp = await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.test", password = "long enough password" });
        var userId = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var now = DateTimeOffset.UtcNow;
        object Claims(string iss, string aud) => new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture), ["iss"] = iss, ["aud"] = aud,
            ["iat"] = now.ToUnixTimeSeconds(), ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
        };

        (await Call(client, issuer.Sign(Claims(issuer.Issuer, "task-api")))).Should().Be(HttpStatusCode.OK);
        issuer.Requests.Should().Contain("/realms/tasks/.well-known/openid-configuration").And.Contain("/realms/tasks/protocol/openid-connect/certs");

        using var stranger = RSA.Create(2048);
        (await Call(client, issuer.Sign(Claims(issuer.Issuer, "task-api"), stranger))).Should().Be(HttpStatusCode.Unauthorized, "signed by a key the issuer does not publish");
        (await Call(client, issuer.Sign(Claims(issuer.Issuer, "another-api")))).Should().Be(HttpStatusCode.Unauthorized, "wrong audience");
        (await Call(client, issuer.Sign(Claims("http://evil.example/realms/tasks", "task-api")))).Should().Be(HttpStatusCode.Unauthorized, "wrong issuer");
        (await Call(client, TokenForge.Hs256(new string('k', 64), Claims(issuer.Issuer, "task-api")))).Should().Be(HttpStatusCode.Unauthorized, "HS256 is not accepted from an OIDC issuer");
    }

    private static async Task<HttpStatusCode> Call(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/tasks");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
