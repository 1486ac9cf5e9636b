using System.Text.Json;

namespace Reliability.Sut.Local.Database.Backups;

/// <summary>One backup set as `pgbackrest info --output=json` lists it: its label, type, when it ran and the WAL it needs.</summary>
internal sealed record BackupSet(string Label, BackupType Type, DateTimeOffset Started, DateTimeOffset Stopped,
    string LsnStart, string LsnStop, string WalStart, string WalStop, long Size)
{
    public TimeSpan Duration => Stopped - Started;
}

/// <summary>What the repository holds for the stanza: its backup sets, oldest first, and the oldest and newest archived WAL.</summary>
internal sealed record BackupCatalog(IReadOnlyList<BackupSet> Backups, string? ArchiveMin, string? ArchiveMax)
{
    public static readonly BackupCatalog Empty = new([], null, null);

    /// <summary>
    /// Reads pgBackRest's info JSON: an array of stanzas, each with "backup" (label, type full|diff|incr,
    /// timestamp.start/stop in epoch seconds, lsn.start/stop, archive.start/stop, info.size) and "archive"
    /// (per database id, min and max segment). Timestamps are whole seconds: pgBackRest keeps no finer.
    /// </summary>
    public static BackupCatalog Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var stanza = document.RootElement.EnumerateArray().FirstOrDefault(s => s.GetProperty("name").GetString() == BackupOptions.Stanza);
        if (stanza.ValueKind != JsonValueKind.Object)
        {
            return Empty;
        }
        var backups = stanza.TryGetProperty("backup", out var list)
            ? list.EnumerateArray().Select(b => new BackupSet(
                b.GetProperty("label").GetString()!,
                b.GetProperty("type").GetString() switch { "full" => BackupType.Full, "diff" => BackupType.Differential, _ => BackupType.Incremental },
                DateTimeOffset.FromUnixTimeSeconds(b.GetProperty("timestamp").GetProperty("start").GetInt64()),
                DateTimeOffset.FromUnixTimeSeconds(b.GetProperty("timestamp").GetProperty("stop").GetInt64()),
                b.GetProperty("lsn").GetProperty("start").GetString()!,
                b.GetProperty("lsn").GetProperty("stop").GetString()!,
                b.GetProperty("archive").GetProperty("start").GetString()!,
                b.GetProperty("archive").GetProperty("stop").GetString()!,
                b.GetProperty("info").GetProperty("size").GetInt64())).ToList()
            : [];
        var archives = stanza.TryGetProperty("archive", out var a) ? a.EnumerateArray().ToList() : [];
        var min = archives.Select(x => x.TryGetProperty("min", out var m) ? m.GetString() : null).Where(x => x is not null).Order(StringComparer.Ordinal).FirstOrDefault();
        var max = archives.Select(x => x.TryGetProperty("max", out var m) ? m.GetString() : null).Where(x => x is not null).Order(StringComparer.Ordinal).LastOrDefault();
        return new BackupCatalog(backups, min, max);
    }
}
