using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Sut.Local.Tests.CloudWatch;

/// <summary>
/// The AWS CLI on this machine (`aws` on PATH: a current release speaks Smithy RPC v2 CBOR to CloudWatch,
/// Debian's awscli speaks Query; scripts/test.sh installs Debian's when none is there) against the stand-in,
/// as `env up` tells a user to run it: --endpoint-url and the AWS_ variables of aws.env.
/// </summary>
public sealed class AwsCliTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("aws-cli-").FullName;
    private CloudWatchStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await CloudWatchStandIn.StartAsync(TimeProvider.System);

    [Fact]
    public async Task The_aws_cli_puts_an_alarm_and_metrics_and_reads_the_alarm_its_history_and_the_data_back()
    {
        var alarm = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "deploy", "aws", "alarms", "low-healthy-hosts.json")))!.AsObject();
        alarm["Period"] = 1;
        File.WriteAllText(Path.Combine(_dir, "alarm.json"), alarm.ToJsonString());
        var now = DateTimeOffset.UtcNow;
        var data = new JsonArray([.. Enumerable.Range(1, 5).Select(s => (JsonNode)new JsonObject
        {
            ["MetricName"] = "HealthyHostCount", ["Dimensions"] = alarm["Dimensions"]!.DeepClone(),
            ["Timestamp"] = now.AddSeconds(-s).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), ["Value"] = 1.0, ["Unit"] = "Count",
        })]);
        File.WriteAllText(Path.Combine(_dir, "data.json"), data.ToJsonString());

        await AwsAsync("cloudwatch", "put-metric-alarm", "--cli-input-json", $"file://{Path.Combine(_dir, "alarm.json")}");
        await AwsAsync("cloudwatch", "put-metric-data", "--namespace", "AWS/ApplicationELB", "--metric-data", $"file://{Path.Combine(_dir, "data.json")}");
        string state = "";
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (state != "ALARM" && DateTime.UtcNow < deadline)
        {
            var described = await AwsAsync("cloudwatch", "describe-alarms", "--alarm-names", "task-manager-low-healthy-hosts");
            state = JsonNode.Parse(described)!["MetricAlarms"]![0]!["StateValue"]!.GetValue<string>();
            await Task.Delay(TimeSpan.FromMilliseconds(300));
        }
        var history = JsonNode.Parse(await AwsAsync("cloudwatch", "describe-alarm-history", "--alarm-name", "task-manager-low-healthy-hosts", "--history-item-type", "StateUpdate"))!;
        var query = new JsonArray(new JsonObject
        {
            ["Id"] = "h",
            ["MetricStat"] = new JsonObject
            {
                ["Metric"] = new JsonObject { ["Namespace"] = "AWS/ApplicationELB", ["MetricName"] = "HealthyHostCount", ["Dimensions"] = alarm["Dimensions"]!.DeepClone() },
                ["Period"] = 1,
                ["Stat"] = "Minimum",
            },
        }).ToJsonString();
        var metrics = JsonNode.Parse(await AwsAsync("cloudwatch", "get-metric-data", "--metric-data-queries", query,
            "--start-time", now.AddSeconds(-10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"), "--end-time", now.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")))!;

        state.Should().Be("ALARM", "one healthy host is under the threshold of 2, period after period");
        history["AlarmHistoryItems"]!.AsArray().Select(h => JsonNode.Parse(h!["HistoryData"]!.GetValue<string>())!["newState"]!["stateValue"]!.GetValue<string>())
            .Should().Contain("ALARM");
        metrics["MetricDataResults"]![0]!["Values"]!.AsArray().Select(v => v!.GetValue<double>()).Should().Equal(1, 1, 1, 1, 1);
        _standIn.ProtocolsSeen.Should().ContainSingle().Which.Should().BeOneOf("cbor", "query", "json");
    }

    private async Task<string> AwsAsync(params string[] args)
    {
        var info = new ProcessStartInfo("aws") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--endpoint-url", _standIn.Address.ToString(), "--output", "json" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        // Only the stand-in's key pair: no profile, region or endpoint of the machine.
        info.Environment["AWS_ACCESS_KEY_ID"] = _standIn.Credentials.AccessKey;
        info.Environment["AWS_SECRET_ACCESS_KEY"] = _standIn.Credentials.SecretKey;
        info.Environment["AWS_DEFAULT_REGION"] = _standIn.Region;
        info.Environment["AWS_CONFIG_FILE"] = "/dev/null";
        info.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        info.Environment["AWS_PAGER"] = "";
        foreach (var name in new[] { "AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH" })
        {
            info.Environment.Remove(name);
        }
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("the AWS CLI is missing: apt-get install -y awscli (scripts/test.sh installs it as root)", ex);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            process.ExitCode.Should().Be(0, $"aws {string.Join(' ', args)}: {await error}");
            return await output;
        }
    }

    public async Task DisposeAsync()
    {
        await _standIn.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }
}
