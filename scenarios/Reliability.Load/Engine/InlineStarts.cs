namespace Reliability.Load.Engine;

/// <summary>
/// Whether the open-model scheduler starts iterations on its own thread. An iteration runs synchronously
/// until its first real await (for a GET, until the request is sent), so starting it inline saves a wake-up
/// of a thread-pool worker, which is most of the scheduling lag's tail on shared cores. A scenario whose
/// synchronous part is slow would hold up every later arrival, though: after <see cref="SlowInARow"/> starts
/// in a row over <see cref="Budget"/>, the rest go through the thread pool. (One slow start, the first
/// call's JIT compilation, is expected.)
/// </summary>
internal sealed class InlineStarts
{
    public static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(1);
    public const int SlowInARow = 5;

    private int _slow;

    public bool Inline { get; private set; } = true;

    public void Observe(TimeSpan took)
    {
        _slow = took > Budget ? _slow + 1 : 0;
        if (_slow >= SlowInARow)
        {
            Inline = false;
        }
    }
}
