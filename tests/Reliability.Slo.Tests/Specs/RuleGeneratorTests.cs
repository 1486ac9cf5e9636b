using System.Diagnostics;
using Reliability.Slo.Specs;

namespace Reliability.Slo.Tests.Specs;

/// <summary>The generated rules are checked in, current, valid for promtool, and page only on a fast burn.</summary>
public sealed class RuleGeneratorTests
{
    [Fact]
    public void The_checked_in_rules_are_what_the_specs_generate()
    {
        var specs = RulesFiles.LoadSpecs(Path.Combine(Repository.Root, "slo", "specs"));
        var rulesPath = Path.Combine(Repository.Root, RulesFiles.RulesPath);
        var current = File.ReadAllText(rulesPath);

        var rules = RulesFiles.Rules(current, specs);

        current.Should().Be(rules, "run `reliability slo generate` after editing slo/specs");
        File.ReadAllText(Path.Combine(Repository.Root, RulesFiles.PrometheusRulePath))
            .Should().Be(RulesFiles.PrometheusRule(File.ReadAllText(Path.Combine(Repository.Root, RulesFiles.PrometheusRulePath)), rules));
        current.Should().Contain("- alert: HighErrorRate", "the hand-written alerts stay above the generated part");
    }

    [Fact]
    public void Regenerating_keeps_the_hand_written_part_and_replaces_the_generated_one()
    {
        var specs = RulesFiles.LoadSpecs(Path.Combine(Repository.Root, "slo", "specs"));
        var handWritten = "groups:\n  - name: mine\n    rules:\n      - alert: Mine\n        expr: up == 0\n";

        var once = RulesFiles.Rules(handWritten, specs);
        var twice = RulesFiles.Rules(once, specs);

        twice.Should().Be(once);
        once.Should().StartWith(handWritten).And.Contain(RulesFiles.Marker);
    }

    [Fact]
    public async Task Promtool_accepts_the_rules_and_its_unit_tests_pass()
    {
        var check = await PromtoolAsync("check", "rules", Path.Combine(Repository.Root, RulesFiles.RulesPath));
        check.Code.Should().Be(0, check.Output);
        check.Output.Should().Contain("SUCCESS");

        // slo/tests/burn-rate.test.yaml: a 15x burn tickets, then pages; a 1x burn stays silent; no errors reads 0.
        var test = await PromtoolAsync("test", "rules", Path.Combine(Repository.Root, "slo", "tests", "burn-rate.test.yaml"));
        test.Code.Should().Be(0, test.Output);

        // slo/tests/database.test.yaml: a failover pages while there is no primary and tickets the change; 32 MiB of lag tickets.
        var database = await PromtoolAsync("test", "rules", Path.Combine(Repository.Root, "slo", "tests", "database.test.yaml"));
        database.Code.Should().Be(0, database.Output);
    }

    private static async Task<(int Code, string Output)> PromtoolAsync(params string[] args)
    {
        var info = new ProcessStartInfo("promtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output + await error);
    }
}
