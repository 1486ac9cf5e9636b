namespace Reliability.Evidence.Results;

/// <summary>How the run went: to its end, stopped by a stop condition, or refused at the steady-state gate.</summary>
internal enum ExperimentOutcome { Completed, Stopped, SteadyStateNotMet }
