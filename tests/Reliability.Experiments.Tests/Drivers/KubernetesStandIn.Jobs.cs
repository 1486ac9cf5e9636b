using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Reliability.ClusterStandIn;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>
/// batch/v1 Jobs as the API server, the Job controller and a kubelet handle an Indexed Job, for the sharded
/// load's coordinator, which is not told: create (201; 422 for an Indexed Job without completions or a
/// restartPolicy other than Never or OnFailure; 409), get and list, and delete, whose propagation policy comes
/// from the query or the DeleteOptions body, and whose default for Jobs is Orphan: the pods stay, as on a
/// cluster. Each index gets a pod named job-index-random with the index in the annotation and label
/// batch.kubernetes.io/job-completion-index, the controller-uid labels and an ownerReference; its container
/// runs as a real process (<see cref="Images"/> maps an image to a program; any other image waits in
/// ErrImagePull) with JOB_COMPLETION_INDEX in its environment and $(VAR) in its arguments expanded from it,
/// as the kubelet expands them. Its stdout and stderr, interleaved, are the pod log (text/plain, followed until
/// the container ends; 400 while it waits to start). Deleting a pod sends SIGTERM and SIGKILL after its grace
/// period. With backoffLimit 0 a failed pod fails the Job (FailureTarget, then Failed once the others ended).
/// </summary>
internal sealed partial class KubernetesStandIn
{
    /// <summary>The program (and arguments before the container's) that stands for each image's entrypoint.</summary>
    public Dictionary<string, (string Program, string[] Prefix)> Images { get; } = [];

    /// <summary>Jobs as stored, by namespace/name.</summary>
    public ConcurrentDictionary<string, JsonObject> Jobs { get; } = new();

    private readonly ConcurrentDictionary<string, JobPod> _jobPods = new();

    /// <summary>The pods of Jobs that exist or were orphaned, still running or not.</summary>
    public IReadOnlyList<JsonObject> JobPods => [.. _jobPods.Values.Select(p => p.Snapshot())];

    /// <summary>Kills a pod's process with SIGKILL, as an OOM kill or a node failure would end it.</summary>
    public void KillPod(int index) => _jobPods.Values.Single(p => p.Index == index && !p.Ended).Signal(9);

