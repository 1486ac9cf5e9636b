using System.Formats.Cbor;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// Smithy RPC v2 CBOR, one of the protocols CloudWatch offers (botocore has it, and prefers JSON): POST
/// /service/GraniteServiceVersion20100801/operation/&lt;Op&gt; with smithy-protocol: rpc-v2-cbor, a CBOR map
/// both ways, timestamps as tag 1 (epoch seconds). Decoded into, and encoded from, the same JSON shape the
/// other protocols use; numbers in, whether integers or half, single or double floats, read as numbers.
/// </summary>
internal static class CborWire
{
    public const string ContentType = "application/cbor";
    public const string PathPrefix = "/service/GraniteServiceVersion20100801/operation/";

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length == 0)
        {
            return [];
        }
        var reader = new CborReader(body, CborConformanceMode.Lax, allowMultipleRootLevelValues: false);
        return Read(reader) as JsonObject ?? throw new CloudWatchFault("SerializationException", "the request body is not a CBOR map");
    }

    public static byte[] Encode(JsonObject result)
    {
        var writer = new CborWriter(CborConformanceMode.Lax, convertIndefiniteLengthEncodings: false);
        Write(writer, result);
        return writer.Encode();
    }

    private static JsonNode? Read(CborReader reader)
    {
        switch (reader.PeekState())
        {
            case CborReaderState.StartMap:
                var map = new JsonObject();
                reader.ReadStartMap();
                while (reader.PeekState() != CborReaderState.EndMap)
                {
                    var key = reader.ReadTextString();
                    if (Read(reader) is { } value)
                    {
                        map[key] = value;
                    }
                }
                reader.ReadEndMap();
                return map;
            case CborReaderState.StartArray:
                var array = new JsonArray();
                reader.ReadStartArray();
                while (reader.PeekState() != CborReaderState.EndArray)
                {
                    array.Add(Read(reader));
                }
                reader.ReadEndArray();
                return array;
            case CborReaderState.Tag:
                // Tag 1: a timestamp in epoch seconds, read as the number the other protocols carry.
                reader.ReadTag();
                return Read(reader);
            case CborReaderState.TextString:
                return reader.ReadTextString();
            case CborReaderState.ByteString:
                return Convert.ToBase64String(reader.ReadByteString());
            case CborReaderState.UnsignedInteger or CborReaderState.NegativeInteger:
                return reader.ReadInt64();
            case CborReaderState.HalfPrecisionFloat or CborReaderState.SinglePrecisionFloat or CborReaderState.DoublePrecisionFloat:
                return reader.ReadDouble();
            case CborReaderState.Boolean:
                return reader.ReadBoolean();
            case CborReaderState.Null or CborReaderState.SimpleValue:
                reader.SkipValue();
                return null;
            default:
                throw new CloudWatchFault("SerializationException", $"unexpected CBOR item {reader.PeekState()}");
        }
    }

    private static void Write(CborWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var fields = o.Where(p => p.Value is not null).ToList();
                writer.WriteStartMap(fields.Count);
                foreach (var (key, value) in fields)
                {
                    writer.WriteTextString(key);
                    Write(writer, value);
                }
                writer.WriteEndMap();
                break;
            case JsonArray a:
                writer.WriteStartArray(a.Count);
                foreach (var item in a)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            case JsonValue v when v.TryGetValue<DateTimeOffset>(out var at):
                writer.WriteTag(CborTag.UnixTimeSeconds);
                writer.WriteDouble(at.ToUnixTimeMilliseconds() / 1000.0);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                writer.WriteTextString(v.GetValue<string>());
                break;
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                writer.WriteBoolean(v.GetValueKind() == JsonValueKind.True);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                var text = v.ToJsonString();
                if (long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var whole))
                {
                    writer.WriteInt64(whole);
                }
                else
                {
                    writer.WriteDouble(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
                }
                break;
            default:
                writer.WriteNull();
                break;
        }
    }
}
