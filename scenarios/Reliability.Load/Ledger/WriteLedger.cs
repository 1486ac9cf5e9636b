using System.Text.Json;
using System.Threading.Channels;

namespace Reliability.Load.Ledger;

/// <summary>
/// One write: acknowledged (the client was told it is stored), or, with <see cref="Indeterminate"/>, a
/// write to a known entity whose outcome the client never learned (an error or timeout: it may or may
/// not have been applied). Reconciliation cannot call an entity lost after such a write.
/// </summary>
public sealed record LedgerEntry(string Entity, long Id, string Op, string? Hash, DateTimeOffset AckAt, int VirtualUser, bool Indeterminate = false);

/// <summary>
/// Every write the service acknowledged (2xx), streamed to a JSON-lines file as it happens, so that a
/// crash of the harness keeps what was acknowledged before it. The RPO check reconciles it against the
/// database after recovery: an acknowledged write that is missing or stale is lost data.
/// </summary>
public sealed class WriteLedger : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly Channel<LedgerEntry> _queue = Channel.CreateUnbounded<LedgerEntry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly StreamWriter _file;
    private readonly Task _writer;
    private readonly TimeProvider _time;
    private long _count;
    private long _late;

    public WriteLedger(string path, TimeProvider time)
    {
        Path = path;
        _time = time;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        _file = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read));
        _writer = Task.Run(WriteLoopAsync);
    }

    public string Path { get; }
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Writes reported after the ledger closed, which it could not record: a reconciliation that ignored them would be blind to them.</summary>
    public long Late => Interlocked.Read(ref _late);

    public void Acknowledged(string entity, long id, string op, string? hash, int virtualUser)
    {
        Interlocked.Increment(ref _count);
        Enqueue(new LedgerEntry(entity, id, op, hash, _time.GetUtcNow(), virtualUser));
    }

    /// <summary>An entry recorded elsewhere (by a shard of a sharded load), with its own acknowledgement time.</summary>
    public void Append(LedgerEntry entry)
    {
        if (!entry.Indeterminate)
        {
            Interlocked.Increment(ref _count);
        }
        Enqueue(entry);
    }

    /// <summary>A write to a known entity that got no acknowledgement: its effect is unknown.</summary>
    public void Indeterminate(string entity, long id, string op, int virtualUser) =>
        Enqueue(new LedgerEntry(entity, id, op, null, _time.GetUtcNow(), virtualUser, Indeterminate: true));

    private void Enqueue(LedgerEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _late);
        }
    }

    /// <summary>
    /// Every entry of a ledger file. A last line cut short (the harness was killed while writing it) is left
    /// out: the ledger is flushed per batch, so only the last line can be incomplete; any other bad line throws.
    /// </summary>
    public static async IAsyncEnumerable<LedgerEntry> ReadAsync(string path)
    {
        using var reader = new StreamReader(path);
        var line = await reader.ReadLineAsync();
        var number = 0;
        while (line is not null)
        {
            number++;
            var next = await reader.ReadLineAsync();
            if (line.Length > 0)
            {
                LedgerEntry? entry;
                try
                {
                    entry = JsonSerializer.Deserialize<LedgerEntry>(line, Json);
                }
                catch (JsonException) when (next is null)
                {
                    entry = null;
                }
                catch (JsonException ex)
                {
                    throw new JsonException($"{path}:{number}: {ex.Message}", ex);
                }
                if (entry is not null)
                {
                    yield return entry;
                }
            }
            line = next;
        }
    }

    /// <summary>Writes a whole ledger at once (the merged ledger of a sharded run), in the same format.</summary>
    public static async Task WriteAllAsync(string path, IEnumerable<LedgerEntry> entries)
    {
        await using var file = new StreamWriter(path);
        foreach (var entry in entries)
        {
            await file.WriteLineAsync(JsonSerializer.Serialize(entry, Json));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
        await _file.DisposeAsync();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            while (reader.TryRead(out var entry))
            {
                await _file.WriteLineAsync(JsonSerializer.Serialize(entry, Json));
            }
            // Flushed per batch: what was acknowledged is on disk a moment later, not at the end of the run.
            await _file.FlushAsync();
        }
    }
}
