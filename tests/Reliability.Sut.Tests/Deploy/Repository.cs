using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Serialization;

namespace Reliability.Sut.Tests.Deploy;

/// <summary>Paths into the checkout, kubectl kustomize, and YAML-to-JSON for structural comparisons.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Kustomize(string relativeDir)
    {
        var info = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(PathOf(relativeDir));
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"kubectl kustomize {relativeDir} failed: {stderr}");
        return stdout.Result;
    }

    public static IReadOnlyList<string> Documents(string multiDocumentYaml) =>
        multiDocumentYaml.Split("\n---\n").Select(d => d.Trim()).Where(d => d.Length > 0 && d != "---").ToList();

    public static JsonNode YamlToJson(string yaml)
    {
        var graph = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        var json = JsonSerializer.Serialize(new SerializerBuilder().JsonCompatible().Build().Serialize(graph));
        return JsonNode.Parse(JsonSerializer.Deserialize<string>(json)!)!;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliability.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Reliability.sln not found above the test binaries");
    }
}
