using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>A signed-up, logged-in user with a client that carries its bearer token.</summary>
public sealed record ApiUser(long Id, string Username, string Password, string Token, HttpClient Client) : IDisposable
{
    private static int _sequence;

    public static async Task<ApiUser> CreateAsync(SutFixture fixture, string? prefix = null)
    {
        var anonymous = fixture.Client();
        var username = $"{prefix ?? "user"}-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid().ToString("N")[..6]}";
        var password = $"Pw-{Guid.NewGuid():N}";
        var signUp = await anonymous.PostAsJsonAsync("/api/users", new { username, email = $"{username}@example.test", password });
        signUp.EnsureSuccessStatusCode();
        var id = (await signUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var token = await LoginAsync(anonymous, username, password);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiUser(id, username, password, token, anonymous);
    }

    public static async Task<string> LoginAsync(HttpClient client, string username, string password)
    {
        var login = await client.PostAsJsonAsync("/api/auth/login", new { username, password });
        login.EnsureSuccessStatusCode();
        return (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
    }

    public async Task<long> CreateTaskAsync(string title = "a task")
    {
        var response = await Client.PostAsJsonAsync("/api/tasks", new { title });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
    }

    public void Dispose() => Client.Dispose();
}
