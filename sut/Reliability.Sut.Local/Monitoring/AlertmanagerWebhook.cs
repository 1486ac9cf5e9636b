using System.Text.Json.Serialization;

namespace Reliability.Sut.Local.Monitoring;

/// <summary>Alertmanager's webhook payload, version 4 (the shape Alertmanager 0.25 posts to webhook receivers).</summary>
internal sealed record AlertmanagerWebhook
{
    [JsonPropertyName("version")] public string Version { get; init; } = "";
    [JsonPropertyName("groupKey")] public string GroupKey { get; init; } = "";
    [JsonPropertyName("truncatedAlerts")] public int TruncatedAlerts { get; init; }
    /// <summary>"firing" or "resolved".</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("receiver")] public string Receiver { get; init; } = "";
    [JsonPropertyName("groupLabels")] public Dictionary<string, string> GroupLabels { get; init; } = [];
    [JsonPropertyName("commonLabels")] public Dictionary<string, string> CommonLabels { get; init; } = [];
    [JsonPropertyName("commonAnnotations")] public Dictionary<string, string> CommonAnnotations { get; init; } = [];
    [JsonPropertyName("externalURL")] public string ExternalUrl { get; init; } = "";
    [JsonPropertyName("alerts")] public List<AlertmanagerWebhookAlert> Alerts { get; init; } = [];
}

internal sealed record AlertmanagerWebhookAlert
{
    [JsonPropertyName("status")] public string Status { get; init; } = "";
    [JsonPropertyName("labels")] public Dictionary<string, string> Labels { get; init; } = [];
    [JsonPropertyName("annotations")] public Dictionary<string, string> Annotations { get; init; } = [];
    [JsonPropertyName("startsAt")] public DateTimeOffset StartsAt { get; init; }
    /// <summary>0001-01-01T00:00:00Z while the alert fires.</summary>
    [JsonPropertyName("endsAt")] public DateTimeOffset EndsAt { get; init; }
    [JsonPropertyName("generatorURL")] public string GeneratorUrl { get; init; } = "";
    [JsonPropertyName("fingerprint")] public string Fingerprint { get; init; } = "";

    public string AlertName => Labels.GetValueOrDefault("alertname", "");
}

/// <summary>One webhook delivery as the harness received it.</summary>
internal sealed record AlertNotification(DateTimeOffset ReceivedAt, AlertmanagerWebhook Payload);
