using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Reliability.Load.Http;

/// <summary>
/// One virtual user's keep-alive HTTP/1.1 connection, as wrk and k6 give each user (connection) its own.
/// It sends a prepared request and reads the response as far as its status and framing need; the body is
/// discarded unless the caller keeps it (a created resource's id). In the load bench HttpClient took 58-83 µs
/// of client CPU per request, this 22-30 µs (a bare socket loop 17-18 µs); on two shared cores a
/// generator's own CPU is taken from the target it measures.
/// </summary>
internal sealed class LeanHttpConnection(LeanHttpTarget target, CancellationToken stop) : IDisposable
{
    private const int MaxHead = 64 * 1024;
    private const int MaxKeptBody = 16 * 1024 * 1024;
    private readonly ArrayBufferWriter<byte> _body = new(1024);
    private byte[] _buffer = new byte[4096];
    private Socket? _socket;
    private bool _responseStarted;
    private readonly ChunkedBody _chunked = new();
    private CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);

    /// <summary>Connections opened, reconnects included: a test's window on keep-alive.</summary>
    public int Opened { get; private set; }

    /// <summary>Where a request is written before it is sent (see <see cref="LeanHttpTarget.Write"/>): one buffer per user, reused.</summary>
    public ArrayBufferWriter<byte> Request { get; } = new(512);

    /// <summary>The last response's body when it was kept; valid until the next request on this connection.</summary>
    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    /// <summary>
    /// Sends <paramref name="request"/> and returns the response's status, keeping its body in <see cref="Body"/>
    /// when <paramref name="keepBody"/>. Times out as <see cref="TimeoutException"/>; a connection the server
    /// closed while idle is reopened and the request sent once more, as SocketsHttpHandler does for a request
    /// on a reused connection that saw no byte of a response (the server closed it before reading the request).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request, bool keepBody = false)
    {
        _body.ResetWrittenCount();
        _deadline.CancelAfter(target.Timeout);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = _socket is not null;
                var socket = _socket ??= await ConnectAsync();
                _responseStarted = false;
                try
                {
                    for (var sent = 0; sent < request.Length;)
                    {
                        sent += await socket.SendAsync(request[sent..], SocketFlags.None, _deadline.Token);
                    }
                    if (await ReadResponseAsync(socket, keepBody ? _body : null) is { } status)
                    {
                        return status;
                    }
                }
                catch (SocketException) when (reused && attempt == 0 && !_responseStarted)
                {
                    // Reset while idle (a restarted replica): same as an empty read, below. Once a byte of the
                    // response came, the server has seen the request, and sending it again would hide the failure.
                }
                Close();
                if (!reused || attempt > 0)
                {
                    throw new SocketException((int)SocketError.ConnectionReset);
                }
            }
        }
        catch (OperationCanceledException) when (!stop.IsCancellationRequested)
        {
            Close();
            throw new TimeoutException($"no response within {target.Timeout.TotalSeconds:0.###} s");
        }
        catch
        {
            Close();
            throw;
        }
        finally
        {
            if (!_deadline.TryReset())
            {
                _deadline.Dispose();
                _deadline = CancellationTokenSource.CreateLinkedTokenSource(stop);
            }
        }
    }

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target.EndPoint, _deadline.Token);
            Opened++;
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The status, or null when the server closed before sending a byte (an idle keep-alive ended).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int?> ReadResponseAsync(Socket socket, ArrayBufferWriter<byte>? body)
    {
        var have = 0;
        int headEnd;
        while (true)
        {
            if (have == _buffer.Length)
            {
                if (have >= MaxHead)
                {
                    throw new MalformedResponseException($"response head longer than {MaxHead} bytes");
                }
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(have), SocketFlags.None, _deadline.Token);
            if (read == 0)
            {
                return have == 0 ? null : throw new SocketException((int)SocketError.ConnectionReset);
            }
            _responseStarted = true;
            var searchFrom = Math.Max(0, have - 3);
            have += read;
            headEnd = _buffer.AsSpan(searchFrom, have - searchFrom).IndexOf("\r\n\r\n"u8);
            if (headEnd >= 0)
            {
                headEnd += searchFrom;
                break;
            }
        }
        var head = ResponseHead.Parse(_buffer.AsSpan(0, headEnd));
        var bodyStart = headEnd + 4;
        var closeAfter = !head.KeepAlive;
        if (head.HasBody)
        {
            if (head.Chunked)
            {
                await SkipChunkedAsync(socket, bodyStart, have, body);
            }
            else if (head.ContentLength is { } length)
            {
                Keep(body, _buffer.AsSpan(bodyStart, (int)Math.Min(length, have - bodyStart)));
                await SkipAsync(socket, length - (have - bodyStart), body);
            }
            else
            {
                Keep(body, _buffer.AsSpan(bodyStart, have - bodyStart));
                await SkipToEndAsync(socket, body);
                closeAfter = true;
            }
        }
        else if (have > bodyStart)
        {
            throw new MalformedResponseException("bytes after a response without a body");
        }
        if (closeAfter)
        {
            Close();
        }
        return head.StatusCode;
    }

    private static void Keep(ArrayBufferWriter<byte>? body, ReadOnlySpan<byte> data)
    {
        if (body is null)
        {
            return;
        }
        if (body.WrittenCount + data.Length > MaxKeptBody)
        {
            throw new MalformedResponseException($"response body longer than {MaxKeptBody} bytes");
        }
        body.Write(data);
    }

    private async Task SkipChunkedAsync(Socket socket, int start, int end, ArrayBufferWriter<byte>? kept)
    {
        var body = _chunked.Reset(kept);
        while (true)
        {
            start += body.Consume(_buffer.AsSpan(start, end - start));
            if (kept?.WrittenCount > MaxKeptBody)
            {
                throw new MalformedResponseException($"response body longer than {MaxKeptBody} bytes");
            }
            if (body.IsComplete)
            {
                if (start != end)
                {
                    throw new MalformedResponseException("bytes after the last chunk");
                }
                return;
            }
            // Keep the unconsumed partial line at the front and read more behind it.
            var pending = end - start;
            _buffer.AsSpan(start, pending).CopyTo(_buffer);
            if (pending == _buffer.Length)
            {
                Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var read = await socket.ReceiveAsync(_buffer.AsMemory(pending), SocketFlags.None, _deadline.Token);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            (start, end) = (0, pending + read);
        }
    }

    private async Task SkipAsync(Socket socket, long remaining, ArrayBufferWriter<byte>? body)
    {
        while (remaining > 0)
        {
            var read = await socket.ReceiveAsync(_buffer.AsMemory(0, (int)Math.Min(remaining, _buffer.Length)), SocketFlags.None, _deadline.Token);
            if (read == 0)
            {
                throw new SocketException((int)SocketError.ConnectionReset);
            }
            Keep(body, _buffer.AsSpan(0, read));
            remaining -= read;
        }
        if (remaining < 0)
        {
            throw new MalformedResponseException("bytes beyond Content-Length");
        }
    }

    private async Task SkipToEndAsync(Socket socket, ArrayBufferWriter<byte>? body)
    {
        int read;
        while ((read = await socket.ReceiveAsync(_buffer, SocketFlags.None, _deadline.Token)) > 0)
        {
            Keep(body, _buffer.AsSpan(0, read));
        }
    }

    private void Close()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose()
    {
        Close();
        _deadline.Dispose();
    }
}
