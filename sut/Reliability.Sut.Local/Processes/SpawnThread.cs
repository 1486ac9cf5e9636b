using System.Collections.Concurrent;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// Starts children from one thread that lives as long as the harness. Linux sends a child's parent-death
/// signal when the thread that forked it exits, not the process, and thread-pool threads come and go: a
/// child started from one would be killed when that thread retired.
/// </summary>
internal static class SpawnThread
{
    private static readonly BlockingCollection<Action> Work = [];

    static SpawnThread() => new Thread(() =>
    {
        foreach (var work in Work.GetConsumingEnumerable())
        {
            work();
        }
    })
    { IsBackground = true, Name = "child-spawner" }.Start();

    public static T Run<T>(Func<T> start)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            try
            {
                result.SetResult(start());
            }
            catch (Exception ex)
            {
                result.SetException(ex);
            }
        });
        return result.Task.GetAwaiter().GetResult();
    }
}
