using Npgsql;

namespace Reliability.Sut.Data;

internal sealed record UserRecord(long Id, string Username, string Email, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

internal sealed record UserCredentials(long Id, string PasswordHash);

/// <summary>Which unique field a sign-up collided on.</summary>
internal enum UserConflict { None, Username, Email }

internal sealed class UserStore(Database database)
{
    private const string Columns = "id, username, email, created_at, updated_at";

    public Task<(UserRecord? User, UserConflict Conflict)> CreateAsync(string username, string email, string passwordHash, CancellationToken ct) =>
        database.RunAsync<(UserRecord?, UserConflict)>(async connection =>
        {
            await using var command = Database.Command(connection,
                $"INSERT INTO users (username, email, password_hash) VALUES (@u, @e, @h) RETURNING {Columns}",
                ("u", username), ("e", email), ("h", passwordHash));
            try
            {
                await using var reader = await command.ExecuteReaderAsync(ct);
                await reader.ReadAsync(ct);
                return (Read(reader), UserConflict.None);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                return (null, ex.ConstraintName?.Contains("email", StringComparison.Ordinal) == true ? UserConflict.Email : UserConflict.Username);
            }
        }, ct);

    public Task<UserRecord?> GetAsync(long id, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection, $"SELECT {Columns} FROM users WHERE id = @id", ("id", id));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? Read(reader) : null;
        }, ct);

    public Task<bool> ExistsAsync(long id, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection, "SELECT 1 FROM users WHERE id = @id", ("id", id));
            return await command.ExecuteScalarAsync(ct) is not null;
        }, ct);

    public Task<UserCredentials?> GetCredentialsAsync(string username, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection, "SELECT id, password_hash FROM users WHERE username = @u", ("u", username));
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await reader.ReadAsync(ct) ? new UserCredentials(reader.GetInt64(0), reader.GetString(1)) : null;
        }, ct);

    public Task UpdatePasswordHashAsync(long id, string passwordHash, CancellationToken ct) =>
        database.RunAsync(async connection =>
        {
            await using var command = Database.Command(connection,
                "UPDATE users SET password_hash = @h, updated_at = now() WHERE id = @id", ("h", passwordHash), ("id", id));
            return await command.ExecuteNonQueryAsync(ct);
        }, ct);

    private static UserRecord Read(NpgsqlDataReader reader) => new(
        reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
        reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<DateTimeOffset>(4));
}
