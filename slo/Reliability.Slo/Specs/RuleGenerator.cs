using System.Globalization;
using System.Text;

namespace Reliability.Slo.Specs;

/// <summary>
/// Writes Prometheus rules from SLO specs the way Sloth does: SLI error-ratio recordings over the alert
/// windows and the 30-day period, metadata recordings (objective, budget, burn rates, budget left), and
/// the multi-window multi-burn-rate alerts of the Google SRE Workbook for a 30-day SLO:
/// page at 14.4x over 1h and 5m or 6x over 6h and 30m; ticket at 3x over 1d and 2h or 1x over 3d and 6h.
/// </summary>
internal static class RuleGenerator
{
    public static readonly IReadOnlyList<string> Windows = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];
    public const string Period = "30d";

    /// <summary>(factor, long window, short window) of each condition.</summary>
    public static readonly IReadOnlyList<(decimal Factor, string Long, string Short)> Page = [(14.4m, "1h", "5m"), (6m, "6h", "30m")];
    public static readonly IReadOnlyList<(decimal Factor, string Long, string Short)> Ticket = [(3m, "1d", "2h"), (1m, "3d", "6h")];

    /// <summary>The rule groups (YAML list items at indent 2) for every SLO of every spec.</summary>
    public static string Groups(IEnumerable<SloSpec> specs)
    {
        var text = new StringBuilder();
        foreach (var spec in specs)
        {
            foreach (var slo in spec.Slos)
            {
                var labels = Labels(spec, slo);
                var id = labels["sloth_id"];
                Group(text, $"sloth-slo-sli-recordings-{id}");
                foreach (var window in Windows)
                {
                    Rule(text, "record", "slo:sli_error:ratio_rate" + window,
                        $"({slo.ErrorQueryFor(window)})\n/\n({slo.TotalQueryFor(window)})", With(labels, "sloth_window", window));
                }
                Rule(text, "record", "slo:sli_error:ratio_rate" + Period,
                    $"sum_over_time(slo:sli_error:ratio_rate5m{{sloth_id=\"{id}\", sloth_service=\"{spec.Service}\", sloth_slo=\"{slo.Name}\"}}[{Period}])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{{sloth_id=\"{id}\", sloth_service=\"{spec.Service}\", sloth_slo=\"{slo.Name}\"}}[{Period}])",
                    With(labels, "sloth_window", Period));

                var selector = $"{{sloth_id=\"{id}\", sloth_service=\"{spec.Service}\", sloth_slo=\"{slo.Name}\"}}";
                Group(text, $"sloth-slo-meta-recordings-{id}");
                Rule(text, "record", "slo:objective:ratio", $"vector({Number(ObjectiveRatio(slo))})", labels);
                Rule(text, "record", "slo:error_budget:ratio", $"vector({Number(Budget(slo))})", labels);
                Rule(text, "record", "slo:time_period:days", "vector(30)", labels);
                Rule(text, "record", "slo:current_burn_rate:ratio",
                    $"slo:sli_error:ratio_rate5m{selector}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{selector}", labels);
                Rule(text, "record", "slo:period_burn_rate:ratio",
                    $"slo:sli_error:ratio_rate{Period}{selector}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio{selector}", labels);
                Rule(text, "record", "slo:period_error_budget_remaining:ratio", $"1 - slo:period_burn_rate:ratio{selector}", labels);

                if (slo.Alerting is { } alerting)
                {
                    Group(text, $"sloth-slo-alerts-{id}");
                    if (!alerting.PageDisabled)
                    {
                        Alert(text, alerting, "page", Condition(slo, selector, Page), alerting.PageLabels);
                    }
                    if (!alerting.TicketDisabled)
                    {
                        Alert(text, alerting, "ticket", Condition(slo, selector, Ticket), alerting.TicketLabels);
                    }
                }
            }
        }
        return text.ToString();
    }

    public static decimal Budget(Slo slo) => (100m - (decimal)slo.Objective) / 100m;

    private static decimal ObjectiveRatio(Slo slo) => (decimal)slo.Objective / 100m;

    private static string Condition(Slo slo, string selector, IReadOnlyList<(decimal Factor, string Long, string Short)> pairs) =>
        string.Join("\nor ignoring (sloth_window)\n", pairs.Select(p =>
            $"(\n  (slo:sli_error:ratio_rate{p.Short}{selector} > ({Number(p.Factor)} * {Number(Budget(slo))}))\n  and ignoring (sloth_window)\n  (slo:sli_error:ratio_rate{p.Long}{selector} > ({Number(p.Factor)} * {Number(Budget(slo))}))\n)"));

    private static Dictionary<string, string> Labels(SloSpec spec, Slo slo)
    {
        var labels = new Dictionary<string, string>(spec.Labels);
        foreach (var (k, v) in slo.Labels)
        {
            labels[k] = v;
        }
        labels["sloth_id"] = $"{spec.Service}-{slo.Name}";
        labels["sloth_service"] = spec.Service;
        labels["sloth_slo"] = slo.Name;
        return labels;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> labels, string key, string value) => new(labels) { [key] = value };

    private static void Group(StringBuilder text, string name) =>
        text.Append("  - name: ").Append(name).Append('\n').Append("    rules:\n");

    private static void Rule(StringBuilder text, string kind, string name, string expr, IReadOnlyDictionary<string, string> labels)
    {
        text.Append("      - ").Append(kind).Append(": ").Append(name).Append('\n');
        text.Append("        expr: |\n");
        foreach (var line in expr.Split('\n'))
        {
            text.Append("          ").Append(line).Append('\n');
        }
        Map(text, "labels", labels);
    }

    private static void Alert(StringBuilder text, SloAlerting alerting, string severity, string expr, IReadOnlyDictionary<string, string> severityLabels)
    {
        var labels = new Dictionary<string, string>(alerting.Labels) { ["sloth_severity"] = severity };
        foreach (var (k, v) in severityLabels)
        {
            labels[k] = v;
        }
        Rule(text, "alert", alerting.Name, expr, labels);
        if (alerting.Annotations.Count > 0)
        {
            Map(text, "annotations", alerting.Annotations);
        }
    }

    private static void Map(StringBuilder text, string key, IReadOnlyDictionary<string, string> values)
    {
        text.Append("        ").Append(key).Append(":\n");
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            text.Append("          ").Append(k).Append(": ").Append(Quote(v)).Append('\n');
        }
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Number(decimal value) => value.ToString("0.############", CultureInfo.InvariantCulture);
}
