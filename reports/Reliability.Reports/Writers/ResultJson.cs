using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Reliability.Reports.Model;

namespace Reliability.Reports.Writers;

internal static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Write(ResultModel model) => JsonSerializer.Serialize(model, Options);

    public static ResultModel Read(string json) => JsonSerializer.Deserialize<ResultModel>(json, Options)!;
}
