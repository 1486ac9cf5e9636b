using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Experiments.Running;
using Reliability.Load.Engine;
using Reliability.Slo.Verdicts;

namespace Reliability.Cli;

/// <summary>
/// One experiment, the one way `run` and `gameday` do it on any target: the runner records the evidence
/// in the journal, the judge reads it and adds the SLIs and verdicts, and the reports render the result.
/// </summary>
internal static class ExperimentPipeline
{
    public static async Task<ExperimentResult> RunAsync(LoadedExperiment experiment, RunTarget target, IReadOnlyList<Reliability.Slo.Specs.Slo> slos,
        string folder, ILoadProgress? load, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        var journalPath = Path.Combine(folder, "journal.jsonl");
        var ledgerPath = Path.Combine(folder, "write-ledger.jsonl");
        await using var journal = new ExperimentJournal(journalPath, TimeProvider.System);
        var evidence = await new ExperimentRunner(target, Console.Out, TimeProvider.System, load).RunAsync(experiment, journal, ledgerPath, ct);
        var judge = new Judge(target.Prometheus, new Observation(target.Prometheus is not null, target.Alertmanager is not null, target.AlertTimeScale) { Alarms = target.CloudWatch is not null }, slos);
        await judge.JudgeAsync(experiment.Definition, journal, evidence.WriteAcks, ct);
        var result = ExperimentResult.From(experiment.Definition, journal.Events, journalPath, ledgerPath);
        journal.Write(new ExperimentEnded(result.Outcome, result.Passed, result.Inconclusive));
        await ExperimentReport.WriteAsync(result, folder, Console.Out);
        return result;
    }
}
