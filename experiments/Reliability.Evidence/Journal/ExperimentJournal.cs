namespace Reliability.Evidence.Journal;

/// <summary>
/// The experiment's evidence as JSON lines, one typed event per line, flushed as written: a crash or a
/// SIGKILL keeps everything seen until then. Events are also kept in memory for the timeline.
/// </summary>
internal sealed class ExperimentJournal : IAsyncDisposable
{
    private readonly StreamWriter? _writer;
    private readonly TimeProvider _time;
    private readonly List<JournalEvent> _events = [];
    private readonly Lock _gate = new();

    /// <param name="path">The journal file; null keeps the events in memory only.</param>
    public ExperimentJournal(string? path, TimeProvider time)
    {
        _time = time;
        Path = path;
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
    }

    public string? Path { get; }

    public IReadOnlyList<JournalEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Raised after each event is written.</summary>
    public event Action<JournalEvent>? Written;

    /// <summary>Writes the event, stamped with the current time unless it carries its own.</summary>
    public T Write<T>(T evt) where T : JournalEvent
    {
        if (evt.At == default)
        {
            evt = evt with { At = _time.GetUtcNow() };
        }
        var line = JournalJson.Line(evt);
        lock (_gate)
        {
            _events.Add(evt);
            _writer?.WriteLine(line);
        }
        Written?.Invoke(evt);
        return evt;
    }

    public IEnumerable<T> Of<T>() where T : JournalEvent => Events.OfType<T>();

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _writer?.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
