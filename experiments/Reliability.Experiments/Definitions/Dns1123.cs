using System.Text.RegularExpressions;

namespace Reliability.Experiments.Definitions;

/// <summary>Kubernetes' name rules (k8s.io/apimachinery validation): a label for namespaces and our own names, a subdomain for object names.</summary>
internal static partial class Dns1123
{
    public const string LabelRule = "is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";
    public const string SubdomainRule = "is not a DNS-1123 subdomain: lower-case letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters";

    public static bool IsLabel(string text) => text.Length <= 63 && Label().IsMatch(text);

    public static bool IsSubdomain(string text) => text.Length <= 253 && Subdomain().IsMatch(text);

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();
}
