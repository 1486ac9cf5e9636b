using Npgsql;
using Reliability.Load.Targets;

namespace Reliability.Targets.TaskManager;

/// <summary>The tasks table as the SUT's schema has it, hashed the way the scenarios hash an acknowledged task.</summary>
internal sealed class TaskRows : IRowReader
{
    public string Entity => "task";

    public async Task<IReadOnlyDictionary<long, string>> ReadAsync(string connectionString, IReadOnlyCollection<long> ids, CancellationToken ct)
    {
        var rows = new Dictionary<long, string>();
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT id, title, description, status, priority, due_date FROM tasks WHERE id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows[reader.GetInt64(0)] = TaskContentHash.Of(reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        }
        return rows;
    }
}
