using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Reliability.Experiments.Journal;

/// <summary>
/// The experiment's evidence as JSON lines, one record per event, flushed as written: a crash or a
/// SIGKILL keeps everything seen until then. Records are also kept in memory for the verdicts.
/// Every record has "at" (UTC, ISO 8601) and "type"; the rest depends on the type.
/// </summary>
public sealed class ExperimentJournal : IAsyncDisposable
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    private readonly StreamWriter? _writer;
    private readonly TimeProvider _time;
    private readonly List<JournalRecord> _records = [];
    private readonly Lock _gate = new();

    public ExperimentJournal(string? path, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        Path = path;
        if (path is not null)
        {
            _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
        }
    }

    public string? Path { get; }

    public IReadOnlyList<JournalRecord> Records
    {
        get
        {
            lock (_gate)
            {
                return [.. _records];
            }
        }
    }

    public event Action<JournalRecord>? Written;

    public JournalRecord Write(string type, object? data = null, DateTimeOffset? at = null)
    {
        var record = new JournalRecord(at ?? _time.GetUtcNow(), type, data is null ? [] : JsonSerializer.SerializeToNode(data, Json) as JsonObject ?? []);
        var line = new JsonObject { ["at"] = record.At.ToString("O"), ["type"] = type };
        foreach (var (key, value) in record.Data)
        {
            line[key] = value?.DeepClone();
        }
        lock (_gate)
        {
            _records.Add(record);
            _writer?.WriteLine(line.ToJsonString(Json));
        }
        Written?.Invoke(record);
        return record;
    }

    public IEnumerable<JournalRecord> OfType(string type) => Records.Where(r => r.Type == type);

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _writer?.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}

public sealed record JournalRecord(DateTimeOffset At, string Type, JsonObject Data)
{
    public string? Text(string field) => Data[field]?.ToString();
}
