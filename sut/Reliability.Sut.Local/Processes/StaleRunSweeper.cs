using System.Globalization;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// Finds runs whose owner process is gone (killed with SIGKILL, or crashed) and stops every process
/// their ledger still lists. A pid is only killed when its start time matches the ledger, so a pid the
/// kernel has since reused for something else is left alone.
/// </summary>
internal static class StaleRunSweeper
{
    public static IReadOnlyList<string> Sweep(string root)
    {
        var swept = new List<string>();
        if (!Directory.Exists(root))
        {
            return swept;
        }
        foreach (var run in Directory.EnumerateDirectories(root))
        {
            var owner = RunDirectory.OwnerPath(run);
            if (!File.Exists(owner) || IsRecordedProcessAlive(File.ReadAllText(owner), out _))
            {
                continue;
            }
            KillRecorded(run);
            swept.Add(run);
            try
            {
                Directory.Delete(run, recursive: true);
            }
            catch (IOException)
            {
                // Left for the next sweep.
            }
        }
        return swept;
    }

    internal static void KillRecorded(string run)
    {
        var ledger = RunDirectory.LedgerPath(run);
        foreach (var entry in Directory.Exists(ledger) ? Directory.EnumerateFiles(ledger) : [])
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && IsRecordedProcessAlive($"{pid} {File.ReadAllText(entry).Split(' ')[0]}", out _))
            {
                Posix.Signal(pid, Posix.SIGKILL);
            }
            File.Delete(entry);
        }
        // Then whatever detached from a recorded process but still runs on the run's files.
        foreach (var pid in Posix.ProcessesMentioning(run))
        {
            Posix.Signal(pid, Posix.SIGKILL);
        }
    }

    private static bool IsRecordedProcessAlive(string record, out int pid)
    {
        var parts = record.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        pid = 0;
        if (parts.Length < 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out pid)
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks))
        {
            return false;
        }
        return Posix.StartTicks(pid) == ticks;
    }
}
