using System.Collections.Concurrent;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Sut;

namespace Reliability.Sut.Local.Supervision;

/// <summary>
/// The ReplicaSet and kubelet of the embedded environment: it starts replicas, replaces any that die
/// after <see cref="SupervisorOptions.RestartDelay"/>, keeps held-down replicas down until released,
/// terminates with SIGTERM then SIGKILL, and records every lifecycle event with its time.
/// </summary>
internal sealed class Supervisor : IAsyncDisposable
{
    private readonly RunDirectory _run;
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Replica> _replicas = new();
    private readonly List<LifecycleEvent> _events = [];
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    public Supervisor(RunDirectory run, SupervisorOptions? options, TimeProvider time)
    {
        _run = run;
        _options = options ?? new SupervisorOptions();
        _options.Validate();
        _time = time;
    }

    /// <summary>Raised for every event, on the thread that caused it.</summary>
    public event Action<LifecycleEvent>? EventRecorded;

    /// <summary>Raised when a restarted replica had to take a new port (the old one was taken meanwhile).</summary>
    public event Action<Replica>? PortChanged;

    public IReadOnlyCollection<Replica> Replicas => _replicas.Values.OrderBy(r => r.Pod, StringComparer.Ordinal).ToList();

    public Replica this[string pod] => _replicas.TryGetValue(pod, out var replica)
        ? replica : throw new KeyNotFoundException($"no replica named '{pod}'");

    public IReadOnlyList<LifecycleEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Starts a replica and supervises it from then on. <paramref name="options"/> gets the port to bind (0 at first).</summary>
    public async Task<Replica> StartAsync(string pod, string zone, Func<int, SutProcessOptions> options, CancellationToken ct = default)
    {
        var replica = new Replica(pod, zone, options);
        if (!_replicas.TryAdd(pod, replica))
        {
            throw new InvalidOperationException($"a replica named '{pod}' already exists");
        }
        await LaunchAsync(replica, ct);
        replica.Watch = Task.Run(() => WatchAsync(replica));
        return replica;
    }

    /// <summary>pod-kill: SIGKILL now; the supervisor replaces the replica after the restart delay.</summary>
    public void Kill(string pod, string? reason = null)
    {
        var replica = this[pod];
        Record(replica, LifecycleEventKind.Killed, reason);
        replica.Process?.Kill();
    }

    /// <summary>A pod deletion: SIGTERM, SIGKILL after the grace period; then replaced like any dead replica.</summary>
    public async Task TerminateAsync(string pod, TimeSpan? grace = null, string? reason = null)
    {
        var replica = this[pod];
        Record(replica, LifecycleEventKind.Terminated, reason);
        if (replica.Process is { } process)
        {
            await process.StopAsync(grace ?? _options.TerminationGrace);
        }
    }

    /// <summary>pod-failure: the replica goes down and stays down until <see cref="Release"/>.</summary>
    public void HoldDown(string pod, string? reason = null)
    {
        var replica = this[pod];
        lock (_gate)
        {
            if (replica.HoldRequested)
            {
                return;
            }
            replica.HoldRequested = true;
            replica.Released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        Record(replica, LifecycleEventKind.HeldDown, reason);
        replica.Process?.Kill();
    }

    /// <summary>Ends a hold-down: the replica starts again at once.</summary>
    public void Release(string pod)
    {
        var replica = this[pod];
        lock (_gate)
        {
            if (!replica.HoldRequested)
            {
                return;
            }
            replica.HoldRequested = false;
        }
        Record(replica, LifecycleEventKind.Released);
        replica.Released.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        foreach (var replica in _replicas.Values)
        {
            replica.Released.TrySetResult();
        }
        await Task.WhenAll(_replicas.Values.Select(async replica =>
        {
            if (replica.Process is { } process)
            {
                await process.StopAsync(TimeSpan.FromSeconds(5));
                await process.DisposeAsync();
            }
            replica.State = ReplicaState.Stopped;
            Record(replica, LifecycleEventKind.Stopped);
        }));
        foreach (var replica in _replicas.Values)
        {
            if (replica.Watch is { } watch)
            {
                await watch;
            }
        }
        // _stopping is not disposed: background ready probes may still read its token while they unwind.
    }

    private async Task WatchAsync(Replica replica)
    {
        var stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            var process = replica.Process!;
            await Task.WhenAny(process.Exited, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            Record(replica, LifecycleEventKind.Exited, $"exit code {process.ExitCode}");
            await process.DisposeAsync();
            try
            {
                if (replica.HoldRequested)
                {
                    replica.State = ReplicaState.HeldDown;
                    await replica.Released.Task.WaitAsync(stop);
                }
                else
                {
                    replica.State = ReplicaState.Down;
                    await Task.Delay(_options.RestartDelay, _time, stop);
                }
                if (replica.HoldRequested)
                {
                    continue;
                }
                Record(replica, LifecycleEventKind.Restarting);
                replica.Restarts++;
                await LaunchAsync(replica, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // A replacement that cannot start is retried after the delay, like CrashLoopBackOff without the backoff.
                // Any failure, not only the expected ones: a replica whose watch ended would stay down for good
                // (one did, when a start-up probe timed out on a busy machine).
                Record(replica, LifecycleEventKind.Exited, ex.Message.Split('\n')[0]);
                replica.Process = null;
                await WaitThenRetryAsync(replica, stop);
                if (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private async Task WaitThenRetryAsync(Replica replica, CancellationToken stop)
    {
        while (replica.Process is null && !stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.RestartDelay, _time, stop);
                await LaunchAsync(replica, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
            }
        }
    }

    private async Task LaunchAsync(Replica replica, CancellationToken ct)
    {
        replica.State = ReplicaState.Starting;
        SutProcess process;
        try
        {
            process = await SutProcess.StartAsync(replica.Options(replica.Port), _run, ct);
        }
        catch (ComponentStartException ex) when (replica.Port != 0 && ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            process = await SutProcess.StartAsync(replica.Options(0), _run, ct);
        }
        var portChanged = replica.Port != 0 && replica.Port != process.BaseAddress.Port;
        replica.Port = process.BaseAddress.Port;
        replica.Process = process;
        replica.State = ReplicaState.Running;
        Record(replica, LifecycleEventKind.Started, $"pid {process.Pid}, port {replica.Port}");
        if (portChanged)
        {
            PortChanged?.Invoke(replica);
        }
        _ = Task.Run(() => RecordReadyAsync(replica, process));
    }

    private async Task RecordReadyAsync(Replica replica, SutProcess process)
    {
        using var http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var started = _time.GetTimestamp();
        while (!_stopping.IsCancellationRequested && !process.HasExited && _time.GetElapsedTime(started) < _options.ReadyTimeout)
        {
            try
            {
                using var response = await http.GetAsync("/ready", _stopping.Token);
                if (response.IsSuccessStatusCode)
                {
                    Record(replica, LifecycleEventKind.Ready);
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
            }
            try
            {
                await Task.Delay(_options.ReadyPollInterval, _time, _stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(Replica replica, LifecycleEventKind kind, string? detail = null)
    {
        var entry = new LifecycleEvent(_time.GetUtcNow(), replica.Pod, replica.Zone, kind, detail);
        lock (_gate)
        {
            _events.Add(entry);
        }
        EventRecorded?.Invoke(entry);
    }
}
