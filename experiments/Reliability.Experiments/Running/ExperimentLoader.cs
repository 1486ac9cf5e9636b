using Reliability.Evidence.Specs;
using Reliability.Experiments.ChaosMesh;
using Reliability.Experiments.ChaosMesh.Objects;
using Reliability.Experiments.Faults;
using Reliability.Experiments.Definitions;
using Reliability.Load.Targets;

namespace Reliability.Experiments.Running;

/// <summary>An experiment with its fault manifests read, schema-checked and turned into faults, and its load target found.</summary>
internal sealed record LoadedExperiment(ExperimentDefinition Definition, IReadOnlyList<ChaosDocument> Documents, IReadOnlyList<FaultNode> Faults, ILoadTarget LoadTarget);

internal static class ExperimentLoader
{
    /// <summary>
    /// Reads the experiment and its manifests. Every manifest must pass the Chaos Mesh CRD schema;
    /// <paramref name="strict"/> (the local driver) also refuses fields that driver cannot honour.
    /// Throws <see cref="ManifestException"/> listing every problem.
    /// </summary>
    public static LoadedExperiment Load(string path, ChaosMeshSchemas schemas, TargetCatalog targets, bool strict)
    {
        var definition = ExperimentFile.Load(path, targets);
        var validator = new ManifestValidator(schemas);
        var problems = new List<ManifestProblem>();
        var documents = new List<ChaosDocument>();
        var faults = new List<FaultNode>();
        foreach (var reference in definition.Faults)
        {
            var schemaProblems = validator.Validate(reference.FullPath);
            if (schemaProblems.Count > 0)
            {
                problems.AddRange(schemaProblems);
                continue;
            }
            try
            {
                foreach (var document in ChaosDocument.Load(reference.FullPath))
                {
                    documents.Add(document);
                    faults.Add(FaultReader.Read(document, strict));
                }
            }
            catch (ManifestException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        if (problems.Count > 0)
        {
            throw new ManifestException(problems);
        }
        foreach (var fault in faults.Where(f => f.Deadline is { } d && d > definition.Timeline.Fault))
        {
            problems.Add(fault.Source.Problem(fault.Path + ".duration",
                $"lasts {GoDuration.Format(fault.Deadline!.Value)}, longer than the timeline's fault window of {GoDuration.Format(definition.Timeline.Fault)} ({definition.File}); the runner would cut it short"));
        }
        problems.AddRange(DisasterProblems(definition, faults));
        return problems.Count > 0 ? throw new ManifestException(problems) : new LoadedExperiment(definition, documents, faults, targets.Find(definition.Load.Target)!);
    }

    /// <summary>
    /// A disaster needs a backup repository to come back from and a runbook that restores; without either the
    /// database would stay lost for the rest of the run, which is no experiment but an outage.
    /// </summary>
    private static IEnumerable<ManifestProblem> DisasterProblems(ExperimentDefinition definition, IReadOnlyList<FaultNode> faults)
    {
        foreach (var disaster in faults.SelectMany(f => f.Leaves()).OfType<Faults.DatabaseDisaster.DisasterFault>())
        {
            if (definition.Environment.Backups is null)
            {
                yield return disaster.Source.Problem(disaster.Path, $"a database disaster needs a backup repository to restore from: set environment.backups in {definition.File}");
            }
            if (!definition.Runbook.OfType<RunbookRestore>().Any())
            {
                yield return disaster.Source.Problem(disaster.Path, $"a database disaster needs a runbook that restores it (runbook: [- restore: latest, - backup: full, - replicas]) in {definition.File}");
            }
        }
    }
}
