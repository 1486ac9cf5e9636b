namespace Reliability.Cli.Tests;

/// <summary>A kubeconfig for the Kubernetes API stand-in, with a token that must never appear in any output.</summary>
internal static class StandInKubeconfig
{
    public const string Token = "not-a-real-token";

    public static void Write(string path, Uri server) => File.WriteAllText(path, $$"""
        apiVersion: v1
        kind: Config
        clusters: [{ name: stand-in, cluster: { server: "{{server}}" } }]
        users: [{ name: harness, user: { token: {{Token}} } }]
        contexts: [{ name: stand-in, context: { cluster: stand-in, user: harness } }]
        current-context: stand-in
        """);
}
