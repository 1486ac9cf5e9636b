namespace Reliability.Load.Scenarios;

/// <summary>
/// A response as a scenario sees it: the status and, when the request asked for it, the body. Over the lean
/// client the body is the user's connection buffer: read it before the user's next request.
/// </summary>
public readonly record struct HttpReply(int Status, ReadOnlyMemory<byte> Body)
{
    /// <summary>2xx (and 3xx) is ok; anything else fails with reason http_&lt;status&gt;.</summary>
    public StepResult Result => StepResult.From(Status);
}
