using System.Text.Json;

namespace Reliability.Evidence.Journal;

/// <summary>Reads journal.jsonl back into its typed events; the one reader of the format.</summary>
internal static class JournalReader
{
    /// <summary>
    /// Every event of the file, in order. A last line cut short by a crash is left out (the journal is
    /// flushed line by line, so only the line being written can be incomplete); any other bad line throws.
    /// </summary>
    public static async Task<IReadOnlyList<JournalEvent>> ReadAsync(string path, CancellationToken ct = default)
    {
        var lines = await File.ReadAllLinesAsync(path, ct);
        var events = new List<JournalEvent>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }
            try
            {
                events.Add(JournalJson.Parse(lines[i]));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
            }
            catch (JsonException ex)
            {
                throw new JsonException($"{path}:{i + 1}: {ex.Message}", ex);
            }
        }
        return events;
    }
}
