using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Reliability.Observe.CloudWatch;

namespace Reliability.Sut.Local.Monitoring.CloudWatch;

/// <summary>
/// A STAND-IN for Amazon CloudWatch, which cannot run here: a loopback endpoint that answers PutMetricData,
/// GetMetricData, PutMetricAlarm, DescribeAlarms and DescribeAlarmHistory in CloudWatch's wire formats (AWS
/// JSON 1.0 as current AWS CLIs send it, AWS Query as Debian's does, and Smithy RPC v2 CBOR), refuses any request whose SigV4 signature (service "monitoring") does not verify
/// against the one key pair it accepts, and evaluates alarms every second by CloudWatch's documented rules.
/// Clients cannot tell it from the service, but for what it leaves out: one account and region, periods of any
/// whole number of seconds (the environment compresses time as it does for Prometheus rules), six hours of
/// data, no alarm actions (an ALARM is recorded, nothing is notified).
/// </summary>
internal sealed class CloudWatchStandIn : IAsyncDisposable
{
    private static readonly TimeSpan AllowedSkew = TimeSpan.FromMinutes(15);
    private readonly WebApplication _app;
    private readonly CloudWatchApi _api;
    private readonly Alarms _alarms;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private Task _evaluation = Task.CompletedTask;

    private CloudWatchStandIn(WebApplication app, AwsCredentials credentials, string region, TimeProvider time, TimeSpan? retention)
    {
        _app = app;
        _time = time;
        Credentials = credentials;
        Region = region;
        var store = new MetricStore(time, retention);
        _alarms = new Alarms(store, time);
        _api = new CloudWatchApi(store, _alarms, time);
    }

    public Uri Address { get; private set; } = null!;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _protocolsSeen = new();

    /// <summary>The wire protocols clients have spoken to it (json, query, cbor): a test says which one a client used.</summary>
    internal IReadOnlyCollection<string> ProtocolsSeen => [.. _protocolsSeen.Keys];
    /// <summary>The one key pair it accepts, made for this run: local, throwaway, and still never printed whole.</summary>
    public AwsCredentials Credentials { get; }
    public string Region { get; }

