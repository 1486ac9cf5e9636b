using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Reliability.Experiments.Tests.Running;

/// <summary>
/// Drives code that waits on a fake clock: its continuations run one at a time on one thread, and the clock
/// moves one step only once nothing is left to run. A clock advanced from another thread while the code was
/// still busy (a slow, busy CI machine) could jump a phase boundary by seconds.
/// </summary>
internal sealed class ClockPump : SynchronizationContext
{
    // How long the queue must stay empty before the clock moves: covers continuations posted from other threads (file I/O).
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(3);
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = [];

    public override void Post(SendOrPostCallback d, object? state) => _queue.Add((d, state));

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("the pump runs one thing at a time");

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Starts <paramref name="start"/> inside the pump and steps <paramref name="time"/> until the task completes or <paramref name="maxSteps"/> steps have passed.</summary>
    public static (Task<T> Task, int Steps) Run<T>(Func<Task<T>> start, FakeTimeProvider time, TimeSpan step, int maxSteps)
    {
        var pump = new ClockPump();
        var previous = Current;
        SetSynchronizationContext(pump);
        try
        {
            var task = start();
            var steps = 0;
            for (; steps < maxSteps; steps++)
            {
                pump.Drain();
                if (task.IsCompleted)
                {
                    break;
                }
                time.Advance(step);
            }
            pump.Drain();
            return (task, steps);
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }

    private void Drain()
    {
        while (_queue.TryTake(out var item, Quiet))
        {
            item.Callback(item.State);
        }
    }
}
