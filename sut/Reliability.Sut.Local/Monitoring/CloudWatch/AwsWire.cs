using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// The two wire protocols CloudWatch answers that clients here speak, decoded into one JSON shape and encoded
/// back: AWS JSON 1.0 (X-Amz-Target: GraniteServiceVersion20100801.Op; the harness's client and current SDKs)
/// and AWS Query (form-encoded Action=Op&amp;Version=2010-08-01 with XML answers; Debian's botocore and AWS CLI).
/// Query flattens lists as Name.member.N and writes timestamps as ISO 8601; JSON writes epoch seconds.
/// </summary>
internal static class AwsWire
{
    public const string TargetPrefix = "GraniteServiceVersion20100801.";
    public const string XmlNamespace = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    /// <summary>The longest list CloudWatch takes (PutMetricData: 1,000 data).</summary>
    public const int MaxListMembers = 1000;

    /// <summary>Form fields of a Query request as the JSON 1.0 body of the same request (lists from .member.N, values as strings).</summary>
    public static JsonObject FromQuery(IEnumerable<KeyValuePair<string, string>> form)
    {
        var root = new JsonObject();
        foreach (var (key, value) in form)
        {
            if (key is "Action" or "Version")
            {
                continue;
            }
            JsonNode node = root;
            var parts = key.Split('.');
            for (var i = 0; i < parts.Length; i++)
            {
                var last = i == parts.Length - 1;
                if (i + 1 < parts.Length && parts[i + 1] == "member" && i + 2 < parts.Length && int.TryParse(parts[i + 2], CultureInfo.InvariantCulture, out var index))
                {
                    // The index comes from the request: bounded as CloudWatch bounds its lists, so no request can make it allocate at will.
                    if (index is < 1 or > MaxListMembers)
                    {
                        throw CloudWatchFault.Validation($"{key}: a list member index must be between 1 and {MaxListMembers}.");
                    }
                    var list = node[parts[i]] as JsonArray ?? (JsonArray)(node.AsObject()[parts[i]] = new JsonArray());
                    while (list.Count < index)
                    {
                        list.Add(null);
                    }
                    if (i + 3 == parts.Length)
                    {
                        list[index - 1] = value;
                        break;
                    }
                    node = list[index - 1] ??= new JsonObject();
                    i += 2;
                }
                else if (last)
                {
                    node.AsObject()[parts[i]] = value;
                }
                else
                {
                    node = node[parts[i]] ?? (node.AsObject()[parts[i]] = new JsonObject());
                }
            }
        }
        return root;
    }

    /// <summary>A result in JSON 1.0: timestamps as epoch seconds.</summary>
    public static string ToJson(JsonObject result) => Epochs(result)!.ToJsonString();

    /// <summary>A result in Query's XML: &lt;OpResponse&gt;&lt;OpResult&gt;…&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;&lt;/OpResponse&gt;.</summary>
    public static string ToXml(string operation, JsonObject result, string requestId)
    {
        XNamespace ns = XmlNamespace;
        var response = new XElement(ns + $"{operation}Response");
        if (result.Count > 0)
        {
            response.Add(new XElement(ns + $"{operation}Result", Elements(ns, result)));
        }
        response.Add(new XElement(ns + "ResponseMetadata", new XElement(ns + "RequestId", requestId)));
        return new XDocument(response).ToString(SaveOptions.DisableFormatting);
    }

    public static string ErrorJson(string code, string message) =>
        new JsonObject { ["__type"] = $"com.amazonaws.cloudwatch#{code}", ["message"] = message }.ToJsonString();

    public static string ErrorXml(string code, string message, bool sender, string requestId)
    {
        XNamespace ns = XmlNamespace;
        return new XDocument(new XElement(ns + "ErrorResponse",
            new XElement(ns + "Error", new XElement(ns + "Type", sender ? "Sender" : "Receiver"), new XElement(ns + "Code", code), new XElement(ns + "Message", message)),
            new XElement(ns + "RequestId", requestId))).ToString(SaveOptions.DisableFormatting);
    }

    private static IEnumerable<XElement> Elements(XNamespace ns, JsonObject node) =>
        node.Where(p => p.Value is not null).Select(p => Element(ns, p.Key, p.Value!));

    private static XElement Element(XNamespace ns, string name, JsonNode value) => value switch
    {
        JsonObject o => new XElement(ns + name, Elements(ns, o)),
        JsonArray a => new XElement(ns + name, a.Where(x => x is not null).Select(x => Element(ns, "member", x!))),
        JsonValue v when v.TryGetValue<DateTimeOffset>(out var at) => new XElement(ns + name, at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)),
        JsonValue v when v.TryGetValue<bool>(out var b) => new XElement(ns + name, b ? "true" : "false"),
        JsonValue v when v.TryGetValue<double>(out var d) => new XElement(ns + name, d.ToString("R", CultureInfo.InvariantCulture)),
        JsonValue v when v.TryGetValue<int>(out var i) => new XElement(ns + name, i.ToString(CultureInfo.InvariantCulture)),
        JsonValue v when v.TryGetValue<long>(out var l) => new XElement(ns + name, l.ToString(CultureInfo.InvariantCulture)),
        _ => new XElement(ns + name, value.GetValue<string>()),
    };

    private static JsonNode? Epochs(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Epochs(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Epochs)]),
        JsonValue v when v.TryGetValue<DateTimeOffset>(out var at) => JsonValue.Create(at.ToUnixTimeMilliseconds() / 1000.0),
        null => null,
        _ => node.DeepClone(),
    };
}
