using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Evidence.Results;
using Reliability.Evidence.Specs;

namespace Reliability.Evidence;

/// <summary>
/// What happened, built once from the journal's events: the phases, each fault's window, the outages
/// of the pods it hit, when each source of evidence could not be observed, the load and the RPO
/// reconciliation. Verdicts and reports read it; nothing else rebuilds it from the journal.
/// </summary>
internal sealed class Timeline
{
    private Timeline(IReadOnlyList<JournalEvent> events)
    {
        Events = events;
        Phases = PhaseWindows(events);
        Faults = FaultWindows(events);
        Outages = PodOutages(events);
        Gaps = ObservationGaps(events);
        Load = LoadEvidence.From(events.OfType<LoadSeries>().LastOrDefault(), events.OfType<LoadSummary>().LastOrDefault());
        Rpo = events.OfType<RpoReconciled>().LastOrDefault()?.ToResult();
    }

    public static Timeline From(IReadOnlyList<JournalEvent> events) => new(events);

    public IReadOnlyList<JournalEvent> Events { get; }

    /// <summary>Each phase that both started and ended.</summary>
    public IReadOnlyDictionary<Phase, TimeWindow> Phases { get; }

    public IReadOnlyList<FaultWindow> Faults { get; }

    /// <summary>The first injection: what RTO and alert deadlines count from.</summary>
    public DateTimeOffset? InjectedAt => Faults.Count == 0 ? null : Faults.Min(f => f.InjectedAt);

    public IReadOnlyList<Outage> Outages { get; }

    public IReadOnlyList<ObservationGapWindow> Gaps { get; }

    /// <summary>The load, second by second, and its totals; null when no load was measured to its end.</summary>
    public LoadEvidence? Load { get; }

    public RpoResult? Rpo { get; }

    public IEnumerable<T> Of<T>() where T : JournalEvent => Events.OfType<T>();

    public bool TryGetPhase(Phase phase, out TimeWindow window) => Phases.TryGetValue(phase, out window);

    /// <summary>Whether <paramref name="source"/> could not be observed at some time between <paramref name="from"/> and <paramref name="to"/>.</summary>
    public bool Unobserved(string source, DateTimeOffset from, DateTimeOffset to) =>
        Gaps.Any(g => g.Source == source && g.Overlaps(from, to));

    private static Dictionary<Phase, TimeWindow> PhaseWindows(IReadOnlyList<JournalEvent> events)
    {
        var windows = new Dictionary<Phase, TimeWindow>();
        foreach (var start in events.OfType<PhaseStarted>())
        {
            if (events.OfType<PhaseEnded>().FirstOrDefault(e => e.Phase == start.Phase && e.At >= start.At) is { } end)
            {
                windows[start.Phase] = new TimeWindow(start.At, end.At);
            }
        }
        return windows;
    }

    private static List<FaultWindow> FaultWindows(IReadOnlyList<JournalEvent> events)
    {
        var recovered = events.OfType<FaultRecovered>().ToList();
        return [.. events.OfType<FaultInjected>().Select(i => new FaultWindow(i.Fault, i.Kind, i.Action, i.At,
            (recovered.FirstOrDefault(r => r.Fault == i.Fault && r.At >= i.At) ?? recovered.LastOrDefault(r => r.At >= i.At))?.At,
            i.Pods, i.Links))];
    }

    private static List<Outage> PodOutages(IReadOnlyList<JournalEvent> events)
    {
        var pods = events.OfType<PodEvent>().ToList();
        return [.. pods.Where(p => p.Event is "killed" or "held-down")
            .Select(down => new Outage(down.Pod, down.At, pods.FirstOrDefault(p => p.Pod == down.Pod && p.Event == "ready" && p.At > down.At)?.At))];
    }

    private static List<ObservationGapWindow> ObservationGaps(IReadOnlyList<JournalEvent> events)
    {
        var gaps = new List<ObservationGapWindow>();
        var open = new Dictionary<string, ObservationGap>();
        foreach (var evt in events)
        {
            switch (evt)
            {
                case ObservationGap gap when !open.ContainsKey(gap.Source):
                    open[gap.Source] = gap;
                    break;
                case ObservationRestored restored when open.Remove(restored.Source, out var gap):
                    gaps.Add(new ObservationGapWindow(gap.Source, gap.At, restored.At, gap.Error));
                    break;
            }
        }
        gaps.AddRange(open.Values.Select(g => new ObservationGapWindow(g.Source, g.At, null, g.Error)));
        return gaps;
    }
}
