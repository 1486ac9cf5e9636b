using Reliability.Sut.Local.Embedded;

namespace Reliability.Cli;

/// <summary>
/// Component health, live: a table redrawn in place on a terminal; under CI=true or a redirected
/// stream, one plain line per component whenever its state changes.
/// </summary>
internal sealed class LiveStatus(TextWriter output)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private readonly bool _interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is not ("true" or "1");
    private readonly Dictionary<string, ComponentState> _last = [];

    public async Task RunAsync(LocalEnvironment environment, CancellationToken ct)
    {
        var drawn = 0;
        while (!ct.IsCancellationRequested)
        {
            var status = environment.Status();
            if (_interactive)
            {
                if (drawn > 0)
                {
                    await output.WriteAsync($"\u001b[{drawn}A");
                }
                foreach (var component in status)
                {
                    await output.WriteLineAsync($"\u001b[2K{Symbol(component.State)} {component.Name,-14} {component.Zone ?? "",-7} {component.State,-10} {component.Detail}");
                }
                drawn = status.Count;
            }
            else
            {
                foreach (var component in status.Where(c => !_last.TryGetValue(c.Name, out var state) || state != c.State))
                {
                    await output.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} {component.Name} {component.State}: {component.Detail}");
                    _last[component.Name] = component.State;
                }
            }
            try
            {
                await Task.Delay(Refresh, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string Symbol(ComponentState state) => state switch
    {
        ComponentState.Healthy => "\u001b[32m●\u001b[0m",
        ComponentState.Starting => "\u001b[33m●\u001b[0m",
        _ => "\u001b[31m●\u001b[0m",
    };
}
