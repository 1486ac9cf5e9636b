using System.Net.Sockets;
using Npgsql;

namespace Reliability.Sut.Data;

/// <summary>Tells a database that cannot serve right now (a 503) from a bug (a 500).</summary>
internal static class DatabaseFailure
{
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => IsUnavailableState(pg.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is SocketException or TimeoutException or IOException,
        TimeoutException or SocketException => true,
        OperationCanceledException => false,
        _ => exception.InnerException is { } inner && IsUnavailable(inner),
    };

    // Class 08 connection exceptions, 53 insufficient resources, 57P operator intervention
    // (shutdown, crash recovery, "cannot connect now"), 25006 read-only transaction (a demoted primary),
    // 40001/40P01 serialization failure and deadlock.
    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState.StartsWith("57P", StringComparison.Ordinal)
        || sqlState is "25006" or "40001" or "40P01" or "57014";
}
