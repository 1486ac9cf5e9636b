using System.Net.Http.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Security;

[Collection(SutCollection.Name)]
public sealed class SecretsInLogsTests(SutFixture fixture)
{
    [Fact]
    public async Task Logs_hold_no_password_token_signing_key_or_database_password()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        await user.CreateTaskAsync();
        using var client = fixture.Client();
        await client.PostAsJsonAsync("/api/auth/login", new { username = user.Username, password = "a-wrong-password-123" });
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.");
        await client.GetAsync("/api/tasks");
        // A server error path too: log lines for 5xx carry exception messages.
        await client.GetAsync("/api/tasks?page=abc");

        var log = await File.ReadAllTextAsync(fixture.Sut.LogFile);
        log.Should().NotBeEmpty();
        log.Should().NotContain(user.Password)
            .And.NotContain("a-wrong-password-123")
            .And.NotContain(user.Token)
            .And.NotContain("eyJ", "no JWT, valid or not, belongs in a log")
            .And.NotContain(fixture.SigningKey)
            .And.NotContain(fixture.Postgres.AppPassword);
    }
}
