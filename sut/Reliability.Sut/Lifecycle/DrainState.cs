using Reliability.Sut.Observability;

namespace Reliability.Sut.Lifecycle;

/// <summary>Flips once, when shutdown starts: from then on /ready answers 503.</summary>
internal sealed class DrainState(SutMetrics metrics)
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public void BeginDraining()
    {
        _draining = true;
        metrics.Draining.Set(1);
    }
}
