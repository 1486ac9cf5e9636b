using System.CommandLine;

namespace Reliability.Cli.Commands;

internal sealed record KubernetesSettings(string? Kubeconfig, string? Context, IReadOnlyList<string> AllowedNamespaces, string? Prometheus, string? DatabaseUrlVariable);

/// <summary>The options only --target kubernetes uses.</summary>
internal sealed class KubernetesOptions
{
    private readonly Option<string?> _kubeconfig = new("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster configuration)." };
    private readonly Option<string?> _context = new("--context") { Description = "kubeconfig context to use." };
    private readonly Option<string[]> _allow = new("--allow-namespace") { Description = "Namespaces faults may touch (repeatable); anything else is refused. Default: task-manager." };
    private readonly Option<string?> _prometheus = new("--prometheus") { Description = "Prometheus base URL for alert and SLI evidence (without it those verdicts are inconclusive)." };
    private readonly Option<string?> _database = new("--database-url-env") { Description = "Name of the environment variable holding the database connection string for the RPO check." };

    public static KubernetesOptions Create() => new();

    public void AddTo(Command command)
    {
        command.Options.Add(_kubeconfig);
        command.Options.Add(_context);
        command.Options.Add(_allow);
        command.Options.Add(_prometheus);
        command.Options.Add(_database);
    }

    public KubernetesSettings Read(ParseResult parse) => new(parse.GetValue(_kubeconfig), parse.GetValue(_context),
        parse.GetValue(_allow) is { Length: > 0 } allowed ? allowed : ["task-manager"], parse.GetValue(_prometheus), parse.GetValue(_database));
}

internal static class KubernetesRun
{
    public static Task<int> RunAsync(string path, bool dryRun, string? output, KubernetesSettings settings, CancellationToken ct)
    {
        Console.Error.WriteLine("error: the Kubernetes driver is not wired yet");
        return Task.FromResult(ExitCodes.EnvironmentError);
    }
}
