using Reliability.Experiments.ChaosMesh;
using Reliability.Slo.Specs;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Cli;

/// <summary>
/// The one place exit codes are decided for failures: 130 whenever the run was cancelled (Ctrl-C, SIGTERM,
/// SIGHUP; faults were rolled back first), 2 for bad input with its locations, 3 for the environment or
/// an observation source failing. A foreseen failure is one line, never a stack trace; the trace of any
/// failure is printed only with --verbose.
/// </summary>
internal static class Failures
{
    public static int ExitCodeFor(Exception failure, bool cancelled, bool verbose)
    {
        var exit = cancelled ? ExitCodes.Interrupted : failure switch
        {
            ManifestException ex => Problems(ex.Problems),
            SloSpecException ex => Problems(ex.Problems),
            _ => Line(failure),
        };
        if (cancelled)
        {
            Write("interrupted: faults rolled back and everything the run started stopped");
        }
        if (verbose)
        {
            Write(failure.ToString());
        }
        return exit;
    }

    /// <summary>Whatever the command returned, a cancelled run exits 130.</summary>
    public static int Final(int exit, bool cancelled) => cancelled && exit != ExitCodes.Passed ? ExitCodes.Interrupted : exit;

    private static int Problems<T>(IEnumerable<T> problems)
    {
        foreach (var problem in problems)
        {
            Write(problem?.ToString() ?? "");
        }
        return ExitCodes.InvalidInput;
    }

    private static int Line(Exception failure)
    {
        var foreseen = failure is PrerequisiteException or ComponentStartException or HttpRequestException or k8s.Autorest.HttpOperationException
            or TimeoutException or IOException or UnauthorizedAccessException or InvalidOperationException or System.Text.Json.JsonException
            or OperationCanceledException or System.Data.Common.DbException;
        Write(foreseen ? $"error: {Describe(failure)}" : $"error: {Describe(failure)} (an unexpected {failure.GetType().Name}; --verbose prints its trace)");
        return ExitCodes.EnvironmentError;
    }

    /// <summary>A failure in one line, as the error lines say it.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        k8s.Autorest.HttpOperationException http => $"the Kubernetes API answered {(int)http.Response.StatusCode} {http.Response.ReasonPhrase}: {StatusMessage(http.Response.Content)}",
        OperationCanceledException => "timed out",
        _ => failure.Message,
    };

    /// <summary>The message of a Kubernetes Status object (what kubectl prints), else the body as it came.</summary>
    private static string StatusMessage(string? body)
    {
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(body ?? "")?["message"]?.GetValue<string>() ?? body ?? "";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException)
        {
            return body ?? "";
        }
    }

    private static void Write(string line)
    {
        try
        {
            Console.Error.WriteLine(line);
        }
        catch (IOException)
        {
            // The terminal is gone (SIGHUP).
        }
    }
}
