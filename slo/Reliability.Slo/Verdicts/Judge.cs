using Reliability.Evidence;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Observe.Prometheus;

namespace Reliability.Slo.Verdicts;

/// <summary>
/// Judges a finished run from its journal: every SLO of the specs per phase on the server side
/// (Prometheus, with the spec's own queries) and the client side (the load in the journal), then every
/// hypothesis. Each SLI and each verdict is written to the journal, after the evidence it rests on.
/// </summary>
internal sealed class Judge(PrometheusClient? prometheus, Observation observation, IReadOnlyList<Specs.Slo> slos)
{
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(ExperimentDefinition definition, ExperimentJournal journal, IReadOnlyList<DateTimeOffset>? writeAcks, CancellationToken ct)
    {
        var timeline = Timeline.From(journal.Events);
        void Warn(string warning) => journal.Write(new ObservationWarning("prometheus", warning));
        IReadOnlyList<PhaseSli> server;
        if (prometheus is not null)
        {
            prometheus.WarningReceived += Warn;
        }
        try
        {
            server = await ServerSli.MeasureAsync(prometheus, slos, timeline.Phases, ct);
        }
        finally
        {
            if (prometheus is not null)
            {
                prometheus.WarningReceived -= Warn;
            }
        }
        foreach (var sli in server)
        {
            journal.Write(new SliMeasured("server", sli.Phase, sli.Slo, sli.GoodPercent, sli.BurnRate, sli.BudgetSpentPercent, sli.Problem));
        }
        foreach (var sli in ClientSli.Measure(timeline.Load, slos, timeline.Phases))
        {
            journal.Write(new SliMeasured("client", sli.Phase, sli.Slo, BurnRate: sli.BurnRate, BudgetSpentPercent: sli.BudgetSpentPercent,
                Iterations: sli.Iterations, SuccessPercent: sli.SuccessPercent, P95Ms: sli.P95Ms, Requests: sli.Requests));
        }
        var verdicts = HypothesisEvaluator.Evaluate(definition, timeline, observation, server, writeAcks);
        foreach (var verdict in verdicts)
        {
            journal.Write(VerdictRecorded.From(verdict));
        }
        return verdicts;
    }
}
