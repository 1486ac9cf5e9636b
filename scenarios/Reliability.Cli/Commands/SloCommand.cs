using System.CommandLine;
using Reliability.Slo.Specs;

namespace Reliability.Cli.Commands;

/// <summary>`slo generate`: SLO specs to Prometheus rules (the rules file and the Kubernetes PrometheusRule).</summary>
internal static class SloCommand
{
    public static Command Create()
    {
        var root = new Option<string>("--root") { Description = "The repository root (holding slo/specs and sut/deploy).", DefaultValueFactory = _ => "." };
        var check = new Option<bool>("--check") { Description = "Write nothing; exit 1 when the checked-in rules differ from what the specs generate." };
        var generate = new Command("generate", "Write recording rules and multi-window multi-burn-rate alerts from slo/specs/*.yaml into sut/deploy.") { root, check };
        generate.SetAction(parse => Generate(parse.GetValue(root)!, parse.GetValue(check)));
        return new Command("slo", "SLO specs and their rules.") { generate };
    }

    private static int Generate(string root, bool check)
    {
        IReadOnlyList<SloSpec> specs;
        try
        {
            specs = RulesFiles.LoadSpecs(Path.Combine(root, "slo", "specs"));
        }
        catch (SloSpecException ex)
        {
            foreach (var problem in ex.Problems)
            {
                Console.Error.WriteLine(problem);
            }
            return ExitCodes.InvalidInput;
        }
        catch (DirectoryNotFoundException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message} (run from the repository root or give --root)");
            return ExitCodes.InvalidInput;
        }
        var rulesPath = Path.Combine(root, RulesFiles.RulesPath);
        var rulePath = Path.Combine(root, RulesFiles.PrometheusRulePath);
        var rules = RulesFiles.Rules(File.ReadAllText(rulesPath), specs);
        var prometheusRule = RulesFiles.PrometheusRule(File.ReadAllText(rulePath), rules);
        var stale = new[] { (rulesPath, rules), (rulePath, prometheusRule) }.Where(f => File.ReadAllText(f.Item1) != f.Item2).ToList();
        if (check)
        {
            foreach (var (path, _) in stale)
            {
                Console.Error.WriteLine($"{path}: stale; run `reliability slo generate`");
            }
            return stale.Count == 0 ? ExitCodes.Passed : ExitCodes.HypothesisFailed;
        }
        foreach (var (path, text) in stale)
        {
            File.WriteAllText(path, text);
        }
        Console.WriteLine($"{specs.Sum(s => s.Slos.Count)} SLO(s) from {specs.Count} spec(s); {stale.Count} file(s) rewritten");
        return ExitCodes.Passed;
    }
}
