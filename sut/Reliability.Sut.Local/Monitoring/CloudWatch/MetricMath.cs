using System.Globalization;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// The part of CloudWatch metric math that alarms here use: numbers, ids of other queries, + - * /, the
/// comparisons (1 true, 0 false), AND/OR, IF(condition, a[, b]), FILL(series, value), ABS, and MIN, MAX, SUM,
/// AVG over [a, b, …] per timestamp. As in CloudWatch, arithmetic on two series keeps only the timestamps both
/// have, and FILL gives every period of the range a value. Anything else is refused as a ValidationError.
/// </summary>
internal sealed class MetricMath
{
    private readonly string _text;
    private int _at;

    private MetricMath(string text) => _text = text;

    /// <summary>A value: a series (period start → value) or a scalar; lists appear only as function arguments.</summary>
    internal abstract record Value;
    internal sealed record Scalar(double Number) : Value;
    internal sealed record Series(SortedDictionary<DateTimeOffset, double> Points) : Value;
    private sealed record List(IReadOnlyList<Value> Items) : Value;

    public static Series Evaluate(string expression, Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var parser = new MetricMath(expression);
        var value = parser.Or(lookup, periods);
        parser.Skip();
        if (parser._at < expression.Length)
        {
            throw new MetricMathException($"unexpected '{expression[parser._at..]}' in expression '{expression}'");
        }
        return value switch
        {
            Series s => s,
            Scalar c => new Series(new SortedDictionary<DateTimeOffset, double>(periods.ToDictionary(p => p, _ => c.Number))),
            _ => throw new MetricMathException($"expression '{expression}' must return one time series"),
        };
    }

    /// <summary>The ids an expression reads, to evaluate its inputs first.</summary>
    public static IEnumerable<string> Ids(string expression) =>
        System.Text.RegularExpressions.Regex.Matches(expression, @"\b[a-z][a-zA-Z0-9_]*\b").Select(m => m.Value).Distinct();

    private Value Or(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var left = And(lookup, periods);
        while (Accept("||") || AcceptWord("OR"))
        {
            left = Apply(left, And(lookup, periods), (a, b) => a != 0 || b != 0 ? 1 : 0);
        }
        return left;
    }

    private Value And(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var left = Compare(lookup, periods);
        while (Accept("&&") || AcceptWord("AND"))
        {
            left = Apply(left, Compare(lookup, periods), (a, b) => a != 0 && b != 0 ? 1 : 0);
        }
        return left;
    }

    private Value Compare(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var left = Sum(lookup, periods);
        foreach (var op in new[] { ">=", "<=", "==", "!=", ">", "<" })
        {
            if (Accept(op))
            {
                var right = Sum(lookup, periods);
                return Apply(left, right, op switch
                {
                    ">=" => (a, b) => a >= b ? 1 : 0,
                    "<=" => (a, b) => a <= b ? 1 : 0,
                    "==" => (a, b) => a == b ? 1 : 0,
                    "!=" => (a, b) => a != b ? 1 : 0,
                    ">" => (a, b) => a > b ? 1 : 0,
                    _ => (a, b) => a < b ? 1 : 0,
                });
            }
        }
        return left;
    }

    private Value Sum(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var left = Product(lookup, periods);
        while (true)
        {
            if (Accept("+"))
            {
                left = Apply(left, Product(lookup, periods), (a, b) => a + b);
            }
            else if (Accept("-"))
            {
                left = Apply(left, Product(lookup, periods), (a, b) => a - b);
            }
            else
            {
                return left;
            }
        }
    }

    private Value Product(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        var left = Unary(lookup, periods);
        while (true)
        {
            if (Accept("*"))
            {
                left = Apply(left, Unary(lookup, periods), (a, b) => a * b);
            }
            else if (Accept("/"))
            {
                // CloudWatch drops a datapoint divided by zero rather than answering infinity.
                left = Apply(left, Unary(lookup, periods), (a, b) => b == 0 ? double.NaN : a / b);
            }
            else
            {
                return left;
            }
        }
    }

    private Value Unary(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods) =>
        Accept("-") ? Apply(new Scalar(0), Unary(lookup, periods), (a, b) => a - b) : Primary(lookup, periods);

