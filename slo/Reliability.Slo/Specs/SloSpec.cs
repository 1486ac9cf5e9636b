namespace Reliability.Slo.Specs;

/// <summary>
/// A service's SLOs in the Sloth <c>prometheus/v1</c> shape: each SLO is an objective (percent of good
/// events) over an error query and a total query holding a <c>{{.window}}</c> placeholder.
/// </summary>
internal sealed record SloSpec(string File, string Service, IReadOnlyDictionary<string, string> Labels, IReadOnlyList<Slo> Slos);

internal sealed record Slo(
    string Name,
    double Objective,
    string? Description,
    string ErrorQuery,
    string TotalQuery,
    IReadOnlyDictionary<string, string> Labels,
    SloAlerting? Alerting)
{
    /// <summary>The error budget as a ratio: 0.001 for a 99.9 % objective.</summary>
    public double ErrorBudget => 1 - Objective / 100;

    public string ErrorQueryFor(string window) => ErrorQuery.Replace("{{.window}}", window, StringComparison.Ordinal);
    public string TotalQueryFor(string window) => TotalQuery.Replace("{{.window}}", window, StringComparison.Ordinal);
}

/// <summary>The multi-window multi-burn-rate alerts of one SLO: one name, a page and a ticket severity.</summary>
internal sealed record SloAlerting(
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    IReadOnlyDictionary<string, string> PageLabels,
    IReadOnlyDictionary<string, string> TicketLabels,
    bool PageDisabled,
    bool TicketDisabled);
