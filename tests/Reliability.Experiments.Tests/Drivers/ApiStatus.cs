using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Reliability.Experiments.Tests.Drivers;

/// <summary>A failure as the Kubernetes API server answers it: a Status object (kind, reason, code, message) with the same HTTP status.</summary>
internal static class ApiStatus
{
    public static IResult Failure(int code, string reason, string message) => Results.Json(new JsonObject
    {
        ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = reason, ["code"] = code, ["message"] = message,
    }, statusCode: code);
}
