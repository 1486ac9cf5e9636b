using System.Text;
using Npgsql;

namespace Reliability.Sut.Data;

internal sealed record TaskRecord(
    long Id, long UserId, string Title, string? Description, string Status, string Priority,
    DateTimeOffset? DueDate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record NewTask(string Title, string? Description, string Status, string Priority, DateTimeOffset? DueDate);

/// <summary>Fields a PUT replaces; a null member keeps the stored value.</summary>
internal sealed record TaskChanges(string? Title, string? Description, string? Status, string? Priority, DateTimeOffset? DueDate, bool ClearDueDate);

internal sealed record TaskPage(IReadOnlyList<TaskRecord> Items, long Total);

/// <summary>
/// Every statement carries the owner: a task that is not the caller's is indistinguishable from one that does not exist.
/// </summary>
internal sealed class TaskStore(Database database)
{
    private const string Columns = "id, user_id, title, description, status, priority, due_date, created_at, updated_at";

    public Task<TaskRecord> CreateAsync(long ownerId, NewTask task, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection,
                $"INSERT INTO tasks (user_id, title, description, status, priority, due_date) VALUES (@o, @t, @d, @s, @p, @due) RETURNING {Columns}",
                ("o", ownerId), ("t", task.Title), ("d", task.Description), ("s", task.Status), ("p", task.Priority), ("due", task.DueDate));
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            return Read(reader);
        }, ct);

    public Task<TaskRecord?> GetAsync(long ownerId, long id, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection,
                $"SELECT {Columns} FROM tasks WHERE id = @id AND user_id = @o", ("id", id), ("o", ownerId));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader) : null;
        }, ct);

    public Task<TaskPage> ListAsync(long ownerId, string? status, int page, int pageSize, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            var sql = new StringBuilder($"SELECT {Columns}, count(*) OVER () FROM tasks WHERE user_id = @o");
            var parameters = new List<(string, object?)> { ("o", ownerId), ("limit", pageSize), ("offset", (long)(page - 1) * pageSize) };
            if (status is not null)
            {
                sql.Append(" AND status = @s");
                parameters.Add(("s", status));
            }
            sql.Append(" ORDER BY id LIMIT @limit OFFSET @offset");
            var items = new List<TaskRecord>();
            long total = 0;
            await using (var command = Database.Command(connection, sql.ToString(), [.. parameters]))
            await using (var reader = await command.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    items.Add(Read(reader));
                    total = reader.GetInt64(9);
                }
            }
            // Past the last page the window count has no row to ride on.
            if (items.Count == 0 && page > 1)
            {
                total = await CountAsync(connection, ownerId, status, ct);
            }
            return new TaskPage(items, total);
        }, ct);

    public Task<TaskRecord?> UpdateAsync(long ownerId, long id, TaskChanges changes, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection, $"""
                UPDATE tasks SET
                    title = COALESCE(@t, title),
                    description = COALESCE(@d, description),
                    status = COALESCE(@s, status),
                    priority = COALESCE(@p, priority),
                    due_date = CASE WHEN @clear THEN NULL ELSE COALESCE(@due, due_date) END,
                    updated_at = now()
                WHERE id = @id AND user_id = @o
                RETURNING {Columns}
                """);
            command.Parameters.Add(new NpgsqlParameter<string?>("t", changes.Title) { DataTypeName = "text" });
            command.Parameters.Add(new NpgsqlParameter<string?>("d", changes.Description) { DataTypeName = "text" });
            command.Parameters.Add(new NpgsqlParameter<string?>("s", changes.Status) { DataTypeName = "text" });
            command.Parameters.Add(new NpgsqlParameter<string?>("p", changes.Priority) { DataTypeName = "text" });
            command.Parameters.Add(new NpgsqlParameter<DateTimeOffset?>("due", changes.DueDate) { DataTypeName = "timestamptz" });
            command.Parameters.AddWithValue("clear", changes.ClearDueDate);
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("o", ownerId);
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader) : null;
        }, ct);

    public Task<bool> DeleteAsync(long ownerId, long id, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection, "DELETE FROM tasks WHERE id = @id AND user_id = @o", ("id", id), ("o", ownerId));
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, ct);

    private static async Task<long> CountAsync(NpgsqlConnection connection, long ownerId, string? status, CancellationToken ct)
    {
        await using var command = status is null
            ? Database.Command(connection, "SELECT count(*) FROM tasks WHERE user_id = @o", ("o", ownerId))
            : Database.Command(connection, "SELECT count(*) FROM tasks WHERE user_id = @o AND status = @s", ("o", ownerId), ("s", status));
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    private static TaskRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.GetString(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.GetFieldValue<DateTimeOffset>(7), reader.GetFieldValue<DateTimeOffset>(8));
}
