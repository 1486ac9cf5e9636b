namespace Reliability.Evidence.Specs;

/// <summary>One experiment of a game day, with its weight in the resilience score (default 1).</summary>
internal sealed record GameDayStep(string Path, string FullPath, double Weight, long Line, long Column);

/// <summary>
/// A game day: experiments run in order against one environment, a steady-state check and a cool-down
/// between them, and what to do when one fails (continue, or stop the day).
/// </summary>
internal sealed record GameDayPlan(string File, string Name, string? Description, TimeSpan CoolDown, bool StopOnFailure, IReadOnlyList<GameDayStep> Steps);
