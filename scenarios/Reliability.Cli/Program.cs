using System.CommandLine;
using System.Runtime.InteropServices;
using Reliability.Cli;
using Reliability.Sut.Local.Processes;

Console.SetOut(new HangupTolerantWriter(Console.Out));
Console.SetError(new HangupTolerantWriter(Console.Error));
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
// Ctrl-C, SIGTERM and a closed terminal (SIGHUP) cancel the command, which rolls back its faults and then
// stops everything it started before exiting. A second Ctrl-C still rolls back first, but cuts the graceful
// waits of stopping processes short. The children run in sessions of their own, so only the harness hears these.
using var stopping = new CancellationTokenSource();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    if (stopping.IsCancellationRequested)
    {
        Shutdown.RequestHurry();
    }
    stopping.Cancel();
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);
try
{
    var exit = await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false }, stopping.Token);
    return Failures.Final(exit, stopping.IsCancellationRequested);
}
catch (Exception ex)
{
    return Failures.ExitCodeFor(ex, stopping.IsCancellationRequested, result.GetValue(CommandLine.Verbose));
}
