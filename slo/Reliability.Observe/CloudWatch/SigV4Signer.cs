using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Reliability.Observe.CloudWatch;

internal sealed record AwsCredentials(string AccessKey, string SecretKey, string? SessionToken)
{
    /// <summary>Never the secret: credentials must not reach logs or reports.</summary>
    public override string ToString() => $"AwsCredentials({AccessKey[..Math.Min(4, AccessKey.Length)]}…)";
}

/// <summary>
/// AWS Signature Version 4 (header form). Proven against AWS's published test vectors (get-vanilla and
/// others) and cross-checked against botocore, which signs requests the stand-in verifies with this code.
/// </summary>
internal static class SigV4Signer
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public static readonly string EmptyPayloadHash = Hex(SHA256.HashData([]));

    /// <summary>Signs: adds X-Amz-Date, X-Amz-Security-Token (with a session token) and Authorization.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (credentials.SessionToken is { } token)
        {
            request.Headers.Remove("X-Amz-Security-Token");
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", token);
        }
        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["host"] = request.RequestUri!.IsDefaultPort ? request.RequestUri.Host : $"{request.RequestUri.Host}:{request.RequestUri.Port}",
        };
        foreach (var (name, values) in request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>()))
        {
            var lower = name.ToLowerInvariant();
            if (lower.StartsWith("x-amz-", StringComparison.Ordinal) || lower == "content-type")
            {
                headers[lower] = string.Join(",", values);
            }
        }
        var signed = headers.Keys.Order(StringComparer.Ordinal).ToList();
        var signature = Signature(request.Method.Method, request.RequestUri, headers, signed, Hex(SHA256.HashData(body)), amzDate, credentials.SecretKey, region, service);
        request.Headers.TryAddWithoutValidation("Authorization",
            $"{Algorithm} Credential={credentials.AccessKey}/{Scope(amzDate, region, service)}, SignedHeaders={string.Join(";", signed)}, Signature={signature}");
    }

    public static string Signature(string method, Uri uri, IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> signedHeaders,
        string payloadHash, string amzDate, string secretKey, string region, string service)
    {
        var canonical = CanonicalRequest(method, uri, headers, signedHeaders, payloadHash);
        var stringToSign = $"{Algorithm}\n{amzDate}\n{Scope(amzDate, region, service)}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)))}";
        var key = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), amzDate[..8]);
        key = Hmac(key, region);
        key = Hmac(key, service);
        key = Hmac(key, "aws4_request");
        return Hex(Hmac(key, stringToSign));
    }

    public static string CanonicalRequest(string method, Uri uri, IReadOnlyDictionary<string, string> headers, IReadOnlyList<string> signedHeaders, string payloadHash)
    {
        var path = string.Join("/", uri.AbsolutePath.Split('/').Select(Uri.EscapeDataString));
        var query = string.Join("&", (uri.Query.Length > 1 ? uri.Query[1..].Split('&') : [])
            .Select(p => p.Split('=', 2))
            .Select(p => (Key: Uri.EscapeDataString(Uri.UnescapeDataString(p[0])), Value: Uri.EscapeDataString(Uri.UnescapeDataString(p.Length > 1 ? p[1] : ""))))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}"));
        var canonicalHeaders = string.Concat(signedHeaders.Select(h => $"{h}:{Collapse(headers[h])}\n"));
        return $"{method}\n{(path.Length == 0 ? "/" : path)}\n{query}\n{canonicalHeaders}\n{string.Join(";", signedHeaders)}\n{payloadHash}";
    }

    public static string Scope(string amzDate, string region, string service) => $"{amzDate[..8]}/{region}/{service}/aws4_request";

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));

    private static string Collapse(string value) => string.Join(" ", value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
