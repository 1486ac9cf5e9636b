using System.Net.Http;
using Reliability.Load.Engine;


namespace Reliability.Load.Scenarios;

/// <summary>What one iteration of a scenario sees: its virtual user, the shared HTTP client, and timed steps.</summary>
public sealed class ScenarioContext
{
    private readonly IterationRecorder _recorder;

    internal ScenarioContext(VirtualUser user, long iteration, HttpClient http, IterationRecorder recorder, CancellationToken ct)
    {
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
}
