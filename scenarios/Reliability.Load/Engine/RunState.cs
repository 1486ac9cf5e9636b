using Reliability.Load.Scenarios;

namespace Reliability.Load.Engine;

/// <summary>The shared state of one scenario run: pool, measurements, in-flight count and the stop signal.</summary>
internal sealed class RunState(Scenario scenario, VirtualUserPool pool, RunMeasurements measurements, TimeProvider time, HttpClient http, long start, CancellationToken external, bool leanClient = true)
{
    private long _iterations;
    private int _inFlight;

    public Scenario Scenario { get; } = scenario;
    public VirtualUserPool Pool { get; } = pool;
    public RunMeasurements Measurements { get; } = measurements;
    public long Start { get; } = start;
    public CancellationTokenSource Stopping { get; } = CancellationTokenSource.CreateLinkedTokenSource(external);
    public TimeProvider Time { get; } = time;
    private HttpClient Http { get; } = http;
    private Http.LeanHttpTarget? Lean { get; } = leanClient ? Reliability.Load.Http.LeanHttpTarget.For(http) : null;

    public bool IsMeasured(long intended) => Time.GetElapsedTime(Start, intended) >= Scenario.WarmUp;

    /// <summary>Starts an iteration on the thread pool (open model), returning the user to the pool when it ends.</summary>
    public void Launch(VirtualUser user, long intended, bool openModel)
    {
        Enter();
        ThreadPool.UnsafeQueueUserWorkItem(static state => _ = state.Run.ExecuteAsync(state.User, state.Intended, state.Open, returnUser: true, entered: true),
            (Run: this, User: user, Intended: intended, Open: openModel), preferLocal: false);
    }

    public async Task ExecuteAsync(VirtualUser user, long intended, bool openModel, bool returnUser, bool entered = false)
    {
        if (!entered)
        {
            Enter();
        }
        try
        {
            var actual = Time.GetTimestamp();
            var measured = IsMeasured(intended);
            if (openModel && measured)
            {
                Measurements.RecordLag(Time.GetElapsedTime(intended, actual));
            }
            var recorder = new IterationRecorder(Measurements, Time, Start, intended, actual, measured);
            var context = new ScenarioContext(user, Interlocked.Increment(ref _iterations), Http, recorder, Stopping.Token, Lean);
            Exception? error = null;
            try
            {
                await Scenario.Run(context);
            }
            catch (Exception ex)
            {
                error = ex;
            }
            if (error is not OperationCanceledException || !Stopping.IsCancellationRequested)
            {
                recorder.Complete(error);
            }
        }
        finally
        {
            if (returnUser)
            {
                Pool.Return(user);
            }
            Exit();
        }
    }

    /// <summary>Waits for in-flight iterations to finish, then cancels the stragglers.</summary>
    public async Task DrainAsync(TimeSpan grace)
    {
        if (!await WaitIdleAsync(grace))
        {
            await Stopping.CancelAsync();
            await WaitIdleAsync(TimeSpan.FromSeconds(10));
        }
    }

    public async Task StopAsync()
    {
        await Stopping.CancelAsync();
        await WaitIdleAsync(TimeSpan.FromSeconds(10));
    }

    // A counter, not a lock: tens of thousands of iterations a second pass through here. Draining polls it.
    private void Enter() => Interlocked.Increment(ref _inFlight);

    private void Exit() => Interlocked.Decrement(ref _inFlight);

    private async Task<bool> WaitIdleAsync(TimeSpan limit)
    {
        var started = Time.GetTimestamp();
        while (Volatile.Read(ref _inFlight) > 0)
        {
            if (Time.GetElapsedTime(started) > limit)
            {
                return false;
            }
            await Task.Delay(10);
        }
        return true;
    }
}
