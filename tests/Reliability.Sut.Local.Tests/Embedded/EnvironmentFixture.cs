using Reliability.Sut.Local.Embedded;

namespace Reliability.Sut.Local.Tests.Embedded;

/// <summary>One default-topology environment (real PostgreSQL, six SUT processes, YARP, Prometheus, Alertmanager) per test collection.</summary>
public sealed class EnvironmentFixture : IAsyncLifetime
{
    public const string TestAlert = "EnvironmentTestAlert";

    internal LocalEnvironment Environment { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The single database: the Patroni topology has its own tests (PatroniEnvironmentTests).
        Environment = await LocalEnvironment.StartAsync(new EnvironmentOptions
        {
            Database = Reliability.Sut.Local.Database.DatabaseMode.Single,
            ExtraRuleFiles =
            [
                ("test-rules.yaml", $"""
                    groups:
                      - name: environment-tests
                        rules:
                          - alert: {TestAlert}
                            expr: sum(up{"{"}job="lb"{"}"}) == 1
                            for: 30s
                            labels:
                              severity: test
                    """),
            ],
            KeepRunFiles = System.Environment.GetEnvironmentVariable("RELIABILITY_KEEP_RUNS") == "1",
        });
    }

    public async Task DisposeAsync()
    {
        if (Environment is not null)
        {
            await Environment.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class EnvironmentCollection : ICollectionFixture<EnvironmentFixture>
{
    public const string Name = "environment";
}
