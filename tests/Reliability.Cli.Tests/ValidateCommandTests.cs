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
