namespace Reliability.Experiments.ChaosMesh;

/// <summary>One violation, where it is: file, line and column (1-based), the field path, and what is wrong.</summary>
internal sealed record ManifestProblem(string File, long Line, long Column, string Path, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}

/// <summary>One or more problems that make a manifest unusable; each names file, line, column and field.</summary>
internal sealed class ManifestException(IReadOnlyList<ManifestProblem> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<ManifestProblem> Problems { get; } = problems;

    public ManifestException(ManifestProblem problem) : this([problem])
    {
    }
}
