using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Observe.CloudWatch;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Reads CloudWatch's alarm history when the run ends and journals every state change of the alarms the
/// experiment names (an account may hold thousands; only these are asked), with
/// CloudWatch's own timestamps: alarm verdicts are judged from what CloudWatch recorded, not from polling
/// it. The history starts an hour before the run, so the state each alarm was in when the run began is
/// known. History that cannot be read is journalled as a gap over the whole run, and alarm verdicts are then
/// inconclusive.
/// </summary>
internal sealed class AlarmHistoryReader(ICloudWatchClient cloudWatch, IReadOnlyCollection<string> alarms, TimeProvider time) : IRunObserver
{
    private static readonly TimeSpan Lookback = TimeSpan.FromHours(1);
    private ExperimentJournal? _journal;
    private DateTimeOffset _start;

    public string Name => "CloudWatch alarms";

    /// <summary>Journals each alarm's state as the run begins: an alarm OK for days has no history in the last hour.</summary>
    public async Task StartAsync(ExperimentJournal journal, CancellationToken ct)
    {
        _journal = journal;
        _start = time.GetUtcNow();
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            foreach (var alarm in await cloudWatch.DescribeAlarmsAsync([.. alarms], ct: timeout.Token))
            {
                journal.Write(new AlarmObserved(alarm.Name, alarm.State, alarm.StateUpdated));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or CloudWatchException or OperationCanceledException or System.Text.Json.JsonException or InvalidOperationException && !ct.IsCancellationRequested)
        {
            journal.Write(new ObservationGap("cloudwatch", $"the alarms' state could not be read: {ex.Message}"));
            journal.Write(new ObservationRestored("cloudwatch"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_journal is null)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var end = time.GetUtcNow().AddSeconds(1);
            foreach (var alarm in alarms.Order(StringComparer.Ordinal))
            {
                foreach (var change in await cloudWatch.DescribeAlarmHistoryAsync(alarm, _start - Lookback, end, timeout.Token))
                {
                    if (change.OldState is { } from && change.NewState is { } to)
                    {
                        _journal.Write(new AlarmChanged(alarm, from, to, change.At, change.Summary));
                    }
                }
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or CloudWatchException or OperationCanceledException or System.Text.Json.JsonException or InvalidOperationException)
        {
            // The gap starts when the run did: nothing of the alarms' history is known.
            _journal.Write(new ObservationGap("cloudwatch", $"the alarm history could not be read: {ex.Message}") { At = _start });
            _journal.Write(new ObservationRestored("cloudwatch"));
        }
    }
}
