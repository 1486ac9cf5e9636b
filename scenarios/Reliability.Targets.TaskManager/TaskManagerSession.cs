using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Reliability.Load.Scenarios;

namespace Reliability.Targets.TaskManager;

/// <summary>
/// One virtual user's account on the task-manager SUT. It signs up and logs in once (in the user's init
/// hook: the password KDF is slow by design), reuses its bearer token, and logs in again on a 401 or
/// when the token is about to expire. The password and token live only here: never logged, never reported.
/// Iterations send on the user's lean connection; sign-up, log-in and set-up hooks use the run's HttpClient.
/// </summary>
internal sealed class TaskManagerSession
{
    private const string Key = "task-manager-session";
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    private readonly TimeProvider _time;
    private string _authorization = "";
    private DateTimeOffset _expiresAt;

    private TaskManagerSession(string username, TimeProvider time)
    {
        Username = username;
        _time = time;
    }

    public string Username { get; }
    public long UserId { get; private set; }
    public List<long> TaskIds { get; } = [];

    public static TaskManagerSession Of(VirtualUser user) => user.Get<TaskManagerSession>(Key);

    /// <summary>The init hook: a fresh account per virtual user and run.</summary>
    public static async Task InitAsync(VirtualUser user, HttpClient http, string runId, TimeProvider time, CancellationToken ct)
    {
        var session = new TaskManagerSession($"load-{runId}-{user.Id}", time);
        using (var signUp = await http.PostAsJsonAsync("api/users", new { username = session.Username, email = $"{session.Username}@load.test", password = session._password }, ct))
        {
            if (!signUp.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"sign-up of virtual user {user.Id} answered {(int)signUp.StatusCode}");
            }
            session.UserId = (await signUp.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetInt64();
        }
        await session.LoginAsync(http, ct);
        user.Data[Key] = session;
    }

    /// <summary>
    /// Sends an authenticated request on the user's lean connection (its JSON body serialized here); on 401
    /// (or an expiring token) logs in again, as a timed "login" step, and retries once.
    /// </summary>
    public async ValueTask<HttpReply> SendAsync(ScenarioContext ctx, HttpMethod method, string path, object? body = null, bool readBody = false)
    {
        if (_time.GetUtcNow() > _expiresAt - TimeSpan.FromSeconds(30))
        {
            await ReloginAsync(ctx);
        }
        var json = body is null ? default : JsonSerializer.SerializeToUtf8Bytes(body, JsonSerializerOptions.Web);
        var reply = await ctx.SendAsync(method, path, _authorization, json, readBody);
        if (reply.Status != (int)HttpStatusCode.Unauthorized)
        {
            return reply;
        }
        await ReloginAsync(ctx);
        return await ctx.SendAsync(method, path, _authorization, json, readBody);
    }

    private Task ReloginAsync(ScenarioContext ctx) =>
        ctx.Step("login", async () => { await LoginAsync(ctx.Http, ctx.CancellationToken); return StepResult.Ok(200); });

    /// <summary>The same outside an iteration (set-up hooks): re-logins are not measured.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct, Func<Task>? relogin = null)
    {
        relogin ??= () => LoginAsync(http, ct);
        if (_time.GetUtcNow() > _expiresAt - TimeSpan.FromSeconds(30))
        {
            await relogin();
        }
        var response = await SendOnceAsync(http, method, path, body, ct);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }
        response.Dispose();
        await relogin();
        return await SendOnceAsync(http, method, path, body, ct);
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpClient http, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }
        return await http.SendAsync(request, ct);
    }

    private async Task LoginAsync(HttpClient http, CancellationToken ct)
    {
        using var login = await http.PostAsJsonAsync("api/auth/login", new { username = Username, password = _password }, ct);
        if (!login.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"login answered {(int)login.StatusCode}", null, login.StatusCode);
        }
        var body = await login.Content.ReadFromJsonAsync<JsonElement>(ct);
        _authorization = "Bearer " + body.GetProperty("accessToken").GetString();
        _expiresAt = _time.GetUtcNow().AddSeconds(body.GetProperty("expiresIn").GetInt32());
    }
}
