using Npgsql;
using Reliability.Sut.Observability;

namespace Reliability.Sut.Data;

/// <summary>Opens pooled connections and keeps the in-flight and error series honest.</summary>
internal sealed class Database(NpgsqlDataSource dataSource, SutMetrics metrics)
{
    public NpgsqlDataSource DataSource => dataSource;

    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        metrics.DbInFlight.Inc();
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            return await work(connection);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            metrics.DbErrors.WithLabels(DatabaseFailure.IsUnavailable(ex) ? "unavailable" : "other").Inc();
            throw;
        }
        finally
        {
            metrics.DbInFlight.Dec();
        }
    }

    public static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }
}
