using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Reliability.Evidence.Journal;

/// <summary>How the journal is written and read: camelCase fields, kebab-case enums, nulls left out.</summary>
internal static class JournalJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        // A line edited by hand or by another tool may carry "type" after other fields.
        AllowOutOfOrderMetadataProperties = true,
    };

    public static string Line(JournalEvent evt) => JsonSerializer.Serialize(evt, Options);

    public static JournalEvent Parse(string line) =>
        JsonSerializer.Deserialize<JournalEvent>(line, Options) ?? throw new JsonException("a journal line is null");
}
