using Reliability.Evidence;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Slo.Verdicts;

internal static partial class HypothesisEvaluator
{
    /// <summary>
    /// An expected CloudWatch alarm: a change to ALARM in its history within the (scaled) deadline after
    /// injection and, when asked, the change back to OK within its deadline after recovery. The times are
    /// CloudWatch's own; history that could not be read makes it inconclusive, never passed.
    /// </summary>
    private static Verdict Alarm(AlarmExpectation alarm, Observation observation, Timeline timeline)
    {
        var scale = observation.AlertTimeScale;
        var fireDeadline = Scale(alarm.FiresWithin, scale);
        var name = $"alarm {alarm.Name} fires within {Verdict.Deadline(alarm.FiresWithin)}" + (alarm.ResolvesWithin is { } r ? $" and resolves within {Verdict.Deadline(r)}" : "");
        var threshold = $"ALARM ≤ {Verdict.Seconds(fireDeadline)}" + (alarm.ResolvesWithin is { } rr ? $", OK ≤ {Verdict.Seconds(Scale(rr, scale))}" : "") + (scale != 1 ? $" (×{scale:0.###} time scale)" : "");
        if (!observation.Alarms || timeline.InjectedAt is not { } injected)
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, null, threshold, observation.Alarms ? "nothing was injected" : "no CloudWatch to read alarm history from");
        }
        if (timeline.Unobserved("cloudwatch", injected, injected + fireDeadline))
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, null, threshold, "CloudWatch's alarm history could not be read");
        }
        var changes = timeline.Of<AlarmChanged>().Where(c => c.Name == alarm.Name).OrderBy(c => c.ChangedAt).ToList();
        var before = changes.LastOrDefault(c => c.ChangedAt < injected)?.NewState ?? StateAtStart(timeline, alarm.Name);
        var fired = changes.FirstOrDefault(c => c.NewState == "ALARM" && c.ChangedAt >= injected);
        if (fired is null || fired.ChangedAt - injected > fireDeadline)
        {
            var why = fired is not null ? $"in ALARM {Verdict.Seconds(fired.ChangedAt - injected)} after injection"
                : before == "ALARM" ? "already in ALARM before injection, so it never went to ALARM because of the fault"
                : changes.Count == 0 && before is null ? "CloudWatch has no such alarm" : "never went to ALARM after injection";
            return new Verdict(name, "alarm", VerdictStatus.Failed, fired is null ? "never fired" : Verdict.Seconds(fired.ChangedAt - injected), threshold, why);
        }
        var evidence = $"ALARM at {fired.ChangedAt:HH:mm:ss.fff}, {Verdict.Seconds(fired.ChangedAt - injected)} after injection (CloudWatch's history)";
        if (alarm.ResolvesWithin is not { } resolveWithin)
        {
            return new Verdict(name, "alarm", VerdictStatus.Passed, Verdict.Seconds(fired.ChangedAt - injected), threshold, evidence);
        }
        if (!timeline.TryGetPhase(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, Verdict.Seconds(fired.ChangedAt - injected), threshold, evidence + "; no recovery phase");
        }
        var resolveDeadline = Scale(resolveWithin, scale);
        var resolved = changes.FirstOrDefault(c => c.OldState == "ALARM" && c.NewState == "OK" && c.ChangedAt > fired.ChangedAt);
        var measured = $"{Verdict.Seconds(fired.ChangedAt - injected)}, OK {Verdict.Seconds(Max((resolved?.ChangedAt ?? recovery.End) - recovery.Start, TimeSpan.Zero))} after recovery";
        if (resolved is not null && resolved.ChangedAt - recovery.Start <= resolveDeadline)
        {
            return new Verdict(name, "alarm", VerdictStatus.Passed, measured, threshold, evidence + $"; OK at {resolved.ChangedAt:HH:mm:ss.fff}");
        }
        if (resolved is null && recovery.End < recovery.Start + resolveDeadline)
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, "still in ALARM", threshold, evidence + "; the observation ended before the resolve deadline");
        }
        return new Verdict(name, "alarm", VerdictStatus.Failed, resolved is null ? "never back to OK" : measured, threshold, evidence);
    }

    /// <summary>The state CloudWatch held the alarm in when the run began (null: it has no such alarm).</summary>
    private static string? StateAtStart(Timeline timeline, string alarm) => timeline.Of<AlarmObserved>().FirstOrDefault(o => o.Name == alarm)?.State;

    /// <summary>Alarms that must not be in ALARM at any time of the steady state (false positives), from their history.</summary>
    private static Verdict QuietAlarms(IReadOnlyList<string> names, bool observed, Timeline timeline)
    {
        var name = $"no alarm {string.Join(", ", names)} in steady state";
        if (!observed || !timeline.TryGetPhase(Phase.Steady, out var steady))
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, null, "0 in ALARM", observed ? "no steady-state phase" : "no CloudWatch to read alarm history from");
        }
        if (timeline.Unobserved("cloudwatch", steady.Start, steady.End))
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, null, "0 in ALARM", "CloudWatch's alarm history could not be read");
        }
        var noisy = new List<string>();
        var unknown = new List<string>();
        foreach (var alarm in names)
        {
            var changes = timeline.Of<AlarmChanged>().Where(c => c.Name == alarm).OrderBy(c => c.ChangedAt).ToList();
            var atStart = changes.LastOrDefault(c => c.ChangedAt <= steady.Start)?.NewState ?? StateAtStart(timeline, alarm);
            if (atStart == "ALARM" || changes.Any(c => c.NewState == "ALARM" && c.ChangedAt > steady.Start && c.ChangedAt < steady.End))
            {
                noisy.Add(alarm);
            }
            else if (atStart is null && changes.Count == 0)
            {
                unknown.Add(alarm);
            }
        }
        if (noisy.Count == 0 && unknown.Count > 0)
        {
            return new Verdict(name, "alarm", VerdictStatus.Inconclusive, null, "0 in ALARM", $"CloudWatch has no alarm {string.Join(", ", unknown)}");
        }
        return new Verdict(name, "alarm", noisy.Count == 0 ? VerdictStatus.Passed : VerdictStatus.Failed, $"{noisy.Count} in ALARM", "0 in ALARM",
            noisy.Count == 0 ? $"CloudWatch's history from {steady.Start:HH:mm:ss} to {steady.End:HH:mm:ss}" : $"false positives: {string.Join(", ", noisy)}");
    }
}
