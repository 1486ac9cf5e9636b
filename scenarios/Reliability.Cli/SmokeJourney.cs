using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Reliability.Cli;

internal sealed record JourneyStep(string Name, int Status, int Expected, TimeSpan Elapsed)
{
    public bool Ok => Status == Expected;
}

/// <summary>One user's trip through the API: the checks a deploy smoke test makes.</summary>
internal static class SmokeJourney
{
    public static async Task<IReadOnlyList<JourneyStep>> RunAsync(Uri baseAddress, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var steps = new List<JourneyStep>();
        var username = $"smoke-{Guid.NewGuid():N}"[..20];
        var password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));

        async Task<HttpResponseMessage> Step(string name, int expected, Func<Task<HttpResponseMessage>> call)
        {
            var clock = Stopwatch.StartNew();
            var response = await call();
            steps.Add(new JourneyStep(name, (int)response.StatusCode, expected, clock.Elapsed));
            return response;
        }

        await Step("GET /health", 200, () => http.GetAsync("/health", ct));
        await Step("GET /ready", 200, () => http.GetAsync("/ready", ct));
        await Step("POST /api/users", 201, () => http.PostAsJsonAsync("/api/users", new { username, email = $"{username}@example.test", password }, ct));
        var login = await Step("POST /api/auth/login", 200, () => http.PostAsJsonAsync("/api/auth/login", new { username, password }, ct));
        if (!login.IsSuccessStatusCode)
        {
            return steps;
        }
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await Step("POST /api/tasks", 201, () => http.PostAsJsonAsync("/api/tasks", new { title = "smoke test task", priority = "HIGH" }, ct));
        var id = created.IsSuccessStatusCode ? (await created.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64() : 0;
        await Step("GET /api/tasks/{id}", 200, () => http.GetAsync($"/api/tasks/{id}", ct));
        await Step("PUT /api/tasks/{id}", 200, () => http.PutAsJsonAsync($"/api/tasks/{id}", new { status = "DONE" }, ct));
        await Step("GET /api/tasks", 200, () => http.GetAsync("/api/tasks?status=DONE", ct));
        await Step("DELETE /api/tasks/{id}", 204, () => http.DeleteAsync($"/api/tasks/{id}", ct));
        await Step("GET /api/tasks/{id} (gone)", 404, () => http.GetAsync($"/api/tasks/{id}", ct));
        http.DefaultRequestHeaders.Authorization = null;
        await Step("GET /api/tasks (no token)", 401, () => http.GetAsync("/api/tasks", ct));
        await Step("GET /metrics", 200, () => http.GetAsync("/metrics", ct));
        return steps;
    }
}
