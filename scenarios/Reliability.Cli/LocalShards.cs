using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Reliability.Load.Sharding;

namespace Reliability.Cli;

/// <summary>
/// The shards of a sharded `load` as generator processes on this machine: this CLI again, once per shard,
/// with "--shard i/N". Each reports on its standard output and takes "start" and "stop" on its standard
/// input; when this process dies its shards see their input end and stop. Their standard error goes to
/// shards/&lt;i&gt;.log in the run's folder.
/// </summary>
internal sealed class LocalShards : IShardTransport
{
    private readonly List<Process> _processes = [];
    private readonly Channel<(int, string?)> _lines = Channel.CreateUnbounded<(int, string?)>();
    private readonly List<Task> _pumps = [];

    private LocalShards()
    {
    }

    private const string ProcessorCountVariable = "DOTNET_PROCESSOR_COUNT";

    public int Count => _processes.Count;

    /// <summary>Starts <paramref name="count"/> shards, shard i running this CLI with <paramref name="arguments"/>(i).</summary>
    public static LocalShards Start(int count, Func<int, IReadOnlyList<string>> arguments, string folder)
    {
        var shards = new LocalShards();
        Directory.CreateDirectory(Path.Combine(folder, "shards"));
        try
        {
            for (var i = 0; i < count; i++)
            {
                var start = new ProcessStartInfo(Environment.ProcessPath!)
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                };
                // Inherited from process start, inline socket completions have hung a CLI before its first line (commit
                // 38371b0); each shard sets them for itself before its first socket, as `load` does.
                start.Environment.Remove(Reliability.Load.Engine.LoadHttpClient.InlineCompletionsVariable);
                // The shards share this machine's cores: each runtime is told its share, so that N thread pools (and their
                // idle spinning) do not each size themselves for every core. A value the user set is kept.
                if (!start.Environment.ContainsKey(ProcessorCountVariable))
                {
                    start.Environment[ProcessorCountVariable] = Math.Max(1, Environment.ProcessorCount / count).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }
                foreach (var argument in Self(arguments(i)))
                {
                    start.ArgumentList.Add(argument);
                }
                var process = Process.Start(start) ?? throw new InvalidOperationException($"shard {i} did not start");
                shards._processes.Add(process);
                shards._pumps.Add(shards.PumpAsync(i, process));
                shards._pumps.Add(CopyAsync(process.StandardError, Path.Combine(folder, "shards", $"{i}.log")));
            }
        }
        catch
        {
            shards.KillAsync().GetAwaiter().GetResult();
            throw;
        }
        return shards;
    }

    /// <summary>This CLI's own command line: the apphost, or dotnet with the entry assembly.</summary>
    private static IEnumerable<string> Self(IEnumerable<string> arguments) =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet"
            ? [System.Reflection.Assembly.GetEntryAssembly()!.Location, .. arguments]
            : arguments;

    public async IAsyncEnumerable<(int Shard, string? Line)> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var ended = 0;
        while (ended < _processes.Count && await _lines.Reader.WaitToReadAsync(ct))
        {
            while (_lines.Reader.TryRead(out var item))
            {
                ended += item.Item2 is null ? 1 : 0;
                yield return item;
            }
        }
    }

    public Task StartAsync(DateTimeOffset at, CancellationToken ct) => SendAsync($"start {at:O}");

    public Task StopAsync(CancellationToken ct) => SendAsync("stop");

    private async Task SendAsync(string line)
    {
        foreach (var process in _processes)
        {
            try
            {
                await process.StandardInput.WriteLineAsync(line);
                await process.StandardInput.FlushAsync();
            }
            catch (IOException)
            {
                // It has exited: its end of output says so.
            }
        }
    }

    public async Task KillAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
        foreach (var process in _processes)
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task PumpAsync(int shard, Process process)
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                await _lines.Writer.WriteAsync((shard, line));
            }
        }
        catch (IOException)
        {
        }
        await _lines.Writer.WriteAsync((shard, null));
    }

    private static async Task CopyAsync(StreamReader from, string path)
    {
        await using var file = new StreamWriter(path);
        try
        {
            while (await from.ReadLineAsync() is { } line)
            {
                await file.WriteLineAsync(line);
            }
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Closes the shards' input (a shard still running stops), gives them 10 s to exit, then kills what is left.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
            }
        }
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await Task.WhenAll(_processes.Select(p => p.WaitForExitAsync(deadline.Token)));
            }
            catch (OperationCanceledException)
            {
            }
        }
        await KillAsync();
        using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            try
            {
                await Task.WhenAll(_pumps).WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        foreach (var process in _processes)
        {
            process.Dispose();
        }
    }
}
