using Reliability.Sut.Local.Embedded;
using Spectre.Console;

namespace Reliability.Cli;

/// <summary>
/// Component health, live: on a terminal a Spectre.Console table redrawn in place, with supervisor events
/// scrolling above it; under CI=true or a redirected stream, one plain line per component whenever its
/// state changes.
/// </summary>
internal sealed class LiveStatus(TextWriter output)
{
    private static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, ComponentState> _last = [];

    public Task RunAsync(LocalEnvironment environment, CancellationToken ct) =>
        ConsoleUi.Interactive ? RunLiveAsync(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), environment.Status, ct)
            : RunPlainAsync(environment, ct);

    /// <summary>The table, redrawn every second until cancelled; Console.Out goes above it meanwhile.</summary>
    internal static async Task RunLiveAsync(IAnsiConsole console, Func<IReadOnlyList<ComponentStatus>> status, CancellationToken ct)
    {
        var original = Console.Out;
        using var lines = new ConsoleUi.LineWriter(console);
        Console.SetOut(lines);
        try
        {
            await console.Live(Table(status())).AutoClear(false).StartAsync(async context =>
            {
                while (!ct.IsCancellationRequested)
                {
                    context.UpdateTarget(Table(status()));
                    await Task.Delay(Refresh, ct).ContinueWith(_ => { }, TaskScheduler.Default);
                }
            });
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    internal static Table Table(IReadOnlyList<ComponentStatus> components)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "component", "zone", "state", "detail");
        foreach (var c in components)
        {
            var color = c.State switch
            {
                ComponentState.Healthy => "green",
                ComponentState.Starting => "yellow",
                _ => "red",
            };
            table.AddRow($"[{color}]●[/]", Markup.Escape(c.Name), Markup.Escape(c.Zone ?? ""), $"[{color}]{c.State}[/]", Markup.Escape(c.Detail ?? ""));
        }
        return table;
    }

    private async Task RunPlainAsync(LocalEnvironment environment, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            foreach (var component in environment.Status().Where(c => !_last.TryGetValue(c.Name, out var state) || state != c.State))
            {
                await output.WriteLineAsync($"{DateTime.UtcNow:HH:mm:ss} {component.Name} {component.State}: {component.Detail}");
                _last[component.Name] = component.State;
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
}
