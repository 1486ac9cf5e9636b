using k8s;
using k8s.Autorest;
using Reliability.Evidence.Journal;
using Reliability.Evidence.Journal.Events;

namespace Reliability.Experiments.Drivers.Kubernetes;

internal sealed partial class KubernetesChaosDriver
{
    /// <summary>
    /// How long rollback waits, all objects together, for Chaos Mesh to recover and remove what was deleted.
    /// It must fit inside the harness pod's terminationGracePeriodSeconds (90 s in the shipped CronJob), so
    /// that an evicted or stopped harness still rolls back before the kubelet kills it.
    /// </summary>
    public TimeSpan RollbackBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The last line of defence: deletes every object this run still has. Idempotent.</summary>
    public Task RecoverAllAsync(ExperimentJournal journal) => DeleteAsync(Take(_ => true), journal);

    private Task DeleteAsync(string ns, string plural, string name, ExperimentJournal journal) => DeleteAsync(Take(c => c == (ns, plural, name)), journal);

    private (string Namespace, string Plural, string Name)[] Take(Func<(string, string, string), bool> which)
    {
        lock (_gate)
        {
            var taken = _created.Where(which).ToArray();
            _created.RemoveAll(c => taken.Contains(c));
            return taken;
        }
    }

    /// <summary>
    /// Every delete is issued before any wait, so one slow recovery does not hold up the others' start, and
    /// each object's failure is its own: it is journalled with the command to finish by hand, and the rest go on.
    /// </summary>
    private async Task DeleteAsync((string Namespace, string Plural, string Name)[] objects, ExperimentJournal journal)
    {
        if (objects.Length == 0)
        {
            return;
        }
        var issued = await Task.WhenAll(objects.Select(async o => (Object: o, Error: await IssueDeleteAsync(o.Namespace, o.Plural, o.Name))));
        var deadline = _time.GetUtcNow() + RollbackBudget;
        await Task.WhenAll(issued.Select(async i =>
        {
            var (ns, plural, name) = i.Object;
            if (i.Error is { } error)
            {
                journal.Write(new RollbackFailed(name, ns, plural, error, $"kubectl delete {plural}.{Group} -n {ns} {name}"));
                return;
            }
            var gone = await WaitUntilGoneAsync(ns, plural, name, deadline);
            journal.Write(new FaultRecovered(name, Namespace: ns, Kind: plural, Confirmed: gone));
        }));
    }

    /// <summary>Null once the delete is accepted (or the object is already gone); otherwise why not.</summary>
    private async Task<string?> IssueDeleteAsync(string ns, string plural, string name)
    {
        using var timeout = new CancellationTokenSource(CreateTimeout, _time);
        try
        {
            await client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, ns, plural, name, propagationPolicy: PropagationPolicy(plural), cancellationToken: timeout.Token);
            return null;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException ex)
        {
            return $"HTTP {(int)ex.Response.StatusCode}: {ex.Response.Content}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return $"the delete did not answer within {CreateTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return ex.Message;
        }
    }

    /// <summary>
    /// A Workflow is deleted in the foreground: the API server removes it only after its children (the
    /// WorkflowNodes and the chaos they created, which Chaos Mesh recovers first), so "gone" means recovered.
    /// </summary>
    internal static string? PropagationPolicy(string plural) => plural == "workflows" ? "Foreground" : null;

    private async Task<bool> WaitUntilGoneAsync(string ns, string plural, string name, DateTimeOffset deadline)
    {
        while (true)
        {
            try
            {
                if (await GetAsync(ns, plural, name) is null)
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpOperationException or HttpRequestException)
            {
                // A failed read proves nothing either way: ask again until the deadline.
            }
            if (_time.GetUtcNow() >= deadline)
            {
                return false;
            }
            await Task.Delay(PollInterval, _time);
        }
    }
}
