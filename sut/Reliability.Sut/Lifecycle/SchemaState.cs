namespace Reliability.Sut.Lifecycle;

/// <summary>Set once the start-up migration has completed; /ready stays 503 before that.</summary>
internal sealed class SchemaState
{
    private volatile bool _migrated;

    public bool IsMigrated => _migrated;

    public void MarkMigrated() => _migrated = true;
}
