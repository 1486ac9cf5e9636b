using System.Diagnostics;
using System.Net.Sockets;
using Reliability.Sut.Local.Links;

namespace Reliability.Sut.Local.Tests.Links;

public sealed class LinkProxyTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);
    private EchoServer _echo = null!;
    private LinkProxy _link = null!;

    public Task InitializeAsync()
    {
        _echo = new EchoServer();
        _link = new LinkProxy("test-link", _echo.Endpoint, time: TimeProvider.System);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Bytes_pass_intact_both_ways_with_no_fault()
    {
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        var payload = new byte[1024 * 1024];
        Random.Shared.NextBytes(payload);
        (await client.RoundTripAsync(payload, Generous)).Should().Equal(payload);
    }

    [Fact]
    public async Task Latency_applies_to_a_connection_opened_before_the_fault()
    {
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        await client.RoundTripAsync([1], Generous);

        _link.Apply(new LinkFaults { Latency = TimeSpan.FromMilliseconds(100) });
        var slow = await Time(() => client.RoundTripAsync([2], Generous));
        _link.Clear();
        var fast = await Time(() => client.RoundTripAsync([3], Generous));

        slow.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(100));
        fast.Should().BeLessThan(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Latency_in_both_directions_delays_the_request_and_the_response()
    {
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        _link.Apply(new LinkFaults { Latency = TimeSpan.FromMilliseconds(80), LatencyDirection = LinkDirection.Both });
        (await Time(() => client.RoundTripAsync([1], Generous))).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(160));
    }

    [Fact]
    public async Task A_blackhole_holds_traffic_and_releases_it_when_the_partition_heals()
    {
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        _link.Apply(new LinkFaults { Blackhole = LinkDirection.Downstream });
        var pending = client.RoundTripAsync([42], Generous);
        (await Task.WhenAny(pending, Task.Delay(300))).Should().NotBe(pending, "nothing comes back through a partition");
        _link.Clear();
        (await pending).Should().Equal(42);
    }

    [Fact]
    public async Task A_new_connection_into_an_upstream_partition_hangs_rather_than_failing()
    {
        _link.Apply(new LinkFaults { Blackhole = LinkDirection.Both });
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        var pending = client.RoundTripAsync([7], Generous);
        (await Task.WhenAny(pending, Task.Delay(300))).Should().NotBe(pending);
        _link.Clear();
        (await pending).Should().Equal(7);
    }

    [Fact]
    public async Task Reset_breaks_open_connections()
    {
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        await client.RoundTripAsync([1], Generous);
        _link.ResetConnections().Should().Be(1);
        var act = () => client.RoundTripAsync([2], Generous);
        await act.Should().ThrowAsync<Exception>().Where(e => e is SocketException || e is IOException);
    }

    [Fact]
    public async Task Dropped_connections_are_reset_on_arrival()
    {
        _link.Apply(new LinkFaults { ConnectionDropPercent = 100 });
        // The reset can win the race with the connect itself, or arrive on first use: both are a drop.
        var act = async () =>
        {
            using var client = await EchoClient.ConnectAsync(_link.Endpoint);
            await client.RoundTripAsync([1], Generous);
        };
        await act.Should().ThrowAsync<Exception>().Where(e => e is SocketException || e is IOException);
    }

    [Fact]
    public async Task A_dead_upstream_resets_the_client()
    {
        await _echo.DisposeAsync();
        // The reset can come so fast that the connect itself reports it: either way the client is reset.
        var act = async () =>
        {
            using var client = await EchoClient.ConnectAsync(_link.Endpoint);
            await client.RoundTripAsync([1], Generous);
        };
        await act.Should().ThrowAsync<Exception>().Where(e => e is SocketException || e is IOException);
        _echo = new EchoServer();
    }

    [Fact]
    public async Task The_upstream_can_move_for_new_connections()
    {
        await using var other = new EchoServer();
        _link.Upstream = other.Endpoint;
        using var client = await EchoClient.ConnectAsync(_link.Endpoint);
        (await client.RoundTripAsync([9], Generous)).Should().Equal(9);
    }

    [Fact]
    public void Invalid_faults_are_refused()
    {
        var act = () => _link.Apply(new LinkFaults { LossPercent = 120 });
        act.Should().Throw<ArgumentException>().WithMessage("*loss*");
    }

    private static async Task<TimeSpan> Time(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action();
        return clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await _link.DisposeAsync();
        await _echo.DisposeAsync();
    }
}
