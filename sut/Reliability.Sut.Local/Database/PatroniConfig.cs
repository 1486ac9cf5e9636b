using System.Globalization;
using System.Net;
using System.Text;

namespace Reliability.Sut.Local.Database;

/// <summary>
/// Writes a member's patroni.yml. Its etcd "hosts" are the links the environment puts between the member
/// and each etcd member, with use_proxies so that Patroni never bypasses them by discovering the members'
/// own addresses: that is what lets a partition from etcd be a fault on those links.
/// </summary>
internal static class PatroniConfig
{
    /// <param name="connectAddress">Where the other members reach this one (replication, pg_rewind): its own port, or a link.</param>
    public static string Render(PatroniMember member, PatroniOptions options, IReadOnlyList<IPEndPoint> etcd, IPEndPoint connectAddress, PatroniSecrets secrets, string binDirectory)
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
              parameters:
                unix_socket_directories: ''
                logging_collector: 'off'
                log_line_prefix: '%m [%p] '
            tags:
              nofailover: false
              noloadbalance: false
              clonefrom: false
              nosync: false

            """);
        return yaml.ToString();
    }
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
