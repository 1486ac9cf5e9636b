using System.Text.Json;

namespace Reliability.Experiments.Safety;

/// <summary>
/// The local lever: a file beside the runs (<c>$RELIABILITY_RUNS/safety-lever.json</c> by default), so that
/// every harness on the machine sees it. Written whole and renamed into place, so a reader never sees half of it.
/// </summary>
internal sealed class FileSafetyLever(string path, TimeProvider time) : ISafetyLever
{
    public const string FileName = "safety-lever.json";

    public string Location => $"file {path}";

    public Task<LeverState> ReadAsync(CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            return Task.FromResult(LeverState.Released);
        }
        try
        {
            var state = JsonSerializer.Deserialize<LeverState>(File.ReadAllText(path), Json);
            return Task.FromResult(state is { Engaged: true } ? state : new LeverState(true, $"the lever file {path} says neither engaged nor released"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            return Task.FromResult(new LeverState(true, $"the lever file {path} cannot be read ({ex.Message}); counted as engaged"));
        }
    }

    public Task EngageAsync(string reason, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var state = new LeverState(true, reason, $"{Environment.UserName}@{Environment.MachineName}", time.GetUtcNow());
        File.WriteAllText(path + ".tmp", JsonSerializer.Serialize(state, Json));
        File.Move(path + ".tmp", path, overwrite: true);
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(CancellationToken ct)
    {
        File.Delete(path);
        return Task.CompletedTask;
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}
