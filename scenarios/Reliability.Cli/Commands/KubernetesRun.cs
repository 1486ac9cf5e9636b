using System.CommandLine;

namespace Reliability.Cli.Commands;

internal sealed record KubernetesSettings(string? Kubeconfig, string? Context, IReadOnlyList<string> AllowedNamespaces, string? Prometheus, string? DatabaseUrlVariable, string? Url)
{
    public string? Alertmanager { get; init; }

    /// <summary>
    /// How much faster than production the cluster's alert rules run (1 on a real cluster; the stand-in's
    /// environment compresses them 30 times); NaN when the value given is not a number in (0, 1].
    /// </summary>
    public double AlertTimeScale { get; init; } = 1.0;

    /// <summary>Experiment zone → cluster zone (--zone zone-a=us-east-1a); null when a value is not of that form.</summary>
    public IReadOnlyDictionary<string, string>? Zones { get; init; } = new Dictionary<string, string>();

    /// <summary>The driver for one run on this cluster.</summary>
    public Reliability.Experiments.Drivers.Kubernetes.KubernetesChaosDriver Driver(k8s.IKubernetes client, string runId) =>
        new(client, AllowedNamespaces, runId, time: TimeProvider.System) { Zones = Zones ?? new Dictionary<string, string>() };
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
    private readonly Option<string?> _alertScale = new("--alert-time-scale") { Description = "How much faster than production the target's alert rules run, in (0, 1]: 1 on a cluster (the default), the stand-in's value when `env up --kubernetes` prints one." };
    private readonly Option<string[]> _zones = new("--zone") { Description = "An experiment zone and the cluster zone it stands for, as zone-a=us-east-1a (repeatable). Default: the nodes' zones in sorted order." };

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
        command.Options.Add(_zones);
        command.Options.Add(_alertScale);
    }

    public KubernetesSettings Read(ParseResult parse) => new(parse.GetValue(_kubeconfig), parse.GetValue(_context),
        parse.GetValue(_allow) is { Length: > 0 } allowed ? allowed : ["task-manager"], parse.GetValue(_prometheus), parse.GetValue(_database), parse.GetValue(_url))
    {
        Alertmanager = parse.GetValue(_alertmanager),
        Zones = Zones(parse.GetValue(_zones) ?? []),
        AlertTimeScale = parse.GetValue(_alertScale) is not { } scale ? 1.0
            : double.TryParse(scale, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 1 ? value : double.NaN,
    };

    private static Dictionary<string, string>? Zones(string[] values)
    {
        var zones = new Dictionary<string, string>();
        foreach (var value in values)
        {
            if (value.Split('=') is not [var from, var to] || from.Length == 0 || to.Length == 0 || !zones.TryAdd(from, to))
            {
                return null;
            }
        }
        return zones;
    }
}

