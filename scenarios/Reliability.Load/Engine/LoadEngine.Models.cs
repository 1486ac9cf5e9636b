using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Load.Engine;

public sealed partial class LoadEngine
{
    /// <summary>
    /// Open model: each arrival is due at its scheduled time whatever happened before. A shard takes every
    /// Count-th arrival of the one schedule, from its index on (<see cref="ExecutionSegment"/>).
    /// </summary>
    private Task RunOpenAsync(RunState run, ArrivalSchedule schedule, TimeSpan duration)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var simulationStart = _time.GetTimestamp();
        var frequency = _time.TimestampFrequency;
        var dispatch = new InlineStarts();
        var scheduler = new Thread(() =>
        {
            try
            {
                for (long i = Segment.FirstArrival; !run.Stopping.IsCancellationRequested; i += Segment.Count)
                {
                    if (schedule.TimeOf(i) is not { } at || at >= duration.TotalSeconds)
                    {
                        break;
                    }
                    var due = simulationStart + (long)(at * frequency);
                    PreciseClock.WaitUntil(_time, due, run.Stopping.Token);
                    if (run.Stopping.IsCancellationRequested)
                    {
                        break;
                    }
                    if (!run.Pool.TryRent(out var user))
                    {
                        run.Measurements.CountDropped(_time.GetElapsedTime(run.Start, due), run.IsMeasured(due));
                    }
                    else if (dispatch.Inline)
                    {
                        var began = _time.GetTimestamp();
                        _ = run.ExecuteAsync(user, due, openModel: true, returnUser: true);
                        dispatch.Observe(_time.GetElapsedTime(began));
                    }
                    else
                    {
                        run.Launch(user, due, openModel: true);
                    }
                }
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        { IsBackground = true, Name = "open-model scheduler", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        return done.Task;
    }

    /// <summary>Closed model: each user starts its next iteration when the previous one ends; the user count follows <paramref name="target"/>.</summary>
    private async Task RunClosedAsync(RunState run, Func<double, int> target, TimeSpan duration)
    {
        var start = _time.GetTimestamp();
        var loops = new List<(CancellationTokenSource Stop, Task Loop)>();
        try
        {
            while (!run.Stopping.IsCancellationRequested)
            {
                var elapsed = _time.GetElapsedTime(start);
                if (elapsed >= duration)
                {
                    break;
                }
                var wanted = target(elapsed.TotalSeconds);
                while (loops.Count < wanted && run.Pool.TryRent(out var user))
                {
                    var stop = CancellationTokenSource.CreateLinkedTokenSource(run.Stopping.Token);
                    loops.Add((stop, Task.Run(() => UserLoopAsync(run, user, start + (long)(duration.TotalSeconds * _time.TimestampFrequency), stop.Token))));
                }
                while (loops.Count > wanted)
                {
                    // The newest users leave first, after their current iteration.
                    await loops[^1].Stop.CancelAsync();
                    loops.RemoveAt(loops.Count - 1);
                }
                await Task.Delay(TimeSpan.FromMilliseconds(50), _time, run.Stopping.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        finally
        {
            foreach (var (stop, _) in loops)
            {
                await stop.CancelAsync();
            }
        }
    }

    private async Task UserLoopAsync(RunState run, VirtualUser user, long end, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && _time.GetTimestamp() < end)
        {
            await run.ExecuteAsync(user, _time.GetTimestamp(), openModel: false, returnUser: false);
        }
        run.Pool.Return(user);
    }

    private async Task RunIterationsAsync(RunState run, int iterations, int users)
    {
        var remaining = (long)iterations;
        var workers = Enumerable.Range(0, users).Select(async _ =>
        {
            if (!run.Pool.TryRent(out var user))
            {
                return;
            }
            while (!run.Stopping.IsCancellationRequested && Interlocked.Decrement(ref remaining) >= 0)
            {
                await run.ExecuteAsync(user, _time.GetTimestamp(), openModel: false, returnUser: false);
            }
            run.Pool.Return(user);
        });
        await Task.WhenAll(workers);
    }
}
