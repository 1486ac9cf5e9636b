using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Reliability.Sut.Configuration;

namespace Reliability.Sut.Security;

internal sealed record AccessToken(string Token, int ExpiresInSeconds);

/// <summary>Issues HS256 access tokens whose subject is the user id.</summary>
internal sealed class TokenIssuer(SutSettings settings, TimeProvider time)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials = new(
        new SymmetricSecurityKey(settings.Jwt.SigningKey), SecurityAlgorithms.HmacSha256);

    public AccessToken Issue(long userId, string username)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var lifetime = settings.Jwt.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Jwt.Issuer,
            Audience = settings.Jwt.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = _credentials,
            Subject = new ClaimsIdentity(
            [
                new Claim(JwtRegisteredClaimNames.Sub, userId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.PreferredUsername, username),
                new Claim(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
            ]),
        });
        return new AccessToken(token, (int)lifetime.TotalSeconds);
    }
}
