using System.Security.Cryptography;
using System.Text;

namespace Reliability.Sut.Configuration;

/// <summary>
/// Token settings. HS256 with JWT_SIGNING_KEY by default; with JWT_AUTHORITY set, tokens come from
/// that OIDC issuer (Keycloak in production) and are checked against its discovery document.
/// </summary>
internal sealed record JwtSettings
{
    public const int MinimumKeyBytes = 32;

    public required byte[] SigningKey { get; init; }
    public bool SigningKeyIsEphemeral { get; init; }
    public string Issuer { get; init; } = "reliability-sut";
    public string Audience { get; init; } = "reliability-sut";
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromSeconds(900);
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
    public string? Authority { get; init; }

    public static JwtSettings From(SettingsReader reader, bool isDevelopment)
    {
        var authority = reader.Optional("JWT_AUTHORITY");
        var key = reader.Optional("JWT_SIGNING_KEY");
        byte[] keyBytes;
        var ephemeral = false;
        if (key is null)
        {
            if (!isDevelopment && authority is null)
            {
                throw new SettingsException("JWT_SIGNING_KEY",
                    $"is required outside the Development environment (at least {MinimumKeyBytes} bytes): without it tokens could not be checked across replicas or restarts");
            }
            // Development only: a random key per process, so tokens do not survive a restart.
            keyBytes = RandomNumberGenerator.GetBytes(MinimumKeyBytes);
            ephemeral = true;
        }
        else
        {
            keyBytes = Encoding.UTF8.GetBytes(key);
            if (keyBytes.Length < MinimumKeyBytes)
            {
                throw new SettingsException("JWT_SIGNING_KEY", $"must be at least {MinimumKeyBytes} bytes long for HS256, got {keyBytes.Length}");
            }
        }
        return new JwtSettings
        {
            SigningKey = keyBytes,
            SigningKeyIsEphemeral = ephemeral,
            Issuer = reader.String("JWT_ISSUER", "reliability-sut"),
            Audience = reader.String("JWT_AUDIENCE", "reliability-sut"),
            TokenLifetime = TimeSpan.FromSeconds(reader.Int("JWT_TTL_SECONDS", 900, min: 30, max: 86_400)),
            ClockSkew = TimeSpan.FromSeconds(reader.Int("JWT_CLOCK_SKEW_SECONDS", 30, min: 0, max: 300)),
            Authority = authority,
        };
    }

    // Records print their members; a key must never reach a log line that way.
    public override string ToString() => $"JwtSettings {{ Issuer = {Issuer}, Audience = {Audience}, Authority = {Authority ?? "(local HS256)"} }}";
}
