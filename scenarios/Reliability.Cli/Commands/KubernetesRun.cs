using System.CommandLine;

namespace Reliability.Cli.Commands;

internal sealed record KubernetesSettings(string? Kubeconfig, string? Context, IReadOnlyList<string> AllowedNamespaces, string? Prometheus, string? DatabaseUrlVariable, string? Url)
{
    public string? Alertmanager { get; init; }
}

/// <summary>The options only --target kubernetes uses.</summary>
internal sealed class KubernetesOptions
{
    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster configuration)." };
    private readonly Option<string?> _context = new("--context") { Description = "kubeconfig context to use." };
    private readonly Option<string[]> _allow = new("--allow-namespace") { Description = "Namespaces faults may touch (repeatable); anything else is refused. Default: task-manager." };
    private readonly Option<string?> _prometheus = new("--prometheus") { Description = "Prometheus base URL for alert and SLI evidence (without it those verdicts are inconclusive)." };
    private readonly Option<string?> _database = new("--database-url-env") { Description = "Name of the environment variable holding the database connection string for the RPO check." };
    private readonly Option<string?> _alertmanager = new("--alertmanager") { Description = "Alertmanager base URL, to check that expected alerts reach it (without it those verdicts are inconclusive)." };
    private readonly Option<string?> _url = new("--url") { Description = "The service's user-facing base URL, where the load goes (required with --target kubernetes)." };

    public static KubernetesOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_kubeconfig);
        command.Options.Add(_context);
        command.Options.Add(_allow);
        command.Options.Add(_prometheus);
        command.Options.Add(_database);
        command.Options.Add(_url);
        command.Options.Add(_alertmanager);
    }

    public KubernetesSettings Read(ParseResult parse) => new(parse.GetValue(_kubeconfig), parse.GetValue(_context),
        parse.GetValue(_allow) is { Length: > 0 } allowed ? allowed : ["task-manager"], parse.GetValue(_prometheus), parse.GetValue(_database), parse.GetValue(_url)) { Alertmanager = parse.GetValue(_alertmanager) };
}

/// <summary>`run --target kubernetes`: the same experiment against a cluster with Chaos Mesh.</summary>
internal static class KubernetesRun
{
    public static async Task<int> RunAsync(string path, bool dryRun, string? output, KubernetesSettings settings, CancellationToken ct)
    {
        var experiment = RunCommand.TryLoad(path, strict: false, out var exit);
        if (experiment is null)
        {
            return exit;
        }
        if (!dryRun && (settings.Url is null || !Uri.TryCreate(settings.Url.EndsWith('/') ? settings.Url : settings.Url + "/", UriKind.Absolute, out _)))
        {
            await Console.Error.WriteLineAsync("error: --url <the service's base URL> is required with --target kubernetes");
            return ExitCodes.InvalidInput;
        }
        k8s.Kubernetes client;
        try
        {
            var config = settings.Kubeconfig is null && k8s.KubernetesClientConfiguration.IsInCluster()
                ? k8s.KubernetesClientConfiguration.InClusterConfig()
                : k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig, settings.Context);
            client = new k8s.Kubernetes(config);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: no usable Kubernetes configuration: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
        using (client)
        {
            var runId = $"{experiment.Definition.Name}-{DateTime.UtcNow:yyyyMMddHHmmss}";
            var driver = new Reliability.Experiments.Drivers.Kubernetes.KubernetesChaosDriver(client, settings.AllowedNamespaces, runId);
            try
            {
                var plan = await driver.PlanAsync(experiment.Faults, ct);
                if (dryRun)
                {
                    Console.WriteLine($"dry run of {experiment.Definition.Name} against the cluster; nothing is created");
                    Console.WriteLine(plan.Describe());
                    return ExitCodes.Passed;
                }
            }
            catch (Reliability.Experiments.ChaosMesh.ManifestException ex)
            {
                foreach (var problem in ex.Problems)
                {
                    await Console.Error.WriteLineAsync(problem.ToString());
                }
                return ExitCodes.InvalidInput;
            }
            catch (HttpRequestException ex)
            {
                await Console.Error.WriteLineAsync($"error: the Kubernetes API is unreachable: {ex.Message}");
                return ExitCodes.EnvironmentError;
            }
            using var prometheusHttp = settings.Prometheus is { } p ? new HttpClient { BaseAddress = new Uri(p.EndsWith('/') ? p : p + "/"), Timeout = TimeSpan.FromSeconds(5) } : null;
            using var alertmanagerHttp = settings.Alertmanager is { } am ? new HttpClient { BaseAddress = new Uri(am.EndsWith('/') ? am : am + "/"), Timeout = TimeSpan.FromSeconds(5) } : null;
            var database = settings.DatabaseUrlVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
            var target = new Reliability.Experiments.Running.RunTarget(new Uri(settings.Url!.EndsWith('/') ? settings.Url : settings.Url + "/"), driver,
                prometheusHttp is null ? null : new Reliability.Slo.Prometheus.PrometheusClient(prometheusHttp), database)
            {
                Alertmanager = alertmanagerHttp is null ? null : new Reliability.Slo.Alertmanager.AlertmanagerClient(alertmanagerHttp),
            };
            var folder = output ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{experiment.Definition.Name}");
            return await RunCommand.ExecuteAsync(experiment, target, folder, ct);
        }
    }
}
