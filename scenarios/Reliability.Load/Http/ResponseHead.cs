using System.Buffers.Text;
using System.Text;

namespace Reliability.Load.Http;

/// <summary>
/// What the engine's lean client needs from a response's status line and headers: the status code and
/// how the body is framed (RFC 9112 section 6.3): chunked, a Content-Length, none, or until the server closes.
/// </summary>
internal readonly record struct ResponseHead(int StatusCode, long? ContentLength, bool Chunked, bool KeepAlive)
{
    /// <summary>1xx, 204 and 304 responses never carry a body, whatever their headers say.</summary>
    public bool HasBody => StatusCode >= 200 && StatusCode != 204 && StatusCode != 304;

    /// <summary>Parses the head up to, not including, the blank line that ends it.</summary>
    public static ResponseHead Parse(ReadOnlySpan<byte> head)
    {
        var lineEnd = head.IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? head : head[..lineEnd];
        // "HTTP/1.1 200 OK": the version, one space, three digits.
        if (statusLine.Length < 12 || !statusLine.StartsWith("HTTP/1."u8) || statusLine[8] != (byte)' '
            || !Utf8Parser.TryParse(statusLine.Slice(9, 3), out int status, out var used) || used != 3 || status < 100)
        {
            throw new MalformedResponseException($"malformed status line '{Encoding.ASCII.GetString(statusLine[..Math.Min(statusLine.Length, 64)])}'");
        }
        long? contentLength = null;
        var chunked = false;
        var keepAlive = statusLine[7] == (byte)'1'; // HTTP/1.1 keeps the connection unless told otherwise
        var rest = lineEnd < 0 ? [] : head[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue;
            }
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "content-length"u8))
            {
                if (!Utf8Parser.TryParse(value, out long length, out var digits) || digits != value.Length || length < 0)
                {
                    throw new MalformedResponseException($"malformed Content-Length '{Encoding.ASCII.GetString(value)}'");
                }
                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "transfer-encoding"u8))
            {
                chunked = EndsWithToken(value, "chunked"u8);
            }
            else if (Ascii.EqualsIgnoreCase(name, "connection"u8))
            {
                keepAlive = ContainsToken(value, "keep-alive"u8) || (keepAlive && !ContainsToken(value, "close"u8));
            }
        }
        return new ResponseHead(status, chunked ? null : contentLength, chunked, keepAlive);
    }

    private static bool ContainsToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }
        return false;
    }

    // Chunked must be the last transfer coding for the body to be framed by it.
    private static bool EndsWithToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        var last = list.LastIndexOf((byte)',');
        return Ascii.EqualsIgnoreCase(list[(last + 1)..].Trim(" \t"u8), token);
    }
}

/// <summary>The server broke HTTP/1.1 framing; the connection is closed and the step fails with this type.</summary>
internal sealed class MalformedResponseException(string message) : IOException(message);
