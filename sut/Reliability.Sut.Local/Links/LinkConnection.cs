using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace Reliability.Sut.Local.Links;

/// <summary>One proxied TCP connection: two pumps, each a reader and a writer joined by a bounded queue.</summary>
internal sealed class LinkConnection(LinkProxy link, long id, Socket client, CancellationToken stopping)
{
    private const int ChunkSize = 16 * 1024;
    private readonly CancellationTokenSource _cancel = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    private Socket? _upstream;

    public async Task RunAsync()
    {
        try
        {
            // A partition toward the upstream swallows the SYN: the client is accepted but nothing connects.
            await WaitWhileBlocked(LinkDirection.Upstream);
            _upstream = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await _upstream.ConnectAsync(link.Upstream, _cancel.Token);
            }
            catch (SocketException)
            {
                // Upstream refused (a dead replica): the client sees its connection reset.
                Reset();
                return;
            }
            var up = Pump(client, _upstream, LinkDirection.Upstream);
            var down = Pump(_upstream, client, LinkDirection.Downstream);
            var first = await Task.WhenAny(up, down);
            if (first.IsFaulted || first.IsCanceled)
            {
                // One side broke (reset, error): the other must not wait forever on an idle socket.
                Reset();
            }
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or ChannelClosedException)
        {
        }
        finally
        {
            client.Dispose();
            _upstream?.Dispose();
            link.Forget(id);
            _cancel.Dispose();
        }
    }

    public void Reset()
    {
        foreach (var socket in new[] { client, _upstream })
        {
            if (socket is null)
            {
                continue;
            }
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
            socket.Dispose();
        }
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    private async Task Pump(Socket from, Socket to, LinkDirection direction)
    {
        var queue = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(64) { SingleReader = true, SingleWriter = true });
        var shaper = new DelayShaper();
        var writer = WriteAsync(queue.Reader, to, direction);
        try
        {
            while (true)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
                var read = await from.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, _cancel.Token);
                if (read == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    break;
                }
                var faults = link.Faults;
                var now = link.Time.GetTimestamp();
                var delay = faults.IsNone ? TimeSpan.Zero : shaper.Next(faults, direction);
                await queue.Writer.WriteAsync(new Chunk(buffer, read, now + (long)(delay.TotalSeconds * link.Time.TimestampFrequency)), _cancel.Token);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        await writer;
    }

    private async Task WriteAsync(ChannelReader<Chunk> queue, Socket to, LinkDirection direction)
    {
        var lastDue = 0L;
        await foreach (var chunk in queue.ReadAllAsync(_cancel.Token))
        {
            try
            {
                await WaitWhileBlocked(direction);
                // Never reorder: a chunk leaves no earlier than the one before it.
                lastDue = Math.Max(lastDue, chunk.Due);
                // Timers may wake a little early: wait again until the due time has really passed.
                for (var wait = link.Time.GetElapsedTime(link.Time.GetTimestamp(), lastDue); wait > TimeSpan.Zero;
                     wait = link.Time.GetElapsedTime(link.Time.GetTimestamp(), lastDue))
                {
                    await Task.Delay(wait, link.Time, _cancel.Token);
                }
                await to.SendAsync(chunk.Buffer.AsMemory(0, chunk.Length), SocketFlags.None, _cancel.Token);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk.Buffer);
            }
        }
        to.Shutdown(SocketShutdown.Send);
    }

    private async Task WaitWhileBlocked(LinkDirection direction)
    {
        while (link.Faults.Blocks(direction))
        {
            await link.FaultsChanged.WaitAsync(_cancel.Token);
        }
    }

    private readonly record struct Chunk(byte[] Buffer, int Length, long Due);
}
