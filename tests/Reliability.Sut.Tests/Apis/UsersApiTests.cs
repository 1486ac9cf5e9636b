using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Apis;

[Collection(SutCollection.Name)]
public sealed class UsersApiTests(SutFixture fixture)
{
    [Fact]
    public async Task Sign_up_returns_the_user_without_any_password_material()
    {
        using var client = fixture.Client();
        var name = $"signup-{Guid.NewGuid():N}"[..30];
        var response = await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@Example.test", password = "correct horse battery" });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().NotContainAny("password", "hash", "correct horse");
        var body = JsonDocument.Parse(text).RootElement;
        body.GetProperty("username").GetString().Should().Be(name);
        body.GetProperty("email").GetString().Should().Be($"{name}@example.test");
        response.Headers.Location!.ToString().Should().Be($"/api/users/{body.GetProperty("id").GetInt64()}");
    }

    [Fact]
    public async Task The_password_is_stored_as_a_pbkdf2_hash_never_in_clear()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        await using var connection = new Npgsql.NpgsqlConnection(fixture.Postgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand("SELECT password_hash FROM users WHERE id = @id", connection);
        query.Parameters.AddWithValue("id", user.Id);
        var hash = (string)(await query.ExecuteScalarAsync())!;
        hash.Should().NotContain(user.Password);
        Convert.FromBase64String(hash)[0].Should().Be(0x01, "Identity v3 format: PBKDF2 with a per-user salt");
    }

    [Fact]
    public async Task Duplicate_username_or_email_is_409_naming_the_field()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var client = fixture.Client();
        var sameName = await client.PostAsJsonAsync("/api/users", new { username = user.Username, email = $"other-{Guid.NewGuid():N}@example.test", password = "long enough password" });
        sameName.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await sameName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString().Should().Be("username");

        var sameEmail = await client.PostAsJsonAsync("/api/users", new { username = $"other-{Guid.NewGuid():N}"[..20], email = $"{user.Username}@EXAMPLE.test", password = "long enough password" });
        sameEmail.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await sameEmail.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString().Should().Be("email");
    }

    [Theory]
    [InlineData("short-pass", "password")]
    [InlineData(null, "password")]
    public async Task Sign_up_with_a_bad_password_is_400(string? password, string field)
    {
        using var client = fixture.Client();
        var name = $"pw-{Guid.NewGuid():N}"[..20];
        var response = await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.test", password });
        await Problem.ShouldBeValidation(response, field);
    }

    [Fact]
    public async Task A_password_over_128_characters_is_400()
    {
        using var client = fixture.Client();
        var name = $"pw-{Guid.NewGuid():N}"[..20];
        var response = await client.PostAsJsonAsync("/api/users", new { username = name, email = $"{name}@example.test", password = new string('p', 129) });
        await Problem.ShouldBeValidation(response, "password");
    }

    [Fact]
    public async Task Sign_up_names_every_bad_field()
    {
        using var client = fixture.Client();
        var response = await client.PostAsJsonAsync("/api/users", new { username = "x' OR 1=1 --", email = "not-an-email", password = "short" });
        var errors = await Problem.ShouldBeValidation(response, "username");
        errors.Should().ContainKeys("email", "password");
    }

    [Fact]
    public async Task A_user_can_read_their_own_profile_and_unknown_ids_are_404()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var me = await user.Client.GetFromJsonAsync<JsonElement>($"/api/users/{user.Id}");
        me.GetProperty("username").GetString().Should().Be(user.Username);
        (await user.Client.GetAsync("/api/users/999999999")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}
