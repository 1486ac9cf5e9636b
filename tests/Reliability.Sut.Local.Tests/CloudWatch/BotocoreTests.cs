using System.Diagnostics;
using Reliability.Sut.Local.Monitoring.CloudWatch;

namespace Reliability.Sut.Local.Tests.CloudWatch;

/// <summary>
/// The AWS CLI's own engine against the stand-in: botocore builds, signs and parses every call. Debian's
/// (python3-botocore, what scripts/test.sh installs) speaks AWS Query to CloudWatch; current releases speak
/// Smithy RPC v2 CBOR. Each python3 found is tried, and the protocol it says it spoke must be the one the
/// stand-in answered.
/// </summary>
public sealed class BotocoreTests : IAsyncLifetime
{
    private CloudWatchStandIn _standIn = null!;

    public async Task InitializeAsync() => _standIn = await CloudWatchStandIn.StartAsync(TimeProvider.System);

    public static TheoryData<string> Pythons() => new(new[] { "/usr/bin/python3", "python3" });

    [Theory]
    [MemberData(nameof(Pythons))]
    public async Task Botocore_puts_an_alarm_and_metrics_then_reads_the_alarm_its_history_and_the_data_back(string python)
    {
        const string script = """
            import datetime, json, sys, time, botocore.session
            url, key, secret, region, alarm_file = sys.argv[1:6]
            client = botocore.session.get_session().create_client("cloudwatch", region_name=region, endpoint_url=url,
                aws_access_key_id=key, aws_secret_access_key=secret)
            model = client.meta.service_model
            print("protocol", getattr(model, "resolved_protocol", model.protocol))
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
            # A botocore that has Smithy RPC v2 CBOR prefers JSON for CloudWatch; made to speak CBOR, it must work too.
            import botocore.model, botocore.serialize
            if "smithy-rpc-v2-cbor" in botocore.serialize.SERIALIZERS and hasattr(botocore.model, "PRIORITY_ORDERED_SUPPORTED_PROTOCOLS"):
                botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ("smithy-rpc-v2-cbor",)
                cbor = botocore.session.get_session().create_client("cloudwatch", region_name=region, endpoint_url=url,
                    aws_access_key_id=key, aws_secret_access_key=secret)
                alarm_state = cbor.describe_alarms(AlarmNames=[alarm["AlarmName"]])["MetricAlarms"][0]["StateValue"]
                values = cbor.get_metric_data(StartTime=now - datetime.timedelta(seconds=10), EndTime=now + datetime.timedelta(seconds=1), MetricDataQueries=[
                    {"Id": "h", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "HealthyHostCount", "Dimensions": dims}, "Period": 1, "Stat": "Minimum"}}])["MetricDataResults"][0]["Values"]
                try:
                    cbor.get_metric_data(StartTime=now, EndTime=now - datetime.timedelta(seconds=10), MetricDataQueries=[
                        {"Id": "h", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "HealthyHostCount", "Dimensions": dims}, "Period": 1, "Stat": "Minimum"}}])
                except Exception as e:
                    print("cbor error", e.response["Error"]["Code"])
                print("cbor", cbor.meta.service_model.resolved_protocol, alarm_state, values)
            """;
        var alarmFile = Path.Combine(AppContext.BaseDirectory, "deploy", "aws", "alarms", "low-healthy-hosts.json");

        var output = await PythonAsync(python, script, _standIn.Address.ToString(), _standIn.Credentials.AccessKey, _standIn.Credentials.SecretKey, _standIn.Region, alarmFile);

        var spoken = System.Text.RegularExpressions.Regex.Match(output, "protocol (\\S+)").Groups[1].Value;
        _standIn.ProtocolsSeen.Should().Contain(spoken, output);
        output.Should().Contain("state ALARM", "one healthy host is under the threshold of 2, twice");
        if (_standIn.ProtocolsSeen.Contains("cbor"))
        {
            // A botocore with CBOR (current releases) spoke it too: answers and errors decode.
            output.Should().Contain("cbor smithy-rpc-v2-cbor ALARM [1, 1, 1, 1, 1]").And.Contain("cbor error ValidationError");
        }
        output.Should().Contain("'ALARM'").And.MatchRegex(@"values \[(1(\.0)?, ){4}1(\.0)?\]").And.Contain("forged SignatureDoesNotMatch");
    }

    private static async Task<string> PythonAsync(string python, string script, params string[] args)
    {
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
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
