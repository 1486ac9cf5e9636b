using System.CommandLine;
using Reliability.Cli.Commands;

namespace Reliability.Cli;

/// <summary>The whole command set, built in one place so tests can parse exactly what the schedules pass.</summary>
internal static class CommandLine
{
    /// <summary>Prints the trace of a failure as well as its one line.</summary>
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "On a failure, print its stack trace as well.", Recursive = true };

    public static RootCommand Build()
    {
        var root = new RootCommand("""
            Reliability: prove with evidence that a service survives failure.

            Examples:
              reliability gameday                                 the default game day on the embedded environment
              reliability gameday --dry-run                       what each experiment would inject where; starts nothing
              reliability run experiments/pod-kill.yaml           one experiment on the embedded environment
              reliability run experiments/pod-kill.yaml --target kubernetes --url https://tasks.example.com \
                  --prometheus http://prometheus:9090 --alertmanager http://alertmanager:9093
              reliability load crud --target http://127.0.0.1:8080 --rate 50 --duration 30s --threshold "p95 < 500ms"
              reliability load crud --target kubernetes --url http://task-manager.task-manager.svc:8080 \
                  --rate 5000 --duration 10m --shards 8           one run as the 8 pods of an Indexed Job, merged exactly
              reliability env up                                  the embedded environment (3 zones, 6 replicas, monitoring) until Ctrl-C
              reliability slo report --prometheus http://127.0.0.1:9090 --window 30d
              reliability slo generate --check                    fail when the generated rules are stale
              reliability validate experiments/ slo/specs/        lint experiments, SLO specs and Chaos Mesh manifests

            Exit codes: 0 passed, 1 a hypothesis or threshold failed, 2 invalid input,
            3 environment or observation error (inconclusive), 130 interrupted (faults rolled back).
            Ctrl-C, SIGTERM or a closed terminal roll back and stop; a second Ctrl-C stops without the graceful waits.
            """);
        root.Options.Add(LoadTargets.Assemblies);
        root.Options.Add(Verbose);
        root.Subcommands.Add(GameDayCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(EnvCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(ValidateCommand.Create());
        root.Subcommands.Add(SloCommand.Create());
        root.Subcommands.Add(SutCommand.Create());
        root.Subcommands.Add(LeverCommand.Create());
        return root;
    }
}
