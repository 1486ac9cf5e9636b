using Reliability.Load.Scenarios;

namespace Reliability.Load.Targets;

/// <summary>
/// Any HTTP service: its one scenario, "get", sends a GET to the run's target URL (path and query
/// included) on each virtual user's keep-alive connection. It stores nothing the harness can read back.
/// </summary>
public sealed class HttpTarget : ILoadTarget
{
    public string Name => "http";

    public IReadOnlyList<string> Scenarios { get; } = ["get"];

    public IRowReader? Rows => null;

    public bool RequestsUrlAsGiven => true;

    public Scenario Create(string scenario, TargetContext context) => scenario == "get"
        ? new Scenario { Name = "http-get", Run = ctx => ctx.Get("get", "") }
        : throw new ArgumentException($"unknown scenario '{scenario}' of target {Name} (one of {string.Join(", ", Scenarios)})");
}
