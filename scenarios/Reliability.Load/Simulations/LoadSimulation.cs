namespace Reliability.Load.Simulations;

/// <summary>One phase of load. A scenario runs any sequence of them.</summary>
public abstract record LoadSimulation
{
    public abstract TimeSpan Duration { get; }
    public abstract string Describe();
    public virtual void Validate() { }

    protected static void Positive(TimeSpan value, string what)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{what} must be positive, got {value}");
        }
    }
}

/// <summary>A stage of a ramp: reach <see cref="Target"/> (rate per second, or users) linearly over <see cref="Duration"/>.</summary>
internal sealed record RampStage(TimeSpan Duration, double Target);

/// <summary>
/// Open model (k6 constant-arrival-rate): iterations start at a fixed rate whatever the response times.
/// At most <see cref="MaxConcurrent"/> run at once; an arrival that finds no free virtual user is dropped and counted.
/// </summary>
public sealed record ConstantArrivalRate(double Rate, TimeSpan During, int MaxConcurrent) : LoadSimulation
{
    public override TimeSpan Duration => During;
    public override string Describe() => $"open: {Rate:0.##}/s for {During.TotalSeconds:0.#} s (max {MaxConcurrent} concurrent)";

    public override void Validate()
    {
        Positive(During, "duration");
        if (Rate <= 0 || MaxConcurrent < 1)
        {
            throw new ArgumentException("rate must be positive and max concurrent at least 1");
        }
    }
}

/// <summary>Open model (k6 ramping-arrival-rate): the rate moves linearly from stage to stage, starting at <see cref="StartRate"/>.</summary>
internal sealed record RampingArrivalRate(double StartRate, IReadOnlyList<RampStage> Stages, int MaxConcurrent) : LoadSimulation
{
    public override TimeSpan Duration => Stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
    public override string Describe() => $"open ramp: {StartRate:0.##}/s then {string.Join(", ", Stages.Select(s => $"{s.Target:0.##}/s over {s.Duration.TotalSeconds:0.#} s"))}";

    public override void Validate()
    {
        if (Stages.Count == 0 || StartRate < 0 || Stages.Any(s => s.Target < 0 || s.Duration <= TimeSpan.Zero) || MaxConcurrent < 1)
        {
            throw new ArgumentException("a ramping arrival rate needs stages with positive durations and non-negative rates");
        }
    }
}

/// <summary>Closed model: a fixed number of users, each starting its next iteration when the last one ends.</summary>
public sealed record ConstantUsers(int Users, TimeSpan During) : LoadSimulation
{
    public override TimeSpan Duration => During;
    public override string Describe() => $"closed: {Users} users for {During.TotalSeconds:0.#} s";

    public override void Validate()
    {
        Positive(During, "duration");
        if (Users < 1)
        {
            throw new ArgumentException("users must be at least 1");
        }
    }
}

/// <summary>Closed model with the number of users moving linearly from stage to stage.</summary>
internal sealed record RampingUsers(int StartUsers, IReadOnlyList<RampStage> Stages) : LoadSimulation
{
    public override TimeSpan Duration => Stages.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.Duration);
    public override string Describe() => $"closed ramp: {StartUsers} users then {string.Join(", ", Stages.Select(s => $"{s.Target:0} over {s.Duration.TotalSeconds:0.#} s"))}";

    public override void Validate()
    {
        if (Stages.Count == 0 || StartUsers < 0 || Stages.Any(s => s.Target < 0 || s.Duration <= TimeSpan.Zero))
        {
            throw new ArgumentException("ramping users need stages with positive durations and non-negative targets");
        }
    }
}

/// <summary>No load for a while.</summary>
internal sealed record Pause(TimeSpan During) : LoadSimulation
{
    public override TimeSpan Duration => During;
    public override string Describe() => $"pause {During.TotalSeconds:0.#} s";
}

/// <summary>A fixed number of iterations shared by <see cref="Users"/> concurrent users, as fast as they complete.</summary>
internal sealed record IterationCount(int Iterations, int Users) : LoadSimulation
{
    public override TimeSpan Duration => TimeSpan.Zero;
    public override string Describe() => $"{Iterations} iterations by {Users} users";

    public override void Validate()
    {
        if (Iterations < 1 || Users < 1)
        {
            throw new ArgumentException("iterations and users must be at least 1");
        }
    }
}
