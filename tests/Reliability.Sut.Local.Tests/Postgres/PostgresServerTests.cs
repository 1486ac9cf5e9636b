using System.Net.Sockets;
using Npgsql;
using Reliability.Sut.Local.Postgres;
using Reliability.Sut.Local.Processes;

namespace Reliability.Sut.Local.Tests.Postgres;

public sealed class PostgresServerTests : IDisposable
{
    private readonly RunDirectory _run = RunDirectory.Create("postgres-tests");

    [Fact]
    public async Task It_starts_serves_the_app_role_stops_and_restarts_with_its_data()
    {
        await using var server = await PostgresServer.StartAsync(_run, new PostgresOptions { Durable = false });
        await Execute(server.AppConnectionString, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        var pid = server.Pid!.Value;

        await server.StopAsync();
        Posix.IsAlive(pid).Should().BeFalse();
        var refused = async () => await Execute(server.AppConnectionString, "SELECT 1");
        await refused.Should().ThrowAsync<NpgsqlException>();

        await server.RestartAsync();
        (await Scalar(server.AppConnectionString, "SELECT v FROM kept")).Should().Be(42);
    }

    [Fact]
    public async Task The_app_role_needs_its_password()
    {
        await using var server = await PostgresServer.StartAsync(_run, new PostgresOptions { Durable = false });
        var wrong = new NpgsqlConnectionStringBuilder(server.AppConnectionString) { Password = "wrong" }.ConnectionString;
        var act = async () => await Execute(wrong, "SELECT 1");
        (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("28P01");
    }

    [Fact]
    public async Task It_listens_on_loopback_only_without_a_unix_socket()
    {
        await using var server = await PostgresServer.StartAsync(_run, new PostgresOptions { Durable = false });
        (await Scalar(server.AdminConnectionString, "SELECT current_setting('listen_addresses')")).Should().Be("127.0.0.1");
        (await Scalar(server.AdminConnectionString, "SELECT current_setting('unix_socket_directories')")).Should().Be("");
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", server.Port);
        tcp.Connected.Should().BeTrue();
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> Scalar(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public void Dispose() => _run.Dispose();
}
