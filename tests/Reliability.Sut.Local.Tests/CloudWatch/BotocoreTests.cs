using System.Diagnostics;
using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Sut.Local.Tests.CloudWatch;

/// <summary>
/// The AWS CLI's own engine against the stand-in: Debian's botocore (python3-botocore, what scripts/test.sh
/// installs) builds, signs and parses every call over the AWS Query protocol, as `aws cloudwatch` does.
/// </summary>
public sealed class BotocoreTests : IAsyncLifetime
{
    private CloudWatchStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await CloudWatchStandIn.StartAsync(TimeProvider.System);

    [Fact]
    public async Task Botocore_puts_an_alarm_and_metrics_then_reads_the_alarm_its_history_and_the_data_back()
    {
        const string script = """
            import datetime, json, sys, time, botocore.session
            url, key, secret, region, alarm_file = sys.argv[1:6]
            client = botocore.session.get_session().create_client("cloudwatch", region_name=region, endpoint_url=url,
                aws_access_key_id=key, aws_secret_access_key=secret)
            print("protocol", client.meta.service_model.protocol)
            alarm = json.load(open(alarm_file))
            alarm["Period"] = 1
            client.put_metric_alarm(**alarm)
            dims = alarm["Dimensions"]
            now = datetime.datetime.now(datetime.timezone.utc)
            client.put_metric_data(Namespace="AWS/ApplicationELB", MetricData=[
                {"MetricName": "HealthyHostCount", "Dimensions": dims, "Timestamp": now - datetime.timedelta(seconds=s), "Value": 1.0, "Unit": "Count"} for s in range(1, 6)])
            deadline = time.time() + 10
            state = None
            while time.time() < deadline:
                state = client.describe_alarms(AlarmNames=[alarm["AlarmName"]])["MetricAlarms"][0]["StateValue"]
                if state == "ALARM":
                    break
                time.sleep(0.2)
            print("state", state)
            history = client.describe_alarm_history(AlarmName=alarm["AlarmName"], HistoryItemType="StateUpdate")["AlarmHistoryItems"]
            print("history", [json.loads(h["HistoryData"])["newState"]["stateValue"] for h in history])
            data = client.get_metric_data(StartTime=now - datetime.timedelta(seconds=10), EndTime=now + datetime.timedelta(seconds=1), MetricDataQueries=[
                {"Id": "h", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "HealthyHostCount", "Dimensions": dims}, "Period": 1, "Stat": "Minimum"}}])
            print("values", data["MetricDataResults"][0]["Values"])
            try:
                botocore.session.get_session().create_client("cloudwatch", region_name=region, endpoint_url=url,
                    aws_access_key_id=key, aws_secret_access_key="wrong").describe_alarms()
            except Exception as e:
                print("forged", e.response["Error"]["Code"])
            """;
        var alarmFile = Path.Combine(AppContext.BaseDirectory, "deploy", "aws", "alarms", "low-healthy-hosts.json");

        var output = await PythonAsync(script, _standIn.Address.ToString(), _standIn.Credentials.AccessKey, _standIn.Credentials.SecretKey, _standIn.Region, alarmFile);

        output.Should().Contain("protocol query").And.Contain("state ALARM", "one healthy host is under the threshold of 2, twice");
        output.Should().Contain("'ALARM'").And.Contain("values [1.0, 1.0, 1.0, 1.0, 1.0]").And.Contain("forged SignatureDoesNotMatch");
    }

    private static async Task<string> PythonAsync(string script, params string[] args)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        // No profile, region or endpoint of the machine may leak in.
        foreach (var name in new[] { "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_CLOUDWATCH" })
        {
            info.Environment.Remove(name);
        }
        using var process = Process.Start(info)!;
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
        return (await output) + (await error);
    }

    public async Task DisposeAsync() => await _standIn.DisposeAsync();
}
