using System.Text.RegularExpressions;

namespace Reliability.Experiments.ChaosMesh.Admission;

/// <summary>
/// The syntax of Go's time.ParseDuration, which Chaos Mesh's webhook applies to every duration field:
/// an optional sign and one or more decimal numbers, each with a unit of ns, us, µs, ms, s, m or h ("1m30s",
/// "1.5h", "300ms"); a bare "0" is allowed. "30" or "1d" is refused by a cluster, so it is refused here.
/// </summary>
internal static partial class GoDuration
{
    public static bool IsValid(string text) => text == "0" || Syntax().IsMatch(text);

    [GeneratedRegex(@"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$")]
    private static partial Regex Syntax();
}
