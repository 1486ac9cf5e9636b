using System.Globalization;
using Reliability.Evidence;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Observe.Prometheus;
using Reliability.Slo.Specs;

namespace Reliability.Slo.Verdicts;

/// <summary>Measures every SLO of the specs over every phase with the spec's own queries, the window being the phase.</summary>
internal static class ServerSli
{
    private static readonly TimeSpan Period = TimeSpan.FromDays(30);

    public static async Task<IReadOnlyList<PhaseSli>> MeasureAsync(PrometheusClient? prometheus, IReadOnlyList<Specs.Slo> slos,
        IReadOnlyDictionary<Phase, TimeWindow> phases, CancellationToken ct)
    {
        var results = new List<PhaseSli>();
        foreach (var (phase, (start, end)) in phases.OrderBy(p => p.Value.Start))
        {
            foreach (var slo in slos)
            {
                results.Add(prometheus is null
                    ? new PhaseSli(phase, slo.Name, null, null, null, "no Prometheus to ask")
                    : await MeasureAsync(prometheus, slo, phase, start, end, ct));
            }
        }
        return results;
    }

    private static async Task<PhaseSli> MeasureAsync(PrometheusClient prometheus, Specs.Slo slo, Phase phase, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var window = $"{Math.Max(1, (int)Math.Round((end - start).TotalSeconds)).ToString(CultureInfo.InvariantCulture)}s";
        try
        {
            var errors = await prometheus.QueryAsync(slo.ErrorQueryFor(window), end, ct);
            var total = await prometheus.QueryAsync(slo.TotalQueryFor(window), end, ct);
            if (total.Count == 0 || errors.Count == 0 || total[0].Value is not > 0 || double.IsNaN(errors[0].Value))
            {
                return new PhaseSli(phase, slo.Name, null, null, null, $"Prometheus has no data for the {window} window ending {end:HH:mm:ss}");
            }
            var ratio = Math.Clamp(errors[0].Value / total[0].Value, 0, 1);
            var budget = (double)RuleGenerator.Budget(slo);
            return new PhaseSli(phase, slo.Name, (1 - ratio) * 100, ratio / budget, ratio * (end - start).TotalSeconds / (budget * Period.TotalSeconds) * 100, null);
        }
        catch (Exception ex) when (ex is HttpRequestException or PrometheusException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            return new PhaseSli(phase, slo.Name, null, null, null, $"Prometheus could not be queried: {ex.Message}");
        }
    }
}
