using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Reliability.Load.Http;

/// <summary>
/// Where the lean client sends its GETs: the run's base address (plain http only) and timeout, and the
/// request bytes per path, built once. Per-user paths (/tasks/{id}) would grow the cache without end,
/// so past <see cref="MaxCachedPaths"/> requests are built per call.
/// </summary>
internal sealed class LeanHttpTarget
{
    private const int MaxCachedPaths = 1024;
    private readonly ConcurrentDictionary<string, byte[]> _requests = new(StringComparer.Ordinal);
    private readonly Uri _baseAddress;
    private readonly string _host;

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

    private byte[] Build(string path)
    {
        var target = new Uri(_baseAddress, path);
        if (target.Scheme != "http" || target.Authority != _baseAddress.Authority)
        {
            throw new ArgumentException($"'{path}' leaves the run's target {_baseAddress}: the lean client only sends to its base address", nameof(path));
        }
        return Encoding.ASCII.GetBytes($"GET {target.PathAndQuery} HTTP/1.1\r\nHost: {_host}\r\nUser-Agent: reliability-load\r\nAccept: */*\r\n\r\n");
    }
}
