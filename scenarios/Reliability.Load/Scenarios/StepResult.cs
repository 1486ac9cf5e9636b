using System.Net.Http;

namespace Reliability.Load.Scenarios;

/// <summary>The outcome of one timed step: ok, or a failure with a reason that groups in reports.</summary>
public readonly record struct StepResult(bool IsOk, string? Reason = null, int? StatusCode = null)
{
    public static StepResult Ok(int? statusCode = null) => new(true, null, statusCode);

    public static StepResult Fail(string reason, int? statusCode = null) => new(false, reason, statusCode);

    /// <summary>2xx (and 3xx) is ok; anything else fails with reason http_&lt;status&gt;.</summary>
    public static StepResult From(HttpResponseMessage response) => From((int)response.StatusCode);

    public static StepResult From(int status) => status < 400 ? Ok(status) : Fail($"http_{status}", status);
}
