using Reliability.Experiments.Definitions;
using Reliability.Experiments.Journal;

namespace Reliability.Experiments.Verdicts;

public static partial class HypothesisEvaluator
{
    /// <summary>
    /// An expected alert: firing in Prometheus within its (scaled) deadline after injection, delivered to
    /// Alertmanager (held there as active, or posted to the receiver), and, when asked, resolved within its
    /// deadline after recovery. A gap in observation inside a deadline makes it inconclusive.
    /// </summary>
    private static Verdict Alert(AlertExpectation alert, bool observed, bool deliveryObserved, DateTimeOffset? injectedAt,
        IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases, IReadOnlyList<JournalRecord> journal, double scale)
    {
        var fireDeadline = Scale(alert.FiresWithin, scale);
        var name = $"alert {alert.Name} fires within {Verdict.Deadline(alert.FiresWithin)}" + (alert.ResolvesWithin is { } r ? $" and resolves within {Verdict.Deadline(r)}" : "");
        var threshold = $"fire ≤ {Verdict.Seconds(fireDeadline)}" + (alert.ResolvesWithin is { } rr ? $", resolve ≤ {Verdict.Seconds(Scale(rr, scale))}" : "") + (scale != 1 ? $" (×{scale:0.###} rule time scale)" : "");
        if (!observed || injectedAt is not { } injected)
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, threshold, observed ? "nothing was injected" : "no Prometheus to observe alerts");
        }
        var records = journal.Where(x => x.Type == "alert" && x.Text("name") == alert.Name).ToList();
        var firing = records.FirstOrDefault(x => x.Text("state") == "firing" && x.At >= injected);
        var gaps = Gaps(journal);
        if (firing is null || firing.At - injected > fireDeadline)
        {
            if (gaps.Any(g => g.Start < injected + fireDeadline && g.End > injected))
            {
                return new Verdict(name, "alert", VerdictStatus.Inconclusive, "not seen", threshold, "Prometheus could not be queried during the deadline");
            }
            return new Verdict(name, "alert", VerdictStatus.Failed, firing is null ? "never fired" : $"fired after {Verdict.Seconds(firing.At - injected)}", threshold,
                firing is null ? $"no firing {alert.Name} in Prometheus's alerts after injection" : $"first seen firing at {firing.At:HH:mm:ss}");
        }
        var activeAt = firing.Data["activeAt"]?.GetValue<DateTimeOffset>();
        var notified = journal.Any(x => x.Type == "alert-notification" && x.At >= injected && (x.Data["alerts"]?.AsArray().Any(a => a?["name"]?.ToString() == alert.Name) ?? false));
        var held = journal.FirstOrDefault(x => x.Type == "alertmanager-alert" && x.Text("name") == alert.Name && x.Text("state") == "active" && x.At >= injected);
        var evidence = $"firing {Verdict.Seconds(firing.At - injected)} after injection" + (activeAt is { } a ? $" (pending since {Verdict.Seconds(a - injected)}, time to detect)" : "")
            + (held is not null ? $"; in Alertmanager {Verdict.Seconds(held.At - injected)} after injection" : "")
            + (notified ? "; delivered by Alertmanager to the receiver" : "");
        if (!notified && held is null)
        {
            return deliveryObserved
                ? new Verdict(name, "alert", VerdictStatus.Failed, "not delivered", threshold, evidence + "; it never reached Alertmanager")
                : new Verdict(name, "alert", VerdictStatus.Inconclusive, Verdict.Seconds(firing.At - injected), threshold, evidence + "; delivery to Alertmanager could not be checked (no Alertmanager given)");
        }
        if (alert.ResolvesWithin is not { } resolveWithin)
        {
            return new Verdict(name, "alert", VerdictStatus.Passed, Verdict.Seconds(firing.At - injected), threshold, evidence);
        }
        if (!phases.TryGetValue(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, Verdict.Seconds(firing.At - injected), threshold, evidence + "; no recovery phase");
        }
        var resolveDeadline = Scale(resolveWithin, scale);
        var resolved = records.FirstOrDefault(x => x.Text("state") == "resolved" && x.At > firing.At);
        if (resolved is not null && resolved.At - recovery.Start <= resolveDeadline)
        {
            return new Verdict(name, "alert", VerdictStatus.Passed, $"{Verdict.Seconds(firing.At - injected)}, resolved {Verdict.Seconds(Max(resolved.At - recovery.Start, TimeSpan.Zero))} after recovery", threshold, evidence);
        }
        if (resolved is null && recovery.End < recovery.Start + resolveDeadline)
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, "still firing", threshold, evidence + "; the observation ended before the resolve deadline");
        }
        return new Verdict(name, "alert", VerdictStatus.Failed, resolved is null ? "never resolved" : $"resolved {Verdict.Seconds(resolved.At - recovery.Start)} after recovery", threshold, evidence);
    }

    /// <summary>Alerts that must stay silent while the system is healthy: any firing during steady state is a false positive.</summary>
    private static Verdict Quiet(IReadOnlyList<string> names, bool observed, IReadOnlyDictionary<Phase, (DateTimeOffset Start, DateTimeOffset End)> phases, IReadOnlyList<JournalRecord> journal)
    {
        var name = $"no {string.Join(", ", names)} in steady state";
        if (!observed || !phases.TryGetValue(Phase.Steady, out var steady))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, "0 firing", observed ? "no steady-state phase" : "no Prometheus to observe alerts");
        }
        if (Gaps(journal).Any(g => g.Start < steady.End && g.End > steady.Start))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, "0 firing", "Prometheus could not be queried during steady state");
        }
        var noisy = journal.Where(x => x.Type == "alert" && x.Text("state") == "firing" && x.At >= steady.Start && x.At < steady.End && names.Contains(x.Text("name") ?? "")).Select(x => x.Text("name")).Distinct().ToList();
        return new Verdict(name, "alert", noisy.Count == 0 ? VerdictStatus.Passed : VerdictStatus.Failed, $"{noisy.Count} firing", "0 firing",
            noisy.Count == 0 ? $"Prometheus polled every second from {steady.Start:HH:mm:ss} to {steady.End:HH:mm:ss}" : $"false positives: {string.Join(", ", noisy)}");
    }

    private static List<(DateTimeOffset Start, DateTimeOffset End)> Gaps(IReadOnlyList<JournalRecord> journal)
    {
        var gaps = new List<(DateTimeOffset, DateTimeOffset)>();
        DateTimeOffset? open = null;
        foreach (var record in journal.Where(r => r.Text("source") == "prometheus"))
        {
            if (record.Type == "observation-gap")
            {
                open ??= record.At;
            }
            else if (record.Type == "observation-restored" && open is { } start)
            {
                gaps.Add((start, record.At));
                open = null;
            }
        }
        if (open is { } still)
        {
            gaps.Add((still, DateTimeOffset.MaxValue));
        }
        return gaps;
    }

    private static TimeSpan Scale(TimeSpan value, double scale) => TimeSpan.FromSeconds(Math.Max(1, value.TotalSeconds * scale));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
