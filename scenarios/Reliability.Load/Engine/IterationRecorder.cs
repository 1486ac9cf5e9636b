using Reliability.Load.Scenarios;

namespace Reliability.Load.Engine;

/// <summary>
/// Records one iteration and its steps. The iteration's latency runs from its intended start (open
/// model) or actual start (closed model) to its end; iterations intended during warm-up are not recorded.
/// </summary>
internal sealed class IterationRecorder(RunMeasurements measurements, TimeProvider time, long runStart, long intendedStart, long actualStart, bool measured)
{
    private bool _failed;
    private string? _firstFailure;

    public TimeProvider Time { get; } = time;

    public void RecordStep(string name, long started, StepResult result)
    {
        if (!result.IsOk && !_failed)
        {
            _failed = true;
            _firstFailure = result.Reason;
        }
        if (measured)
        {
            var elapsed = Time.GetElapsedTime(started);
            measurements.Step(name).Record(result.IsOk, result.Reason, elapsed, elapsed);
            // Keyed, like the iteration, by its intended start: a phase's requests are its iterations' requests.
            measurements.Series.At(Time.GetElapsedTime(runStart, intendedStart)).RecordRequest(result.IsOk);
        }
    }

    public void Complete(Exception? exception)
    {
        if (exception is not null && !_failed)
        {
            _failed = true;
            _firstFailure = FailureReason.Of(exception);
        }
        if (!measured)
        {
            return;
        }
        var end = Time.GetTimestamp();
        var latency = Time.GetElapsedTime(intendedStart, end);
        var service = Time.GetElapsedTime(actualStart, end);
        measurements.Scenario.Record(!_failed, _firstFailure, latency, service);
        measurements.Series.At(Time.GetElapsedTime(runStart, intendedStart)).Record(!_failed, _firstFailure, latency, service);
    }
}
