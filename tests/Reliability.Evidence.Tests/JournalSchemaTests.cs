using Reliability.Evidence.Journal;

namespace Reliability.Evidence.Tests;

public sealed class JournalSchemaTests
{
    private static readonly string SchemaFile = Path.Combine(RepositoryRoot(), "reports", "schema", "journal-v1.schema.json");

    [Fact]
    public void The_committed_journal_schema_is_the_one_the_event_records_give()
    {
        var generated = JournalSchema.Generate();
        if (Environment.GetEnvironmentVariable("RELIABILITY_WRITE_SCHEMA") == "1")
        {
            File.WriteAllText(SchemaFile, generated);
        }

        File.ReadAllText(SchemaFile).Should().Be(generated, "reports/schema/journal-v1.schema.json is generated from the events: rerun this test with RELIABILITY_WRITE_SCHEMA=1");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Reliability.sln")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("no Reliability.sln above " + AppContext.BaseDirectory);
    }
}
