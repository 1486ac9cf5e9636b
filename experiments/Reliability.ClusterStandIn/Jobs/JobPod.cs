using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn.Jobs;

/// <summary>One pod of a Job and the process of its one container, as a kubelet runs it.</summary>
internal sealed partial class JobPod
{
    private readonly JsonObject _pod;
    private readonly List<string> _log = [];
    private readonly object _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private DateTime? _deletedAt;

    public JobPod(string ns, JsonObject job, int index, string node)
    {
        Namespace = ns;
        Index = index;
        JobUid = job["metadata"]!["uid"]!.ToString();
        var jobName = job["metadata"]!["name"]!.ToString();
        Name = $"{jobName}-{index}-{Guid.NewGuid().ToString("N")[..5]}";
        var template = job["spec"]!["template"]!.AsObject();
        var metadata = template["metadata"]!.DeepClone().AsObject();
        metadata["name"] = Name;
        metadata["namespace"] = ns;
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["labels"]!["batch.kubernetes.io/job-completion-index"] = $"{index}";
        metadata["annotations"] = new JsonObject { ["batch.kubernetes.io/job-completion-index"] = $"{index}" };
        metadata["ownerReferences"] = new JsonArray(new JsonObject
        {
            ["apiVersion"] = "batch/v1", ["kind"] = "Job", ["name"] = jobName, ["uid"] = JobUid, ["controller"] = true, ["blockOwnerDeletion"] = true,
        });
        var spec = template["spec"]!.DeepClone().AsObject();
        spec["hostname"] = $"{jobName}-{index}";
        spec["nodeName"] = node;
        _pod = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Pod", ["metadata"] = metadata, ["spec"] = spec, ["status"] = new JsonObject { ["phase"] = "Pending" } };
        Container = spec["containers"]![0]!["name"]!.ToString();
    }

    public string Namespace { get; }
    public string Name { get; }
    public int Index { get; }
    public string JobUid { get; }
    public string Container { get; }
    public int? ExitCode { get; private set; }
    public bool Ended => ExitCode is not null;
    public string? WaitingReason { get; private set; } = "ContainerCreating";

    public JsonObject Snapshot()
    {
        lock (_lock)
        {
            var copy = _pod.DeepClone().AsObject();
            var state = ExitCode is { } code
                ? new JsonObject { ["terminated"] = new JsonObject { ["exitCode"] = code, ["reason"] = code == 0 ? "Completed" : "Error" } }
                : WaitingReason is { } waiting ? new JsonObject { ["waiting"] = new JsonObject { ["reason"] = waiting } }
                : new JsonObject { ["running"] = new JsonObject() };
            copy["status"] = new JsonObject
            {
                ["phase"] = ExitCode is { } c ? (c == 0 ? "Succeeded" : "Failed") : WaitingReason is null ? "Running" : "Pending",
                ["containerStatuses"] = new JsonArray(new JsonObject { ["name"] = Container, ["state"] = state, ["ready"] = ExitCode is null && WaitingReason is null }),
            };
            if (_deletedAt is { } at)
            {
                copy["metadata"]!["deletionTimestamp"] = at.ToString("yyyy-MM-ddTHH:mm:ssZ");
            }
            return copy;
        }
    }

    public void Start(IReadOnlyDictionary<string, (string Program, string[] Prefix)> images)
    {
        var container = _pod["spec"]!["containers"]![0]!.AsObject();
        if (!images.TryGetValue(container["image"]!.ToString().Split(':')[0], out var image))
        {
            WaitingReason = "ErrImagePull";
            return;
        }
        var environment = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = $"{Index}" };
        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            environment[variable!["name"]!.ToString()] = variable["value"]?.ToString() ?? "";
        }
        var start = new ProcessStartInfo(image.Program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.WorkingDirectory = Directory.CreateTempSubdirectory("standin-pod-").FullName;
        // Each pod has its own volumes: a path under a volume's mountPath is that pod's folder here, not the host's.
        var mounts = container["volumeMounts"]?.AsArray().Select(m => m!["mountPath"]!.ToString()).ToList() ?? [];
        foreach (var argument in image.Prefix.Concat(container["args"]?.AsArray().Select(a => Mounted(Expand(a!.ToString(), environment), mounts, start.WorkingDirectory)) ?? []))
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        // The host's inline socket completions are not the pod's: a container starts with its image's environment.
        start.Environment.Remove("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS");
        _process = Process.Start(start)!;
        WaitingReason = null;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        _ = WaitForExitAsync(_process, start.WorkingDirectory);
    }

    private async Task WaitForExitAsync(Process process, string workingDirectory)
    {
        await process.WaitForExitAsync();
        lock (_lock)
        {
            ExitCode = process.ExitCode;
        }
        Wake();
        process.Dispose();
        Directory.Delete(workingDirectory, recursive: true);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_lock)
        {
            _log.Add(line);
        }
        Wake();
    }

    private void Wake()
    {
        TaskCompletionSource woken;
        lock (_lock)
        {
            woken = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }

    /// <summary>The log from its start; when following, until the container has ended and its output is drained.</summary>
    public async Task WriteLogAsync(HttpResponse response, bool follow, CancellationToken ct)
    {
        var written = 0;
        try
        {
            while (true)
            {
                string[] lines;
                Task changed;
                bool ended;
                lock (_lock)
                {
                    lines = [.. _log.Skip(written)];
                    changed = _changed.Task;
                    ended = ExitCode is not null;
                }
                foreach (var line in lines)
                {
                    await response.WriteAsync(line + "\n", ct);
                }
                written += lines.Length;
                await response.Body.FlushAsync(ct);
                if (!follow || ended && lines.Length == 0)
                {
                    return;
                }
                await changed.WaitAsync(TimeSpan.FromSeconds(1), ct).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Marks the pod deleted, sends SIGTERM, and SIGKILL after its terminationGracePeriodSeconds.</summary>
    public async Task TerminateAsync()
    {
        lock (_lock)
        {
            _deletedAt ??= DateTime.UtcNow;
        }
        if (_process is null || Ended)
        {
            return;
        }
        Signal(15);
        var grace = TimeSpan.FromSeconds((int?)_pod["spec"]!["terminationGracePeriodSeconds"] ?? 30);
        using var deadline = new CancellationTokenSource(grace);
        try
        {
            while (!Ended)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
            Signal(9);
        }
    }

    /// <summary>No owner any more: the pod runs on by itself, as a Job's pods do after an orphaning delete.</summary>
    public void Orphan()
    {
        lock (_lock)
        {
            _pod["metadata"]!.AsObject().Remove("ownerReferences");
        }
    }

    public void Signal(int signal)
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                Reliability.Sut.Local.Processes.Posix.Signal(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private static string Mounted(string argument, IReadOnlyList<string> mounts, string podFolder) =>
        mounts.FirstOrDefault(m => argument == m || argument.StartsWith(m.TrimEnd('/') + "/", StringComparison.Ordinal)) is { } mount
            ? podFolder + argument[mount.TrimEnd('/').Length..] : argument;

    private static string Expand(string argument, IReadOnlyDictionary<string, string> environment) =>
        Variable().Replace(argument, m => m.Value.StartsWith("$$", StringComparison.Ordinal) ? m.Value[1..]
            : environment.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);

    [GeneratedRegex(@"\$?\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Variable();
}
