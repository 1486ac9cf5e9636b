using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reliability.Load.Tests.Http;

/// <summary>
/// A raw TCP server on 127.0.0.1 that answers each request head with the next scripted reply, byte for
/// byte: the framing edge cases (a body past the buffer, an idle close, a reset mid-body) Kestrel won't produce.
/// </summary>
internal sealed class ScriptedServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentQueue<Func<Socket, Task>> _replies = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;
    private int _accepted;

    public ScriptedServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public Uri Address => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
    public int Accepted => Volatile.Read(ref _accepted);
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Queues raw bytes as the next reply; <paramref name="close"/> closes the connection after them.</summary>
    public ScriptedServer Reply(string raw, bool close = false) => Reply(Encoding.ASCII.GetBytes(raw), close);

    public ScriptedServer Reply(byte[] raw, bool close = false)
    {
        _replies.Enqueue(async socket =>
        {
            await socket.SendAsync(raw, SocketFlags.None);
            if (close)
            {
                socket.Shutdown(SocketShutdown.Both);
                socket.Close();
            }
        });
        return this;
    }

    /// <summary>Queues a request that is read and never answered.</summary>
    public ScriptedServer Hang()
    {
        _replies.Enqueue(_ => Task.Delay(Timeout.Infinite, _stop.Token));
        return this;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        var buffer = new byte[8192];
        var have = 0;
        try
        {
            while (socket.Connected)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return;
                }
                have += read;
                var end = buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8);
                if (end < 0)
                {
                    continue;
                }
                buffer.AsSpan(end + 4, have - end - 4).CopyTo(buffer);
                have -= end + 4;
                Interlocked.Increment(ref _requests);
                if (!_replies.TryDequeue(out var reply))
                {
                    return;
                }
                await reply(socket);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }
        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
