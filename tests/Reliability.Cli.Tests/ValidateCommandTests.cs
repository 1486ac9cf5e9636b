using Reliability.Cli.Commands;
using Reliability.Load.Targets;
using Reliability.Targets.TaskManager;

namespace Reliability.Cli.Tests;

/// <summary>`validate` in process: what it recognises, what it refuses, and that it says where.</summary>
public sealed class ValidateCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("validate-").FullName;

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("apiVersion: example.com/v1\nkind: Widget\n", "no apiVersion and kind the harness knows")]
    [InlineData("- just\n- a list\n", "no apiVersion and kind the harness knows")]
    public void A_file_named_on_the_command_line_that_is_nothing_the_harness_knows_is_an_error(string text, string message)
    {
        var file = Write("thing.yaml", text);

        var (exit, output) = Validate(file);

        exit.Should().Be(2, output);
        output.Should().Contain($"{file}:1:1: (document): {message}");
    }

    [Fact]
    public void Unknown_yaml_in_a_folder_is_skipped_and_counted()
    {
        Write("values.yaml", "replicas: 3\n");

        var (exit, output) = Validate(_dir);

        exit.Should().Be(0, output);
        output.Should().Contain("1 other YAML file(s) skipped");
    }

    [Fact]
    public void A_game_day_is_checked_with_its_steps()
    {
        var weights = Write("weights.yaml", $"""
            apiVersion: reliability.dev/v1alpha1
            kind: GameDay
            metadata: {"{"} name: plan {"}"}
            experiments:
              - path: {Path.Combine(Repository.Experiments, "pod-kill.yaml")}
                weight: NaN
            """);
        var steps = Write("steps.yaml", $"""
            apiVersion: reliability.dev/v1alpha1
            kind: GameDay
            metadata: {"{"} name: plan {"}"}
            experiments:
              - path: {Path.Combine(Repository.Experiments, "chaos", "pod-kill.yaml")}
            """);

        var (exit, output) = Validate(_dir);

        exit.Should().Be(2, output);
        output.Should().Contain($"{weights}:6:13: experiments[0].weight: 'NaN' is not a finite number")
            .And.Contain($"{steps}:5:5: experiments[].path: {Path.Combine(Repository.Experiments, "chaos", "pod-kill.yaml")} is not an experiment")
            .And.Contain("2 game day(s)");
    }

    [Fact]
    public void An_alert_no_rule_defines_is_refused_where_the_experiment_names_it()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Experiments, "pod-kill.yaml"))
            .Replace("quietInSteadyState: [HighErrorRate, HighLatency]", "quietInSteadyState: [HighErrorRate, HighLatencyy]", StringComparison.Ordinal);
        var experiment = Path.Combine(Repository.Experiments, $"alert-typo-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(experiment, text);
        try
        {
            var (exit, output) = Validate(experiment);

            exit.Should().Be(2, output);
            output.Should().MatchRegex($@"{System.Text.RegularExpressions.Regex.Escape(experiment)}:\d+:\d+: hypotheses.quietInSteadyState\[1\]: no alerting rule named 'HighLatencyy' in sut/deploy/prometheus/rules.yaml");
        }
        finally
        {
            File.Delete(experiment);
        }
    }

    [Fact]
    public async Task A_game_day_whose_experiment_names_an_unknown_sli_is_refused_with_its_place_before_anything_starts()
    {
        var text = File.ReadAllText(Path.Combine(Repository.Experiments, "pod-kill.yaml"))
            .Replace("sli:requests-availability >= 99.9%", "sli:request-availability >= 99.9%", StringComparison.Ordinal);
        var name = $"sli-typo-{Guid.NewGuid():N}";
        var experiment = Path.Combine(Repository.Experiments, $"{name}.yaml");
        var plan = Path.Combine(Repository.Experiments, $"{name}-plan.yaml");
        File.WriteAllText(experiment, text);
        File.WriteAllText(plan, $"apiVersion: reliability.dev/v1alpha1\nkind: GameDay\nmetadata: {{ name: typo }}\nexperiments:\n  - path: {name}.yaml\n");
        try
        {
            using var cli = new CliProcess(new Dictionary<string, string> { ["RELIABILITY_RUNS"] = Path.Combine(_dir, "runs") }, "gameday", "--plan", plan);

            (await cli.WaitAsync(TimeSpan.FromMinutes(1))).Should().Be(2, cli.Output);

            cli.Output.Should().MatchRegex($@"{System.Text.RegularExpressions.Regex.Escape(experiment)}:\d+:\d+: hypotheses\.slo\.steady: no SLO named 'request-availability'");
            cli.Output.Should().NotContain("   at ");
            Directory.Exists(Path.Combine(_dir, "runs")).Should().BeFalse("nothing starts on bad input");
        }
        finally
        {
            File.Delete(experiment);
            File.Delete(plan);
        }
    }

    private static (int Exit, string Output) Validate(string path)
    {
        var output = new StringWriter();
        var exit = ValidateCommand.Run([path], new TargetCatalog(new TaskManagerTarget(), new HttpTarget()), output, output);
        return (exit, output.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
