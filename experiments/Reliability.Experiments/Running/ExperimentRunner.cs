using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;
using Reliability.Experiments.Drivers;
using Reliability.Experiments.Observers;
using Reliability.Load.Engine;
using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Reliability.Load.Targets;

namespace Reliability.Experiments.Running;

/// <summary>What the run left for judgement besides the journal: how it ended, and the acknowledged writes' times when a write RTO is asked.</summary>
internal sealed record RunEvidence(ExperimentOutcome Outcome, IReadOnlyList<DateTimeOffset>? WriteAcks);

/// <summary>
/// Steps through an experiment and records what happened: plan (every selector must match), start load,
/// hold the steady state and check it, inject, watch the stop conditions, recover at the end of the fault
/// window (or at once on a stop condition, an error or cancellation), keep load through recovery, and
/// reconcile the write ledger. Rollback happens on every path out of the fault window. Judging the
/// evidence is not the runner's business (Reliability.Slo's Judge does it from the journal).
/// </summary>
internal sealed partial class ExperimentRunner(RunTarget target, TextWriter console, TimeProvider time, ILoadProgress? loadConsole = null)
{
    private readonly SignalStops _signals = new(target, console);

    /// <summary>How the load runs: the load engine over HTTP to the target's entry point, unless a test puts a fake in.</summary>
    internal Func<Scenario, ILoadProgress, CancellationToken, Task<ScenarioRun>>? LoadRunner { get; init; }

