using System.Globalization;
using System.Net;
using System.Text;
using Reliability.Sut.Local.Database.Backups;

namespace Reliability.Sut.Local.Database;

/// <summary>
/// Writes a member's patroni.yml. Its etcd "hosts" are the links the environment puts between the member
/// and each etcd member, with use_proxies so that Patroni never bypasses them by discovering the members'
/// own addresses: that is what lets a partition from etcd be a fault on those links.
/// </summary>
internal static class PatroniConfig
{
    /// <param name="connectAddress">Where the other members reach this one (replication, pg_rewind): its own port, or a link.</param>
    /// <param name="backups">pgBackRest when the cluster archives WAL and takes backups: archive_command, restore_command and a replica method.</param>
    /// <param name="bootstrapFrom">Set when this member bootstraps a new cluster from the repository instead of initdb.</param>
    public static string Render(PatroniMember member, PatroniOptions options, IReadOnlyList<IPEndPoint> etcd, IPEndPoint connectAddress, PatroniSecrets secrets, string binDirectory,
        PgBackRest? backups = null, RestoreTarget? bootstrapFrom = null)
    {
        static string S(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var yaml = new StringBuilder();
        yaml.Append(CultureInfo.InvariantCulture, $"""
            scope: task-manager-db
            namespace: /reliability/
            name: {member.Name}
            log:
              level: INFO
              format: '%(asctime)s %(levelname)s: %(message)s'
            restapi:
              listen: 127.0.0.1:{member.RestPort}
              connect_address: 127.0.0.1:{member.RestPort}
            etcd3:
              hosts: [{string.Join(", ", etcd.Select(e => $"'127.0.0.1:{e.Port}'"))}]
              use_proxies: true
            bootstrap:
              dcs:
                ttl: {S(options.Ttl)}
                loop_wait: {S(options.LoopWait)}
                retry_timeout: {S(options.RetryTimeout)}
                maximum_lag_on_failover: {options.MaximumLagOnFailoverBytes.ToString(CultureInfo.InvariantCulture)}
                synchronous_mode: {(options.SynchronousMode ? "true" : "false")}
                postgresql:
                  use_pg_rewind: true
                  parameters:
                    wal_log_hints: 'on'
                    max_connections: 300
                    max_wal_senders: 10
                    max_replication_slots: 10
                    wal_keep_size: 128MB
            {Bootstrap(member, backups, bootstrapFrom)}
              initdb: [{"{"}encoding: UTF8{"}"}, {"{"}locale: C{"}"}, {"{"}auth-host: scram-sha-256{"}"}, {"{"}auth-local: scram-sha-256{"}"}]
              pg_hba:
                - host replication {PatroniSecrets.ReplicationUser} 127.0.0.1/32 scram-sha-256
                - host all all 127.0.0.1/32 scram-sha-256
            postgresql:
              listen: 127.0.0.1:{member.PostgresPort}
              connect_address: 127.0.0.1:{connectAddress.Port}
              data_dir: {member.DataDirectory}
              bin_dir: {binDirectory}
              pgpass: {Path.Combine(member.Home, "pgpass")}
              use_unix_socket: false
              # A spread checkpoint paces itself over 0.9 × checkpoint_timeout: a replica would wait minutes to clone.
              basebackup:
                - checkpoint: 'fast'
              authentication:
                superuser: {"{"}username: {PatroniSecrets.SuperUser}, password: '{secrets.SuperPassword}'{"}"}
                replication: {"{"}username: {PatroniSecrets.ReplicationUser}, password: '{secrets.ReplicationPassword}'{"}"}
                rewind: {"{"}username: {PatroniSecrets.RewindUser}, password: '{secrets.RewindPassword}'{"}"}
            {Archiving(member, backups)}
              parameters:
                logging_collector: 'off'
                log_line_prefix: '%m [%p] '
            {Sockets(member, backups)}
            tags:
              nofailover: false
              noloadbalance: false
              clonefrom: false
              nosync: false

            """);
        return yaml.ToString();
    }

    // The sections below are spliced into the YAML above at a line of their own: each line carries its full indentation.

    /// <summary>A custom bootstrap (Patroni's bootstrap.method): pgBackRest restores, Patroni keeps the recovery settings it wrote.</summary>
    private static string Bootstrap(PatroniMember member, PgBackRest? backups, RestoreTarget? from) => backups is null || from is null ? "" : string.Join('\n',
        "  method: pgbackrest",
        "  pgbackrest:",
        $"    command: '{backups.BootstrapCommand(member, from)}'",
        "    keep_existing_recovery_conf: true",
        "    no_params: true");

    /// <summary>
    /// As Spilo configures Patroni for WAL archiving, with pgBackRest as Crunchy's operator runs it: every
    /// member archives while it is primary, replays from the archive when streaming is not enough, and a new
    /// replica is restored from the newest backup (pg_basebackup before there is one).
    /// </summary>
    private static string Archiving(PatroniMember member, PgBackRest? backups) => backups is null ? "" : string.Join('\n',
        "  recovery_conf:",
        $"    restore_command: '{backups.RestoreCommand(member)}'",
        // Replaces pg_hba.conf at every start (bootstrap.pg_hba only appends, after initdb's local scram line).
        "  pg_hba:",
        "    - local all postgres trust",
        $"    - host replication {PatroniSecrets.ReplicationUser} 127.0.0.1/32 scram-sha-256",
        "    - host all all 127.0.0.1/32 scram-sha-256",
        "  create_replica_methods: [pgbackrest, basebackup]",
        "  pgbackrest:",
        $"    command: '{backups.ReplicaCommand(member)}'",
        "    keep_data: true",
        "    no_params: true");

    /// <summary>
    /// pgBackRest's backup connects over a Unix socket only: one in a 0700 folder of the account PostgreSQL
    /// runs as, which is why "local all postgres trust" lets nobody else in. Without backups, TCP only.
    /// </summary>
    private static string Sockets(PatroniMember member, PgBackRest? backups) => backups is null ? "    unix_socket_directories: ''" : string.Join('\n',
        $"    unix_socket_directories: '{backups.SocketDirectory}'",
        "    unix_socket_permissions: '0700'",
        "    archive_mode: 'on'",
        $"    archive_command: '{backups.ArchiveCommand(member)}'",
        string.Create(CultureInfo.InvariantCulture, $"    archive_timeout: {(int)backups.Options.ArchiveTimeout.TotalSeconds}"));
}

/// <summary>The cluster's passwords: random per run, written only to the members' 0600 config files, never logged.</summary>
internal sealed record PatroniSecrets(string SuperPassword, string ReplicationPassword, string RewindPassword)
{
    public const string SuperUser = "postgres";
    public const string ReplicationUser = "replicator";
    public const string RewindUser = "rewinder";

    public static PatroniSecrets Create() => new(Secret(), Secret(), Secret());

    private static string Secret() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();
}
