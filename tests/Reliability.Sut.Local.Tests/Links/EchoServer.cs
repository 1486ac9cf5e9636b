using System.Net;
using System.Net.Sockets;

namespace Reliability.Sut.Local.Tests.Links;

/// <summary>A TCP echo server on 127.0.0.1, the simplest upstream a link can lead to.</summary>
internal sealed class EchoServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public EchoServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(64);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(async () =>
                {
                    using (client)
                    {
                        var buffer = new byte[64 * 1024];
                        try
                        {
                            int read;
                            while ((read = await client.ReceiveAsync(buffer, _stop.Token)) > 0)
                            {
                                await client.SendAsync(buffer.AsMemory(0, read), _stop.Token);
                            }
                        }
                        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
                        {
                        }
                    }
                });
            }
        });
    }

    public IPEndPoint Endpoint { get; }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        await _loop;
    }
}

/// <summary>A client connection through a link, with a round-trip helper.</summary>
internal sealed class EchoClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private EchoClient() { }

    public static async Task<EchoClient> ConnectAsync(IPEndPoint endpoint)
    {
        var client = new EchoClient();
        await client._socket.ConnectAsync(endpoint);
        return client;
    }

    /// <summary>Sends <paramref name="payload"/> and reads it back in full, within <paramref name="timeout"/>.</summary>
    public async Task<byte[]> RoundTripAsync(byte[] payload, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var send = _socket.SendAsync(payload, cts.Token).AsTask();
        var received = new byte[payload.Length];
        var total = 0;
        while (total < payload.Length)
        {
            var read = await _socket.ReceiveAsync(received.AsMemory(total), cts.Token);
            if (read == 0)
            {
                throw new IOException("connection closed by the link");
            }
            total += read;
        }
        await send;
        return received;
    }

    public void Dispose() => _socket.Dispose();
}
