using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Reliability.Evidence.Journal;

/// <summary>
/// The JSON Schema of one journal line (reports/schema/journal-v1.schema.json), derived from the event
/// records themselves so it cannot drift from what is written; a test keeps the committed file equal to it.
/// </summary>
internal static class JournalSchema
{
    public const string Id = "https://reliability.dev/schema/journal-v1.schema.json";

    /// <summary>A field that may be null is left out when it is (the journal writes no nulls), so it is not required.</summary>
    private static void OmitNullsFromRequired(JsonObject schema)
    {
        if (schema["properties"] is JsonObject properties && schema["required"] is JsonArray required)
        {
            var nullable = properties.Where(p => p.Value is not JsonObject o || o["type"] is JsonArray types && types.Any(t => t?.GetValue<string>() == "null")).Select(p => p.Key).ToHashSet();
            schema["required"] = new JsonArray([.. required.Select(r => r!.GetValue<string>()).Where(r => !nullable.Contains(r)).Select(r => JsonValue.Create(r))]);
        }
    }

    /// <summary>A branch names the record that writes it; "type", "v" (this version) and "at" are on every line.</summary>
    private static void Describe(JsonObject branch, string record)
    {
        branch.Insert(0, "title", record);
        if (branch["properties"] is JsonObject properties)
        {
            properties["v"] = new JsonObject { ["const"] = JournalEvent.SchemaVersion };
            var required = (branch["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>());
            branch["required"] = new JsonArray([.. new[] { "type", "v", "at" }.Concat(required).Select(r => JsonValue.Create(r))]);
        }
    }

    public static string Generate()
    {
        var options = new JsonSerializerOptions(JournalJson.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
        var schema = options.GetJsonSchemaAsNode(typeof(JournalEvent), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) =>
            {
                // "Any JSON" (Patroni's own documents) as {} rather than true: some validators read only objects.
                if (node is JsonValue)
                {
                    return new JsonObject();
                }
                if (node is JsonObject { } schema)
                {
                    OmitNullsFromRequired(schema);
                    if (context.PropertyInfo is null && context.TypeInfo.Type.IsSubclassOf(typeof(JournalEvent)))
                    {
                        Describe(schema, context.TypeInfo.Type.Name);
                    }
                }
                return node;
            },
        }).AsObject();
        var document = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$id"] = Id,
            ["title"] = "reliability journal line, version 1",
            ["description"] = "One line of journal.jsonl: an event of the experiment's evidence. \"type\" says which, \"v\" is the schema version, \"at\" when it happened (UTC). Generated from Reliability.Evidence.Journal.JournalEvent; do not edit by hand.",
        };
        foreach (var (key, value) in schema.ToList())
        {
            schema.Remove(key);
            document[key] = value;
        }
        return document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }
}
