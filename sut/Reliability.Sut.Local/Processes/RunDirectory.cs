using System.Globalization;

namespace Reliability.Sut.Local.Processes;

/// <summary>
/// One folder per run holding every component's files and logs, plus a ledger of the processes the run
/// started (pid and start time). If the harness dies without cleaning up, the next run's
/// <see cref="StaleRunSweeper"/> reads the ledger and stops what was left.
/// </summary>
internal sealed class RunDirectory : IDisposable
{
    private const string OwnerFile = "owner";
    private const string LedgerFolder = "processes";
    /// <summary>Only folders carrying this file are runs: the sweep touches nothing else under the root.</summary>
    internal const string MarkerFile = ".reliability-run";
    private FileStream? _ownerLock;
    private RunReaper? _reaper;

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>The default parent of run directories: $RELIABILITY_RUNS or $TMPDIR/reliability-runs.</summary>
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("RELIABILITY_RUNS") is { Length: > 0 } root
            ? root
            : System.IO.Path.Combine(System.IO.Path.GetTempPath(), "reliability-runs");

    /// <summary>Sweeps dead runs under the root, then creates a fresh run directory owned by this process.</summary>
    public static RunDirectory Create(string name, string? root = null)
    {
        root ??= DefaultRoot;
        Directory.CreateDirectory(root);
        AllowTraversal(root);
        StaleRunSweeper.Sweep(root);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var path = System.IO.Path.Combine(root, $"{stamp}-{name}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(System.IO.Path.Combine(path, LedgerFolder));
        var self = Environment.ProcessId;
        // Written whole then renamed, so a sweep never reads it half written; then held locked while the run lives.
        var owner = System.IO.Path.Combine(path, OwnerFile);
        File.WriteAllText(owner + ".tmp", $"{self} {Posix.StartTicks(self)}");
        File.Move(owner + ".tmp", owner);
        var directory = new RunDirectory(path)
        {
            _ownerLock = new FileStream(owner, FileMode.Open, FileAccess.Read, FileShare.None),
            _reaper = RunReaper.Start(path),
        };
        File.WriteAllText(System.IO.Path.Combine(path, MarkerFile), "a run of the reliability harness; swept by the next start once its owner is gone\n");
        return directory;
    }

    /// <summary>
    /// Components that drop privileges (PostgreSQL runs as 'postgres' when the harness is root) must be
    /// able to walk into the run folder, even when its parent came from mktemp with mode 0700.
    /// </summary>
    private static void AllowTraversal(string folder)
    {
        if (!OperatingSystem.IsWindows() && Processes.Posix.IsRoot)
        {
            var mode = File.GetUnixFileMode(folder);
            File.SetUnixFileMode(folder, mode | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    public string Folder(string name)
    {
        var folder = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(folder);
        return folder;
    }

    internal void Record(int pid, string name)
    {
        var ticks = Posix.StartTicks(pid);
        File.WriteAllText(System.IO.Path.Combine(Path, LedgerFolder, pid.ToString(CultureInfo.InvariantCulture)), $"{ticks} {name}");
    }

    internal void Forget(int pid)
    {
        try
        {
            File.Delete(System.IO.Path.Combine(Path, LedgerFolder, pid.ToString(CultureInfo.InvariantCulture)));
        }
        catch (DirectoryNotFoundException)
        {
            // The run was already closed or swept.
        }
    }

    /// <summary>Kills anything still recorded (a safety net), then removes the folder unless asked to keep it.</summary>
    public void Dispose() => Close(keepFiles: false);

    /// <summary>Lets go of the run as a killed owner would (its lock released), for tests of the sweep.</summary>
    internal void Abandon()
    {
        _reaper?.Dispose();
        _reaper = null;
        _ownerLock?.Dispose();
        _ownerLock = null;
    }

    public void Close(bool keepFiles)
    {
        _reaper?.Dispose();
        _reaper = null;
        StaleRunSweeper.KillRecorded(Path);
        _ownerLock?.Dispose();
        _ownerLock = null;
        DeleteShortFolders(Path);
        if (!keepFiles)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // A file still being written by a dying process; the next sweep removes it.
            }
        }
        else
        {
            File.Delete(System.IO.Path.Combine(Path, OwnerFile));
        }
    }

    /// <summary>
    /// The path of a folder of this run outside it, for what needs a short path (a Unix socket's path has at
    /// most 107 bytes, and run folders can be deep): $TMPDIR/reliability-{hash of the run's path}-{name}. Not
    /// created here, so its creator sets its mode; removed when the run closes, and by the sweep of a dead run.
    /// </summary>
    public string ShortFolderPath(string name) => ShortFolderPrefix(Path) + name;

    internal static string ShortFolderPrefix(string run) =>
        System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"reliability-{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(run)))[..10].ToLowerInvariant()}-");

    /// <summary>Removes the short folders of a run (see <see cref="ShortFolderPath"/>).</summary>
    internal static void DeleteShortFolders(string run)
    {
        var prefix = ShortFolderPrefix(run);
        foreach (var folder in Directory.EnumerateDirectories(System.IO.Path.GetDirectoryName(prefix)!, System.IO.Path.GetFileName(prefix) + "*"))
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left for the next sweep of this run, or for the system's own cleaning of its temp folder.
            }
        }
    }

    internal static string OwnerPath(string run) => System.IO.Path.Combine(run, OwnerFile);
    internal static string LedgerPath(string run) => System.IO.Path.Combine(run, LedgerFolder);
}
