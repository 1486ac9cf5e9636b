using System.Reflection;
using System.Runtime.Loader;

namespace Reliability.Load.Targets;

/// <summary>
/// The targets a run can name: those the composition root registers (the first is the default) and those
/// found in users' assemblies. A name is "target", "scenario" of any target, or "target:scenario".
/// </summary>
internal sealed class TargetCatalog
{
    private readonly List<ILoadTarget> _targets = [];

    public TargetCatalog(params IEnumerable<ILoadTarget> targets)
    {
        foreach (var target in targets)
        {
            Add(target);
        }
    }

    public IReadOnlyList<ILoadTarget> Targets => _targets;

    /// <summary>The target an experiment without "load.target" uses.</summary>
    public ILoadTarget Default => _targets.Count > 0 ? _targets[0] : throw new InvalidOperationException("no load target is registered");

    public void Add(ILoadTarget target)
    {
        if (_targets.Any(t => t.Name == target.Name))
        {
            throw new ArgumentException($"two load targets are named '{target.Name}'");
        }
        _targets.Add(target);
    }

    public ILoadTarget? Find(string name) => _targets.FirstOrDefault(t => t.Name == name);

    /// <summary>Every name <see cref="Resolve"/> accepts, for help texts and error messages.</summary>
    public IReadOnlyList<string> Names => [.. _targets.SelectMany(t => t.Scenarios.Select(s => $"{t.Name}:{s}").Prepend(t.Name)).Concat(_targets.SelectMany(t => t.Scenarios)).Distinct()];

    /// <summary>A target and its scenario from "target", "scenario" or "target:scenario"; null when nothing matches or a scenario name is ambiguous.</summary>
    public (ILoadTarget Target, string Scenario)? Resolve(string name)
    {
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            return Find(name[..colon]) is { } named && named.Scenarios.Contains(name[(colon + 1)..]) ? (named, name[(colon + 1)..]) : null;
        }
        if (Find(name) is { } target)
        {
            return (target, target.Scenarios[0]);
        }
        var owners = _targets.Where(t => t.Scenarios.Contains(name)).ToList();
        return owners.Count == 1 ? (owners[0], name) : null;
    }

    /// <summary>
    /// Adds every public, non-abstract <see cref="ILoadTarget"/> with a parameterless constructor from a
    /// user's assembly (built against this load engine, as NBomber users build against theirs). The
    /// assembly loads into the default context, so it shares the engine's types with the harness.
    /// </summary>
    public IReadOnlyList<ILoadTarget> LoadAssembly(string path)
    {
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
        var found = new List<ILoadTarget>();
        foreach (var type in ExportedTypes(assembly).Where(t => typeof(ILoadTarget).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false } && t.GetConstructor(Type.EmptyTypes) is not null))
        {
            var target = (ILoadTarget)Activator.CreateInstance(type)!;
            Add(target);
            found.Add(target);
        }
        return found.Count > 0 ? found : throw new ArgumentException($"{path}: no public ILoadTarget with a parameterless constructor");
    }

    private static IEnumerable<Type> ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            throw new ArgumentException($"{assembly.Location}: its types could not be loaded ({ex.LoaderExceptions.FirstOrDefault()?.Message}); was it built against this harness's Reliability.Load?", ex);
        }
    }
}
