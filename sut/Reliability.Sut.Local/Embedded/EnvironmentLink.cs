using Reliability.Sut.Local.Links;

namespace Reliability.Sut.Local.Embedded;

/// <summary>A network path a fault can hit, with the labels of both ends (what Chaos Mesh selectors match).</summary>
internal sealed record EnvironmentLink(
    LinkProxy Proxy,
    string From,
    IReadOnlyDictionary<string, string> FromLabels,
    string To,
    IReadOnlyDictionary<string, string> ToLabels)
{
    public string Name => Proxy.Name;
}

/// <summary>A link's identity without its proxy: name, ends and their labels.</summary>
internal sealed record LinkLayout(string Name, string From, IReadOnlyDictionary<string, string> FromLabels, string To, IReadOnlyDictionary<string, string> ToLabels);
