using System.Diagnostics;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Specs;

namespace Reliability.Experiments.Running;

internal sealed partial class ExperimentRunner
{
    /// <summary>
    /// The runbook, step by step, inside the fault window: each step journalled as it starts and ends, with
    /// its duration and what it did. A step that fails or is cut short (the window's end, a stop condition,
    /// Ctrl-C) ends the runbook there: what it cost shows in the recovery's verdicts, as it would in an incident.
    /// </summary>
    private async Task RunRunbookAsync(RunContext run, DateTimeOffset faultAt, CancellationToken window, CancellationToken ct)
    {
        var runbook = run.Definition.Runbook;
        for (var i = 0; i < runbook.Count; i++)
        {
            var step = runbook[i];
            var number = i + 1;
            run.Journal.Write(new RunbookStepStarted(number, step.Action, step.ToString()!));
            await console.WriteLineAsync($"runbook {number}/{runbook.Count}: {step}");
            var clock = Stopwatch.StartNew();
            try
            {
                var detail = step is RunbookWait wait
                    ? await WaitAsync(wait, window)
                    : await target.Driver.RunStepAsync(step, faultAt, run.Journal, window);
                run.Journal.Write(new RunbookStepEnded(number, step.Action, clock.Elapsed.TotalSeconds, true, detail));
                await console.WriteLineAsync($"runbook {number}/{runbook.Count}: done in {clock.Elapsed.TotalSeconds:0.0} s: {detail}");
            }
            catch (OperationCanceledException) when (window.IsCancellationRequested)
            {
                var why = ct.IsCancellationRequested ? "cancelled (Ctrl-C or SIGTERM)" : "cut short: the fault window ended or a stop condition tripped";
                run.Journal.Write(new RunbookStepEnded(number, step.Action, clock.Elapsed.TotalSeconds, false, why));
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                run.Journal.Write(new RunbookStepEnded(number, step.Action, clock.Elapsed.TotalSeconds, false, ex.Message));
                await console.WriteLineAsync($"runbook {number}/{runbook.Count}: failed after {clock.Elapsed.TotalSeconds:0.0} s: {ex.Message}");
                return;
            }
        }
    }

    private async Task<string> WaitAsync(RunbookWait wait, CancellationToken window)
    {
        await Task.Delay(wait.For, time, window);
        return $"waited {wait.For.TotalSeconds:0.###} s";
    }
}
