using Reliability.Experiments.Definitions;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Journal;
using Reliability.Experiments.Verdicts;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Load.TaskManager;
using Reliability.Slo.Rpo;

namespace Reliability.Experiments.Running;

/// <summary>
/// Steps through an experiment: plan (every selector must match), start load, hold the steady state
/// and check it, inject, watch the stop conditions, recover at the end of the fault window (or at
/// once on a stop condition, an error or cancellation), keep load through recovery, reconcile the
/// write ledger, and judge the hypotheses. Rollback happens on every path out of the fault window.
/// </summary>
public sealed partial class ExperimentRunner(RunTarget target, TextWriter console, ILoadProgress? loadConsole = null, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Plans only: what would be injected where. Touches nothing.</summary>
    public async Task<FaultPlan> DryRunAsync(LoadedExperiment experiment, CancellationToken ct) =>
        await target.Driver.PlanAsync(experiment.Faults, ct);

    public async Task<ExperimentResult> RunAsync(LoadedExperiment experiment, string outputDirectory, CancellationToken ct)
    {
        var definition = experiment.Definition;
        Directory.CreateDirectory(outputDirectory);
        await using var journal = new ExperimentJournal(Path.Combine(outputDirectory, "journal.jsonl"), _time);
        journal.Write("experiment", new
        {
            name = definition.Name,
            description = definition.Description,
            file = definition.File,
            driver = target.Driver.Name,
            entryPoint = target.EntryPoint.ToString(),
            seed = definition.Seed,
            timeline = new { steadyStateSeconds = definition.Timeline.SteadyState.TotalSeconds, faultSeconds = definition.Timeline.Fault.TotalSeconds, recoverySeconds = definition.Timeline.Recovery.TotalSeconds },
            load = definition.Load,
            faults = definition.Faults.Select(f => f.Path),
        });
        CheckServerObjectives(definition);
        var plan = await target.Driver.PlanAsync(experiment.Faults, ct);
        journal.Write("plan", new { text = plan.Describe(), faults = plan.Leaves.Select(l => new { fault = l.Fault.Name, effect = l.Effect, pods = l.Pods, links = l.Links }) });
        await console.WriteLineAsync(plan.Describe());

        var ledgerPath = Path.Combine(outputDirectory, "write-ledger.jsonl");
        var run = new RunContext(definition, journal);
        ScenarioRun? load = null;
        await using (var observing = target.Driver.Observe(journal))
        await using (var alerts = target.Prometheus is { } prometheus ? new AlertWatcher(prometheus, target.Alertmanager, journal, _time) : null)
        {
            await using var ledger = new WriteLedger(ledgerPath, _time);
            try
            {
                load = await RunPhasesAsync(run, plan, ledger, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                journal.Write("aborted", new { reason = "cancelled (Ctrl-C or SIGTERM)" });
                throw;
            }
            catch (Exception ex)
            {
                journal.Write("aborted", new { reason = ex.GetType().Name, error = ex.Message });
                throw;
            }
        }
        var rpo = await ReconcileAsync(journal, ledgerPath, ct);
        void Warn(string warning) => journal.Write("observation-warning", new { source = "prometheus", warning });
        if (target.Prometheus is { } p)
        {
            p.WarningReceived += Warn;
        }
        IReadOnlyList<PhaseSli> server;
        try
        {
            server = await ServerSli.MeasureAsync(target.Prometheus, target.Slos, HypothesisEvaluator.PhaseWindows(journal.Records), ct);
        }
        finally
        {
            if (target.Prometheus is { } q)
            {
                q.WarningReceived -= Warn;
            }
        }
        foreach (var sli in server)
        {
            journal.Write("sli", new { source = "server", sli.Phase, sli.Slo, sli.GoodPercent, sli.BurnRate, sli.BudgetSpentPercent, sli.Problem });
        }
        var client = ClientSli.Measure(load, target.Slos, HypothesisEvaluator.PhaseWindows(journal.Records));
        foreach (var sli in client)
        {
            journal.Write("sli", new { source = "client", sli.Phase, sli.Iterations, sli.SuccessPercent, sli.P95Ms, sli.Slo, sli.BurnRate, sli.BudgetSpentPercent });
        }
        var acks = definition.Hypotheses.WriteRto is null ? null : await AcknowledgedWritesAsync(ledgerPath);
        var verdicts = HypothesisEvaluator.Evaluate(definition, journal.Records, load, rpo, target, server, acks);
        foreach (var verdict in verdicts)
        {
            journal.Write("verdict", verdict);
        }
        var result = new ExperimentResult(definition, run.Outcome, verdicts, load, rpo, journal.Path!, ledgerPath) { ServerSli = server, ClientSli = client };
        journal.Write("experiment-end", new { outcome = run.Outcome, passed = result.Passed, inconclusive = result.Inconclusive });
        return result with { Journal = journal.Records, Target = target.Driver.Name };
    }

    /// <summary>Every "sli:" objective must name an SLO of the specs; checked before anything starts.</summary>
    private void CheckServerObjectives(ExperimentDefinition definition)
    {
        var unknown = definition.Hypotheses.ServerObjectives.Where(o => target.Slos.All(s => s.Name != o.Slo)).ToList();
        if (unknown.Count > 0)
        {
            throw new ChaosMesh.ManifestException([.. unknown.Select(o => new ChaosMesh.ManifestProblem(definition.File, o.Line, o.Column, $"hypotheses.slo.{o.Phase.ToString().ToLowerInvariant()}",
                $"no SLO named '{o.Slo}' in slo/specs (known: {string.Join(", ", target.Slos.Select(s => s.Name))})"))]);
        }
    }

    private async Task<ScenarioRun> RunPhasesAsync(RunContext run, FaultPlan plan, WriteLedger ledger, CancellationToken ct)
    {
        var definition = run.Definition;
        // The warm-up also lets the target's alert windows forget the virtual users' set-up storm.
        var spec = definition.Load with { WarmUp = definition.Load.WarmUp > target.MinimumWarmUp ? definition.Load.WarmUp : target.MinimumWarmUp };
        if (spec.WarmUp != definition.Load.WarmUp)
        {
            run.Journal.Write("warm-up", new { seconds = spec.WarmUp.TotalSeconds, reason = "raised to the target's minimum, so that its alert windows start clean" });
        }
        var total = spec.WarmUp + definition.Timeline.Total;
        LoadSimulation simulation = spec.Rate is { } rate
            ? new ConstantArrivalRate(rate, total, spec.MaxConcurrent)
            : new ConstantUsers(spec.Users!.Value, total);
        var scenario = TaskManagerScenarios.Create(spec.Scenario, ledger, _time) with { Simulations = [simulation], WarmUp = spec.WarmUp };
        using var http = LoadHttpClient.Create(target.EntryPoint, spec.Timeout);
        var progress = new JournalProgress(run.Journal, loadConsole);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loadTask = new LoadEngine(http, _time, progress).RunAsync(scenario, stopLoad.Token);
        try
        {
            await Task.WhenAny(progress.Started, loadTask).WaitAsync(ct);
            if (!progress.Started.IsCompleted)
            {
                await loadTask; // surfaces why the load could not start
                throw new InvalidOperationException("the load ended before it started");
            }
            var start = await progress.Started;
            var steadyStart = start + spec.WarmUp;
            var faultStart = steadyStart + definition.Timeline.SteadyState;

            await DelayUntilAsync(steadyStart, ct);
            run.Phase(Phase.Steady, steadyStart);
            await DelayUntilAsync(faultStart, ct);
            if (SteadyStateProblem(run, progress, steadyStart, faultStart) is { } problem)
            {
                run.Journal.Write("steady-state-not-met", new { problem });
                run.Outcome = ExperimentOutcome.SteadyStateNotMet;
                await stopLoad.CancelAsync();
                return await loadTask;
            }
            await InjectAndHoldAsync(run, plan, progress, ct);
            var recoveryEnd = run.RecoveryStart!.Value + definition.Timeline.Recovery;
            await DelayUntilAsync(recoveryEnd, ct);
            run.Phase(null, recoveryEnd);
            // The load's own duration ends about now; bound the wait for in-flight requests by their timeout.
            stopLoad.CancelAfter(spec.Timeout + TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(Math.Max(0, (start + total - _time.GetUtcNow()).TotalSeconds)));
            var result = await loadTask;
            WriteSeries(run.Journal, result);
            return result;
        }
        finally
        {
            await stopLoad.CancelAsync();
            try
            {
                await loadTask;
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
            }
        }
    }

    private async Task InjectAndHoldAsync(RunContext run, FaultPlan plan, JournalProgress progress, CancellationToken ct)
    {
        var definition = run.Definition;
        var injectedAt = _time.GetUtcNow();
        run.Phase(Phase.Fault, injectedAt);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        window.CancelAfter(definition.Timeline.Fault);
        using var watchStops = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stops = WatchStopConditionsAsync(run, progress, injectedAt, window, watchStops.Token);
        try
        {
            await target.Driver.RunAsync(plan, run.Journal, window.Token);
            // Instant faults (pod-kill) are done at once; the fault phase still lasts its full window.
            await DelayUntilAsync(injectedAt + definition.Timeline.Fault, window.Token, swallowCancel: true);
        }
        finally
        {
            await target.Driver.RecoverAllAsync(run.Journal);
            run.Journal.Write("rollback", new { reason = ct.IsCancellationRequested ? "cancelled" : run.Outcome == ExperimentOutcome.Stopped ? "stop condition" : "end of fault window" });
            await watchStops.CancelAsync();
            await stops;
            run.Phase(Phase.Recovery, _time.GetUtcNow());
        }
        ct.ThrowIfCancellationRequested();
    }

    private async Task DelayUntilAsync(DateTimeOffset at, CancellationToken ct, bool swallowCancel = false)
    {
        var wait = at - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await Task.Delay(wait, _time, ct);
        }
        catch (OperationCanceledException) when (swallowCancel)
        {
        }
    }

    private static async Task<IReadOnlyList<DateTimeOffset>?> AcknowledgedWritesAsync(string ledgerPath)
    {
        if (!File.Exists(ledgerPath))
        {
            return null;
        }
        var acks = new List<DateTimeOffset>();
        await foreach (var entry in Reliability.Load.Ledger.WriteLedger.ReadAsync(ledgerPath))
        {
            if (!entry.Indeterminate)
            {
                acks.Add(entry.AckAt);
            }
        }
        return acks;
    }

    private async Task<RpoResult?> ReconcileAsync(ExperimentJournal journal, string ledgerPath, CancellationToken ct)
    {
        if (target.DatabaseConnectionString is not { } connection)
        {
            journal.Write("observation-gap", new { source = "database", error = "no database connection for the RPO check" });
            return null;
        }
        try
        {
            var rpo = await LedgerReconciler.ReconcileAsync(ledgerPath, connection, ct);
            journal.Write("rpo", rpo);
            return rpo;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or IOException or TimeoutException)
        {
            journal.Write("observation-gap", new { source = "database", error = ex.Message });
            return null;
        }
    }
}
