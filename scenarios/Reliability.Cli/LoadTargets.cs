using System.CommandLine;
using Reliability.Load.Targets;
using Reliability.Targets.TaskManager;

namespace Reliability.Cli;

/// <summary>
/// The load targets a command can name: the bundled SUT (the default), any HTTP service, and the targets
/// in users' own assemblies (--scenarios PATH.dll, built against Reliability.Load, as NBomber users build theirs).
/// </summary>
internal static class LoadTargets
{
    public static readonly Option<string[]> Assemblies = new("--scenarios")
    {
        Description = "An assembly (.dll) of your own load targets (public ILoadTarget classes), built against Reliability.Load; repeatable.",
        Recursive = true,
    };

    /// <summary>The catalog, or null with the reason printed (exit 2) when a user's assembly cannot be used.</summary>
    public static TargetCatalog? TryCatalog(ParseResult parse)
    {
        var catalog = new TargetCatalog(new TaskManagerTarget(), new HttpTarget());
        foreach (var path in parse.GetValue(Assemblies) ?? [])
        {
            try
            {
                foreach (var target in catalog.LoadAssembly(path))
                {
                    Console.WriteLine($"load target {target.Name} from {path}: {string.Join(", ", target.Scenarios)}");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or BadImageFormatException)
            {
                Console.Error.WriteLine($"{path}: --scenarios: {ex.Message}");
                return null;
            }
        }
        return catalog;
    }
}
