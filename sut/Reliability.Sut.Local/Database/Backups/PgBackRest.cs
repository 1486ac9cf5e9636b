using System.Globalization;
using System.Text;
using Reliability.Sut.Local.Processes;
using Reliability.Sut.Local.Setup;

namespace Reliability.Sut.Local.Database.Backups;

/// <summary>
/// pgBackRest for one cluster: its configuration in the run folder, the commands Patroni and PostgreSQL run
/// (archive-push, archive-get, restore as a replica method and as a custom bootstrap), and the commands the
/// environment runs itself (stanza-create, backup, info). Every command names its configuration file, so a
/// /etc/pgbackrest.conf on the machine never leaks in, and runs as the account PostgreSQL runs as.
/// </summary>
internal sealed class PgBackRest
{
    public static readonly Prerequisite Program = new("pgbackrest", "pgbackrest", ["/usr/bin"]);

    private readonly RunDirectory _run;
    private readonly string _program;

    public PgBackRest(RunDirectory run, BackupOptions options, string socketDirectory)
    {
        _run = run;
        Options = options;
        SocketDirectory = socketDirectory;
        Folder = run.Folder("backups");
        _program = Program.Locate();
    }

    public BackupOptions Options { get; }
    public string Folder { get; }
    /// <summary>The repository, standing in for the object store a production cluster archives to.</summary>
    public string Repository => Path.Combine(Folder, "repo");
    /// <summary>Where the members' PostgreSQL listen on a Unix socket: pgBackRest's backup connects only that way.</summary>
    public string SocketDirectory { get; }
    public string ConfigFile => Path.Combine(Folder, "pgbackrest.conf");
    public string LogFile => Path.Combine(Folder, "commands.log");
    /// <summary>The archived WAL of the stanza: one folder per PostgreSQL version and database id.</summary>
    public string ArchiveFolder => Path.Combine(Repository, "archive", BackupOptions.Stanza);

    /// <summary>Writes the configuration and the repository's folders, owned by <paramref name="owner"/> when the harness is root.</summary>
    public void Prepare((uint Uid, uint Gid)? owner)
    {
        foreach (var folder in new[] { Repository, Path.Combine(Folder, "log"), Path.Combine(Folder, "lock"), Path.Combine(Folder, "spool") })
        {
            Directory.CreateDirectory(folder);
        }
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("pgBackRest runs on Linux");
        }
        Directory.CreateDirectory(SocketDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (owner is { } account)
        {
            Posix.Chown(SocketDirectory, account.Uid, account.Gid);
        }
        File.WriteAllText(ConfigFile, string.Create(CultureInfo.InvariantCulture, $"""
            [global]
            repo1-path={Repository}
            repo1-retention-full={Options.RetentionFull}
            lock-path={Path.Combine(Folder, "lock")}
            log-path={Path.Combine(Folder, "log")}
            spool-path={Path.Combine(Folder, "spool")}
            log-level-console=warn
            log-level-stderr=warn
            log-level-file=info
            start-fast=y
            compress-type=lz4
            archive-timeout=60

            [{BackupOptions.Stanza}]
            pg1-user={PatroniSecrets.SuperUser}

            """));
        if (owner is { } o)
        {
            Posix.ChownRecursive(Folder, o.Uid, o.Gid);
        }
    }

