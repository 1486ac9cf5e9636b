using Reliability.Load.Scenarios;
using Reliability.Load.Simulations;

namespace Reliability.Load.Engine;

/// <summary>Receives the engine's progress: a line per simulation and a tick per second.</summary>
public interface ILoadProgress
{
    void OnSimulation(LoadSimulation simulation);
    void OnTick(Scenario scenario, RunMeasurements measurements, TimeSpan elapsed);

    /// <summary>The moment the time series counts from (after the virtual users were prepared).</summary>
    void OnStart(DateTimeOffset startedAt)
    {
    }
}
