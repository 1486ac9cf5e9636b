using Reliability.Sut.Local.Embedded;
using Spectre.Console.Testing;

namespace Reliability.Cli.Tests;

/// <summary>The live console on a (test) terminal: lines written meanwhile still come out whole, and the console is given back.</summary>
public sealed class ConsoleUiTests
{
    [Fact]
    public async Task Lines_written_to_the_console_during_live_work_come_out_whole_and_the_console_is_restored()
    {
        var terminal = new TestConsole().Interactive().EmitAnsiSequences();
        var before = Console.Out;

        var answer = await ConsoleUi.RunLiveAsync(terminal, "pod-kill", async load =>
        {
            await Console.Out.WriteLineAsync("12:00:01 injected pod-kill into sut-zone-a-0");
            Console.Out.Write("partial ");
            Console.Out.WriteLine("line");
            load.Should().BeOfType<ConsoleUi.LatestLoad>();
            return 42;
        });

        answer.Should().Be(42);
        Console.Out.Should().BeSameAs(before);
        terminal.Output.Should().Contain("12:00:01 injected pod-kill into sut-zone-a-0").And.Contain("partial line");
    }

    [Fact]
    public async Task The_environment_table_shows_every_component_with_its_state_and_stops_on_cancel()
    {
        var terminal = new TestConsole().Interactive();
        using var stop = new CancellationTokenSource();
        IReadOnlyList<ComponentStatus> Status()
        {
            stop.Cancel();
            return [new("postgres", "database", "zone-a", ComponentState.Healthy, "127.0.0.1:5432"), new("sut-zone-b-1", "replica", "zone-b", ComponentState.Starting, "pid 42")];
        }

        await LiveStatus.RunLiveAsync(terminal, Status, stop.Token).WaitAsync(TimeSpan.FromSeconds(10));

        terminal.Output.Should().Contain("postgres").And.Contain("Healthy").And.Contain("sut-zone-b-1").And.Contain("Starting");
    }
}
