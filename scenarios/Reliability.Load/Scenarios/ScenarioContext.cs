using System.Net.Http;
using System.Net.Http.Headers;
using Reliability.Load.Engine;
using Reliability.Load.Http;

namespace Reliability.Load.Scenarios;

/// <summary>What one iteration of a scenario sees: its virtual user, the shared HTTP client, and timed steps.</summary>
public sealed class ScenarioContext
{
    private readonly IterationRecorder _recorder;
    private readonly LeanHttpTarget? _lean;

    internal ScenarioContext(VirtualUser user, long iteration, HttpClient http, IterationRecorder recorder, CancellationToken ct, LeanHttpTarget? lean = null)
    {
        _lean = lean;
        User = user;
        Iteration = iteration;
        Http = http;
        _recorder = recorder;
        CancellationToken = ct;
    }

    public VirtualUser User { get; }
    public long Iteration { get; }
    public HttpClient Http { get; }
    public CancellationToken CancellationToken { get; }

    /// <summary>The virtual user's random numbers: deterministic for the run's seed, its shard and the user.</summary>
    public Random Random => User.Random;

    /// <summary>
    /// Times one step and records it under <paramref name="name"/>. An exception becomes a failed step
    /// with its reason (timeout, connection refused or reset, exception type); a failed step fails the iteration.
    /// </summary>
    public async Task<StepResult> Step(string name, Func<Task<StepResult>> action)
    {
        var started = _recorder.Time.GetTimestamp();
        StepResult result;
        try
        {
            result = await action();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !CancellationToken.IsCancellationRequested)
        {
            result = StepResult.Fail(FailureReason.Of(ex));
        }
        _recorder.RecordStep(name, started, result);
        return result;
    }

    /// <summary>Sends a request as a step; the response is disposed, only its status counts.</summary>
    public Task<StepResult> Step(string name, Func<HttpClient, Task<HttpResponseMessage>> request) =>
        Step(name, async () =>
        {
            using var response = await request(Http);
            return StepResult.From(response);
        });

    /// <summary>
    /// GETs <paramref name="path"/> as a step, on the virtual user's own keep-alive connection through the
    /// engine's lean HTTP/1.1 client: a fraction of HttpClient's CPU, for steps that need only the status
    /// (the body is read past, not kept; see <see cref="SendAsync"/> for headers and bodies). Targets over
    /// https go through <see cref="Http"/>.
    /// </summary>
    public async Task<StepResult> Get(string name, string path)
    {
        if (_lean is null)
        {
            return await Step(name, http => http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, CancellationToken));
        }
        var started = _recorder.Time.GetTimestamp();
        StepResult result;
        try
        {
            var connection = User.Connection ??= new LeanHttpConnection(_lean, CancellationToken);
            result = StepResult.From(await connection.SendAsync(_lean.Get(path)));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !CancellationToken.IsCancellationRequested)
        {
            result = StepResult.Fail(FailureReason.Of(ex));
        }
        _recorder.RecordStep(name, started, result);
        return result;
    }

    /// <summary>
    /// Sends a request on the virtual user's own keep-alive connection through the engine's lean HTTP/1.1
    /// client, with an Authorization header (e.g. "Bearer ...") and a JSON body when given, and gives the
    /// status, and the body when <paramref name="readBody"/>. Not timed by itself: call it inside
    /// <see cref="Step(string, Func{Task{StepResult}})"/>, which turns an exception into the step's failure reason.
    /// Targets over https go through <see cref="Http"/>, as before the lean client could send bodies.
    /// </summary>
    public async ValueTask<HttpReply> SendAsync(HttpMethod method, string path, string? authorization = null, ReadOnlyMemory<byte> json = default, bool readBody = false)
    {
        if (_lean is null)
        {
            return await SendWithHttpClientAsync(method, path, authorization, json, readBody);
        }
        var connection = User.Connection ??= new LeanHttpConnection(_lean, CancellationToken);
        _lean.Write(connection.Request, method, path, authorization, json.Span);
        var status = await connection.SendAsync(connection.Request.WrittenMemory, readBody);
        return new HttpReply(status, readBody ? connection.Body : default);
    }

    private async Task<HttpReply> SendWithHttpClientAsync(HttpMethod method, string path, string? authorization, ReadOnlyMemory<byte> json, bool readBody)
    {
        using var request = new HttpRequestMessage(method, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }
        if (!json.IsEmpty)
        {
            request.Content = new ReadOnlyMemoryContent(json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        }
        using var response = await Http.SendAsync(request, readBody ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead, CancellationToken);
        var body = readBody ? await response.Content.ReadAsByteArrayAsync(CancellationToken) : default;
        return new HttpReply((int)response.StatusCode, body);
    }
}
