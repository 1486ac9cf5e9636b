using System.CommandLine;
using Reliability.Experiments.Safety;

namespace Reliability.Cli.Commands;

/// <summary>
/// `lever engage|release|status`: the safety lever. Engaged, it stops every running experiment with
/// rollback within a second and refuses new ones, until released. Locally a file beside the runs; with
/// --target kubernetes the ConfigMap reliability-safety-lever in the harness's namespace.
/// </summary>
internal static class LeverCommand
{
    public static Command Create()
    {
        var lever = new Command("lever", "The safety lever: engage it to halt all chaos (running faults are rolled back, nothing new starts) until released.");
        lever.Subcommands.Add(Sub("engage", "Halt all chaos now and until released.", (l, reason, ct) => EngageAsync(l, reason, ct)));
        lever.Subcommands.Add(Sub("release", "Let experiments run again.", async (l, _, ct) =>
        {
            await l.ReleaseAsync(ct);
            Console.WriteLine($"the safety lever is released ({l.Location})");
            return ExitCodes.Passed;
        }));
        lever.Subcommands.Add(Sub("status", "Say whether the lever is engaged (exit 0 released, 1 engaged).", async (l, _, ct) =>
        {
            var state = await l.ReadAsync(ct);
            Console.WriteLine($"the safety lever is {state} ({l.Location})");
            return state.Engaged ? ExitCodes.HypothesisFailed : ExitCodes.Passed;
        }));
        return lever;
    }

    private static async Task<int> EngageAsync(ISafetyLever lever, string? reason, CancellationToken ct)
    {
        await lever.EngageAsync(reason ?? "engaged from the command line", ct);
        Console.WriteLine($"the safety lever is engaged ({lever.Location}): running experiments roll back within a second, none starts until `reliability lever release`");
        return ExitCodes.Passed;
    }

    private static Command Sub(string name, string description, Func<ISafetyLever, string?, CancellationToken, Task<int>> act)
    {
        var target = new Option<string>("--target") { Description = "local (a file beside the runs) or kubernetes (a ConfigMap in the harness's namespace).", DefaultValueFactory = _ => "local" };
        target.AcceptOnlyFromAmong("local", "kubernetes");
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster configuration)." };
        var context = new Option<string?>("--context") { Description = "kubeconfig context to use." };
        var ns = new Option<string?>("--namespace") { Description = $"The harness's namespace (default: $POD_NAMESPACE, else {Levers.DefaultNamespace})." };
        var reason = new Option<string?>("--reason") { Description = "Why, for whoever finds it engaged." };
        var command = new Command(name, description) { target, kubeconfig, context, ns };
        if (name == "engage")
        {
            command.Options.Add(reason);
        }
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(target) != "kubernetes")
            {
                return await act(Levers.Local(), parse.GetValue(reason), ct);
            }
            using var client = await KubernetesRun.ConnectAsync(new KubernetesSettings(parse.GetValue(kubeconfig), parse.GetValue(context), [], null, null, null));
            if (client is null)
            {
                return ExitCodes.EnvironmentError;
            }
            try
            {
                return await act(Levers.Kubernetes(client, parse.GetValue(ns)), parse.GetValue(reason), ct);
            }
            catch (Exception ex) when (ex is k8s.Autorest.HttpOperationException or HttpRequestException)
            {
                await Console.Error.WriteLineAsync($"error: the lever could not be set: {Failures.Describe(ex)}");
                return ExitCodes.EnvironmentError;
            }
        });
        return command;
    }
}

/// <summary>Where the lever is on each target.</summary>
internal static class Levers
{
    public const string DefaultNamespace = "reliability";

    public static ISafetyLever Local() =>
        new FileSafetyLever(Path.Combine(Reliability.Sut.Local.Processes.RunDirectory.DefaultRoot, FileSafetyLever.FileName), TimeProvider.System);

    /// <summary>True, with the reason printed, when the lever is engaged: nothing starts (exit 1, as a stopped run).</summary>
    public static async Task<bool> RefusesAsync(ISafetyLever lever, CancellationToken ct)
    {
        if (await lever.ReadAsync(ct) is not { Engaged: true } state)
        {
            return false;
        }
        await Console.Error.WriteLineAsync($"the safety lever is {state} ({lever.Location}): nothing is started; `reliability lever release` when the incident is over");
        return true;
    }

    public static ISafetyLever Kubernetes(k8s.IKubernetes client, string? ns = null) =>
        new ConfigMapSafetyLever(client, ns ?? (Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } own ? own : DefaultNamespace), TimeProvider.System);
}
