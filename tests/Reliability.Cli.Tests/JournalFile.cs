using System.Text.Json.Nodes;

namespace Reliability.Cli.Tests;

/// <summary>A run's journal.jsonl as JSON objects, read while it may still be written (a line being written is left for the next read).</summary>
internal static class JournalFile
{
    public static List<JsonObject> Read(string folder)
    {
        using var stream = new FileStream(Path.Combine(folder, "journal.jsonl"), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var records = new List<JsonObject>();
        while (reader.ReadLine() is { } line)
        {
            try
            {
                if (line.Length > 0 && JsonNode.Parse(line) is JsonObject record)
                {
                    records.Add(record);
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A line still being written; the next read sees it whole.
            }
        }
        return records;
    }
}
