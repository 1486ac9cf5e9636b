using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn.Jobs;

/// <summary>
/// batch/v1 Jobs as the API server, the Job controller and a kubelet handle an Indexed Job, for the sharded
/// load's coordinator, which is not told: create (201; 422 for an Indexed Job without completions or a
/// restartPolicy other than Never or OnFailure; 409), get and list, and delete, whose propagation policy comes
/// from the query or the DeleteOptions body, and whose default for Jobs is Orphan: the pods stay, as on a
/// cluster. Each index gets a pod named job-index-random with the index in the annotation and label
/// batch.kubernetes.io/job-completion-index, the controller-uid labels and an ownerReference; its container
/// runs as a real process (the images given map to programs; any other image waits in
/// ErrImagePull) with JOB_COMPLETION_INDEX in its environment and $(VAR) in its arguments expanded from it,
/// as the kubelet expands them. Its stdout and stderr, interleaved, are the pod log (text/plain, followed until
/// the container ends; 400 while it waits to start). Deleting a pod sends SIGTERM and SIGKILL after its grace
/// period. With backoffLimit 0 a failed pod fails the Job (FailureTarget, then Failed once the others ended).
/// </summary>
internal sealed class JobController(IReadOnlyDictionary<string, (string Program, string[] Prefix)> images, Func<int, string> nodeOf) : IDisposable
{
    /// <summary>Jobs as stored, by namespace/name.</summary>
    public ConcurrentDictionary<string, JsonObject> Jobs { get; } = new();

    private readonly ConcurrentDictionary<string, JobPod> _jobPods = new();
    private readonly ConcurrentDictionary<string, bool> _pastDeadline = new();
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The pods of Jobs that exist or were orphaned, still running or not.</summary>
    public IReadOnlyList<JsonObject> Pods => [.. _jobPods.Values.Select(p => p.Snapshot())];

    /// <summary>Kills a pod's process with SIGKILL, as an OOM kill or a node failure would end it.</summary>
    public void KillPod(int index) => _jobPods.Values.Single(p => p.Index == index && !p.Ended).Signal(9);

    public void Map(IEndpointRouteBuilder app)
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
                var pod = new JobPod(ns, job, index, nodeOf(index));
                _jobPods[$"{ns}/{pod.Name}"] = pod;
                pod.Start(images);
            }
            if (spec["activeDeadlineSeconds"] is { } deadline)
            {
                _ = DeadlineAsync(job, TimeSpan.FromSeconds((long)deadline));
            }
            return Results.Json(job, statusCode: 201);
        });
        app.MapGet(Path, (string ns, string? labelSelector) =>
            Results.Json(new JsonObject
            {
                ["kind"] = "JobList", ["apiVersion"] = "batch/v1", ["metadata"] = new JsonObject(),
                ["items"] = new JsonArray([.. Jobs.Where(j => j.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(j => j.Value).Where(j => Selectors.Matches(j, labelSelector, null)).Select(WithStatus)]),
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

    /// <summary>activeDeadlineSeconds from the Job's start: its running pods are terminated and it fails (DeadlineExceeded).</summary>
    private async Task DeadlineAsync(JsonObject job, TimeSpan after)
    {
        try
        {
            await Task.Delay(after, _stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        var uid = job["metadata"]!["uid"]!.ToString();
        if (!Jobs.Values.Contains(job) || _jobPods.Values.Where(p => p.JobUid == uid).All(p => p.Ended))
        {
            return;
        }
        _pastDeadline[uid] = true;
        await Task.WhenAll(_jobPods.Values.Where(p => p.JobUid == uid && !p.Ended).Select(DeletePodAsync));
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
        var (reason, message) = _pastDeadline.ContainsKey(uid) ? ("DeadlineExceeded", "Job was active longer than specified deadline")
            : (int)status["failed"]! > backoffLimit ? ("BackoffLimitExceeded", "Job has reached the specified backoff limit") : (null, null);
        if (reason is not null)
        {
            // FailureTarget at once, Failed only once no pod runs (the Job controller's two steps since 1.31).
            status["conditions"] = new JsonArray(
                [.. new[] { "FailureTarget", pods.All(p => p.Ended) ? "Failed" : null }.OfType<string>()
                    .Select(t => (JsonNode)new JsonObject { ["type"] = t, ["status"] = "True", ["reason"] = reason, ["message"] = message })]);
        }
        else if (pods.Count > 0 && pods.All(p => p.ExitCode == 0) && pods.Count == (int?)copy["spec"]!["completions"])
        {
            status["conditions"] = new JsonArray(
                [.. new[] { "SuccessCriteriaMet", "Complete" }.Select(t => (JsonNode)new JsonObject
                    { ["type"] = t, ["status"] = "True", ["reason"] = "CompletionsReached", ["message"] = "Reached expected number of succeeded pods" })]);
        }
        return copy;
    }

    /// <summary>Kills every pod's process: the stand-in leaves nothing running when it stops.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        foreach (var pod in _jobPods.Values)
        {
            pod.Signal(9);
        }
    }
}
