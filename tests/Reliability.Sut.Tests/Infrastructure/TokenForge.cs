using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Reliability.Sut.Tests.Infrastructure;

/// <summary>
/// Builds JWTs by hand, byte for byte, so hostile tokens (alg none, wrong key, bad claims) do not depend
/// on the library under test to be made.
/// </summary>
public static class TokenForge
{
    public static string Hs256(string key, object payload, object? header = null) =>
        Sign(header ?? new { alg = "HS256", typ = "JWT" }, payload, Encoding.UTF8.GetBytes(key));

    public static string Unsigned(object payload) =>
        $"{Encode(new { alg = "none", typ = "JWT" })}.{Encode(payload)}.";

    public static object Claims(long sub, DateTimeOffset? now = null, string iss = "reliability-sut", string aud = "reliability-sut",
        TimeSpan? expiresIn = null, TimeSpan? notBeforeIn = null)
    {
        var t = now ?? DateTimeOffset.UtcNow;
        return new Dictionary<string, object>
        {
            ["sub"] = sub.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["iss"] = iss,
            ["aud"] = aud,
            ["iat"] = t.ToUnixTimeSeconds(),
            ["nbf"] = (t + (notBeforeIn ?? TimeSpan.Zero)).ToUnixTimeSeconds(),
            ["exp"] = (t + (expiresIn ?? TimeSpan.FromMinutes(5))).ToUnixTimeSeconds(),
        };
    }

    private static string Sign(object header, object payload, byte[] key)
    {
        var unsigned = $"{Encode(header)}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url(signature)}";
    }

    private static string Encode(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
