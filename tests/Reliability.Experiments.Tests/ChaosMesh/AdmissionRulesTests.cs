using Reliability.Experiments.ChaosMesh;

namespace Reliability.Experiments.Tests.ChaosMesh;

/// <summary>Manifests that match the CRD schema but that a cluster refuses (API server and Chaos Mesh's webhook) are refused here, with their place.</summary>
public sealed class AdmissionRulesTests : IDisposable
{
    private static readonly ChaosMeshSchemas Schemas = ChaosMeshSchemas.Load();
    private readonly string _scratch = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"admission-{Guid.NewGuid():N}")).FullName;

    [Theory]
    [InlineData("name: 123", 4, "metadata.name", "is not a string")]
    [InlineData("name: Pod_Kill", 4, "metadata.name", "is not a DNS-1123 subdomain")]
    [InlineData("name: ok\n  namespace: Task.Manager", 5, "metadata.namespace", "is not a DNS-1123 label")]
    [InlineData("name: ok\n  namespace: 7", 5, "metadata.namespace", "is not a string")]
    public void Object_names_a_cluster_refuses_are_refused(string metadata, int line, string field, string message)
    {
        var problems = Validate($"""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: PodChaos
            metadata:
              {metadata}
            spec:
              action: pod-kill
              mode: one
              selector: {"{"} labelSelectors: {"{"} app: sut {"}"} {"}"}
            """);
        problems.Should().Contain(p => p.Path == field && p.Line == line && p.Message.Contains(message), string.Join("\n", problems));
    }

    [Theory]
    [InlineData("action: pod-kill\n  mode: fixed\n  value: \"0\"", "spec.value", "at least one pod")]
    [InlineData("action: pod-kill\n  mode: fixed\n  value: \"two\"", "spec.value", "whole number")]
    [InlineData("action: pod-kill\n  mode: fixed", "spec.value", "whole number")]
    [InlineData("action: pod-kill\n  mode: fixed-percent\n  value: \"150\"", "spec.value", "from 1 to 100")]
    [InlineData("action: pod-kill\n  mode: random-max-percent\n  value: \"0\"", "spec.value", "from 1 to 100")]
    [InlineData("action: pod-failure\n  mode: one\n  duration: 30", "spec.duration", "must be a string")]
    [InlineData("action: pod-failure\n  mode: one\n  duration: 1d", "spec.duration", "not a Go duration")]
    [InlineData("action: container-kill\n  mode: one", "spec.containerNames", "at least one container")]
    [InlineData("action: container-kill\n  mode: one\n  containerNames: []", "spec.containerNames", "at least one container")]
    public void Pod_chaos_the_webhook_refuses_is_refused(string spec, string field, string message)
    {
        var problems = Validate($"""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: PodChaos
            metadata: {"{"} name: broken {"}"}
            spec:
              selector: {"{"} labelSelectors: {"{"} app: sut {"}"} {"}"}
              {spec}
            """);
        problems.Should().Contain(p => p.Path == field && p.Message.Contains(message) && p.Line >= 5, string.Join("\n", problems));
    }

    [Theory]
    [InlineData("action: delay\n  direction: both\n  delay: { latency: 100ms }", "spec.direction", "needs a target")]
    [InlineData("action: delay\n  delay: { latency: 100 }", "spec.delay.latency", "must be a string")]
    [InlineData("action: delay\n  delay: { latency: \"1d\" }", "spec.delay.latency", "does not match")]
    [InlineData("action: delay\n  delay: { latency: 100ms, jitter: 5 seconds }", "spec.delay.jitter", "does not match")]
    [InlineData("action: delay\n  delay: { latency: 100ms, correlation: \"150\" }", "spec.delay.correlation", "from 0 to 100")]
    [InlineData("action: loss\n  loss: { loss: \"lots\" }", "spec.loss.loss", "not a number")]
    [InlineData("action: loss\n  loss: { loss: \"NaN\" }", "spec.loss.loss", "not a number")]
    [InlineData("action: loss\n  loss: { loss: \"-5\" }", "spec.loss.loss", "from 0 to 100")]
    [InlineData("action: partition\n  direction: to\n  target: { mode: fixed, value: \"0\", selector: { labelSelectors: { app: postgres } } }", "spec.target.value", "at least one pod")]
    public void Network_chaos_the_webhook_refuses_is_refused(string spec, string field, string message)
    {
        var problems = Validate($"""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: NetworkChaos
            metadata: {"{"} name: broken {"}"}
            spec:
              mode: all
              selector: {"{"} labelSelectors: {"{"} app: sut {"}"} {"}"}
              {spec}
            """);
        problems.Should().Contain(p => p.Path == field && p.Message.Contains(message), string.Join("\n", problems));
    }

    [Fact]
    public void A_partition_in_both_directions_needs_no_target_and_a_good_manifest_passes()
    {
        Validate("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: NetworkChaos
            metadata: { name: fine, namespace: task-manager }
            spec:
              action: partition
              mode: fixed-percent
              value: "50"
              direction: both
              duration: 1m30s
              selector: { labelSelectors: { app: sut } }
            """).Should().BeEmpty();
    }

    [Theory]
    [InlineData("entry: missing", "spec.entry", "'missing' is not one of the templates")]
    [InlineData("entry: \"\"", "spec.entry", "is required")]
    [InlineData("entry: start\nextra: Serial", "spec.extra", "unknown field")]
    public void A_workflow_entry_must_name_a_template(string entry, string field, string message)
    {
        var problems = Validate(Workflow(entry, """
            - name: start
              templateType: Serial
              deadline: 30s
              children: [kill]
            - name: kill
              templateType: PodChaos
              deadline: 20s
              podChaos: { action: pod-kill, mode: one, selector: { labelSelectors: { app: sut } } }
            """));
        problems.Should().Contain(p => p.Path == field && p.Message.Contains(message), string.Join("\n", problems));
    }

    [Theory]
    [InlineData("- name: start\n  templateType: Serial\n  children: [nowhere]", "spec.templates[0].children[0]", "'nowhere' is not one of the templates")]
    [InlineData("- name: start\n  templateType: Suspend", "spec.templates[0].deadline", "needs a deadline")]
    [InlineData("- name: start\n  templateType: Suspend\n  deadline: 10d", "spec.templates[0].deadline", "not a Go duration")]
    [InlineData("- name: start\n  templateType: Suspend\n  deadline: 10s\n- name: start\n  templateType: Suspend\n  deadline: 5s", "spec.templates[1].name", "names another template")]
    [InlineData("- name: Start_Here\n  templateType: Suspend\n  deadline: 10s", "spec.templates[0].name", "DNS-1123 label")]
    [InlineData("- name: start\n  templateType: Meteor", "spec.templates[0].templateType", "'Meteor' is not a template type")]
    [InlineData("- name: start\n  templateType: PodChaos\n  deadline: 10s", "spec.templates[0].podChaos", "is required for templateType PodChaos")]
    [InlineData("- name: start\n  templateType: PodChaos\n  deadline: 10s\n  podChaos: { action: pod-failure, mode: one, duration: 30s, selector: { labelSelectors: { app: sut } } }", "spec.templates[0].podChaos.duration", "template's deadline")]
    [InlineData("- name: start\n  templateType: NetworkChaos\n  deadline: 10s\n  networkChaos: { action: delay, mode: fixed, value: \"0\", delay: { latency: 10ms }, selector: { labelSelectors: { app: sut } } }", "spec.templates[0].networkChaos.value", "at least one pod")]
    public void Workflow_templates_must_hang_together(string templates, string field, string message)
    {
        var problems = Validate(Workflow("entry: start", templates));
        problems.Should().Contain(p => p.Path == field && p.Message.Contains(message), string.Join("\n", problems));
    }

    [Fact]
    public void A_workflow_without_templates_is_refused()
    {
        Validate(Workflow("entry: start", "[]")).Should().Contain(p => p.Path == "spec.templates");
    }

    [Theory]
    [InlineData("0 3 * * 2", true)]
    [InlineData("*/15 0-6 1,15 jan-jun mon-fri", true)]
    [InlineData("@weekly", true)]
    [InlineData("@every 1h30m", true)]
    [InlineData("CRON_TZ=Europe/Paris 0 3 * * 2", true)]
    [InlineData("0 3 * *", false)]
    [InlineData("61 3 * * 2", false)]
    [InlineData("0 3 * * 8", false)]
    [InlineData("@fortnightly", false)]
    [InlineData("@every soon", false)]
    [InlineData("0 5-3 * * *", false)]
    public void A_schedule_is_cron_as_chaos_mesh_reads_it(string cron, bool valid)
    {
        var problems = Validate($"""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: Schedule
            metadata: {"{"} name: weekly {"}"}
            spec:
              schedule: "{cron}"
              type: PodChaos
              historyLimit: 5
              concurrencyPolicy: Forbid
              podChaos: {"{"} action: pod-kill, mode: one, selector: {"{"} labelSelectors: {"{"} app: sut {"}"} {"}"} {"}"}
            """);
        if (valid)
        {
            problems.Should().BeEmpty(string.Join("\n", problems));
        }
        else
        {
            problems.Should().ContainSingle(p => p.Path == "spec.schedule" && p.Line == 5, string.Join("\n", problems));
        }
    }

    [Fact]
    public void The_spec_a_schedule_creates_is_checked_too()
    {
        var problems = Validate("""
            apiVersion: chaos-mesh.org/v1alpha1
            kind: Schedule
            metadata: { name: weekly }
            spec:
              schedule: "@daily"
              type: PodChaos
              historyLimit: 5
              concurrencyPolicy: Forbid
              podChaos: { action: pod-kill, mode: fixed, value: "-1", selector: { labelSelectors: { app: sut } } }
            """);
        problems.Should().ContainSingle(p => p.Path == "spec.podChaos.value");
    }

    /// <param name="entry">Lines of the spec before the templates, from column 0.</param>
    /// <param name="templates">The template list as YAML from column 0.</param>
    private static string Workflow(string entry, string templates) =>
        "apiVersion: chaos-mesh.org/v1alpha1\nkind: Workflow\nmetadata: { name: flow }\nspec:\n"
        + Indent(entry, 2) + "\n  templates:\n" + Indent(templates, 4) + "\n";

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));

    private IReadOnlyList<ManifestProblem> Validate(string yaml)
    {
        var path = Path.Combine(_scratch, $"{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return new ManifestValidator(Schemas).Validate(path);
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);
}
