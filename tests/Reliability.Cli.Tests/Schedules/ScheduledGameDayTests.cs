using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.GameDays;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// The two schedules, the harness's CronJob as production deploys it and the GitHub Actions workflow, are parsed into
/// typed models and their command lines through the CLI's own parser, so a renamed option or a moved plan
/// breaks this test and not next Tuesday's 03:00 game day.
/// </summary>
public sealed partial class ScheduledGameDayTests
{
    private static readonly string Root = Path.GetDirectoryName(Repository.Experiments)!;

    [Fact]
    public void The_cronjob_runs_a_valid_gameday_command_on_the_plan_against_the_suts_namespace_from_its_own()
    {
        var cron = CronJob();
        // The harness runs apart from the SUT it breaks (sut/deploy/k8s/harness): production's SUT is in task-manager.
        const string sut = "task-manager";
        cron.Metadata.NamespaceProperty.Should().Be("reliability");
        var args = cron.Spec.JobTemplate.Spec.Template.Spec.Containers.Single().Args;

        var parse = ParseGameDay([.. args]);

        // The image's WORKDIR /app holds experiments/ and slo/ (scenarios/Dockerfile), as the repository root does here.
        CheckPlan(parse, sut);
        File.ReadAllText(Path.Combine(Root, "scenarios", "Dockerfile")).Should().Contain("COPY experiments/ /app/experiments/").And.Contain("WORKDIR /app");
        parse.GetValue<string?>("--url").Should().Be($"http://sut.{sut}.svc");
        CronFields(cron.Spec.Schedule).Should().BeTrue($"{cron.Spec.Schedule} is a five-field cron expression");
    }

    [Fact]
    public void The_workflow_runs_the_same_plan_on_a_schedule_and_uploads_the_reports_even_on_failure()
    {
        var workflow = GitHubWorkflow.Load(Path.Combine(Root, ".github", "workflows", "gameday.yml"));
        var schedule = workflow.On.Schedule.Should().ContainSingle().Which.Cron;
        CronFields(schedule).Should().BeTrue($"{schedule} is a five-field cron expression");
        var job = workflow.Jobs.Should().ContainSingle().Which.Value;
        job.TimeoutMinutes.Should().BeInRange(1, 360, "a hung game day must not hold a runner for six hours");

        var step = job.Steps.Single(s => s.Run?.Contains("gameday", StringComparison.Ordinal) == true);
        var words = ShellWords(step.Run!, step.Env ?? []);
        words.Take(7).Should().Equal("dotnet", "run", "-c", "Release", "--project", "scenarios/Reliability.Cli", "--");
        CheckPlan(ParseGameDay([.. words.Skip(7)]), "task-manager");

        var upload = job.Steps.Single(s => s.Uses?.StartsWith("actions/upload-artifact@", StringComparison.Ordinal) == true);
        upload.If.Should().Be("always()");
        upload.With!["path"].Should().Be("artifacts/");

        var cron = CronJob();
        schedule.Should().Be(cron.Spec.Schedule, "both schedules describe the same weekly game-day slot");
    }

    /// <summary>The production overlay's CronJob, deserialized strictly into KubernetesClient's model.</summary>
    private static V1CronJob CronJob()
    {
        var documents = Kustomize("sut/deploy/k8s/overlays/production").Split("\n---\n").Where(d => d.Contains("\nkind: CronJob\n", StringComparison.Ordinal)).ToList();
        documents.Should().ContainSingle("one game-day CronJob");
        return KubernetesYaml.Deserialize<V1CronJob>(documents[0], strict: true);
    }

    private static ParseResult ParseGameDay(string[] args)
    {
        var parse = CommandLine.Build().Parse(args);
        parse.Errors.Should().BeEmpty($"`{string.Join(' ', args)}` must parse");
        parse.CommandResult.Command.Name.Should().Be("gameday");
        parse.GetValue<string>("--target").Should().Be("kubernetes");
        return parse;
    }

    /// <summary>The plan exists, every experiment in it reads, and every fault stays inside the allowed namespaces.</summary>
    private static void CheckPlan(ParseResult parse, string expectedNamespace)
    {
        var planPath = Path.Combine(Root, parse.GetValue<string>("--plan")!);
        var plan = GameDayPlanFile.Load(planPath);
        plan.Steps.Should().NotBeEmpty();
        var allowed = parse.GetValue<string[]>("--allow-namespace") is { Length: > 0 } given ? given : ["task-manager"];
        allowed.Should().Equal(expectedNamespace);
        foreach (var experiment in GameDayRunner.LoadAll(plan, ChaosMeshSchemas.Load(), new Reliability.Load.Targets.TargetCatalog(new Reliability.Targets.TaskManager.TaskManagerTarget()), strict: false))
        {
            foreach (var leaf in experiment.Faults.SelectMany(f => f.Leaves()))
            {
                var targetings = leaf switch
                {
                    PodFault pod => [pod.Targeting],
                    NetworkFault net => new[] { net.Targeting, net.Target }.OfType<Targeting>().ToArray(),
                    _ => [],
                };
                foreach (var t in targetings)
                {
                    t.Selector.Namespaces.Should().NotBeEmpty().And.OnlyContain(ns => allowed.Contains(ns),
                        $"{experiment.Definition.Name}/{leaf.Name} may only touch {string.Join(", ", allowed)}");
                }
            }
        }
    }

    private static bool CronFields(string expression) => CronExpression().IsMatch(expression);

    [GeneratedRegex(@"^(\*|[0-5]?\d)(/\d+)? (\*|[01]?\d|2[0-3])(/\d+)? (\*|[1-9]|[12]\d|3[01]) (\*|[1-9]|1[0-2]) (\*|[0-6])(-[0-6])?$")]
    private static partial Regex CronExpression();

    /// <summary>Splits a one-line shell command into words, expanding "$VAR" from the step's env (whose values must come from vars or secrets).</summary>
    private static List<string> ShellWords(string command, Dictionary<string, string> env)
    {
        var words = new List<string>();
        foreach (Match m in Word().Matches(command.Trim()))
        {
            var word = m.Groups["quoted"].Success ? m.Groups["quoted"].Value : m.Groups["bare"].Value;
            words.Add(Variable().Replace(word, v =>
            {
                env.Should().ContainKey(v.Groups[1].Value, $"the step uses ${v.Groups[1].Value}");
                env[v.Groups[1].Value].Should().MatchRegex(@"^\$\{\{ (vars|secrets)\.[A-Z_]+ \}\}$");
                return $"https://{v.Groups[1].Value.ToLowerInvariant()}.example.com";
            }));
        }
        return words;
    }

    [GeneratedRegex("\"(?<quoted>[^\"]*)\"|(?<bare>[^\\s\"]+)")]
    private static partial Regex Word();

    [GeneratedRegex(@"\$([A-Z_]+)")]
    private static partial Regex Variable();

    private static string Kustomize(string relative)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(Path.Combine(Root, relative));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"kubectl kustomize {relative} failed: {stderr}");
        return stdout.Result;
    }
}
