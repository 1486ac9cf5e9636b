namespace Reliability.Experiments.ChaosMesh;

/// <summary>One violation, where it is: file, line and column (1-based), the field path, and what is wrong.</summary>
public sealed record ManifestProblem(string File, long Line, long Column, string Path, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Path}: {Message}";
}
