namespace Reliability.Cli.Commands;

internal static class PlannedOnly
{
    /// <summary>
    /// The harness's own fault kinds (DatabaseDisaster) are planned on a cluster, never run: losing a cluster's
    /// database and volumes is for the operator to do with the printed plan. Exit 2 when the experiment has one.
    /// </summary>
    public static int? Refuses(Reliability.Experiments.Running.LoadedExperiment experiment)
    {
        if (experiment.Faults.SelectMany(f => f.Leaves()).OfType<Reliability.Experiments.Faults.LeafFault>().FirstOrDefault(l => !l.Kind.ChaosMesh) is not { } own)
        {
            return null;
        }
        CommandErrors.Print([own.Source.Problem(own.Path, $"{own.Source.Kind} is only planned on Kubernetes (--dry-run): the harness does not delete a cluster's database and volumes; run it on the embedded environment")]);
        return ExitCodes.InvalidInput;
    }
}
