using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;
using Reliability.Observe.CloudWatch;

namespace Reliability.Experiments.Observers;

/// <summary>
/// Reads CloudWatch's alarm history when the run ends and journals every state change of every alarm, with
/// CloudWatch's own timestamps: alarm verdicts are judged from what CloudWatch recorded, not from polling
/// it. The history starts an hour before the run, so the state each alarm was in when the run began is
/// known. History that cannot be read is journalled as a gap over the whole run, and alarm verdicts are then
/// inconclusive.
/// </summary>
internal sealed class AlarmHistoryReader(ICloudWatchClient cloudWatch, TimeProvider time) : IRunObserver
{
    private static readonly TimeSpan Lookback = TimeSpan.FromHours(1);
    private ExperimentJournal? _journal;
    private DateTimeOffset _start;

    public string Name => "CloudWatch alarms";

    public Task StartAsync(ExperimentJournal journal, CancellationToken ct)
    {
        _journal = journal;
        _start = time.GetUtcNow();
        return Task.CompletedTask;
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
            foreach (var alarm in await cloudWatch.DescribeAlarmsAsync(ct: timeout.Token))
            {
                foreach (var change in await cloudWatch.DescribeAlarmHistoryAsync(alarm.Name, _start - Lookback, end, timeout.Token))
                {
                    if (change.OldState is { } from && change.NewState is { } to)
                    {
                        _journal.Write(new AlarmChanged(alarm.Name, from, to, change.At, change.Summary));
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
