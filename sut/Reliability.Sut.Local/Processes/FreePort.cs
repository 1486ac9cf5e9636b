using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// Ports for components the harness starts and that bind them a moment later (PostgreSQL, Patroni's REST
/// API, etcd, Prometheus, Alertmanager).
/// </summary>
/// <remarks>
/// A port from bind(0) is free again as soon as the probe closes it, and the kernel hands the same
/// ephemeral range to every later bind(0) and connect(): a link's listener or an outgoing connection could
/// take it before the component binds it (measured with bind(0) on this kernel: 1 in 200 starts had a held
/// listener take one of 4 reserved ports, 1 in 100 had two of 16 reservations collide). When that port was
/// a Patroni member's PostgreSQL port, the postmaster could not bind, and Patroni gave up with "Failed to
/// bootstrap cluster", again at every restart on the same port. So these ports come from outside the
/// ephemeral range (which no bind(0) or connect() uses), each checked free, and never handed out twice by
/// this process; each process starts at its own random place in the range.
/// </remarks>
internal static class FreePort
{
    private static readonly PortPool Pool = new(PortPool.OutsideEphemeralRange(EphemeralRange()) is { Count: > 0 } outside ? outside : [(PortPool.Floor, 65535)],
        Random.Shared.Next(), IsFree);

    /// <summary>A port on 127.0.0.1 that was free when asked and that no other caller in this process got.</summary>
    public static int Next() => Pool.Next();

    /// <summary>The kernel's ephemeral range, from /proc/sys/net/ipv4/ip_local_port_range (Linux's default where unreadable).</summary>
    internal static (int Low, int High) EphemeralRange()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return (32768, 60999);
        }
    }

    internal static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

/// <summary>Hands out ports from fixed ranges in turn, from a starting point, skipping ports that are in use or were handed out.</summary>
internal sealed class PortPool
{
    /// <summary>Below this, ports are left to system services.</summary>
    internal const int Floor = 10000;
    private readonly IReadOnlyList<(int Low, int High)> _ranges;
    private readonly int _size;
    private readonly Func<int, bool> _isFree;
    private readonly HashSet<int> _handedOut = [];
    private readonly Lock _gate = new();
    private int _cursor;

    public PortPool(IReadOnlyList<(int Low, int High)> ranges, int start, Func<int, bool> isFree)
    {
        _ranges = ranges;
        _size = ranges.Sum(r => r.High - r.Low + 1);
        if (_size <= 0)
        {
            throw new ArgumentException("no ports to hand out", nameof(ranges));
        }
        _cursor = (int)((uint)start % (uint)_size);
        _isFree = isFree;
    }

    /// <summary>The ports at or above <see cref="Floor"/> outside the ephemeral range.</summary>
    public static IReadOnlyList<(int Low, int High)> OutsideEphemeralRange((int Low, int High) ephemeral)
    {
        var ranges = new List<(int, int)>();
        if (ephemeral.Low - 1 >= Floor)
        {
            ranges.Add((Floor, ephemeral.Low - 1));
        }
        if (ephemeral.High + 1 <= 65535)
        {
            ranges.Add((Math.Max(Floor, ephemeral.High + 1), 65535));
        }
        return ranges;
    }

    public int Next()
    {
        lock (_gate)
        {
            for (var tried = 0; tried < _size; tried++)
            {
                var port = At(_cursor);
                _cursor = (_cursor + 1) % _size;
                if (!_handedOut.Contains(port) && _isFree(port))
                {
                    _handedOut.Add(port);
                    return port;
                }
            }
        }
        throw new InvalidOperationException($"no free port left outside the ephemeral range ({string.Join(", ", _ranges.Select(r => $"{r.Low}-{r.High}"))})");
    }

    private int At(int index)
    {
        foreach (var (low, high) in _ranges)
        {
            var width = high - low + 1;
            if (index < width)
            {
                return low + index;
            }
            index -= width;
        }
        throw new ArgumentOutOfRangeException(nameof(index));
    }
}
