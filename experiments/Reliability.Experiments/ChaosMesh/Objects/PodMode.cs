using System.Globalization;

namespace Reliability.Experiments.ChaosMesh.Objects;

internal enum SelectionMode { One, All, Fixed, FixedPercent, RandomMaxPercent }

/// <summary>
/// How many of the selected pods a fault hits, with Chaos Mesh's arithmetic: fixed takes min(value, n);
/// fixed-percent floor(n × value / 100); random-max-percent floor(n × p / 100) for a random p in [0, value].
/// The random source is injected so a run can be replayed from its seed.
/// </summary>
internal sealed record PodMode(SelectionMode Mode, string? Value)
{
    public static readonly IReadOnlyDictionary<string, SelectionMode> Names = new Dictionary<string, SelectionMode>
    {
        ["one"] = SelectionMode.One,
        ["all"] = SelectionMode.All,
        ["fixed"] = SelectionMode.Fixed,
        ["fixed-percent"] = SelectionMode.FixedPercent,
        ["random-max-percent"] = SelectionMode.RandomMaxPercent,
    };

    /// <summary>Null when the value suits the mode, else what is wrong with it.</summary>
    public string? Problem()
    {
        if (Mode is SelectionMode.One or SelectionMode.All)
        {
            return null;
        }
        if (!int.TryParse(Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return $"mode {Name} needs a whole-number value, got '{Value}'";
        }
        return Mode switch
        {
            SelectionMode.Fixed when number < 1 => "mode fixed needs a value of at least 1",
            SelectionMode.FixedPercent or SelectionMode.RandomMaxPercent when number is < 1 or > 100 => $"mode {Name} needs a value from 1 to 100",
            _ => null,
        };
    }

    public string Name => Names.Single(n => n.Value == Mode).Key;

    public IReadOnlyList<T> Pick<T>(IReadOnlyList<T> candidates, Random random)
    {
        var count = Mode switch
        {
            SelectionMode.One => 1,
            SelectionMode.All => candidates.Count,
            SelectionMode.Fixed => Math.Min(Number, candidates.Count),
            SelectionMode.FixedPercent => (int)Math.Floor(candidates.Count * Number / 100.0),
            _ => (int)Math.Floor(candidates.Count * random.Next(Number + 1) / 100.0),
        };
        count = Math.Min(count, candidates.Count);
        if (count == candidates.Count)
        {
            return candidates;
        }
        // A partial Fisher-Yates shuffle: an unbiased choice of `count` pods.
        var pool = candidates.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = random.Next(i, pool.Length);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count];
    }

    private int Number => int.Parse(Value!, CultureInfo.InvariantCulture);

    public override string ToString() => Value is null ? Name : $"{Name} {Value}";
}
