using Reliability.Load.Engine;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Cli;

/// <summary>The one way `run` and `gameday` bring up the local target: start the embedded environment, then warm it.</summary>
internal static class LocalBringUp
{
    /// <summary>The environment, started and warm; null with the exit code when it could not start or Ctrl-C came first.</summary>
    public static async Task<(LocalEnvironment? Environment, int Exit)> StartAsync(EnvironmentOptions options, CancellationToken ct)
    {
        LoadHttpClient.UseInlineSocketCompletions();
        LocalEnvironment environment;
        try
        {
            environment = await LocalEnvironment.StartAsync(options, Console.Out, ct);
        }
        catch (Exception ex) when (ex is PrerequisiteException or ComponentStartException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return (null, ExitCodes.EnvironmentError);
        }
        Console.WriteLine($"environment ready in {environment.StartupTime.TotalSeconds:0.0} s at {environment.EntryPoint}");
        using var warmUp = new EnvironmentWarmUp(environment, Console.Out);
        if (!await warmUp.RunAsync(ct))
        {
            await environment.DisposeAsync();
            await Console.Error.WriteLineAsync("interrupted while warming the environment; nothing was injected");
            return (null, ExitCodes.Interrupted);
        }
        return (environment, ExitCodes.Passed);
    }
}
