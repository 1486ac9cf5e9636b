using Reliability.Sut.Local.Database;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Database;

/// <summary>A postmaster.pid is a claim, not a proof: the pid it names is signalled only when that process runs on this member's data.</summary>
public sealed class PatroniMemberIdentityTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"member-identity-{Guid.NewGuid():N}");

    [Fact]
    public async Task A_stale_postmaster_pid_naming_an_unrelated_process_is_never_signalled()
    {
        using var run = RunDirectory.Create("identity", _root);
        var member = new PatroniMember(run, 0, "zone-a", restPort: 1, postgresPort: 2);
        Directory.CreateDirectory(member.DataDirectory);
        // Another process of the machine holds the pid a crashed postmaster once had.
        await using var bystander = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "bystander", FileName = "sleep", Arguments = ["300"], LogFile = Path.Combine(run.Path, "bystander.log"),
        }, run);
        await File.WriteAllTextAsync(Path.Combine(member.DataDirectory, "postmaster.pid"), $"{bystander.Pid}\n{member.DataDirectory}\n");

        member.PostmasterPid().Should().BeNull("the process named is not a postmaster on this data directory");
        member.KillPostgres().Should().BeFalse();
        member.KillNode();

        bystander.HasExited.Should().BeFalse("nothing was sent to it");
    }

    [Fact]
    public async Task A_postmaster_pid_whose_process_runs_on_the_data_directory_is_believed()
    {
        using var run = RunDirectory.Create("identity", _root);
        var member = new PatroniMember(run, 0, "zone-a", restPort: 1, postgresPort: 2);
        Directory.CreateDirectory(member.DataDirectory);
        // Stands in for "postgres -D <data>": its command line names the data directory.
        await using var postmaster = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "postmaster", FileName = "sh", Arguments = ["-c", "while :; do sleep 1; done", "postgres", "-D", member.DataDirectory], LogFile = Path.Combine(run.Path, "postmaster.log"),
        }, run);
        await File.WriteAllTextAsync(Path.Combine(member.DataDirectory, "postmaster.pid"), $"{postmaster.Pid}\n{member.DataDirectory}\n");

        member.PostmasterPid().Should().Be(postmaster.Pid);
        member.KillPostgres().Should().BeTrue();
        await postmaster.Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
