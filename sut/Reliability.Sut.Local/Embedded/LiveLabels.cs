using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Reliability.Sut.Local.Embedded;

/// <summary>
/// Labels read afresh on every access: a database member's role label follows Patroni, so a selector on
/// role=master planned now picks the member that is primary now, as Chaos Mesh would.
/// </summary>
internal sealed class LiveLabels(Func<IReadOnlyDictionary<string, string>> read) : IReadOnlyDictionary<string, string>
{
    public string this[string key] => read()[key];
    public IEnumerable<string> Keys => read().Keys;
    public IEnumerable<string> Values => read().Values;
    public int Count => read().Count;
    public bool ContainsKey(string key) => read().ContainsKey(key);
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => read().TryGetValue(key, out value);
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => read().GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
