using System.Text.Json;
using System.Text.RegularExpressions;

namespace Reliability.Sut.Tests.Deploy;

/// <summary>The PutMetricAlarm inputs in sut/deploy/aws/alarms obey the API's own rules.</summary>
public sealed partial class CloudWatchAlarmsTests
{
    private static readonly string Folder = Repository.PathOf("sut/deploy/aws/alarms");
    private static readonly HashSet<string> Operators = ["GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold"];
    private static readonly HashSet<string> MissingData = ["breaching", "notBreaching", "ignore", "missing"];

    public static TheoryData<string> Alarms()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder, "*.json").Order())
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Fact]
    public void The_alarm_table_of_the_design_is_covered()
    {
        var metrics = Directory.EnumerateFiles(Folder, "*.json").Select(f => File.ReadAllText(f)).ToList();
        foreach (var metric in new[] { "HTTPCode_Target_5XX_Count", "RequestCount", "HealthyHostCount", "TargetResponseTime", "pod_cpu_utilization_over_pod_limit", "pod_memory_utilization_over_pod_limit", "DatabaseConnections" })
        {
            metrics.Should().Contain(m => m.Contains($"\"{metric}\"", StringComparison.Ordinal), $"an alarm on {metric}");
        }
    }

    [Theory]
    [MemberData(nameof(Alarms))]
    public void Each_alarm_is_a_well_formed_PutMetricAlarm_input(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, file)));
        var alarm = json.RootElement;
        alarm.GetProperty("AlarmName").GetString().Should().MatchRegex("^task-manager-[a-z0-9-]+$");
        Operators.Should().Contain(alarm.GetProperty("ComparisonOperator").GetString()!);
        alarm.GetProperty("EvaluationPeriods").GetInt32().Should().BePositive();
        alarm.GetProperty("Threshold").ValueKind.Should().Be(JsonValueKind.Number);
        MissingData.Should().Contain(alarm.GetProperty("TreatMissingData").GetString()!);
        if (alarm.TryGetProperty("DatapointsToAlarm", out var datapoints))
        {
            datapoints.GetInt32().Should().BeInRange(1, alarm.GetProperty("EvaluationPeriods").GetInt32());
        }

        var single = alarm.TryGetProperty("MetricName", out _);
        var math = alarm.TryGetProperty("Metrics", out var metrics);
        (single ^ math).Should().BeTrue("an alarm has either MetricName or Metrics, not both");
        if (single)
        {
            var statistic = alarm.TryGetProperty("Statistic", out _);
            var extended = alarm.TryGetProperty("ExtendedStatistic", out var percentile);
            (statistic ^ extended).Should().BeTrue("Statistic and ExtendedStatistic are exclusive, and one is required");
            if (extended)
            {
                percentile.GetString().Should().MatchRegex("^p\\d{1,2}(\\.\\d+)?$");
            }
            (alarm.GetProperty("Period").GetInt32() % 60).Should().Be(0);
        }
        else
        {
            alarm.TryGetProperty("Statistic", out _).Should().BeFalse();
            alarm.TryGetProperty("ExtendedStatistic", out _).Should().BeFalse();
            var entries = metrics.EnumerateArray().ToList();
            entries.Count(m => m.TryGetProperty("ReturnData", out var r) && r.GetBoolean()).Should().Be(1, "metric math returns exactly one series");
            var ids = entries.Select(m => m.GetProperty("Id").GetString()!).ToList();
            ids.Should().OnlyHaveUniqueItems().And.AllSatisfy(id => MetricId().IsMatch(id).Should().BeTrue($"'{id}' must start with a lower-case letter"));
            foreach (var entry in entries)
            {
                (entry.TryGetProperty("MetricStat", out _) ^ entry.TryGetProperty("Expression", out _)).Should().BeTrue("each entry is a MetricStat or an Expression");
            }
            foreach (var expression in entries.Where(e => e.TryGetProperty("Expression", out _)).Select(e => e.GetProperty("Expression").GetString()!))
            {
                Identifier().Matches(expression).Select(m => m.Value).Where(w => w == w.ToLowerInvariant() && !Functions.Contains(w))
                    .Should().BeSubsetOf(ids, "an expression may only refer to ids defined beside it");
            }
        }
    }

    [Fact]
    public void Every_alarm_validates_against_the_PutMetricAlarm_input_shape_of_botocores_service_model()
    {
        // botocore (Debian's python3-botocore) carries AWS's own API model; its validator needs no network.
        const string script = """
            import botocore.session, botocore.validate, glob, json, sys
            shape = botocore.session.get_session().get_service_model('cloudwatch').operation_model('PutMetricAlarm').input_shape
            failed = 0
            for path in sorted(glob.glob(sys.argv[1] + '/*.json')):
                report = botocore.validate.ParamValidator().validate(json.load(open(path)), shape)
                if report.has_errors():
                    failed += 1
                    print(path, report.generate_report())
            sys.exit(failed)
            """;
        var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(Folder);
        using var python = System.Diagnostics.Process.Start(info)!;
        var output = python.StandardOutput.ReadToEnd() + python.StandardError.ReadToEnd();
        python.WaitForExit();
        python.ExitCode.Should().Be(0, output);
    }

    private static readonly HashSet<string> Functions = ["if", "fill", "abs", "metrics", "sum", "avg", "min", "max"];

    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$")]
    private static partial Regex MetricId();

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();
}
