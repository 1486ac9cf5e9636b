using Npgsql;

namespace Reliability.Sut.Data;

/// <summary>
/// Idempotent start-up migration. Replicas starting together serialize on a PostgreSQL advisory lock,
/// so exactly one applies each version and the rest find it recorded.
/// </summary>
internal sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    // Any constant works; it only has to be the same in every replica and unused elsewhere.
    private const long AdvisoryLockKey = 7_301_202_611;

    private static readonly (int Version, string Name, string Sql)[] Migrations =
    [
        (1, "users and tasks", """
            CREATE TABLE IF NOT EXISTS users (
                id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                username      VARCHAR(50)  NOT NULL UNIQUE,
                email         VARCHAR(100) NOT NULL UNIQUE,
                password_hash VARCHAR(255) NOT NULL,
                created_at    TIMESTAMPTZ  NOT NULL DEFAULT now(),
                updated_at    TIMESTAMPTZ  NOT NULL DEFAULT now()
            );
            CREATE TABLE IF NOT EXISTS tasks (
                id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                user_id     BIGINT       NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                title       VARCHAR(200) NOT NULL,
                description TEXT,
                status      VARCHAR(20)  NOT NULL DEFAULT 'TODO' CHECK (status IN ('TODO', 'IN_PROGRESS', 'DONE')),
                priority    VARCHAR(20)  NOT NULL DEFAULT 'MEDIUM' CHECK (priority IN ('LOW', 'MEDIUM', 'HIGH')),
                due_date    TIMESTAMPTZ,
                created_at  TIMESTAMPTZ  NOT NULL DEFAULT now(),
                updated_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
            );
            CREATE INDEX IF NOT EXISTS idx_tasks_user_id ON tasks(user_id);
            CREATE INDEX IF NOT EXISTS idx_tasks_status ON tasks(status);
            CREATE INDEX IF NOT EXISTS idx_tasks_due_date ON tasks(due_date);
            """),
    ];

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "SELECT pg_advisory_lock(@key)", cancellationToken, AdvisoryLockKey);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    INT PRIMARY KEY,
                    name       TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """, cancellationToken);
            foreach (var (version, name, sql) in Migrations)
            {
                await ApplyAsync(connection, version, name, sql, cancellationToken);
            }
        }
        finally
        {
            // Unlock even when cancelled: the session (and lock) may outlive this call in the pool.
            await Execute(connection, "SELECT pg_advisory_unlock(@key)", CancellationToken.None, AdvisoryLockKey);
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, int version, string name, string sql, CancellationToken cancellationToken)
    {
        await using var check = new NpgsqlCommand("SELECT 1 FROM schema_migrations WHERE version = @v", connection);
        check.Parameters.AddWithValue("v", version);
        if (await check.ExecuteScalarAsync(cancellationToken) is not null)
        {
            logger.LogInformation("Schema migration {Version} ({Name}) already applied", version, name);
            return;
        }
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var apply = new NpgsqlCommand(sql, connection, transaction))
        {
            await apply.ExecuteNonQueryAsync(cancellationToken);
        }
        await using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES (@v, @n)", connection, transaction))
        {
            record.Parameters.AddWithValue("v", version);
            record.Parameters.AddWithValue("n", name);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Schema migration {Version} ({Name}) applied", version, name);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, long? key = null)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (key is { } k)
        {
            command.Parameters.AddWithValue("key", k);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
