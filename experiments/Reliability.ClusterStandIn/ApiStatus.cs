using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Reliability.ClusterStandIn;

/// <summary>A failure as the Kubernetes API server answers it: a Status object (kind, reason, code, message) with the same HTTP status.</summary>
internal static class ApiStatus
{
    public static IResult Failure(int code, string reason, string message) => Results.Json(Body(code, reason, message), statusCode: code);

    public static JsonObject Body(int code, string reason, string message) => new()
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Failure", ["reason"] = reason, ["code"] = code, ["message"] = message,
    };
}