    /// <param name="retention">How much history it keeps (six hours by default; a report over 30 backfilled days needs more).</param>
    public static async Task<CloudWatchStandIn> StartAsync(TimeProvider time, string region = "us-east-1", AwsCredentials? credentials = null, TimeSpan? retention = null, CancellationToken ct = default)
    {
        credentials ??= new AwsCredentials("AKIALOCAL" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)), null);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new CloudWatchStandIn(app, credentials, region, time, retention);
        app.MapPost("/", (Delegate)standIn.HandleAsync);
        app.MapPost(CborWire.PathPrefix + "{operation}", (Delegate)standIn.HandleAsync);
        await app.StartAsync(ct);
        standIn.Address = new Uri(app.Urls.First() + "/");
        standIn._evaluation = standIn.EvaluateLoopAsync();
        return standIn;
    }

    /// <summary>Evaluates every alarm now (tests on a fake clock call it; the running stand-in does it every second).</summary>
    internal void EvaluateAlarms() => _alarms.EvaluateAll();

    private async Task EvaluateLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                _alarms.EvaluateAll();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        var body = buffer.ToArray();
        var requestId = Guid.NewGuid().ToString();
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        var target = context.Request.Headers["X-Amz-Target"].FirstOrDefault();
        var path = context.Request.Path.Value ?? "/";
        var protocol = path.StartsWith(CborWire.PathPrefix, StringComparison.Ordinal) ? Protocol.Cbor : target is not null ? Protocol.Json : Protocol.Query;
        _protocolsSeen[protocol.ToString().ToLowerInvariant()] = true;
        if (protocol == Protocol.Cbor)
        {
            context.Response.Headers["smithy-protocol"] = "rpc-v2-cbor";
        }
        try
        {
            if (Verify(context.Request, body) is { } problem)
            {
                throw new CloudWatchFault(problem.Code, problem.Message, 403);
            }
            var (operation, input) = protocol switch
            {
                Protocol.Cbor => (path[CborWire.PathPrefix.Length..], CborWire.Decode(body)),
                Protocol.Json => (target!.StartsWith(AwsWire.TargetPrefix, StringComparison.Ordinal) ? target[AwsWire.TargetPrefix.Length..] : throw new CloudWatchFault("UnknownOperationException", $"unknown target {target}"),
                    JsonNode.Parse(body.Length == 0 ? "{}"u8 : body)?.AsObject() ?? []),
                _ => Query(body),
            };
            var result = _api.Invoke(operation, input);
            return protocol switch
            {
                Protocol.Cbor => Results.Bytes(CborWire.Encode(result), CborWire.ContentType),
                Protocol.Json => Results.Content(AwsWire.ToJson(result), "application/x-amz-json-1.0"),
                _ => Results.Content(AwsWire.ToXml(operation, result, requestId), "text/xml"),
            };
        }
        catch (Exception ex) when (ex is CloudWatchFault or System.Text.Json.JsonException or InvalidOperationException or System.Formats.Cbor.CborContentException)
        {
            var fault = ex as CloudWatchFault ?? new CloudWatchFault("SerializationException", ex.Message);
            context.Response.StatusCode = fault.Status;
            // CloudWatch is query-compatible: JSON and CBOR errors carry the Query error code and its side.
            context.Response.Headers["x-amzn-query-error"] = $"{fault.Code};{(fault.Status < 500 ? "Sender" : "Receiver")}";
            return protocol switch
            {
                Protocol.Cbor => Results.Bytes(CborWire.Encode(new JsonObject { ["__type"] = $"com.amazonaws.cloudwatch#{fault.Code}", ["message"] = fault.Message }), CborWire.ContentType),
                Protocol.Json => Results.Content(AwsWire.ErrorJson(fault.Code, fault.Message), "application/x-amz-json-1.0"),
                _ => Results.Content(AwsWire.ErrorXml(fault.Code, fault.Message, fault.Status < 500, requestId), "text/xml"),
            };
        }
    }

    private static (string Operation, JsonObject Input) Query(byte[] body)
    {
        var form = System.Web.HttpUtility.ParseQueryString(Encoding.UTF8.GetString(body));
        var fields = form.AllKeys.OfType<string>().Select(k => KeyValuePair.Create(k, form[k] ?? "")).ToList();
        return (form["Action"] ?? throw new CloudWatchFault("MissingAction", "No Action given."), AwsWire.FromQuery(fields));
    }

    private enum Protocol
    {
        Json,
        Query,
        Cbor,
    }

    /// <summary>SigV4 (header form) checked as AWS checks it: key, scope, time, signed headers and signature.</summary>
    private (string Code, string Message)? Verify(HttpRequest request, byte[] body)
    {
        var authorization = request.Headers.Authorization.FirstOrDefault();
        if (authorization is null || !authorization.StartsWith(SigV4Signer.Algorithm + " ", StringComparison.Ordinal))
        {
            return ("MissingAuthenticationToken", "Request is missing Authentication Token");
        }
        var parts = authorization[(SigV4Signer.Algorithm.Length + 1)..].Split(',', StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (!parts.TryGetValue("Credential", out var credential) || !parts.TryGetValue("SignedHeaders", out var signedHeaders) || !parts.TryGetValue("Signature", out var signature))
        {
            return ("IncompleteSignature", "Authorization header requires Credential, SignedHeaders and Signature.");
        }
        var scope = credential.Split('/');
        if (scope.Length != 5 || scope[0] != Credentials.AccessKey)
        {
            return ("InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        if (scope[2] != Region || scope[3] != "monitoring" || scope[4] != "aws4_request")
        {
            return ("SignatureDoesNotMatch", $"Credential should be scoped to a valid region ('{Region}') and service ('monitoring'), not '{scope[2]}/{scope[3]}'.");
        }
        var amzDate = request.Headers["X-Amz-Date"].FirstOrDefault() ?? "";
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var signedAt)
            || amzDate[..8] != scope[1])
        {
            return ("IncompleteSignature", "X-Amz-Date is missing or does not match the credential scope.");
        }
        if ((signedAt - _time.GetUtcNow()).Duration() > AllowedSkew)
        {
            return ("SignatureDoesNotMatch", $"Signature expired: {amzDate} is more than 15 minutes from the server's time.");
        }
        var names = signedHeaders.Split(';');
        if (!names.Contains("host"))
        {
            return ("SignatureDoesNotMatch", "The host header must be signed.");
        }
        var headers = names.ToDictionary(n => n, n => n == "host" ? request.Host.Value ?? "" : string.Join(",", request.Headers[n].ToArray()), StringComparer.Ordinal);
        var uri = new Uri($"http://{request.Host.Value}{request.Path}{request.QueryString}");
        var expected = SigV4Signer.Signature(request.Method, uri, headers, names, SigV4Signer.Hex(SHA256.HashData(body)), amzDate, Credentials.SecretKey, Region, "monitoring");
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(signature))
            ? null
            : ("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _evaluation;
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }
}
