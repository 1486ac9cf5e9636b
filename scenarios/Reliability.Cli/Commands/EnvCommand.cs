using System.CommandLine;
using Reliability.Sut.Local.Embedded;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Cli.Commands;

/// <summary>`env up`: the embedded environment with a live view of its components, until Ctrl-C or SIGTERM.</summary>
internal static class EnvCommand
{
    public static Command Create()
    {
        var kubernetes = new Option<bool>("--kubernetes")
        {
            Description = "Also serve a Kubernetes API stand-in with Chaos Mesh, backed by this environment, and write a kubeconfig for it: try `--target kubernetes` and kubectl before a cluster.",
        };
        var backups = new Option<bool>("--backups")
        {
            Description = "Archive the database's WAL and take backups with pgBackRest, to a repository in the run folder: a full backup once up, then an incremental one every minute.",
        };
        var up = new Command("up", "Start the embedded environment (PostgreSQL, 6 SUT replicas in 3 zones, load balancer, Prometheus, Alertmanager) and keep it running until Ctrl-C.");
        up.Options.Add(kubernetes);
        up.Options.Add(backups);
        up.SetAction((parse, ct) => parse.GetValue(kubernetes) ? KubernetesStandInCommand.UpAsync(ct)
            : UpAsync(Console.Out, parse.GetValue(backups) ? new EnvironmentOptions { Patroni = new() { Backups = new() } } : new EnvironmentOptions(), ct));
        var env = new Command("env", "The embedded local environment.");
        env.Subcommands.Add(up);
        return env;
    }

    private static async Task<int> UpAsync(TextWriter output, EnvironmentOptions options, CancellationToken ct)
    {
        LocalEnvironment environment;
        try
        {
            environment = await LocalEnvironment.StartAsync(options, output, ct);
        }
        catch (Exception ex) when (ex is PrerequisiteException or ComponentStartException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        catch (OperationCanceledException)
        {
            return ExitCodes.EnvironmentError;
        }
        await using (environment)
        {
            await output.WriteLineAsync($"""

                Ready in {environment.StartupTime.TotalSeconds:0.0} s.
                  entry point   {environment.EntryPoint}
                  prometheus    {environment.Prometheus?.Address}
                  alertmanager  {environment.Alertmanager?.Address}
                  database      {environment.DatabaseSummary}
                {(environment.Patroni?.Backups is { } b ? $"  backups       pgBackRest stanza {Reliability.Sut.Local.Database.Backups.BackupOptions.Stanza}, repository {b.BackRest.Repository}, full backup {b.Backups[0].Label}, then every {b.Options.Interval.TotalSeconds:0} s" : "")}
                {(environment.CloudWatch is { } cloudWatch ? AwsEnvironment.Describe(cloudWatch, environment.Run.Path) : "")}
                  run folder    {environment.Run.Path}
                Press Ctrl-C to stop.

                """);
            // Console.Out, not output: while the live table is up, Console.Out prints above it.
            environment.Supervisor.EventRecorded += e => Console.Out.WriteLine($"{e.At:HH:mm:ss.fff} {e.Pod} {e.Kind}{(e.Detail is null ? "" : $" ({e.Detail})")}");
            await new LiveStatus(output).RunAsync(environment, ct);
            await output.WriteLineAsync("Stopping the environment.");
        }
        return ExitCodes.Passed;
    }
}
