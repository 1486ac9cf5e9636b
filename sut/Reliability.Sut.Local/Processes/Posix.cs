using System.Runtime.InteropServices;

namespace Reliability.Sut.Local.Processes;

/// <summary>The few libc calls .NET does not wrap: signals other than SIGKILL, effective uid, chown.</summary>
internal static partial class Posix
{
    public const int SIGHUP = 1;
    public const int SIGINT = 2;
    public const int SIGQUIT = 3;
    public const int SIGKILL = 9;
    public const int SIGUSR1 = 10;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint SysGetEuid();

    [LibraryImport("libc", EntryPoint = "chown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int SysChown(string path, uint owner, uint group);

    [LibraryImport("libc", EntryPoint = "getpwnam", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr SysGetPwNam(string name);

    public static bool IsRoot => SysGetEuid() == 0;

    /// <summary>Sends a signal; false when the process is already gone.</summary>
    public static bool Signal(int pid, int signal) => SysKill(pid, signal) == 0;

    /// <summary>True while the process exists and is not a zombie (dead, waiting to be reaped by its parent).</summary>
    public static bool IsAlive(int pid)
    {
        if (SysKill(pid, 0) != 0 && Marshal.GetLastPInvokeError() != 1 /* EPERM: exists, not ours */)
        {
            return false;
        }
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>uid and gid of a local account, or null when it does not exist.</summary>
    public static (uint Uid, uint Gid)? LookupUser(string name)
    {
        var entry = SysGetPwNam(name);
        if (entry == IntPtr.Zero)
        {
            return null;
        }
        // struct passwd on Linux: char* pw_name; char* pw_passwd; uid_t pw_uid; gid_t pw_gid; ...
        var offset = 2 * IntPtr.Size;
        return ((uint)Marshal.ReadInt32(entry, offset), (uint)Marshal.ReadInt32(entry, offset + 4));
    }

    public static void ChownRecursive(string path, uint uid, uint gid)
    {
        Chown(path, uid, gid);
        if (Directory.Exists(path))
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries(path, "*", SearchOption.AllDirectories))
            {
                Chown(entry, uid, gid);
            }
        }
    }

    public static void Chown(string path, uint uid, uint gid)
    {
        if (SysChown(path, uid, gid) != 0)
        {
            throw new IOException($"chown {path} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    /// <summary>Start time of a process in clock ticks since boot (field 22 of /proc/pid/stat), or null if gone.</summary>
    public static long? StartTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name (field 2) is parenthesised and may contain spaces: parse after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>Whether the live process <paramref name="pid"/> has <paramref name="text"/> in its command line: who it is, checked before a signal.</summary>
    public static bool CommandLineMentions(int pid, string text)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Contains(text, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Processes whose working directory is <paramref name="folder"/> or inside it (PostgreSQL's children, whatever their names).</summary>
    public static IReadOnlyList<int> ProcessesWorkingIn(string folder)
    {
        var root = folder.TrimEnd('/');
        return Processes(dir => new FileInfo(System.IO.Path.Combine(dir, "cwd")).LinkTarget is { } cwd
            && (cwd == root || cwd.StartsWith(root + "/", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Live processes whose command line names something under <paramref name="folder"/>: how processes that
    /// detached from the one we started are found (Patroni's postmaster is re-parented to init, so it is
    /// no descendant of the recorded Patroni pid, but its -D names the run folder).
    /// </summary>
    public static IReadOnlyList<int> ProcessesMentioning(string folder)
    {
        var needle = folder.TrimEnd('/') + "/";
        return Processes(dir => File.ReadAllText(System.IO.Path.Combine(dir, "cmdline")).Replace('\0', ' ').Contains(needle, StringComparison.Ordinal));
    }

    /// <summary>The live processes, other than this one, whose /proc folder <paramref name="matches"/>.</summary>
    private static List<int> Processes(Func<string, bool> matches)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(System.IO.Path.GetFileName(dir), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                if (matches(dir))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while we looked, or not ours to read.
            }
        }
        return found;
    }
}