    private Value Primary(Func<string, Series> lookup, IReadOnlyList<DateTimeOffset> periods)
    {
        Skip();
        if (Accept("("))
        {
            var inner = Or(lookup, periods);
            Expect(")");
            return inner;
        }
        if (Accept("["))
        {
            var items = new List<Value> { Or(lookup, periods) };
            while (Accept(","))
            {
                items.Add(Or(lookup, periods));
            }
            Expect("]");
            return new List(items);
        }
        var start = _at;
        while (_at < _text.Length && (char.IsLetterOrDigit(_text[_at]) || _text[_at] is '_' or '.'))
        {
            _at++;
        }
        var word = _text[start.._at];
        if (word.Length == 0)
        {
            throw new MetricMathException($"expected a number, an id or a function at '{_text[start..]}' in '{_text}'");
        }
        if (double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return new Scalar(number);
        }
        if (!Accept("("))
        {
            return lookup(word);
        }
        var args = new List<Value> { Or(lookup, periods) };
        while (Accept(","))
        {
            args.Add(Or(lookup, periods));
        }
        Expect(")");
        return Function(word, args, periods);
    }

    private Value Function(string name, List<Value> args, IReadOnlyList<DateTimeOffset> periods)
    {
        switch (name)
        {
            case "IF" when args.Count is 2 or 3:
                var condition = AsSeries(args[0], periods);
                var points = new SortedDictionary<DateTimeOffset, double>();
                foreach (var (at, c) in condition.Points)
                {
                    var chosen = c != 0 ? args[1] : args.Count == 3 ? args[2] : null;
                    if (chosen is not null && At(chosen, at) is { } v)
                    {
                        points[at] = v;
                    }
                }
                return new Series(points);
            case "FILL" when args is [Series series, Scalar fill]:
                return new Series(new SortedDictionary<DateTimeOffset, double>(periods.ToDictionary(p => p, p => series.Points.TryGetValue(p, out var v) ? v : fill.Number)));
            case "ABS" when args.Count == 1:
                return Apply(args[0], new Scalar(0), (a, _) => Math.Abs(a));
            case "MIN" or "MAX" or "SUM" or "AVG" when args is [List list]:
                var all = list.Items.Select(i => AsSeries(i, periods)).ToList();
                var combined = new SortedDictionary<DateTimeOffset, double>();
                foreach (var at in all.SelectMany(s => s.Points.Keys).Distinct())
                {
                    var values = all.Where(s => s.Points.ContainsKey(at)).Select(s => s.Points[at]).ToList();
                    combined[at] = name switch { "MIN" => values.Min(), "MAX" => values.Max(), "SUM" => values.Sum(), _ => values.Average() };
                }
                return new Series(combined);
            default:
                throw new MetricMathException($"unsupported function or arguments: {name} with {args.Count} argument(s) in '{_text}'");
        }
    }

    private static Series AsSeries(Value value, IReadOnlyList<DateTimeOffset> periods) => value switch
    {
        Series s => s,
        Scalar c => new Series(new SortedDictionary<DateTimeOffset, double>(periods.ToDictionary(p => p, _ => c.Number))),
        _ => throw new MetricMathException("a list cannot be used here"),
    };

    private static double? At(Value value, DateTimeOffset at) => value switch
    {
        Scalar c => c.Number,
        Series s when s.Points.TryGetValue(at, out var v) => v,
        _ => null,
    };

    private static Value Apply(Value left, Value right, Func<double, double, double> op)
    {
        if (left is Scalar a && right is Scalar b)
        {
            return new Scalar(op(a.Number, b.Number));
        }
        if (left is List || right is List)
        {
            throw new MetricMathException("arithmetic on a list is not supported");
        }
        var keys = left is Series l ? (right is Series r ? l.Points.Keys.Where(r.Points.ContainsKey) : l.Points.Keys) : ((Series)right).Points.Keys;
        var points = new SortedDictionary<DateTimeOffset, double>();
        foreach (var at in keys.ToList())
        {
            var result = op(At(left, at)!.Value, At(right, at)!.Value);
            if (!double.IsNaN(result))
            {
                points[at] = result;
            }
        }
        return new Series(points);
    }

    private void Skip()
    {
        while (_at < _text.Length && char.IsWhiteSpace(_text[_at]))
        {
            _at++;
        }
    }

    private bool Accept(string token)
    {
        Skip();
        if (string.CompareOrdinal(_text, _at, token, 0, token.Length) != 0)
        {
            return false;
        }
        // ">" must not take the first half of ">=".
        if (token is ">" or "<" && _at + 1 < _text.Length && _text[_at + 1] == '=')
        {
            return false;
        }
        _at += token.Length;
        return true;
    }

    private bool AcceptWord(string word)
    {
        Skip();
        if (string.CompareOrdinal(_text, _at, word, 0, word.Length) == 0 && (_at + word.Length >= _text.Length || !char.IsLetterOrDigit(_text[_at + word.Length])))
        {
            _at += word.Length;
            return true;
        }
        return false;
    }

    private void Expect(string token)
    {
        if (!Accept(token))
        {
            throw new MetricMathException($"expected '{token}' at '{_text[_at..]}' in '{_text}'");
        }
    }
}

internal sealed class MetricMathException(string message) : Exception(message);
