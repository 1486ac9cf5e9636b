using System.Globalization;
using k8s;
using k8s.Autorest;

namespace Reliability.Experiments.Drivers.Kubernetes;

/// <summary>
/// Who created a run's Chaos Mesh objects, written on each as an annotation, so that a later run can tell
/// whether that harness is gone (killed with SIGKILL, OOM-killed, evicted) and its objects are orphans.
/// In a pod (the CronJob gives POD_NAMESPACE, POD_NAME and POD_UID through the downward API) the owner
/// is the pod, checked against the API; elsewhere it is the process, by host, pid and start time, which
/// only the same host can check. An owner nobody can check is never taken for gone.
/// </summary>
internal sealed record RunOwner(string Value)
{
    public const string Annotation = "reliability.dev/owner";

    /// <summary>The harness pod, as "namespace/name", when it runs in one.</summary>
    public string? Pod => Value.StartsWith("pod:", StringComparison.Ordinal) && Value[4..].Split('/') is [var ns, var name, _] ? $"{ns}/{name}" : null;

    public static RunOwner Current()
    {
        var ns = Environment.GetEnvironmentVariable("POD_NAMESPACE");
        var name = Environment.GetEnvironmentVariable("POD_NAME");
        var uid = Environment.GetEnvironmentVariable("POD_UID");
        if (!string.IsNullOrEmpty(ns) && !string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(uid))
        {
            return new RunOwner($"pod:{ns}/{name}/{uid}");
        }
        return OfProcess(Environment.ProcessId) ?? new RunOwner($"process:{Environment.MachineName}/{Environment.ProcessId}/unknown");
    }

    /// <summary>A process on this host as an owner; null when it does not exist.</summary>
    public static RunOwner? OfProcess(int pid) =>
        StartTime(pid) is { } start ? new RunOwner($"process:{Environment.MachineName}/{pid.ToString(CultureInfo.InvariantCulture)}/{start}") : null;

    /// <summary>True while the owner runs, false once it is gone, null when this harness cannot tell.</summary>
    public async Task<bool?> IsAliveAsync(IKubernetes client, CancellationToken ct)
    {
        var parts = Value.Split(':', 2) is [var kind, var rest] ? (Kind: kind, Fields: rest.Split('/')) : (Kind: "", Fields: []);
        switch (parts)
        {
            case ("pod", [var ns, var name, var uid]):
                try
                {
                    var pod = await client.CoreV1.ReadNamespacedPodAsync(name, ns, cancellationToken: ct);
                    return pod.Metadata.Uid == uid && pod.Status?.Phase is not ("Succeeded" or "Failed");
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return false;
                }
                catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
                {
                    return null;
                }
            case ("process", [var host, var pid, var start]) when host == Environment.MachineName && int.TryParse(pid, CultureInfo.InvariantCulture, out var id):
                return start != "unknown" ? StartTime(id) == start : StartTime(id) is null ? false : null;
            default:
                return null;
        }
    }

    /// <summary>The process's start time in clock ticks since boot (/proc/PID/stat field 22): a recycled pid has another.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            // The command name (field 2) is in parentheses and may hold spaces: count from after it.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
