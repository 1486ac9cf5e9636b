using Microsoft.AspNetCore.Http.HttpResults;
using Reliability.Sut.Data;
using Reliability.Sut.Observability;
using Reliability.Sut.Security;

namespace Reliability.Sut.Apis;

internal sealed record LoginRequest(string? Username, string? Password);

internal sealed record LoginResponse(string AccessToken, string TokenType, int ExpiresIn);

internal static class AuthApi
{
    private const string BadCredentials = "The username or password is incorrect.";

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder api)
    {
        api.MapPost("/auth/login", Login).AllowAnonymous().RequireRateLimiting(RateLimiting.LoginPerClient);
        return api;
    }

    private static async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult, EmptyHttpResult>> Login(
        LoginRequest request, HttpContext context, UserStore users, PasswordHashing passwords, TokenIssuer tokens,
        LoginThrottle throttle, SutMetrics metrics, CancellationToken ct)
    {
        var check = new Validation();
        var username = check.Text("username", request.Username, 50, required: true);
        if (request.Password is null)
        {
            check.Fail("password", "The password field is required.");
        }
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        if (throttle.TryAcquire(username!) is { } retryAfter)
        {
            await RateLimiting.Reject(context, LoginThrottle.Policy, retryAfter);
            return TypedResults.Empty;
        }

        // Unknown users and wrong passwords take the same path through the KDF and get the same answer.
        var password = request.Password!.Length <= PasswordHashing.MaxLength ? request.Password : "";
        var credentials = await users.GetCredentialsAsync(username!, ct);
        var (valid, needsRehash) = passwords.Verify(credentials?.PasswordHash, password);
        if (!valid || credentials is null)
        {
            metrics.AuthFailures.WithLabels("bad_credentials").Inc();
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: BadCredentials);
        }
        if (needsRehash)
        {
            await users.UpdatePasswordHashAsync(credentials.Id, passwords.Hash(password), ct);
        }
        var token = tokens.Issue(credentials.Id, username!);
        return TypedResults.Ok(new LoginResponse(token.Token, "Bearer", token.ExpiresInSeconds));
    }
}
