using System.Text.Json.Nodes;

namespace Reliability.ClusterStandIn;

/// <summary>
/// One stored chaos-mesh.org object and what the stand-in's controller does with it. The body is what the
/// API server stores and returns; <see cref="Window"/> ends the fault's hold when the object is deleted.
/// </summary>
internal sealed class ChaosObject(string ns, string plural, string name, JsonObject body)
{
    public string Namespace { get; } = ns;
    public string Plural { get; } = plural;
    public string Name { get; } = name;
    public string Kind => Body["kind"]?.ToString() ?? "";
    public string Key => KeyOf(Namespace, Plural, Name);
    public JsonObject Body { get; } = body;
    public CancellationTokenSource Window { get; } = new();
    public Task Run { get; set; } = Task.CompletedTask;

    public static string KeyOf(string ns, string plural, string name) => $"{ns}/{plural}/{name}";

    public bool Deleting => Body["metadata"]?["deletionTimestamp"] is not null;

    /// <summary>
    /// Records and conditions as Chaos Mesh's records and condition controllers write them: one record per
    /// selected target with its phase, Selected once there are records, AllInjected when every record is
    /// Injected, AllRecovered when every record is Not Injected, Paused from the pause annotation (never set here).
    /// </summary>
    public void SetRecords(IReadOnlyList<string> targets, string phase, string desiredPhase, DateTimeOffset at, string? operation)
    {
        var experiment = Body["status"]!["experiment"] as JsonObject ?? [];
        var records = new JsonArray();
        var previous = experiment["containerRecords"] as JsonArray;
        foreach (var target in targets)
        {
            var before = previous?.OfType<JsonObject>().FirstOrDefault(r => r["id"]?.ToString() == target);
            var injected = before?["injectedCount"]?.GetValue<int>() ?? 0;
            var recovered = before?["recoveredCount"]?.GetValue<int>() ?? 0;
            var events = before?["events"]?.DeepClone() as JsonArray ?? [];
            if (operation is not null)
            {
                events.Add(new JsonObject { ["type"] = "Succeeded", ["operation"] = operation, ["timestamp"] = EmbeddedCluster.Timestamp(at) });
                injected += operation == "Apply" ? 1 : 0;
                recovered += operation == "Recover" ? 1 : 0;
            }
            records.Add(new JsonObject
            {
                ["id"] = target, ["selectorKey"] = ".", ["phase"] = phase, ["injectedCount"] = injected, ["recoveredCount"] = recovered, ["events"] = events,
            });
        }
        experiment["containerRecords"] = records;
        experiment["desiredPhase"] = desiredPhase;
        Body["status"]!["experiment"] = experiment;
        Conditions(records.Count > 0, phase == "Injected", phase == "Not Injected");
    }

    /// <summary>
    /// Nothing selected (the selector matched no pod): Chaos Mesh keeps the object with no records, and its
    /// condition controller then reports Selected False but AllInjected and AllRecovered True (nothing is
    /// left un-injected), which a client must not read as "injected".
    /// </summary>
    public void NothingSelected() => Conditions(false, true, true, nothingSelected: true);

    /// <summary>A Workflow's conditions as its controller writes them: Scheduled once its entry node exists, Accomplished when that node finished.</summary>
    public void WorkflowConditions(bool accomplished) => Body["status"]!["conditions"] = new JsonArray(
        new JsonObject { ["type"] = "Scheduled", ["status"] = "True", ["reason"] = "" },
        new JsonObject { ["type"] = "Accomplished", ["status"] = accomplished ? "True" : "False", ["reason"] = "" });

    private void Conditions(bool selected, bool allInjected, bool allRecovered, bool nothingSelected = false)
    {
        static JsonObject Condition(string type, bool status) => new() { ["type"] = type, ["status"] = status ? "True" : "False" };
        Body["status"]!["conditions"] = new JsonArray(
            Condition("Selected", selected), Condition("AllInjected", nothingSelected || (selected && allInjected)),
            Condition("AllRecovered", allRecovered), Condition("Paused", false));
    }
}
