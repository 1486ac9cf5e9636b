using System.Globalization;
using System.Net;
using System.Text;

namespace Reliability.Reports.Writers;

/// <summary>A small inline-SVG time chart: line series over a shared time axis, shaded windows and vertical markers.</summary>
internal sealed class SvgChart(DateTimeOffset from, DateTimeOffset to, string title, string unit, int width = 960, int height = 220, string timeFormat = "HH:mm:ss")
{
    private const int Left = 76, Right = 40, Top = 28, Bottom = 28;
    private readonly StringBuilder _layers = new();
    private readonly List<(string Name, string Color)> _legend = [];
    private double _max = 1;
    private readonly List<(string Name, string Color, IReadOnlyList<(DateTimeOffset At, double Value)> Points)> _series = [];

    public SvgChart Series(string name, string color, IReadOnlyList<(DateTimeOffset At, double Value)> points)
    {
        _series.Add((name, color, points));
        _max = Math.Max(_max, points.Count == 0 ? 0 : points.Max(p => p.Value));
        return this;
    }

    public SvgChart Window(DateTimeOffset start, DateTimeOffset end, string label, string cssClass)
    {
        _layers.Append(CultureInfo.InvariantCulture, $"<rect class=\"{cssClass}\" x=\"{X(start):0.#}\" y=\"{Top}\" width=\"{Math.Max(1, X(end) - X(start)):0.#}\" height=\"{height - Top - Bottom}\"><title>{Encode(label)}</title></rect>");
        _layers.Append(CultureInfo.InvariantCulture, $"<text class=\"window-label\" x=\"{X(start) + 4:0.#}\" y=\"{Top + 12}\">{Encode(label)}</text>");
        return this;
    }

    public SvgChart Marker(DateTimeOffset at, string label, string cssClass)
    {
        _layers.Append(CultureInfo.InvariantCulture, $"<line class=\"{cssClass}\" x1=\"{X(at):0.#}\" x2=\"{X(at):0.#}\" y1=\"{Top}\" y2=\"{height - Bottom}\"><title>{Encode(label)}</title></line>");
        _layers.Append(CultureInfo.InvariantCulture, $"<text class=\"{cssClass}-label\" x=\"{X(at) + 3:0.#}\" y=\"{height - Bottom - 4}\">{Encode(label)}</text>");
        return this;
    }

    public string Render()
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{Encode(title)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"chart-title\" x=\"{Left}\" y=\"16\">{Encode(title)}</text>");
        svg.Append(_layers);
        for (var i = 0; i <= 4; i++)
        {
            var value = _max * i / 4;
            var y = Y(value);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{Left}\" x2=\"{width - Right}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\"/><text class=\"axis\" x=\"{Left - 6}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{(value >= 100 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.##", CultureInfo.InvariantCulture))}{unit}</text>");
        }
        var span = to - from;
        for (var i = 0; i <= 6; i++)
        {
            var at = from + span * i / 6;
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"axis\" x=\"{X(at):0.#}\" y=\"{height - 8}\" text-anchor=\"middle\">{at.ToString(timeFormat, CultureInfo.InvariantCulture)}</text>");
        }
        foreach (var (name, color, points) in _series)
        {
            var path = string.Join(" ", points.OrderBy(p => p.At).Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{(i == 0 ? 'M' : 'L')}{X(p.At):0.#},{Y(p.Value):0.#}")));
            svg.Append(CultureInfo.InvariantCulture, $"<path class=\"series\" data-series=\"{Encode(name)}\" d=\"{path}\" stroke=\"{color}\" fill=\"none\"/>");
            _legend.Add((name, color));
        }
        var lx = width - Right - 150 * _legend.Count;
        foreach (var (name, color) in _legend)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{lx}\" y=\"8\" width=\"10\" height=\"10\" fill=\"{color}\"/><text class=\"legend\" x=\"{lx + 14}\" y=\"17\">{Encode(name)}</text>");
            lx += 150;
        }
        return svg.Append("</svg>").ToString();
    }

    private double X(DateTimeOffset at) => Left + (width - Left - Right) * Math.Clamp((at - from) / (to - from > TimeSpan.Zero ? to - from : TimeSpan.FromSeconds(1)), 0, 1);

    private double Y(double value) => height - Bottom - (height - Top - Bottom) * (value / _max);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
