using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Reliability.Sut.Configuration;
using Reliability.Sut.Observability;

namespace Reliability.Sut.Security;

internal static class AuthenticationSetup
{
    private static readonly string[] LocalAlgorithms = [SecurityAlgorithms.HmacSha256];
    private static readonly string[] OidcAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256];

    public static IServiceCollection AddSutAuthentication(this IServiceCollection services, SutSettings settings)
    {
        var jwt = settings.Jwt;
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.IncludeErrorDetails = false;
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ValidIssuer = jwt.Authority is null ? jwt.Issuer : jwt.Authority.TrimEnd('/'),
                ValidAudience = jwt.Audience,
                ClockSkew = jwt.ClockSkew,
                NameClaimType = JwtRegisteredClaimNames.Sub,
                // Pinning the algorithms refuses alg:none and algorithm-confusion tokens outright.
                ValidAlgorithms = jwt.Authority is null ? LocalAlgorithms : OidcAlgorithms,
            };
            if (jwt.Authority is null)
            {
                options.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(jwt.SigningKey);
            }
            else
            {
                options.Authority = jwt.Authority;
                options.RequireHttpsMetadata = jwt.Authority.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            }
            options.Events = new JwtBearerEvents
            {
                OnAuthenticationFailed = context =>
                {
                    Count(context.HttpContext, FailureReason(context.Exception));
                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    if (context.AuthenticateFailure is null)
                    {
                        Count(context.HttpContext, "missing_token");
                    }
                    await Problems.Unauthorized(context.HttpContext, "A valid bearer token is required.");
                },
            };
        });
        services.AddAuthorization();
        return services;
    }

    private static void Count(HttpContext context, string reason) =>
        context.RequestServices.GetRequiredService<SutMetrics>().AuthFailures.WithLabels(reason).Inc();

    private static string FailureReason(Exception exception) => exception switch
    {
        SecurityTokenExpiredException => "expired",
        SecurityTokenNotYetValidException => "not_yet_valid",
        SecurityTokenInvalidIssuerException => "wrong_issuer",
        SecurityTokenInvalidAudienceException => "wrong_audience",
        SecurityTokenInvalidAlgorithmException => "wrong_algorithm",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "bad_signature",
        _ => "malformed",
    };
}
