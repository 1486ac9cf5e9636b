using System.CommandLine;
using System.Runtime.InteropServices;
using Reliability.Cli;
using Reliability.Cli.Commands;

var root = new RootCommand("""
    Reliability: prove with evidence that a service survives failure.

    Examples:
      reliability gameday      run the default game day on the embedded environment
      reliability load crud --target http://127.0.0.1:8080 --rate 50 --duration 30s --threshold "p95 < 500ms"
      reliability validate experiments/   lint every Chaos Mesh manifest against the CRD schemas
      reliability env up       start the embedded environment (3 zones, 6 replicas, load balancer, monitoring) until Ctrl-C
      reliability sut up       start one SUT replica on an embedded PostgreSQL until Ctrl-C

    Exit codes: 0 passed, 1 a hypothesis failed, 2 invalid input, 3 environment or observation error.
    """);
root.Subcommands.Add(GameDayCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(EnvCommand.Create());
root.Subcommands.Add(LoadCommand.Create());
root.Subcommands.Add(ValidateCommand.Create());
root.Subcommands.Add(SloCommand.Create());
root.Subcommands.Add(SutCommand.Create());

var result = root.Parse(args);
if (result.Errors.Count > 0)
{
    foreach (var error in result.Errors)
    {
        await Console.Error.WriteLineAsync($"error: {error.Message}");
    }
    return ExitCodes.InvalidInput;
}
// Ctrl-C and SIGTERM cancel the command, which then stops everything it started before exiting.
// A second Ctrl-C is not special-cased: cleanup is bounded by each component's own stop timeout.
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopping.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, stopping.Token);
