using System.Text.RegularExpressions;

namespace Reliability.Cli.Tests;

/// <summary>The examples in --help are the first thing people copy: each must parse, and together they cover the command set.</summary>
public sealed partial class HelpTests
{
    [Fact]
    public void Every_example_in_the_help_parses_and_the_examples_cover_every_main_command()
    {
        var root = CommandLine.Build();
        var examples = Examples(root.Description!);

        examples.Should().HaveCountGreaterThan(5);
        foreach (var words in examples)
        {
            var parse = root.Parse(words.Skip(1).ToArray());
            parse.Errors.Should().BeEmpty($"`{string.Join(' ', words)}` is an example in --help");
        }
        var covered = examples.Select(w => string.Join(' ', w.Skip(1).TakeWhile(x => !x.StartsWith('-')).Take(2))).ToList();
        foreach (var command in new[] { "run", "gameday", "load", "env up", "slo report", "slo generate", "validate" })
        {
            covered.Should().Contain(c => c == command || c.StartsWith(command + " ", StringComparison.Ordinal), $"--help shows an example of `{command}`");
        }
    }

    [Fact]
    public void The_help_states_every_exit_code_the_readme_documents()
    {
        var help = CommandLine.Build().Description!;
        var readme = File.ReadAllText(Path.Combine(Repository.Experiments, "..", "README.md"));
        foreach (var code in new[] { ExitCodes.Passed, ExitCodes.HypothesisFailed, ExitCodes.InvalidInput, ExitCodes.EnvironmentError, ExitCodes.Interrupted })
        {
            help.Should().MatchRegex($@"\b{code} [a-z]");
            readme.Should().MatchRegex($@"\| `?{code}`? \|", $"README's exit-code table has {code}");
        }
    }

    [Fact]
    public void Load_help_documents_sharding_on_this_machine_and_as_a_kubernetes_indexed_job()
    {
        var output = new StringWriter();
        CommandLine.Build().Parse(["load", "--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });
        var help = output.ToString();

        help.Should().Contain("--shards").And.Contain("never percentiles averaged").And.Contain("exit 3");
        help.Should().Contain("--target").And.Contain("Indexed Job").And.Contain("--url").And.Contain("--namespace").And.Contain("--image").And.Contain("--ready-within");
        help.Should().Contain("--seed").And.NotContain("--shard ", "the shard's own options are internal");
    }

    /// <summary>Example lines: "reliability ..." up to a two-space comment, with backslash continuations joined.</summary>
    private static List<string[]> Examples(string description)
    {
        var joined = Continuation().Replace(description, " ");
        return joined.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("reliability ", StringComparison.Ordinal))
            .Select(l => Comment().Split(l)[0])
            .Select(l => Word().Matches(l).Select(m => m.Groups["q"].Success ? m.Groups["q"].Value : m.Groups["b"].Value).ToArray())
            .ToList();
    }

    [GeneratedRegex(@"\\\s*\n\s*")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex Comment();

    [GeneratedRegex("\"(?<q>[^\"]*)\"|(?<b>[^\\s\"]+)")]
    private static partial Regex Word();
}
