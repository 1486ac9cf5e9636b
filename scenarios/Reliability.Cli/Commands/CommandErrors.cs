using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Cli.Commands;

/// <summary>Turns set-up failures into one clear line (plus the component's log tail) instead of a stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<LocalSut?> StartLocalSutAsync(TextWriter output, CancellationToken ct)
    {
        try
        {
            return await LocalSut.StartAsync(output, ct);
        }
        catch (Exception ex) when (ex is PrerequisiteException or ComponentStartException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"error: {ex.Message}");
            return null;
        }
    }

    /// <summary>Each problem of a bad input on its own line (file:line:column: field: message), on stderr.</summary>
    public static void Print<T>(IEnumerable<T> problems)
    {
        foreach (var problem in problems)
        {
            Console.Error.WriteLine(problem);
        }
    }
}
