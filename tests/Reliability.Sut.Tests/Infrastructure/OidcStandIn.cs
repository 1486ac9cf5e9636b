using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>
/// A local stand-in for a Keycloak realm (no real Keycloak can run here): it serves the OIDC discovery
/// document and the JWKS at Keycloak's paths, records every path requested, and signs RS256 tokens
/// with its key, as the realm would.
/// </summary>
public sealed class OidcStandIn : IDisposable
{
    private const string Realm = "/realms/tasks";
    private readonly HttpListener _listener = new();
    private readonly RSA _key = RSA.Create(2048);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public OidcStandIn()
    {
        for (var attempt = 0; ; attempt++)
        {
            Port = Reliability.Sut.Local.Processes.FreePort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try
            {
                _listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 3)
            {
            }
        }
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }
    public string Issuer => $"http://127.0.0.1:{Port}{Realm}";
    public string KeyId { get; } = "stand-in-key-1";
    public ConcurrentQueue<string> Requests { get; } = new();

    public string Sign(object payload, RSA? key = null)
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var unsigned = $"{B64(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT", kid = KeyId }))}.{B64(JsonSerializer.SerializeToUtf8Bytes(payload))}";
        var signature = (key ?? _key).SignData(Encoding.ASCII.GetBytes(unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{unsigned}.{B64(signature)}";
    }

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or HttpListenerException or ObjectDisposedException)
            {
                return;
            }
            var path = context.Request.Url!.AbsolutePath;
            Requests.Enqueue(path);
            object? body = path switch
            {
                $"{Realm}/.well-known/openid-configuration" => new Dictionary<string, object>
                {
                    ["issuer"] = Issuer,
                    ["jwks_uri"] = $"{Issuer}/protocol/openid-connect/certs",
                    ["authorization_endpoint"] = $"{Issuer}/protocol/openid-connect/auth",
                    ["token_endpoint"] = $"{Issuer}/protocol/openid-connect/token",
                    ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
                    ["response_types_supported"] = new[] { "code" },
                    ["subject_types_supported"] = new[] { "public" },
                },
                $"{Realm}/protocol/openid-connect/certs" => new { keys = new[] { Jwk() } },
                _ => null,
            };
            context.Response.StatusCode = body is null ? 404 : 200;
            context.Response.ContentType = "application/json";
            if (body is not null)
            {
                await context.Response.OutputStream.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(body));
            }
            context.Response.Close();
        }
    }

    private Dictionary<string, string> Jwk()
    {
        static string B64(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var parameters = _key.ExportParameters(false);
        return new() { ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId, ["n"] = B64(parameters.Modulus!), ["e"] = B64(parameters.Exponent!) };
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        _key.Dispose();
        _stop.Dispose();
    }
}
