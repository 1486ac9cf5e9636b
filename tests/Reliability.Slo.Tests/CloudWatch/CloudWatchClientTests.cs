using System.Diagnostics;
using Reliability.Slo.CloudWatch;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.Tests.CloudWatch;

/// <summary>The CloudWatch client against <see cref="CloudWatchStandIn"/> (no AWS from here), and botocore against the same stand-in.</summary>
public sealed class CloudWatchClientTests : IAsyncLifetime
{
    private CloudWatchStandIn _aws = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _aws = await CloudWatchStandIn.StartAsync();
        _http = new HttpClient { BaseAddress = _aws.Address };
    }

    [Fact]
    public async Task GetMetricData_follows_NextToken_and_merges_the_pages_per_query()
    {
        var client = Client();
        var queries = new[]
        {
            new MetricDataQuery("errors", new MetricStat("AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", [new("LoadBalancer", "app/task-manager/1")], 60, "Sum")),
            new MetricDataQuery("ratio", Expression: "errors / requests * 100"),
        };

        var results = await client.GetMetricDataAsync(queries, CloudWatchStandIn.T0, CloudWatchStandIn.T0.AddMinutes(5));

        _aws.Calls.Should().HaveCount(2).And.OnlyContain(c => c.Target == "GraniteServiceVersion20100801.GetMetricData");
        var first = _aws.Calls.First().Body;
        first["StartTime"]!.GetValue<long>().Should().Be(CloudWatchStandIn.T0.ToUnixTimeSeconds());
        first["MetricDataQueries"]![0]!["MetricStat"]!["Metric"]!["Dimensions"]![0]!["Value"]!.GetValue<string>().Should().Be("app/task-manager/1");
        first["MetricDataQueries"]![1]!["Expression"]!.GetValue<string>().Should().Be("errors / requests * 100");
        _aws.Calls.Last().Body["NextToken"]!.GetValue<string>().Should().Be("page-2");
        var errors = results.Single(r => r.Id == "errors");
        errors.Points.Select(p => p.Value).Should().Equal(1, 2, 3);
        errors.Points[2].At.Should().Be(CloudWatchStandIn.T0.AddMinutes(2));
        errors.StatusCode.Should().Be("Complete");
    }

    [Fact]
    public async Task DescribeAlarms_and_the_StateUpdate_history_with_old_and_new_states()
    {
        var client = Client();

        var alarms = await client.DescribeAlarmsAsync(["task-manager-alb-5xx"]);
        var history = await client.DescribeAlarmHistoryAsync("task-manager-alb-5xx", CloudWatchStandIn.T0, CloudWatchStandIn.T0.AddHours(1));

        alarms.Should().ContainSingle().Which.Should().Be(new MetricAlarm("task-manager-alb-5xx", "ALARM", CloudWatchStandIn.T0.AddSeconds(120.5),
            "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", 10, "GreaterThanThreshold"));
        history.Select(h => (h.OldState, h.NewState, h.At)).Should().Equal(
            ("OK", "ALARM", CloudWatchStandIn.T0.AddMinutes(3)), ("ALARM", "OK", CloudWatchStandIn.T0.AddMinutes(9)));
        _aws.Calls.Last().Body["HistoryItemType"]!.GetValue<string>().Should().Be("StateUpdate");
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_the_services_error_code()
    {
        var client = new CloudWatchClient(_http, _ => Task.FromResult(new AwsCredentials(CloudWatchStandIn.AccessKey, "not-the-secret", null)), CloudWatchStandIn.Region, retries: 0, time: TimeProvider.System);

        var act = () => client.DescribeAlarmsAsync();

        (await act.Should().ThrowAsync<CloudWatchException>()).Which.Should().Match<CloudWatchException>(e => e.Code == "SignatureDoesNotMatch" && e.Status == 403);
    }

    [Fact]
    public async Task Credentials_session_token_and_region_come_from_the_environment_through_AWSSDK_Core()
    {
        var saved = new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION" }.ToDictionary(k => k, Environment.GetEnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", CloudWatchStandIn.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", CloudWatchStandIn.SecretKey);
            Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "session-token-1");
            Environment.SetEnvironmentVariable("AWS_REGION", CloudWatchStandIn.Region);
            Amazon.Runtime.FallbackRegionFactory.Reset();
            _aws.ExpectedToken = "session-token-1";
            using var http = new HttpClient();

            var alarms = await CloudWatchClient.FromEnvironment(http, TimeProvider.System, _aws.Address).DescribeAlarmsAsync();

            alarms.Should().ContainSingle();
            _aws.Calls.Single().Token.Should().Be("session-token-1");
        }
        finally
        {
            foreach (var (key, value) in saved)
            {
                Environment.SetEnvironmentVariable(key, value);
            }
            Amazon.Runtime.FallbackRegionFactory.Reset();
        }
    }

    [Fact]
    public async Task Botocore_signs_requests_that_this_signer_verifies_and_a_tampered_body_is_refused()
    {
        // A real AWS client (botocore's SigV4Auth) signs; the stand-in checks the signature with SigV4Signer.
        var ok = await BotocoreAsync(tamper: false);
        var tampered = await BotocoreAsync(tamper: true);

        ok.Should().StartWith("200 ").And.Contain("task-manager-alb-5xx");
        tampered.Should().StartWith("403 ").And.Contain("SignatureDoesNotMatch");
        _aws.Calls.Should().ContainSingle().Which.Token.Should().Be("botocore-token");
    }

    private CloudWatchClient Client() =>
        new(_http, _ => Task.FromResult(new AwsCredentials(CloudWatchStandIn.AccessKey, CloudWatchStandIn.SecretKey, "token-1")), CloudWatchStandIn.Region, time: TimeProvider.System);

    private async Task<string> BotocoreAsync(bool tamper)
    {
        const string script = """
            import json, sys, urllib.request, urllib.error
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            url, secret, tamper = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
            body = json.dumps({"AlarmNames": ["task-manager-alb-5xx"]})
            request = AWSRequest(method="POST", url=url, data=body, headers={
                "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "GraniteServiceVersion20100801.DescribeAlarms"})
            SigV4Auth(Credentials("AKIDEXAMPLE", secret, "botocore-token"), "monitoring", "us-east-1").add_auth(request)
            sent = (body.replace("5xx", "4xx") if tamper else body).encode()
            try:
                response = urllib.request.urlopen(urllib.request.Request(url, data=sent, headers=dict(request.headers), method="POST"))
                print(response.status, response.read().decode())
            except urllib.error.HTTPError as e:
                print(e.code, e.read().decode())
            """;
        // Debian's python3 with python3-botocore (what scripts/test.sh installs), whatever python3 comes first on PATH.
        var info = new ProcessStartInfo(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", script, _aws.Address.ToString(), CloudWatchStandIn.SecretKey, tamper ? "1" : "0" })
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (await output).Trim() + (await error);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _aws.DisposeAsync();
    }
}
