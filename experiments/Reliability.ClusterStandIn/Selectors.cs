using System.Text.Json.Nodes;

namespace Reliability.ClusterStandIn;

/// <summary>
/// Label and field selectors as the API server reads them, for the forms clients send here: key=value,
/// key==value, key!=value, key (exists) and !key; fields metadata.name and metadata.namespace.
/// </summary>
internal static class Selectors
{
    public static bool Matches(JsonObject item, string? labels, string? fields) =>
        Terms(labels).All(term => Label(item["metadata"]?["labels"] as JsonObject, term))
        && Terms(fields).All(term => Field(item, term));

    private static IEnumerable<string> Terms(string? selector) =>
        string.IsNullOrWhiteSpace(selector) ? [] : selector.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static bool Label(JsonObject? labels, string term)
    {
        if (term.StartsWith('!'))
        {
            return labels?[term[1..]] is null;
        }
        var (key, value, negated) = Split(term);
        if (value is null)
        {
            return labels?[key] is not null;
        }
        return (labels?[key]?.ToString() == value) != negated;
    }

    private static bool Field(JsonObject item, string term)
    {
        var (key, value, negated) = Split(term);
        var actual = key switch
        {
            "metadata.name" => item["metadata"]?["name"]?.ToString(),
            "metadata.namespace" => item["metadata"]?["namespace"]?.ToString(),
            "spec.nodeName" => item["spec"]?["nodeName"]?.ToString(),
            "status.phase" => item["status"]?["phase"]?.ToString(),
            _ => null,
        };
        return (actual == value) != negated;
    }

    private static (string Key, string? Value, bool Negated) Split(string term)
    {
        if (term.IndexOf("!=", StringComparison.Ordinal) is var ne and > 0)
        {
            return (term[..ne], term[(ne + 2)..], true);
        }
        if (term.IndexOf("==", StringComparison.Ordinal) is var eqeq and > 0)
        {
            return (term[..eqeq], term[(eqeq + 2)..], false);
        }
        return term.IndexOf('=', StringComparison.Ordinal) is var eq and > 0 ? (term[..eq], term[(eq + 1)..], false) : (term, null, false);
    }
}
