using Reliability.Evidence;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Slo.Verdicts;

internal static partial class HypothesisEvaluator
{
    /// <summary>
    /// An expected alert: firing in Prometheus within its (scaled) deadline after injection, delivered to
    /// Alertmanager (held there as active, or posted to the receiver), and, when asked, resolved within its
    /// deadline after recovery. A gap in observation inside a deadline makes it inconclusive.
    /// </summary>
    private static Verdict Alert(AlertExpectation alert, Observation observation, Timeline timeline)
    {
        var scale = observation.AlertTimeScale;
        var observed = observation.Alerts;
        var injectedAt = timeline.InjectedAt;
        var fireDeadline = Scale(alert.FiresWithin, scale);
        var name = $"alert {alert} fires within {Verdict.Deadline(alert.FiresWithin)}" + (alert.ResolvesWithin is { } r ? $" and resolves within {Verdict.Deadline(r)}" : "");
        var threshold = $"fire ≤ {Verdict.Seconds(fireDeadline)}" + (alert.ResolvesWithin is { } rr ? $", resolve ≤ {Verdict.Seconds(Scale(rr, scale))}" : "") + (scale != 1 ? $" (×{scale:0.###} rule time scale)" : "");
        if (!observed || injectedAt is not { } injected)
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, threshold, observed ? "nothing was injected" : "no Prometheus to observe alerts");
        }
        // Only the label sets the hypothesis pins: two alerts of one name with other labels are other alerts.
        var records = timeline.Of<AlertChanged>().Where(x => x.Name == alert.Name && x.Carries(alert.Labels)).ToList();
        var firing = records.FirstOrDefault(x => x.State == "firing" && x.At >= injected);
        if (firing is null || firing.At - injected > fireDeadline)
        {
            if (timeline.Unobserved("prometheus", injected, injected + fireDeadline))
            {
                return new Verdict(name, "alert", VerdictStatus.Inconclusive, "not seen", threshold, "Prometheus could not be queried during the deadline");
            }
            return new Verdict(name, "alert", VerdictStatus.Failed, firing is null ? "never fired" : $"fired after {Verdict.Seconds(firing.At - injected)}", threshold,
                firing is null ? $"no firing {alert.Name} in Prometheus's alerts after injection" : $"first seen firing at {firing.At:HH:mm:ss}");
        }
        var activeAt = firing.ActiveAt;
        var notified = timeline.Of<AlertNotified>().Any(x => x.At >= injected && x.Alerts.Any(a => a.Name == alert.Name));
        var held = timeline.Of<AlertmanagerAlertChanged>().FirstOrDefault(x => x.Name == alert.Name && x.Carries(alert.Labels) && x.State == "active" && x.At >= injected);
        var evidence = $"firing {Verdict.Seconds(firing.At - injected)} after injection" + (activeAt is { } a ? $" (pending since {Verdict.Seconds(a - injected)}, time to detect)" : "")
            + (held is not null ? $"; in Alertmanager {Verdict.Seconds(held.At - injected)} after injection" : "")
            + (notified ? "; delivered by Alertmanager to the receiver" : "");
        if (!notified && held is null)
        {
            return observation.Delivery
                ? new Verdict(name, "alert", VerdictStatus.Failed, "not delivered", threshold, evidence + "; it never reached Alertmanager")
                : new Verdict(name, "alert", VerdictStatus.Inconclusive, Verdict.Seconds(firing.At - injected), threshold, evidence + "; delivery to Alertmanager could not be checked (no Alertmanager given)");
        }
        if (alert.ResolvesWithin is not { } resolveWithin)
        {
            return new Verdict(name, "alert", VerdictStatus.Passed, Verdict.Seconds(firing.At - injected), threshold, evidence);
        }
        if (!timeline.TryGetPhase(Phase.Recovery, out var recovery))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, Verdict.Seconds(firing.At - injected), threshold, evidence + "; no recovery phase");
        }
        var resolveDeadline = Scale(resolveWithin, scale);
        // The same alert (name and labels) that fired must resolve; another label set still firing is another alert.
        var identity = AlertLabels.Identity(firing.Name, firing.Labels);
        var resolved = records.FirstOrDefault(x => x.State == "resolved" && x.At > firing.At && AlertLabels.Identity(x.Name, x.Labels) == identity);
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
    private static Verdict Quiet(IReadOnlyList<string> names, bool observed, Timeline timeline)
    {
        var name = $"no {string.Join(", ", names)} in steady state";
        if (!observed || !timeline.TryGetPhase(Phase.Steady, out var steady))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, "0 firing", observed ? "no steady-state phase" : "no Prometheus to observe alerts");
        }
        if (timeline.Unobserved("prometheus", steady.Start, steady.End))
        {
            return new Verdict(name, "alert", VerdictStatus.Inconclusive, null, "0 firing", "Prometheus could not be queried during steady state");
        }
        var noisy = timeline.Of<AlertChanged>().Where(x => x.State == "firing" && x.At >= steady.Start && x.At < steady.End && names.Contains(x.Name)).Select(x => x.Name).Distinct().ToList();
        return new Verdict(name, "alert", noisy.Count == 0 ? VerdictStatus.Passed : VerdictStatus.Failed, $"{noisy.Count} firing", "0 firing",
            noisy.Count == 0 ? $"Prometheus polled every second from {steady.Start:HH:mm:ss} to {steady.End:HH:mm:ss}" : $"false positives: {string.Join(", ", noisy)}");
    }

    private static TimeSpan Scale(TimeSpan value, double scale) => TimeSpan.FromSeconds(Math.Max(1, value.TotalSeconds * scale));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
