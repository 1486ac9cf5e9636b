using System.CommandLine;
using System.Runtime.InteropServices;
using Reliability.Cli;
using Reliability.Cli.Commands;

var root = CommandLine.Build();
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
