using System.Globalization;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// Finds runs whose owner process is gone (killed with SIGKILL, or crashed) and stops every process
/// their ledger still lists. Only folders with the run marker are considered; a run is alive while its
/// owner file is locked (the lock dies with its process) or its recorded owner still runs. A pid is only
/// killed when its start time matches the ledger, so a pid the kernel has since reused is left alone.
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
            if (!File.Exists(Path.Combine(run, RunDirectory.MarkerFile)) || OwnerAlive(RunDirectory.OwnerPath(run)))
            {
                continue;
            }
            KillRecorded(run);
            RunDirectory.DeleteShortFolders(run);
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

    /// <summary>Locked by a live run, or naming a live process; a missing owner file is a run still being created or already closed.</summary>
    private static bool OwnerAlive(string owner)
    {
        try
        {
            using var stream = new FileStream(owner, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return IsRecordedProcessAlive(reader.ReadToEnd(), out _);
        }
        catch (FileNotFoundException)
        {
            return true;
        }
        catch (IOException)
        {
            // Locked: its run is alive.
            return true;
        }
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
