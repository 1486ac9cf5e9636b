namespace Reliability.Cli;

/// <summary>The contract CI relies on; documented in README.md.</summary>
internal static class ExitCodes
{
    public const int Passed = 0;
    public const int HypothesisFailed = 1;
    public const int InvalidInput = 2;
    public const int EnvironmentError = 3;
    /// <summary>Stopped by Ctrl-C or SIGTERM after rolling back (the shell convention, 128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