    public async Task<RunEvidence> RunAsync(LoadedExperiment experiment, ExperimentJournal journal, string ledgerPath, CancellationToken ct)
    {
        var definition = experiment.Definition;
        journal.Write(new ExperimentStarted(definition.Name, definition.Description, definition.File, target.Driver.Name, target.EntryPoint.ToString(), definition.Seed,
            new PhaseSeconds(definition.Timeline.SteadyState.TotalSeconds, definition.Timeline.Fault.TotalSeconds, definition.Timeline.Recovery.TotalSeconds),
            definition.Load, [.. definition.Faults.Select(f => f.Path)]));
        var plan = await FaultPlan.OfAsync(target.Driver, experiment.Faults, definition.Runbook, ct);
        journal.Write(new FaultPlanned(plan.Describe(), [.. plan.Leaves.Select(l => new PlannedFaultTargets(l.Fault.Name, l.Effect, l.Pods, l.Links))]));
        await console.WriteLineAsync(plan.Describe());

        var run = new RunContext(definition, journal);
        var alarms = definition.Hypotheses.Alarms.Select(a => a.Name).Concat(definition.Hypotheses.QuietAlarms).Concat(definition.AlarmStops.Select(a => a.Name)).ToHashSet();
        await using (var observing = await RunObservers.StartAsync(target, journal, time, alarms, ct))
        {
            var ledger = new WriteLedger(ledgerPath, time);
            try
            {
                await RunPhasesAsync(run, experiment.LoadTarget, plan, ledger, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                journal.Write(new RunAborted("cancelled (Ctrl-C or SIGTERM)"));
                throw;
            }
            catch (Exception ex)
            {
                journal.Write(new RunAborted(ex.GetType().Name, ex.Message));
                throw;
            }
            finally
            {
                await ledger.DisposeAsync();
                if (ledger.Late > 0)
                {
                    journal.Write(new ObservationWarning("ledger", $"{ledger.Late} write(s) reported after the ledger closed were not recorded; the RPO check cannot count them"));
                }
            }
        }
        await ReconcileAsync(journal, experiment.LoadTarget, ledgerPath, ct);
        return new RunEvidence(run.Outcome, definition.Hypotheses.WriteRto is null ? null : await LedgerReconciler.AcknowledgedWritesAsync(ledgerPath));
    }

    private async Task RunPhasesAsync(RunContext run, ILoadTarget loadTarget, FaultPlan plan, WriteLedger ledger, CancellationToken ct)
    {
        var definition = run.Definition;
        if (await LeverTrippedAsync(run, "before the load started", ct))
        {
            return;
        }
        // A safety net that cannot be watched is no safety net: nothing is injected without it.
        await _signals.EnsureWatchableAsync(definition, ct);
        // The warm-up also lets the target's alert windows forget the virtual users' set-up storm.
        var spec = definition.Load with { WarmUp = definition.Load.WarmUp > target.MinimumWarmUp ? definition.Load.WarmUp : target.MinimumWarmUp };
        if (spec.WarmUp != definition.Load.WarmUp)
        {
            run.Journal.Write(new WarmUpRaised(spec.WarmUp.TotalSeconds, "raised to the target's minimum, so that its alert windows start clean"));
        }
        var total = spec.WarmUp + definition.Timeline.Total;
        LoadSimulation simulation = spec.Rate is { } rate
            ? new ConstantArrivalRate(rate, total, spec.MaxConcurrent)
            : new ConstantUsers(spec.Users!.Value, total);
        var scenario = loadTarget.Create(spec.Scenario, new TargetContext(ledger, time)) with { Simulations = [simulation], WarmUp = spec.WarmUp, Seed = definition.Seed };
        var progress = new JournalProgress(run.Journal, loadConsole);
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loadTask = StartLoad(loadTarget, scenario, progress, spec, ledger, ct, stopLoad.Token);
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
                run.Journal.Write(new SteadyStateNotMet(problem));
                run.Outcome = ExperimentOutcome.SteadyStateNotMet;
                await stopLoad.CancelAsync();
                WriteLoad(run.Journal, await loadTask);
                return;
            }
            if (await LeverTrippedAsync(run, "before injection", ct))
            {
                await stopLoad.CancelAsync();
                WriteLoad(run.Journal, await loadTask);
                return;
            }
            await InjectAndHoldAsync(run, plan, progress, ct);
            var recoveryEnd = run.RecoveryStart!.Value + definition.Timeline.Recovery;
            await DelayUntilAsync(recoveryEnd, ct);
            run.Phase(null, recoveryEnd);
            if (definition.Runbook.Count > 0)
            {
                // The load was planned for the longest fault window; a runbook that finished sooner ends the run sooner.
                await stopLoad.CancelAsync();
            }
            // The load's own duration ends about now; bound the wait for in-flight requests by their timeout.
            using var loadDeadline = time.CancelAfter(stopLoad, spec.Timeout + TimeSpan.FromSeconds(2) + TimeSpan.FromSeconds(Math.Max(0, (start + total - time.GetUtcNow()).TotalSeconds)));
            WriteLoad(run.Journal, await loadTask);
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

    private Task<ScenarioRun> StartLoad(ILoadTarget loadTarget, Scenario scenario, ILoadProgress progress, LoadSpec spec, WriteLedger ledger, CancellationToken kill, CancellationToken stop)
    {
        if (LoadRunner is { } fake)
        {
            return fake(scenario, progress, stop);
        }
        return spec.Shards > 1 ? RunShardedAsync() : RunEngineAsync();

        async Task<ScenarioRun> RunEngineAsync()
        {
            using var http = LoadHttpClient.Create(loadTarget.BaseAddress(target.EntryPoint), spec.Timeout);
            return await new LoadEngine(http, time, progress).RunAsync(scenario, stop);
        }

        Task<ScenarioRun> RunShardedAsync() => (target.ShardedLoad ?? throw new InvalidOperationException($"load.shards is {spec.Shards}, and this target cannot run sharded load"))
            .RunIntoAsync(new ShardedLoadRequest(spec.Target, spec.Scenario, loadTarget.BaseAddress(target.EntryPoint), scenario.Simulations[0], spec.WarmUp, spec.Timeout,
                spec.Shards, Path.GetDirectoryName(Path.GetFullPath(ledger.Path))!, scenario.Seed, spec.ReadyWithin), scenario, progress, ledger, kill, stop);
    }

    private async Task InjectAndHoldAsync(RunContext run, FaultPlan plan, JournalProgress progress, CancellationToken ct)
    {
        var definition = run.Definition;
        var injectedAt = time.GetUtcNow();
        run.Phase(Phase.Fault, injectedAt);
        using var window = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var windowEnd = time.CancelAfter(window, definition.Timeline.Fault);
        using var watchStops = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var stops = WatchStopConditionsAsync(run, progress, injectedAt, window, watchStops.Token);
        try
        {
            await target.Driver.RunAsync(plan, run.Journal, window.Token);
            if (definition.Runbook.Count > 0)
            {
                // With a runbook, the fault lasts until the runbook is done (at most the window): recovery is judged from there.
                await RunRunbookAsync(run, injectedAt, window.Token, ct);
            }
            else
            {
                // Instant faults (pod-kill) are done at once; the fault phase still lasts its full window.
                await DelayUntilAsync(injectedAt + definition.Timeline.Fault, window.Token, swallowCancel: true);
            }
        }
        finally
        {
            await target.Driver.RecoverAllAsync(run.Journal);
            run.Journal.Write(new RolledBack(ct.IsCancellationRequested ? "cancelled" : run.Outcome == ExperimentOutcome.Stopped ? "stop condition" : "end of fault window"));
            await watchStops.CancelAsync();
            await stops;
            run.Phase(Phase.Recovery, time.GetUtcNow());
        }
        ct.ThrowIfCancellationRequested();
    }

    private async Task DelayUntilAsync(DateTimeOffset at, CancellationToken ct, bool swallowCancel = false)
    {
        var wait = at - time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            return;
        }
        try
        {
            await Task.Delay(wait, time, ct);
        }
        catch (OperationCanceledException) when (swallowCancel)
        {
        }
    }

    private async Task ReconcileAsync(ExperimentJournal journal, ILoadTarget loadTarget, string ledgerPath, CancellationToken ct)
    {
        if (target.DatabaseConnectionString is not { } connection)
        {
            journal.Write(new ObservationGap("database", "no database connection for the RPO check"));
            return;
        }
        if (loadTarget.Rows is not { } rows)
        {
            journal.Write(new ObservationGap("database", $"the load target {loadTarget.Name} keeps no rows the harness can reconcile"));
            return;
        }
        try
        {
            journal.Write(RpoReconciled.From(await LedgerReconciler.ReconcileAsync(ledgerPath, rows, connection, ct)));
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException)
        {
            journal.Write(new ObservationGap("database", ex.Message));
        }
    }
}
