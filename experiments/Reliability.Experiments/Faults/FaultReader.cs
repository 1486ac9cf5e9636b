using System.Text.Json.Nodes;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults.Workflow;

namespace Reliability.Experiments.Faults;

/// <summary>
/// Reads Chaos Mesh objects into <see cref="FaultNode"/>s: a chaos object goes to the fault kind its kind
/// and action name (<see cref="FaultKinds"/>), a Workflow to its templates. Every problem is collected
/// with its location.
/// </summary>
internal static class FaultReader
{
    public static FaultNode Read(ChaosDocument document, bool strict)
    {
        var problems = new List<ManifestProblem>();
        var spec = new FaultSpec(document, document.Spec, "spec", document.Name, document.Namespace ?? "default", null, strict, problems);
        var node = document.Kind switch
        {
            "Workflow" => WorkflowReader.Read(spec),
            "Schedule" => Refuse(spec, "kind", "a Schedule makes Chaos Mesh repeat its chaos on a cron; an experiment injects once, so name the chaos itself (the Schedule's template) in the experiment"),
            _ when FaultKinds.Kinds.Contains(document.Kind) => ReadChaos(spec, document.Kind),
            _ => Refuse(spec, "kind", $"{document.Kind} is not supported by the harness ({string.Join(", ", FaultKinds.Kinds)} and Workflow are)"),
        };
        if (problems.Count > 0 || node is null)
        {
            throw new ManifestException(problems.Count > 0 ? problems : [document.Problem("kind", "nothing to inject")]);
        }
        return node;
    }

    /// <summary>A chaos object (or a Workflow template's body) of <paramref name="chaosKind"/>, read by the fault kind its action names.</summary>
    internal static LeafFault? ReadChaos(FaultSpec spec, string chaosKind)
    {
        var action = FaultSpec.Text(spec.Body, "action");
        if (FaultKinds.Find(chaosKind, action) is not { } kind)
        {
            spec.Fail($"{spec.Path}.action", $"{chaosKind} action '{action}' is not one of {string.Join(", ", FaultKinds.ActionsOf(chaosKind))}");
            return null;
        }
        return kind.Read(spec);
    }

    private static FaultNode? Refuse(FaultSpec spec, string path, string message)
    {
        spec.Fail(path, message);
        return null;
    }
}