    /// <summary>Removes the socket folder, which lives outside the run folder (a socket path has at most 107 bytes).</summary>
    public void Cleanup()
    {
        try
        {
            Directory.Delete(SocketDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    /// <summary>PostgreSQL's archive_command on a member: WAL goes to the repository as each segment is done.</summary>
    public string ArchiveCommand(PatroniMember member) => Line(member, "archive-push %p");

    /// <summary>restore_command: what a member in recovery reads WAL with when its primary cannot stream it.</summary>
    public string RestoreCommand(PatroniMember member) => Line(member, "archive-get %f \"%p\"");

    /// <summary>Patroni's pgbackrest replica method: a standby made from the newest backup, reusing what the folder holds.</summary>
    public string ReplicaCommand(PatroniMember member) => Line(member, "--delta --type=standby restore");

    /// <summary>
    /// Patroni's custom bootstrap from the repository: the newest backup before the target, WAL replayed up to
    /// it, then promoted (Patroni turns hot_standby off while it bootstraps, and pgBackRest's default, pause,
    /// would then shut PostgreSQL down).
    /// </summary>
    public string BootstrapCommand(PatroniMember member, RestoreTarget target) => target switch
    {
        { BackupOnly: true } => Line(member, "--type=immediate --target-action=promote restore"),
        { Time: { } time } => Line(member, $"--type=time \"--target={time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00\" --target-action=promote restore"),
        _ => Line(member, "--type=default restore"),
    };

    private string Line(PatroniMember member, string command) =>
        $"{_program} --config={ConfigFile} --stanza={BackupOptions.Stanza} --pg1-path={member.DataDirectory} {command}";

    /// <summary>Creates the stanza from the running primary; idempotent, as pgBackRest's own is.</summary>
    public Task StanzaCreateAsync(PatroniMember primary, CancellationToken ct) =>
        RunAsync([.. Connection(primary), "stanza-create"], ct);

    /// <summary>Takes a backup of the primary and gives the set it made, read back from the repository.</summary>
    public async Task<BackupSet> BackupAsync(PatroniMember primary, BackupType type, CancellationToken ct)
    {
        await RunAsync([.. Connection(primary), $"--type={TypeOption(type)}", "backup"], ct);
        var sets = await InfoAsync(ct);
        return sets.Backups.LastOrDefault() ?? throw new PgBackRestException("backup", "the backup finished but the repository lists no backup set", "");
    }

    /// <summary>What the repository holds: its backup sets, oldest first, and the archived WAL range.</summary>
    public async Task<BackupCatalog> InfoAsync(CancellationToken ct) =>
        BackupCatalog.Parse(await RunAsync(["info", "--output=json"], ct));

    internal static string TypeOption(BackupType type) => type switch
    {
        BackupType.Full => "full",
        BackupType.Differential => "diff",
        _ => "incr",
    };

    private string[] Connection(PatroniMember member) =>
        [$"--pg1-path={member.DataDirectory}", $"--pg1-port={member.PostgresPort}", $"--pg1-socket-path={SocketDirectory}"];

    /// <summary>Runs one command to its end and gives what it printed on standard output; a failure throws with its last lines.</summary>
    internal async Task<string> RunAsync(IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var output = new StringBuilder();
        var gate = new Lock();
        var command = arguments[^1];
        var process = ChildProcess.Start(new ChildProcessSpec
        {
            Name = $"pgbackrest {command}",
            FileName = _program,
            Arguments = [$"--config={ConfigFile}", $"--stanza={BackupOptions.Stanza}", .. arguments],
            LogFile = LogFile,
            WorkingDirectory = Folder,
            RunAsUserWhenRoot = PatroniMember.ServiceAccount,
            Environment = new Dictionary<string, string?> { ["PGPASSWORD"] = null, ["PGHOST"] = null, ["PGPORT"] = null },
        }, _run, line =>
        {
            lock (gate)
            {
                output.AppendLine(line);
            }
        });
        var finished = true;
        try
        {
            await process.Exited.WaitAsync(Options.CommandTimeout, ct);
        }
        catch (TimeoutException)
        {
            finished = false;
        }
        finally
        {
            // Disposing kills it when it still runs, and drains its output: the exit code and every line are in after it.
            await process.DisposeAsync();
        }
        if (!finished)
        {
            throw new PgBackRestException(command, $"did not finish within {Options.CommandTimeout.TotalSeconds:0} s", process.Tail());
        }
        if (process.ExitCode != 0)
        {
            throw new PgBackRestException(command, $"exited with {process.ExitCode}", process.Tail());
        }
        lock (gate)
        {
            return output.ToString();
        }
    }
}

/// <summary>
/// Where a restore replays WAL to: the end of the archive (neither set), a moment, or only to the end of the
/// newest backup (<see cref="BackupOnly"/>: pgBackRest's --type=immediate, as when the archived WAL is not trusted).
/// </summary>
internal sealed record RestoreTarget(DateTimeOffset? Time, bool BackupOnly = false)
{
    public static readonly RestoreTarget Latest = new((DateTimeOffset?)null);

    public static readonly RestoreTarget Backup = new(null, BackupOnly: true);

    public override string ToString() => BackupOnly ? "the end of the newest backup" : Time is { } t ? $"time {t:O}" : "the end of the archived WAL";
}

internal sealed class PgBackRestException(string command, string problem, string tail)
    : Exception($"pgbackrest {command} {problem}{(tail.Length > 0 ? ":\n" + tail : "")}");