    private void MapJobs(WebApplication app)
    {
        const string Path = "/apis/batch/v1/namespaces/{ns}/jobs";
        app.MapPost(Path, async (HttpContext context, string ns) =>
        {
            var job = (await JsonNode.ParseAsync(context.Request.Body))!.AsObject();
            var name = job["metadata"]!["name"]!.ToString();
            var spec = job["spec"]!.AsObject();
            if (spec["completionMode"]?.ToString() == "Indexed" && spec["completions"] is null)
            {
                return ApiStatus.Failure(422, "Invalid", $"Job.batch \"{name}\" is invalid: spec.completions: Required value: when completion mode is Indexed");
            }
            if (spec["template"]?["spec"]?["restartPolicy"]?.ToString() is not ("Never" or "OnFailure"))
            {
                return ApiStatus.Failure(422, "Invalid", $"Job.batch \"{name}\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
            }
            var uid = Guid.NewGuid().ToString();
            job["metadata"]!["namespace"] = ns;
            job["metadata"]!["uid"] = uid;
            job["metadata"]!["creationTimestamp"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
            spec["parallelism"] ??= 1;
            spec["backoffLimit"] ??= 6;
            spec["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["batch.kubernetes.io/controller-uid"] = uid } };
            var labels = spec["template"]!["metadata"]?["labels"]?.AsObject() ?? [];
            spec["template"]!["metadata"] ??= new JsonObject();
            spec["template"]!["metadata"]!["labels"] = labels;
            labels["batch.kubernetes.io/controller-uid"] = uid;
            labels["controller-uid"] = uid;
            labels["batch.kubernetes.io/job-name"] = name;
            labels["job-name"] = name;
            job["status"] = new JsonObject { ["startTime"] = job["metadata"]!["creationTimestamp"]!.DeepClone() };
            if (!Jobs.TryAdd($"{ns}/{name}", job))
            {
                return ApiStatus.Failure(409, "AlreadyExists", $"jobs.batch \"{name}\" already exists");
            }
            var count = int.Parse(spec["completions"]?.ToString() ?? "1", System.Globalization.CultureInfo.InvariantCulture);
            for (var index = 0; index < count; index++)
            {
                var pod = new JobPod(this, ns, job, index);
                _jobPods[$"{ns}/{pod.Name}"] = pod;
                pod.Start();
            }
            return Results.Json(job, statusCode: 201);
        });
        app.MapGet(Path, (string ns, string? labelSelector) =>
            Results.Json(new JsonObject
            {
                ["kind"] = "JobList", ["apiVersion"] = "batch/v1", ["metadata"] = new JsonObject(),
                ["items"] = new JsonArray([.. Jobs.Where(j => j.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(j => j.Value).Where(j => Matches(j, labelSelector)).Select(WithStatus)]),
            }));
        app.MapGet(Path + "/{name}", (string ns, string name) =>
            Jobs.TryGetValue($"{ns}/{name}", out var job) ? Results.Json(WithStatus(job)) : ApiStatus.Failure(404, "NotFound", $"jobs.batch \"{name}\" not found"));
        app.MapDelete(Path + "/{name}", async (HttpContext context, string ns, string name, string? propagationPolicy) =>
        {
            var body = context.Request.ContentLength > 0 ? await JsonNode.ParseAsync(context.Request.Body) : null;
            var policy = propagationPolicy ?? body?["propagationPolicy"]?.ToString() ?? "Orphan";
            if (!Jobs.TryRemove($"{ns}/{name}", out var job))
            {
                return ApiStatus.Failure(404, "NotFound", $"jobs.batch \"{name}\" not found");
            }
            var uid = job["metadata"]!["uid"]!.ToString();
            foreach (var pod in _jobPods.Values.Where(p => p.JobUid == uid))
            {
                if (policy == "Orphan")
                {
                    pod.Orphan();
                }
                else
                {
                    // The garbage collector deletes the dependents, each gracefully.
                    _ = DeletePodAsync(pod);
                }
            }
            return Results.Json(new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success",
                ["details"] = new JsonObject { ["name"] = name, ["group"] = "batch", ["kind"] = "jobs", ["uid"] = uid },
            });
        });
        app.MapDelete("/api/v1/namespaces/{ns}/pods/{name}", (string ns, string name) =>
        {
            if (!_jobPods.TryGetValue($"{ns}/{name}", out var pod))
            {
                return ApiStatus.Failure(404, "NotFound", $"pods \"{name}\" not found");
            }
            _ = DeletePodAsync(pod);
            return Results.Json(pod.Snapshot());
        });
        app.MapGet("/api/v1/namespaces/{ns}/pods/{name}/log", async (HttpContext context, string ns, string name, bool? follow) =>
        {
            if (!_jobPods.TryGetValue($"{ns}/{name}", out var pod))
            {
                await ApiStatus.Failure(404, "NotFound", $"pods \"{name}\" not found").ExecuteAsync(context);
                return;
            }
            if (pod.WaitingReason is { } waiting)
            {
                await ApiStatus.Failure(400, "BadRequest", $"container \"{pod.Container}\" in pod \"{name}\" is waiting to start: {waiting}").ExecuteAsync(context);
                return;
            }
            context.Response.ContentType = "text/plain";
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await pod.WriteLogAsync(context.Response, follow == true, context.RequestAborted);
        });
    }

    private async Task DeletePodAsync(JobPod pod)
    {
        await pod.TerminateAsync();
        _jobPods.TryRemove($"{pod.Namespace}/{pod.Name}", out _);
    }

    private JsonObject WithStatus(JsonObject job)
    {
        var copy = job.DeepClone().AsObject();
        var uid = job["metadata"]!["uid"]!.ToString();
        var pods = _jobPods.Values.Where(p => p.JobUid == uid).ToList();
        var status = copy["status"]!.AsObject();
        status["active"] = pods.Count(p => !p.Ended);
        status["succeeded"] = pods.Count(p => p.ExitCode == 0);
        status["failed"] = pods.Count(p => p.ExitCode is > 0 or < 0);
        var backoffLimit = (int)copy["spec"]!["backoffLimit"]!;
        if ((int)status["failed"]! > backoffLimit)
        {
            // FailureTarget at once, Failed only once no pod runs (the Job controller's two steps since 1.31).
            status["conditions"] = new JsonArray(
                [.. new[] { "FailureTarget", pods.All(p => p.Ended) ? "Failed" : null }.OfType<string>()
                    .Select(t => (JsonNode)new JsonObject { ["type"] = t, ["status"] = "True", ["reason"] = "BackoffLimitExceeded", ["message"] = "Job has reached the specified backoff limit" })]);
        }
        return copy;
    }

    private void StopJobPods()
    {
        foreach (var pod in _jobPods.Values)
        {
            pod.Signal(9);
        }
    }

    /// <summary>One pod of a Job and the process of its one container, as a kubelet runs it.</summary>
    private sealed partial class JobPod
    {
        private readonly KubernetesStandIn _standIn;
        private readonly JsonObject _pod;
        private readonly List<string> _log = [];
        private readonly object _lock = new();
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Process? _process;
        private DateTime? _deletedAt;

        public JobPod(KubernetesStandIn standIn, string ns, JsonObject job, int index)
        {
            _standIn = standIn;
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
            spec["nodeName"] = $"node-{(char)('a' + index % 2)}";
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

        public void Start()
        {
            var container = _pod["spec"]!["containers"]![0]!.AsObject();
            if (!_standIn.Images.TryGetValue(container["image"]!.ToString().Split(':')[0], out var image))
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
}
