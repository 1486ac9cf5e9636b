using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Reliability.Load.Http;

/// <summary>
/// Where the lean client sends its requests: the run's base address (plain http only) and timeout; the
/// bytes of a plain GET per path, built once (per-user paths (/tasks/{id}) would grow the cache without
/// end, so past <see cref="MaxCachedPaths"/> they are built per call); and any other request written
/// into the connection's own buffer, with its Authorization header and sized JSON body.
/// </summary>
internal sealed class LeanHttpTarget
{
    private const int MaxCachedPaths = 1024;
    private readonly ConcurrentDictionary<string, byte[]> _requests = new(StringComparer.Ordinal);
    private readonly Uri _baseAddress;
    private readonly string _host;
    private readonly string? _basePath;

    private LeanHttpTarget(Uri baseAddress, TimeSpan timeout)
    {
        _baseAddress = baseAddress;
        Timeout = timeout;
        EndPoint = IPAddress.TryParse(baseAddress.IdnHost, out var address)
            ? new IPEndPoint(address, baseAddress.Port)
            : new DnsEndPoint(baseAddress.IdnHost, baseAddress.Port);
        _host = baseAddress.IsDefaultPort ? baseAddress.IdnHost : $"{baseAddress.IdnHost}:{baseAddress.Port}";
        if (address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            _host = $"[{address}]:{baseAddress.Port}";
        }
        _basePath = baseAddress.AbsolutePath.EndsWith('/') ? baseAddress.AbsolutePath : null;
    }

    public EndPoint EndPoint { get; }
    public TimeSpan Timeout { get; }

    /// <summary>A target for plain-http base addresses; null otherwise (TLS goes through HttpClient).</summary>
    public static LeanHttpTarget? For(HttpClient http) =>
        http.BaseAddress is { IsAbsoluteUri: true, Scheme: "http" } baseAddress
            ? new LeanHttpTarget(baseAddress, http.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.FromMinutes(10) : http.Timeout)
            : null;

    public byte[] Get(string path)
    {
        if (_requests.TryGetValue(path, out var cached))
        {
            return cached;
        }
        var request = Build(path);
        if (_requests.Count < MaxCachedPaths)
        {
            _requests.TryAdd(path, request);
        }
        return request;
    }

    private byte[] Build(string path) =>
        Encoding.ASCII.GetBytes($"GET {PathAndQuery(path)} HTTP/1.1\r\nHost: {_host}\r\nUser-Agent: reliability-load\r\nAccept: */*\r\n\r\n");

    /// <summary>
    /// Writes a request into <paramref name="into"/> (cleared first): <paramref name="authorization"/> as the
    /// Authorization header when given, and <paramref name="json"/> as an application/json body with its
    /// Content-Length when not empty.
    /// </summary>
    public void Write(ArrayBufferWriter<byte> into, HttpMethod method, string path, string? authorization, ReadOnlySpan<byte> json)
    {
        into.ResetWrittenCount();
        Ascii(into, method.Method);
        Ascii(into, " ");
        Ascii(into, PathAndQuery(path));
        Ascii(into, " HTTP/1.1\r\nHost: ");
        Ascii(into, _host);
        Ascii(into, "\r\nUser-Agent: reliability-load\r\nAccept: */*\r\n");
        if (authorization is not null)
        {
            if (authorization.AsSpan().ContainsAny('\r', '\n'))
            {
                throw new ArgumentException("a header value cannot hold a line break", nameof(authorization));
            }
            Ascii(into, "Authorization: ");
            Ascii(into, authorization);
            Ascii(into, "\r\n");
        }
        if (!json.IsEmpty || method == HttpMethod.Post || method == HttpMethod.Put || method == HttpMethod.Patch)
        {
            // A body-carrying method says its length even when empty: a server must not wait for a body that never comes.
            Ascii(into, json.IsEmpty ? "Content-Length: " : "Content-Type: application/json\r\nContent-Length: ");
            var digits = into.GetSpan(20);
            Utf8Formatter.TryFormat(json.Length, digits, out var written);
            into.Advance(written);
            Ascii(into, "\r\n");
        }
        Ascii(into, "\r\n");
        into.Write(json);
    }

    private static void Ascii(ArrayBufferWriter<byte> into, string text) =>
        into.Advance(Encoding.ASCII.GetBytes(text, into.GetSpan(text.Length)));

    /// <summary>
    /// The request target for a path under the base address. Plain relative paths (the common case, and per
    /// request for /tasks/{id}) are joined to the base path directly; anything else is resolved as a URI and
    /// must stay on the base address.
    /// </summary>
    private string PathAndQuery(string path)
    {
        if (_basePath is not null && path.Length > 0 && path[0] != '/' && !path.Contains("//", StringComparison.Ordinal) && path.All(IsPlain))
        {
            return string.Concat(_basePath, path);
        }
        var target = new Uri(_baseAddress, path);
        if (target.Scheme != "http" || target.Authority != _baseAddress.Authority)
        {
            throw new ArgumentException($"'{path}' leaves the run's target {_baseAddress}: the lean client only sends to its base address", nameof(path));
        }
        return target.PathAndQuery;
    }

    private static bool IsPlain(char c) => char.IsAsciiLetterOrDigit(c) || c is '/' or '-' or '_' or '~' or '?' or '=' or '&' or '%';
}
