namespace Reliability.ClusterStandIn;

/// <summary>
/// The kubeconfig a cluster's administrator would hand out, for the stand-in: one cluster, a context for the
/// harness (its service account's token, so the shipped RBAC applies) and one for a person ("admin"). The
/// harness context is the current one. Written with mode 0600, as it holds the tokens.
/// </summary>
internal static class Kubeconfig
{
    public const string HarnessContext = "reliability-harness";
    public const string AdminContext = "admin";

    public static void Write(string path, Uri server, string caPem, Authorization authorization)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var text = $"""
            # The Kubernetes API stand-in served by `reliability env up --kubernetes`: the embedded environment as a
            # cluster with Chaos Mesh. It lasts as long as that command runs.
            apiVersion: v1
            kind: Config
            clusters:
              - name: reliability-stand-in
                cluster:
                  server: {server.GetLeftPart(UriPartial.Authority)}
                  certificate-authority-data: {Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(caPem))}
            users:
              - name: {HarnessContext}
                user:
                  token: {authorization.HarnessToken}
              - name: {AdminContext}
                user:
                  token: {authorization.AdminToken}
            contexts:
              - name: {HarnessContext}
                context:
                  cluster: reliability-stand-in
                  user: {HarnessContext}
                  namespace: task-manager
              - name: {AdminContext}
                context:
                  cluster: reliability-stand-in
                  user: {AdminContext}
                  namespace: task-manager
            current-context: {HarnessContext}

            """;
        File.WriteAllText(path, "");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.WriteAllText(path, text);
    }
}