/// <summary>`run --target kubernetes`: the same experiment against a cluster with Chaos Mesh.</summary>
internal static class KubernetesRun
{
    public static async Task<int> RunAsync(string path, bool dryRun, string? output, KubernetesSettings settings, Reliability.Load.Targets.TargetCatalog targets, CancellationToken ct)
    {
        if (!dryRun && ServiceUrl(settings) is null)
        {
            await Console.Error.WriteLineAsync("error: --url <the service's base URL> is required with --target kubernetes");
            return ExitCodes.InvalidInput;
        }
        if (!ZonesValid(settings))
        {
            return ExitCodes.InvalidInput;
        }
        using var client = await ConnectAsync(settings);
        if (client is null)
        {
            return ExitCodes.EnvironmentError;
        }
        if (await SchemasAsync(client, ct) is not { } schemas)
        {
            return ExitCodes.EnvironmentError;
        }
        if (RunCommand.TryLoad(path, strict: false, targets, out var exit, schemas) is not { } prepared)
        {
            return exit;
        }
        var experiment = prepared.Experiment;
        var runId = $"{experiment.Definition.Name}-{DateTime.UtcNow:yyyyMMddHHmmss}";
        var driver = settings.Driver(client, runId);
        if (await PlanAsync(driver, experiment, ct) is { } refused)
        {
            return refused;
        }
        if (dryRun)
        {
            Console.WriteLine("dry run: nothing was created in the cluster");
            return ExitCodes.Passed;
        }
        if (PlannedOnly.Refuses(experiment) is { } onlyPlanned)
        {
            return onlyPlanned;
        }
        if (await Levers.RefusesAsync(Levers.Kubernetes(client), ct))
        {
            return ExitCodes.HypothesisFailed;
        }
        using var observers = new Observers(settings);
        var folder = output ?? Path.Combine("artifacts", $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{experiment.Definition.Name}");
        await SweepAsync(client, settings, "before the run");
        try
        {
            return await RunCommand.ExecuteAsync(prepared, observers.Target(ServiceUrl(settings)!, driver)
                with { Lever = Levers.Kubernetes(client), ShardedLoad = await KubernetesShardedLoad.ForExperimentAsync(client, ct) }, folder, ct);
        }
        finally
        {
            await SweepAsync(client, settings, "after the run");
        }
    }

    /// <summary>
    /// Deletes the Chaos Mesh objects of runs whose harness is gone (killed before it could roll back), and
    /// says what it did. Bounded, and never fatal: the run's own rollback does not depend on it.
    /// </summary>
    internal static async Task SweepAsync(k8s.IKubernetes client, KubernetesSettings settings, string when)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var result = await new Reliability.Experiments.Drivers.Kubernetes.OrphanSweeper(client, settings.AllowedNamespaces).SweepAsync(timeout.Token);
            foreach (var deleted in result.Deleted)
            {
                Console.WriteLine($"swept {when}: {deleted}, left by a run whose harness is gone");
            }
            foreach (var unknown in result.Unknown)
            {
                Console.WriteLine($"left {when}: {unknown}");
            }
            foreach (var failed in result.Failed)
            {
                await Console.Error.WriteLineAsync($"warning: could not sweep {failed}");
            }
        }
        catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"warning: the sweep for objects of dead runs {when} failed: {Failures.Describe(ex)}");
        }
    }

    /// <summary>False, with the reason printed, when a --zone is not of the form zone-a=us-east-1a or names an experiment zone twice.</summary>
    internal static bool ZonesValid(KubernetesSettings settings)
    {
        if (double.IsNaN(settings.AlertTimeScale))
        {
            Console.Error.WriteLine("error: --alert-time-scale: expected a number greater than 0 and at most 1 (for example 0.033333)");
            return false;
        }
        if (settings.Zones is not null)
        {
            return true;
        }
        Console.Error.WriteLine("error: --zone: expected EXPERIMENT_ZONE=CLUSTER_ZONE (for example zone-a=us-east-1a), each experiment zone once");
        return false;
    }

    /// <summary>The service URL as given (each load target makes its base address of it), or null when missing or not an absolute http(s) URL.</summary>
    internal static Uri? ServiceUrl(KubernetesSettings settings) =>
        settings.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;

    /// <summary>A client from the kubeconfig (or in-cluster configuration); null, with the reason printed, when there is none.</summary>
    internal static async Task<k8s.Kubernetes?> ConnectAsync(KubernetesSettings settings)
    {
        try
        {
            var config = settings.Kubeconfig is null && k8s.KubernetesClientConfiguration.IsInCluster()
                ? k8s.KubernetesClientConfiguration.InClusterConfig()
                : k8s.KubernetesClientConfiguration.BuildConfigFromConfigFile(settings.Kubeconfig, settings.Context);
            return new k8s.Kubernetes(config);
        }
        catch (Exception ex) when (ex is k8s.Exceptions.KubeConfigException or IOException)
        {
            await Console.Error.WriteLineAsync($"error: no usable Kubernetes configuration: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// The schemas to validate Chaos Mesh objects against on this cluster: the CRDs it serves, else the
    /// bundled ones; says which. Null, with the reason printed, when not even the bundled ones are there.
    /// </summary>
    internal static async Task<Reliability.Experiments.ChaosMesh.ChaosMeshSchemas?> SchemasAsync(k8s.Kubernetes client, CancellationToken ct)
    {
        Reliability.Experiments.ChaosMesh.ChaosMeshSchemas bundled;
        try
        {
            bundled = Reliability.Experiments.ChaosMesh.ChaosMeshSchemas.Load();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return null;
        }
        var schemas = await Reliability.Experiments.Drivers.Kubernetes.ClusterChaosMeshSchemas.LoadAsync(client, bundled, ct);
        Console.WriteLine($"Chaos Mesh objects are validated against the {schemas.Source}");
        return schemas;
    }

    /// <summary>Plans against the cluster and prints the plan; on a refusal prints why and gives the exit code.</summary>
    internal static async Task<int?> PlanAsync(Reliability.Experiments.Drivers.Kubernetes.KubernetesChaosDriver driver, Reliability.Experiments.Running.LoadedExperiment experiment, CancellationToken ct)
    {
        try
        {
            var plan = await Reliability.Experiments.Drivers.FaultPlan.OfAsync(driver, experiment.Faults, experiment.Definition.Runbook, ct);
            Console.WriteLine($"{experiment.Definition.Name} against the cluster:");
            Console.WriteLine(plan.Describe());
            if (driver.RenamedZones.Count > 0)
            {
                Console.WriteLine($"zones: {string.Join(", ", driver.RenamedZones.Select(z => $"{z.Key} is {z.Value}"))}");
            }
            return null;
        }
        catch (Reliability.Experiments.ChaosMesh.ManifestException ex)
        {
            CommandErrors.Print(ex.Problems);
            return ExitCodes.InvalidInput;
        }
        catch (HttpRequestException ex)
        {
            await Console.Error.WriteLineAsync($"error: the Kubernetes API is unreachable: {ex.Message}");
            return ExitCodes.EnvironmentError;
        }
    }

    /// <summary>Prometheus and Alertmanager clients for the evidence, when their URLs were given.</summary>
    internal sealed class Observers(KubernetesSettings settings) : IDisposable
    {
        private readonly HttpClient? _prometheus = Client(settings.Prometheus);
        private readonly HttpClient? _alertmanager = Client(settings.Alertmanager);
        private readonly string? _database = settings.DatabaseUrlVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
        private readonly HttpClient _cloudWatchHttp = new() { Timeout = TimeSpan.FromSeconds(10) };

        public Reliability.Experiments.Running.RunTarget Target(Uri service, Reliability.Experiments.Drivers.IChaosDriver driver) =>
            new(service, driver, _prometheus is null ? null : new Reliability.Observe.Prometheus.PrometheusClient(_prometheus), _database, settings.AlertTimeScale)
            {
                Alertmanager = _alertmanager is null ? null : new Reliability.Observe.Alertmanager.AlertmanagerClient(_alertmanager),
                CloudWatch = CloudWatch(),
                // Compressed rules look back 5 minutes compressed, plus a scrape and an evaluation: the warm-up that lets them forget the
                // virtual users' sign-up storm. Real clusters (scale 1) keep the experiment's own warm-up, as before.
                MinimumWarmUp = settings.AlertTimeScale < 1 ? TimeSpan.FromMinutes(5) * settings.AlertTimeScale + TimeSpan.FromSeconds(10) : TimeSpan.Zero,
            };

        /// <summary>
        /// CloudWatch as the AWS SDK finds it (region and credentials from the environment or profiles), at
        /// AWS_ENDPOINT_URL_CLOUDWATCH when set (a VPC endpoint, or the stand-in's); null without a region.
        /// </summary>
        private Reliability.Observe.CloudWatch.CloudWatchClient? CloudWatch()
        {
            var endpoint = Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_CLOUDWATCH") ?? Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL");
            if (endpoint is null && Environment.GetEnvironmentVariable("AWS_REGION") is null && Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") is null)
            {
                return null;
            }
            try
            {
                return Reliability.Observe.CloudWatch.CloudWatchClient.FromEnvironment(_cloudWatchHttp, TimeProvider.System, endpoint is null ? null : new Uri(endpoint));
            }
            catch (Exception ex) when (ex is InvalidOperationException or UriFormatException or Amazon.Runtime.AmazonClientException)
            {
                Console.Error.WriteLine($"warning: CloudWatch is configured but unusable, alarm hypotheses will be inconclusive: {ex.Message}");
                return null;
            }
        }

        private static HttpClient? Client(string? url) =>
            url is null ? null : new HttpClient { BaseAddress = new Uri(url.EndsWith('/') ? url : url + "/"), Timeout = TimeSpan.FromSeconds(5) };

        public void Dispose()
        {
            _prometheus?.Dispose();
            _alertmanager?.Dispose();
            _cloudWatchHttp.Dispose();
        }
    }
}
