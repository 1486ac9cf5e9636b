namespace Reliability.Sut.Local.Database;

/// <summary>
/// When a lost or held-down member comes back. A killed member is started again after the restart delay,
/// as a StatefulSet recreates its pod, unless it is held down or already back; a held-down member only
/// when it is released. Starts and the cluster's shutdown take turns, so nothing starts once it stops,
/// and a start that fails is logged in the run folder rather than thrown at nobody.
/// </summary>
internal sealed class MemberRestarts(string logFolder, TimeSpan restartDelay, TimeProvider time, CancellationToken stop) : IDisposable
{
    private readonly HashSet<string> _heldDown = [];
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _lifecycle = new(1, 1);
    private bool _stopping;

    public void Hold(string name, Action kill)
    {
        lock (_gate)
        {
            _heldDown.Add(name);
        }
        kill();
    }

    public async Task ReleaseAsync(string name, Func<Task> start)
    {
        lock (_gate)
        {
            if (!_heldDown.Remove(name))
            {
                return;
            }
        }
        await StartIfRunningAsync(start, $"starting {name}");
    }

    /// <summary>After the restart delay, starts the member again unless it is held down or already back.</summary>
    public async Task RestartLaterAsync(string name, Func<bool> isRunning, Func<Task> start)
    {
        try
        {
            await Task.Delay(restartDelay, time, stop);
            bool held;
            lock (_gate)
            {
                held = _heldDown.Contains(name);
            }
            if (!held && !isRunning())
            {
                await StartIfRunningAsync(start, $"restarting {name}");
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>No start begins after this returns, and none is under way.</summary>
    public async Task StopStartingAsync()
    {
        await _lifecycle.WaitAsync();
        _stopping = true;
        _lifecycle.Release();
    }

    private async Task StartIfRunningAsync(Func<Task> start, string what)
    {
        await _lifecycle.WaitAsync();
        try
        {
            if (!_stopping)
            {
                await start();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await File.AppendAllTextAsync(Path.Combine(logFolder, "database-restarts.log"), $"{time.GetUtcNow():O} {what} failed: {ex.Message}\n");
        }
        finally
        {
            _lifecycle.Release();
        }
    }

    public void Dispose() => _lifecycle.Dispose();
}
