using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Postgres;

/// <summary>
/// A throw-away PostgreSQL server on 127.0.0.1: initdb into the run directory, postgres in the
/// foreground as a supervised child, an application role and database with random passwords.
/// Runs as the postgres account when the harness is root, because PostgreSQL refuses root.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private const string ServiceAccount = "postgres";
    private readonly PostgresOptions _options;
    private readonly RunDirectory _run;
    private readonly string _binDir;
    private readonly string _dataDir;
    private readonly string _superPassword = Secret();
    private ChildProcess? _process;

    private PostgresServer(PostgresOptions options, RunDirectory run, string binDir, string home)
    {
        _options = options;
        _run = run;
        _binDir = binDir;
        _dataDir = Path.Combine(home, "data");
        AppPassword = Secret();
    }

    public int Port { get; private set; }

    /// <summary>Raised when a restart had to take another port (the old one was taken meanwhile): whoever routes to it must follow.</summary>
    public event Action<int>? PortChanged;
    public string AppPassword { get; }
    public string Database => _options.Database;
    public string AppUser => _options.AppUser;
    public int? Pid => _process?.Pid;
    public bool IsRunning => _process is { HasExited: false };
    public string LogFile => Path.Combine(_dataDir, "..", "postgres.log");

    /// <summary>Npgsql connection string for the application role.</summary>
    public string AppConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = Database, Username = AppUser, Password = AppPassword,
    }.ConnectionString;

    /// <summary>Superuser connection string, for test assertions and set-up only.</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Database = Database, Username = ServiceAccount, Password = _superPassword, Pooling = false,
    }.ConnectionString;

    public static async Task<PostgresServer> StartAsync(RunDirectory run, PostgresOptions? options = null, string name = "postgres", CancellationToken ct = default)
    {
        options ??= new PostgresOptions();
        var binDir = PostgresBinaries.Locate(options.BinDirectory);
        var home = run.Folder(name);
        var server = new PostgresServer(options, run, binDir, home);
        try
        {
            await server.InitializeAsync(home, ct);
            await server.StartProcessAsync(ct);
            await server.CreateAppDatabaseAsync(ct);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fast shutdown (SIGINT), escalating to SIGKILL. The data directory stays for a restart.</summary>
    public async Task StopAsync()
    {
        if (_process is null)
        {
            return;
        }
        await _process.StopAsync(Posix.SIGINT, TimeSpan.FromSeconds(10));
        await _process.DisposeAsync();
        _process = null;
    }

    /// <summary>Starts the same cluster again on the same port, as after a crash or a maintenance restart.</summary>
    public Task RestartAsync(CancellationToken ct = default) => StartProcessAsync(ct);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task InitializeAsync(string home, CancellationToken ct)
    {
        (uint Uid, uint Gid)? owner = null;
        if (Posix.IsRoot)
        {
            owner = Posix.LookupUser(ServiceAccount)
                ?? throw new InvalidOperationException($"running as root, PostgreSQL needs the '{ServiceAccount}' account: {PostgresBinaries.InstallHint}");
        }
        var passwordFile = Path.Combine(home, "pwfile");
        await File.WriteAllTextAsync(passwordFile, _superPassword, ct);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        if (owner is { } o)
        {
            Posix.ChownRecursive(home, o.Uid, o.Gid);
        }
        var initdb = ChildProcess.Start(new ChildProcessSpec
        {
            Name = "initdb",
            FileName = Path.Combine(_binDir, "initdb"),
            Arguments = ["-D", _dataDir, "-U", ServiceAccount, "--pwfile", passwordFile, "--auth-host=scram-sha-256",
                "--auth-local=reject", "-E", "UTF8", "--locale=C", "--no-instructions", .. (_options.Durable ? Array.Empty<string>() : ["--no-sync"])],
            LogFile = Path.Combine(home, "initdb.log"),
            RunAsUserWhenRoot = ServiceAccount,
        }, _run);
        await using (initdb)
        {
            await initdb.Exited.WaitAsync(TimeSpan.FromSeconds(60), ct);
            if (initdb.ExitCode != 0)
            {
                throw new ComponentStartException("postgres", $"initdb exited with {initdb.ExitCode}", initdb.Tail());
            }
        }
        File.Delete(passwordFile);
    }

    private async Task StartProcessAsync(CancellationToken ct)
    {
        var previous = Port;
        for (var attempt = 1; ; attempt++)
        {
            if (Port == 0 || attempt > 1)
            {
                Port = FreePort.Next();
            }
            _process = ChildProcess.Start(new ChildProcessSpec
            {
                Name = "postgres",
                FileName = Path.Combine(_binDir, "postgres"),
                Arguments = ServerArguments(),
                LogFile = LogFile,
                RunAsUserWhenRoot = ServiceAccount,
                // Its backends inherit its output and can outlive a killed postmaster for a moment.
                OutputToLogFile = true,
            }, _run);
            try
            {
                await WaitUntilAcceptingAsync(ct);
                if (previous != 0 && previous != Port)
                {
                    PortChanged?.Invoke(Port);
                }
                return;
            }
            catch (ComponentStartException) when (attempt < 3 && _process.Tail().Contains("could not bind", StringComparison.Ordinal))
            {
                // Another process took the port between probe and bind: try a new one.
                await _process.DisposeAsync();
            }
        }
    }

    private List<string> ServerArguments()
    {
        var settings = new List<string>
        {
            $"port={Port}", "listen_addresses=127.0.0.1", "unix_socket_directories=", $"max_connections={_options.MaxConnections}",
            "shared_buffers=32MB", "logging_collector=off", "log_line_prefix=%m [%p] ", "log_connections=off",
        };
        if (!_options.Durable)
        {
            settings.AddRange(["fsync=off", "synchronous_commit=off", "full_page_writes=off"]);
        }
        var args = new List<string> { "-D", _dataDir };
        foreach (var setting in settings)
        {
            args.Add("-c");
            args.Add(setting);
        }
        return args;
    }

    private async Task WaitUntilAcceptingAsync(CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        var probe = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres", Timeout = 2 }.ConnectionString;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (_process!.HasExited)
            {
                throw new ComponentStartException("postgres", $"exited with code {_process.ExitCode} during start-up", _process.Tail());
            }
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(ct);
                return;
            }
            catch (NpgsqlException) when (deadline.Elapsed < _options.StartTimeout)
            {
                await Task.Delay(50, ct);
            }
            catch (NpgsqlException ex)
            {
                throw new ComponentStartException("postgres", $"not accepting connections after {_options.StartTimeout.TotalSeconds:0} s ({ex.Message})", _process.Tail());
            }
        }
    }

    private async Task CreateAppDatabaseAsync(CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(ct);
        // Identifiers come from options, not users; the password is random hex, so literal quoting is safe.
        foreach (var sql in new[]
        {
            $"CREATE ROLE \"{AppUser}\" LOGIN PASSWORD '{AppPassword}'",
            $"CREATE DATABASE \"{Database}\" OWNER \"{AppUser}\"",
        })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    private static string Secret() => Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
