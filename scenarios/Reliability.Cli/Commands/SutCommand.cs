using System.CommandLine;

namespace Reliability.Cli.Commands;

/// <summary>`sut up`: the SUT on an embedded PostgreSQL, serving until Ctrl-C or SIGTERM.</summary>
internal static class SutCommand
{
    public static Command Create()
    {
        var up = new Command("up", "Start PostgreSQL and one SUT replica on 127.0.0.1 and keep them running until Ctrl-C.");
        up.SetAction((_, ct) => UpAsync(Console.Out, ct));
        var sut = new Command("sut", "The bundled system under test.");
        sut.Subcommands.Add(up);
        return sut;
    }

    private static async Task<int> UpAsync(TextWriter output, CancellationToken ct)
    {
        await using var local = await CommandErrors.StartLocalSutAsync(output, ct);
        if (local is null)
        {
            return ExitCodes.EnvironmentError;
        }
        await output.WriteLineAsync($"SUT        {local.Sut.BaseAddress} (ready in {local.SutStartTime.TotalSeconds:0.00} s)");
        await output.WriteLineAsync($"PostgreSQL 127.0.0.1:{local.Postgres.Port} database {local.Postgres.Database}, role {local.Postgres.AppUser}");
        await output.WriteLineAsync($"Logs       {local.Run.Path}");
        await output.WriteLineAsync("Press Ctrl-C to stop.");
        try
        {
            await Task.WhenAny(local.Sut.Exited, Task.Delay(Timeout.Infinite, ct));
        }
        catch (OperationCanceledException)
        {
        }
        if (local.Sut.HasExited && !ct.IsCancellationRequested)
        {
            await output.WriteLineAsync($"The SUT exited with code {local.Sut.ExitCode}:\n{local.Sut.LogTail()}");
            return ExitCodes.EnvironmentError;
        }
        await output.WriteLineAsync("Stopping.");
        return ExitCodes.Passed;
    }
}
