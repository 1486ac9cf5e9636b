using Reliability.Load.Engine;
using Reliability.Load.Results;
using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;
using Spectre.Console;

namespace Reliability.Cli;

/// <summary>
/// Live progress for long work (run, gameday): on a terminal, a Spectre.Console status line with a spinner
/// and the load of the last second, while everything the work writes to the console scrolls above it.
/// Under CI=true or a redirected stream, the same lines plain, one load line per second.
/// </summary>
internal static class ConsoleUi
{
    public static bool Interactive =>
        !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is not ("true" or "1");

    public static Task<T> RunAsync<T>(string title, Func<ILoadProgress, Task<T>> work) =>
        Interactive ? RunLiveAsync(AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) }), title, work)
            : work(new ConsoleProgress(Console.Out, interactive: false));

    /// <summary>
    /// Console.Out is redirected into <paramref name="console"/> for the duration, so writers that know
    /// nothing of Spectre (the runner, the environment) print above the live line instead of through it.
    /// </summary>
    internal static async Task<T> RunLiveAsync<T>(IAnsiConsole console, string title, Func<ILoadProgress, Task<T>> work)
    {
        var original = Console.Out;
        var load = new LatestLoad();
        using var lines = new LineWriter(console);
        Console.SetOut(lines);
        try
        {
            return await console.Status().Spinner(Spinner.Known.Dots).StartAsync(Markup.Escape(title), async context =>
            {
                using var done = new CancellationTokenSource();
                var refresh = Task.Run(async () =>
                {
                    while (!done.IsCancellationRequested)
                    {
                        context.Status(Markup.Escape(load.Current is { } current ? $"{title}  {current}" : title));
                        await Task.Delay(250, done.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                    }
                });
                try
                {
                    return await work(load);
                }
                finally
                {
                    await done.CancelAsync();
                    await refresh;
                }
            });
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    /// <summary>Keeps only the newest load line; the status shows it.</summary>
    internal sealed class LatestLoad : ILoadProgress
    {
        public string? Current { get; private set; }

        public void OnSimulation(LoadSimulation simulation) => Current = $"-> {simulation.Describe()}";

        public void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed) =>
            Current = System.Text.RegularExpressions.Regex.Replace(ConsoleProgress.Line(scenario, measurements, elapsed).Trim(), @"\s+", " ");
    }

    /// <summary>A TextWriter that hands whole lines to Spectre, which prints them above the live status.</summary>
    internal sealed class LineWriter(IAnsiConsole console) : TextWriter
    {
        private readonly System.Text.StringBuilder _pending = new();
        private readonly Lock _gate = new();

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value)
        {
            lock (_gate)
            {
                if (value == '\n')
                {
                    console.WriteLine(_pending.ToString().TrimEnd('\r'));
                    _pending.Clear();
                }
                else
                {
                    _pending.Append(value);
                }
            }
        }

        public override void Write(string? value)
        {
            foreach (var c in value ?? "")
            {
                Write(c);
            }
        }

        protected override void Dispose(bool disposing)
        {
            lock (_gate)
            {
                if (_pending.Length > 0)
                {
                    console.WriteLine(_pending.ToString());
                    _pending.Clear();
                }
            }
            base.Dispose(disposing);
        }
    }
}
