namespace Reliability.Sut.Local.Embedded;

internal enum ComponentState { Starting, Healthy, Unhealthy, Down, Stopped }

/// <summary>One line of `env up`'s live view.</summary>
internal sealed record ComponentStatus(string Name, string Kind, string? Zone, ComponentState State, string Detail);
