using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Reliability.Sut.Data;
using Reliability.Sut.Security;

namespace Reliability.Sut.Apis;

internal sealed record SignUpRequest(string? Username, string? Email, string? Password);

internal sealed record UserResponse(long Id, string Username, string Email, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static UserResponse From(UserRecord user) => new(user.Id, user.Username, user.Email, user.CreatedAt, user.UpdatedAt);
}

internal static partial class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder api)
    {
        api.MapPost("/users", SignUp).AllowAnonymous().RequireRateLimiting(RateLimiting.SignupPerClient);
        api.MapGet("/users/{id:long}", GetUser);
        return api;
    }

    private static async Task<Results<Created<UserResponse>, ValidationProblem, Conflict<ProblemDetails>>> SignUp(
        SignUpRequest request, UserStore users, PasswordHashing passwords, CancellationToken ct)
    {
        var check = new Validation();
        var username = check.Text("username", request.Username, 50, required: true);
        if (username is not null && !UsernamePattern().IsMatch(username))
        {
            check.Fail("username", "The username field may hold only letters, digits, '.', '_' and '-' (3 to 50).");
        }
        var email = check.Text("email", request.Email, 100, required: true);
        if (email is not null && !EmailPattern().IsMatch(email))
        {
            check.Fail("email", "The email field must be an e-mail address.");
        }
        if (request.Password is null)
        {
            check.Fail("password", "The password field is required.");
        }
        else if (request.Password.Length is < PasswordHashing.MinLength or > PasswordHashing.MaxLength)
        {
            check.Fail("password", $"The password field must be {PasswordHashing.MinLength} to {PasswordHashing.MaxLength} characters.");
        }
        else if (!Validation.IsCleanText(request.Password, multiline: false))
        {
            check.Fail("password", "The password field contains control characters or invalid Unicode.");
        }
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }

        var hash = passwords.Hash(request.Password!);
        var (user, conflict) = await users.CreateAsync(username!, email!.ToLowerInvariant(), hash, ct);
        if (user is null)
        {
            var field = conflict == UserConflict.Email ? "email" : "username";
            return TypedResults.Conflict(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = $"A user with this {field} already exists.",
                Extensions = { ["field"] = field },
            });
        }
        return TypedResults.Created($"/api/users/{user.Id}", UserResponse.From(user));
    }

    private static async Task<Results<Ok<UserResponse>, NotFound>> GetUser(long id, HttpContext context, UserStore users, CancellationToken ct)
    {
        // Only oneself: anyone else's id looks exactly like an unknown one.
        if (id != CurrentUser.Id(context))
        {
            return TypedResults.NotFound();
        }
        var user = await users.GetAsync(id, ct);
        return user is null ? TypedResults.NotFound() : TypedResults.Ok(UserResponse.From(user));
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{3,50}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
