using YamlDotNet.Serialization;

namespace Reliability.Cli.Tests.Schedules;

/// <summary>
/// The part of GitHub Actions' workflow syntax the harness's workflows use, typed. Deserialization is
/// strict: a key this model does not know (a misspelt `runs-on`, a stray `scheduled:`) fails the test.
/// </summary>
internal sealed class GitHubWorkflow
{
    [YamlMember(Alias = "name")] public string Name { get; set; } = "";
    [YamlMember(Alias = "on")] public WorkflowTriggers On { get; set; } = new();
    [YamlMember(Alias = "permissions")] public Dictionary<string, string> Permissions { get; set; } = [];
    [YamlMember(Alias = "concurrency")] public WorkflowConcurrency? Concurrency { get; set; }
    [YamlMember(Alias = "jobs")] public Dictionary<string, WorkflowJob> Jobs { get; set; } = [];

    public static GitHubWorkflow Load(string path) =>
        new DeserializerBuilder().Build().Deserialize<GitHubWorkflow>(File.ReadAllText(path));
}

internal sealed class WorkflowTriggers
{
    [YamlMember(Alias = "schedule")] public List<CronTrigger> Schedule { get; set; } = [];
    [YamlMember(Alias = "workflow_dispatch")] public object? WorkflowDispatch { get; set; }
    [YamlMember(Alias = "push")] public object? Push { get; set; }
    [YamlMember(Alias = "pull_request")] public object? PullRequest { get; set; }
}

internal sealed class CronTrigger
{
    [YamlMember(Alias = "cron")] public string Cron { get; set; } = "";
}

internal sealed class WorkflowConcurrency
{
    [YamlMember(Alias = "group")] public string Group { get; set; } = "";
    [YamlMember(Alias = "cancel-in-progress")] public bool CancelInProgress { get; set; }
}

internal sealed class WorkflowJob
{
    [YamlMember(Alias = "runs-on")] public string RunsOn { get; set; } = "";
    [YamlMember(Alias = "timeout-minutes")] public int? TimeoutMinutes { get; set; }
    [YamlMember(Alias = "environment")] public string? Environment { get; set; }
    [YamlMember(Alias = "steps")] public List<WorkflowStep> Steps { get; set; } = [];
}

internal sealed class WorkflowStep
{
    [YamlMember(Alias = "name")] public string? Name { get; set; }
    [YamlMember(Alias = "uses")] public string? Uses { get; set; }
    [YamlMember(Alias = "with")] public Dictionary<string, string>? With { get; set; }
    [YamlMember(Alias = "env")] public Dictionary<string, string>? Env { get; set; }
    [YamlMember(Alias = "run")] public string? Run { get; set; }
    [YamlMember(Alias = "if")] public string? If { get; set; }
}
