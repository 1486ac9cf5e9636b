using System.Net;
using System.Net.Sockets;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Processes;

/// <summary>
/// Reserved ports stay free until their component binds them: bind(0) and connect() never pick them, the
/// pool never hands one out twice, and a port in use is skipped.
/// </summary>
public sealed class FreePortTests
{
    [Fact]
    public void Ports_come_from_outside_the_kernels_ephemeral_range_so_no_listener_bound_to_port_0_can_take_them()
    {
        var (low, high) = FreePort.EphemeralRange();
        var reserved = Enumerable.Range(0, 50).Select(_ => FreePort.Next()).ToList();

        reserved.Should().OnlyHaveUniqueItems().And.OnlyContain(p => (p < low || p > high) && p >= PortPool.Floor);
        // What took reserved ports before: listeners of links bound to port 0 while the components were starting.
        var listeners = Enumerable.Range(0, 200).Select(_ =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen();
            return socket;
        }).ToList();
        try
        {
            listeners.Select(l => ((IPEndPoint)l.LocalEndPoint!).Port).Should().NotIntersectWith(reserved);
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Fact]
    public void A_port_in_use_is_skipped_and_none_is_handed_out_twice()
    {
        var inUse = new HashSet<int> { 20001, 20003 };
        var pool = new PortPool([(20000, 20004)], start: 1, port => !inUse.Contains(port));

        var handed = new[] { pool.Next(), pool.Next(), pool.Next() };

        handed.Should().Equal(20002, 20004, 20000);
        inUse.Clear();
        pool.Next().Should().Be(20001, "the pool goes round to ports that were in use before");
        pool.Next().Should().Be(20003);
        pool.Invoking(p => p.Next()).Should().Throw<InvalidOperationException>().WithMessage("*20000-20004*");
    }

    [Theory]
    [InlineData(32768, 60999, "10000-32767,61000-65535")]
    [InlineData(1024, 65535, "")]
    [InlineData(10000, 65000, "65001-65535")]
    public void The_ranges_outside_the_ephemeral_one_start_at_the_floor(int low, int high, string expected)
    {
        string.Join(",", PortPool.OutsideEphemeralRange((low, high)).Select(r => $"{r.Low}-{r.High}")).Should().Be(expected);
    }
}
