using Npgsql;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Data;

internal static class DataSourceFactory
{
    /// <summary>
    /// Bounded connect and command timeouts make a dead database a fast 503 instead of a hang;
    /// TCP keepalive finds half-open connections after a network partition.
    /// </summary>
    public static NpgsqlDataSource Create(SutSettings settings, ILoggerFactory loggerFactory)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            MaxPoolSize = settings.DbMaxConnections,
            MinPoolSize = settings.DbMinConnections,
            Timeout = settings.DbConnectTimeoutSeconds,
            CommandTimeout = settings.DbCommandTimeoutSeconds,
            CancellationTimeout = 1000,
            KeepAlive = 10,
            ApplicationName = $"reliability-sut/{settings.PodName}",
        };
        var dataSource = new NpgsqlDataSourceBuilder(builder.ConnectionString);
        dataSource.UseLoggerFactory(loggerFactory);
        return dataSource.Build();
    }
}
