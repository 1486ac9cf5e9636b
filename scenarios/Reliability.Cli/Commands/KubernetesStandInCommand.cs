using System.Globalization;
using Reliability.ClusterStandIn;
using Reliability.Sut.Local.Embedded;

namespace Reliability.Cli.Commands;

/// <summary>
/// `env up --kubernetes`: the embedded environment, warmed as a long-running deployment would be, with the
/// Kubernetes API stand-in beside it. Writes, in the run folder, a kubeconfig and harness.env (the database
/// URL a cluster's Secret would hold; both mode 0600) and prints the game day command that uses them. On
/// Ctrl-C, SIGTERM or SIGHUP every chaos object's fault is recovered before the environment stops.
/// </summary>
internal static class KubernetesStandInCommand
{
    public const string DatabaseVariable = "DATABASE_URL";

    public static async Task<int> UpAsync(CancellationToken ct)
    {
        var (environment, exit) = await LocalBringUp.StartAsync(new EnvironmentOptions(), ct);
        if (environment is null)
        {
            return exit;
        }
        await using (environment)
        {
            await using var standIn = await KubernetesApiStandIn.StartAsync(environment, Path.Combine(environment.Run.Path, "chaos-mesh"));
            var kubeconfig = Path.Combine(environment.Run.Path, "kubeconfig");
            standIn.WriteKubeconfig(kubeconfig);
            var harnessEnv = Path.Combine(environment.Run.Path, "harness.env");
            // The database URL a Secret would hold, and where CloudWatch is with the key pair it accepts.
            PrivateFile.Write(harnessEnv, $"{DatabaseVariable}='{environment.DatabaseAdminConnectionString.Replace("'", "'\\''", StringComparison.Ordinal)}'\n"
                + (environment.CloudWatch is { } cloudWatch ? AwsEnvironment.Lines(cloudWatch) : ""));
            var scale = environment.Options.Monitoring.RuleTimeScale.ToString("0.######", CultureInfo.InvariantCulture);
            Console.WriteLine($"""

                Kubernetes API stand-in (Chaos Mesh on this environment) at {standIn.Address}
                  kubeconfig    {kubeconfig}   (contexts: reliability-harness, the harness's RBAC; admin, everything)
                  entry point   {environment.EntryPoint}
                  prometheus    {environment.Prometheus?.Address}
                  alertmanager  {environment.Alertmanager?.Address}
                  harness.env   {harnessEnv}   ({DatabaseVariable}, as the harness's Secret holds it, and the AWS_ variables of CloudWatch)
                {(environment.CloudWatch is { } local ? AwsEnvironment.Describe(local, environment.Run.Path) : "")}
                Try, in another terminal:
                  kubectl --kubeconfig {kubeconfig} --context admin get nodes -L topology.kubernetes.io/zone
                  set -a; . {harnessEnv}; set +a
                  reliability gameday --target kubernetes --kubeconfig {kubeconfig} --url {environment.EntryPoint} --prometheus {environment.Prometheus?.Address} --alertmanager {environment.Alertmanager?.Address} --database-url-env {DatabaseVariable} --alert-time-scale {scale}
                Press Ctrl-C to stop.

                """);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("Stopping: recovering every chaos object's fault, then the environment.");
        }
        return ExitCodes.Passed;
    }
}
