using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Tests.Database;

namespace Reliability.Sut.Local.Tests.Processes;

public sealed class RunReaperTests : IDisposable
{
    private readonly string _folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"reaper-tests-{Guid.NewGuid():N}")).FullName;

    [Fact]
    public async Task The_reaper_lets_go_of_the_harness_output_so_a_reader_of_it_sees_end_of_file()
    {
        using var reaper = RunReaper.Start(_folder);
        var pid = reaper.Pid!.Value;

        await Wait.Until(() => Task.FromResult(Enumerable.Range(0, 3).All(fd => Target(pid, fd) == "/dev/null")), TimeSpan.FromSeconds(10),
            "the reaper's standard streams to point at /dev/null");
        var sleeper = await ChildOf(pid);
        Enumerable.Range(0, 3).Should().AllSatisfy(fd => Target(sleeper, fd).Should().Be("/dev/null"));
    }

    [Fact]
    public async Task A_reaper_dismissed_at_the_end_of_a_run_takes_its_sleep_with_it()
    {
        var reaper = RunReaper.Start(_folder);
        var pid = reaper.Pid!.Value;
        var sleeper = await ChildOf(pid);

        reaper.Dispose();

        Posix.IsAlive(pid).Should().BeFalse();
        await Wait.Until(() => Task.FromResult(!Posix.IsAlive(sleeper)), TimeSpan.FromSeconds(5), "the reaper's sleep to exit");
    }

    private static string? Target(int pid, int fd)
    {
        try
        {
            return new FileInfo($"/proc/{pid}/fd/{fd}").LinkTarget;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static async Task<int> ChildOf(int parent)
    {
        var child = 0;
        await Wait.Until(() => Task.FromResult((child = Children(parent).FirstOrDefault()) != 0), TimeSpan.FromSeconds(10), $"a child of {parent}");
        return child;
    }

    private static IEnumerable<int> Children(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(dir, "stat"));
            }
            catch (IOException)
            {
                continue;
            }
            // pid (comm) state ppid …: the command may hold spaces and parentheses, so read after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (int.Parse(fields[1]) == parent)
            {
                yield return pid;
            }
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
