using System.Net.Sockets;
using System.Text;
using FluentAssertions;
using Reliability.Load.Http;
using Reliability.Load.Scenarios;

namespace Reliability.Load.Tests.Http;

public sealed class LeanHttpConnectionTests
{
    private static LeanHttpConnection Connect(Uri address, TimeSpan? timeout = null, CancellationToken stop = default)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        return new LeanHttpConnection(LeanHttpTarget.For(http)!, stop);
    }

    private static byte[] Get(Uri address, string path)
    {
        using var http = new HttpClient { BaseAddress = address };
        return LeanHttpTarget.For(http)!.Get(path);
    }

    [Fact]
    public async Task Reads_statuses_from_Kestrel_over_one_kept_alive_connection()
    {
        await using var server = await TestServer.StartAsync();
        using var connection = Connect(server.Address);
        (await connection.SendAsync(Get(server.Address, "ok"))).Should().Be(200);
        (await connection.SendAsync(Get(server.Address, "status?code=503"))).Should().Be(503);
        (await connection.SendAsync(Get(server.Address, "status?code=204"))).Should().Be(204);
        (await connection.SendAsync(Get(server.Address, "ok"))).Should().Be(200);
        connection.Opened.Should().Be(1);
    }

    [Fact]
    public async Task Reads_past_a_body_longer_than_its_buffer_and_keeps_the_connection()
    {
        await using var server = new ScriptedServer()
            .Reply([.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), .. new byte[100_000]])
            .Reply("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n" + string.Concat(Enumerable.Repeat("400\r\n" + new string('x', 1024) + "\r\n", 50)) + "0\r\n\r\n")
            .Reply("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        using var connection = Connect(server.Address);
        var request = Get(server.Address, "x");
        (await connection.SendAsync(request)).Should().Be(200);
        (await connection.SendAsync(request)).Should().Be(201);
        (await connection.SendAsync(request)).Should().Be(404);
        server.Accepted.Should().Be(1);
    }

    [Fact]
    public async Task A_connection_the_server_closed_while_idle_is_reopened_and_the_request_sent_again()
    {
        await using var server = new ScriptedServer()
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", close: true)
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        using var connection = Connect(server.Address);
        var request = Get(server.Address, "x");
        (await connection.SendAsync(request)).Should().Be(200);
        (await connection.SendAsync(request)).Should().Be(200, "the first send found the connection closed and went again on a new one");
        connection.Opened.Should().Be(2);
    }

    [Fact]
    public async Task Connection_close_and_unframed_bodies_end_the_connection()
    {
        await using var server = new ScriptedServer()
            .Reply("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", close: true)
            .Reply("HTTP/1.1 200 OK\r\n\r\nread until the server closes", close: true)
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var connection = Connect(server.Address);
        var request = Get(server.Address, "x");
        for (var i = 0; i < 3; i++)
        {
            (await connection.SendAsync(request)).Should().Be(200);
        }
        connection.Opened.Should().Be(3);
    }

    [Fact]
    public async Task A_response_cut_short_is_a_connection_reset_not_a_retry()
    {
        await using var server = new ScriptedServer()
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var connection = Connect(server.Address);
        var failure = await FluentActions.Awaiting(() => connection.SendAsync(Get(server.Address, "x")).AsTask()).Should().ThrowAsync<SocketException>();
        FailureReason.Of(failure.Which).Should().Be(FailureReason.ConnectionReset);
        server.Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_response_cut_short_on_a_kept_alive_connection_is_not_sent_again()
    {
        await using var server = new ScriptedServer()
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", close: true)
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var connection = Connect(server.Address);
        var request = Get(server.Address, "x");
        (await connection.SendAsync(request)).Should().Be(200);
        await FluentActions.Awaiting(() => connection.SendAsync(request).AsTask()).Should().ThrowAsync<SocketException>();
        server.Requests.Should().Be(2, "the server answered part of the second request, so it was not sent again");
    }

    [Fact]
    public async Task A_broken_response_is_a_protocol_error()
    {
        await using var server = new ScriptedServer().Reply("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nnot-hex\r\n");
        using var connection = Connect(server.Address);
        var failure = await FluentActions.Awaiting(() => connection.SendAsync(Get(server.Address, "x")).AsTask()).Should().ThrowAsync<MalformedResponseException>();
        FailureReason.Of(failure.Which).Should().Be(FailureReason.ProtocolError);
    }

    [Fact]
    public async Task No_answer_within_the_timeout_is_a_timeout_and_the_connection_is_usable_again()
    {
        await using var server = new ScriptedServer().Hang().Reply("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var connection = Connect(server.Address, TimeSpan.FromMilliseconds(300));
        var request = Get(server.Address, "x");
        var failure = await FluentActions.Awaiting(() => connection.SendAsync(request).AsTask()).Should().ThrowAsync<TimeoutException>();
        FailureReason.Of(failure.Which).Should().Be(FailureReason.Timeout);
        (await connection.SendAsync(request)).Should().Be(200, "the timed-out connection was dropped for a new one");
        connection.Opened.Should().Be(2);
    }

    [Fact]
    public async Task Stopping_the_run_cancels_rather_than_times_out()
    {
        await using var server = new ScriptedServer().Hang();
        using var stop = new CancellationTokenSource();
        using var connection = Connect(server.Address, stop: stop.Token);
        var sending = connection.SendAsync(Get(server.Address, "x")).AsTask();
        await WaitUntilAsync(() => server.Requests == 1);
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => sending).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task A_port_nobody_listens_on_is_connection_refused()
    {
        var address = new Uri($"http://127.0.0.1:{Ports.Closed()}/");
        using var connection = Connect(address);
        var failure = await FluentActions.Awaiting(() => connection.SendAsync(Get(address, "x")).AsTask()).Should().ThrowAsync<SocketException>();
        FailureReason.Of(failure.Which).Should().Be(FailureReason.ConnectionRefused);
    }

    [Fact]
    public void Requests_stay_on_the_base_address()
    {
        var address = new Uri("http://127.0.0.1:8080/api/");
        Encoding.ASCII.GetString(Get(address, "tasks?page=2")).Should().StartWith("GET /api/tasks?page=2 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n");
        FluentActions.Invoking(() => Get(address, "http://example.com/")).Should().Throw<ArgumentException>().WithMessage("*leaves the run's target*");
        using var tls = new HttpClient { BaseAddress = new Uri("https://127.0.0.1/") };
        LeanHttpTarget.For(tls).Should().BeNull("TLS targets go through HttpClient");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, "the condition should hold within 10 s");
            await Task.Delay(10);
        }
    }
}
