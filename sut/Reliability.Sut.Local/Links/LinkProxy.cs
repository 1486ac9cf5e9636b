using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Reliability.Sut.Local.Links;

/// <summary>
/// A user-space TCP proxy on 127.0.0.1 standing for one network path (the kernel here has no netem).
/// Faults apply to every chunk of every connection, existing ones included, because each chunk reads
/// the current <see cref="LinkFaults"/> as it passes.
/// </summary>
internal sealed class LinkProxy : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly ConcurrentDictionary<long, LinkConnection> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;
    private readonly TimeProvider _time;
    private volatile LinkFaults _faults = LinkFaults.None;
    private volatile TaskCompletionSource _faultsChanged = NewSignal();
    private volatile IPEndPoint _upstream;
    private long _nextId;

    public LinkProxy(string name, IPEndPoint upstream, TimeProvider time)
    {
        Name = name;
        _upstream = upstream;
        _time = time;
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(512);
        Endpoint = (IPEndPoint)_listener.LocalEndPoint!;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public string Name { get; }
    /// <summary>Where clients connect.</summary>
    public IPEndPoint Endpoint { get; }
    public int ActiveConnections => _connections.Count;
    public LinkFaults Faults => _faults;
    internal TimeProvider Time => _time;
    internal Task FaultsChanged => _faultsChanged.Task;

    /// <summary>Where the link leads; can move (a restarted replica on a new port, a new primary).</summary>
    public IPEndPoint Upstream
    {
        get => _upstream;
        set => _upstream = value;
    }

    public void Apply(LinkFaults faults)
    {
        faults.Validate();
        _faults = faults;
        Interlocked.Exchange(ref _faultsChanged, NewSignal()).TrySetResult();
    }

    public void Clear() => Apply(LinkFaults.None);

    /// <summary>Resets every open connection (TCP RST both ways), as a middlebox dropping its state would.</summary>
    public int ResetConnections()
    {
        var count = 0;
        foreach (var connection in _connections.Values)
        {
            connection.Reset();
            count++;
        }
        return count;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        ResetConnections();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }
        Interlocked.Exchange(ref _faultsChanged, NewSignal()).TrySetResult();
        _stop.Dispose();
    }

    internal void Forget(long id) => _connections.TryRemove(id, out _);

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            client.NoDelay = true;
            if (_faults.ConnectionDropPercent > 0 && Random.Shared.NextDouble() * 100 < _faults.ConnectionDropPercent)
            {
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            var id = Interlocked.Increment(ref _nextId);
            var connection = new LinkConnection(this, id, client, _stop.Token);
            _connections[id] = connection;
            _ = connection.RunAsync();
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
