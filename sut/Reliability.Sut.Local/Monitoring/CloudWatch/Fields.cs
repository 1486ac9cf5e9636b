using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// Reads request fields whichever protocol they came in: JSON gives numbers, booleans and epoch seconds;
/// Query gives strings and ISO 8601 times. A wrong field is CloudWatch's 400 with the field named.
/// </summary>
internal static class Fields
{
    public static string? String(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : node?.ToJsonString();

    public static string RequiredString(JsonObject body, string name) =>
        String(body[name]) is { Length: > 0 } value ? value : throw CloudWatchFault.Validation($"The parameter {name} is required.");

    public static double? Double(JsonNode? node, string name)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            // Whatever CLR number it holds (parsed, or an int put by Normalize).
            return double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture);
        }
        return double.TryParse(String(node), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d)
            ? d
            : throw CloudWatchFault.Validation($"The value {String(node)} for parameter {name} is not a number.");
    }

    public static int? Int(JsonNode? node, string name) => Double(node, name) is { } d
        ? d == Math.Floor(d) && d is >= int.MinValue and <= int.MaxValue ? (int)d : throw CloudWatchFault.Validation($"The value {d} for parameter {name} is not an integer.")
        : null;

    public static bool? Bool(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => string.Equals(String(node), "true", StringComparison.OrdinalIgnoreCase),
    };

    public static DateTimeOffset? Time(JsonNode? node, string name)
    {
        if (node is null)
        {
            return null;
        }
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(Double(v, name)!.Value * 1000));
        }
        return DateTimeOffset.TryParse(String(node), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : throw CloudWatchFault.Validation($"The value {String(node)} for parameter {name} is not a timestamp.");
    }

    public static IEnumerable<JsonNode> List(JsonNode? node) => node is JsonArray a ? a.Where(x => x is not null).Select(x => x!) : [];

    public static IEnumerable<(string Name, string Value)> Dimensions(JsonNode? node) =>
        List(node).Select(d => (RequiredString(d.AsObject(), "Name"), RequiredString(d.AsObject(), "Value")));
}

/// <summary>An error answered the way CloudWatch answers it: a code, a message, a status.</summary>
internal sealed class CloudWatchFault(string code, string message, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public int Status { get; } = status;

    public static CloudWatchFault Validation(string message) => new("ValidationError", message);
    public static CloudWatchFault InvalidParameter(string message) => new("InvalidParameterValue", message);
}
