using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Reliability.Sut;

/// <summary>RFC 9457 problem responses used outside the typed-result paths.</summary>
internal static class Problems
{
    public static ProblemHttpResult UnauthorizedResult(string detail) =>
        TypedResults.Problem(new ProblemDetails { Status = 401, Title = "Unauthorized", Detail = detail });

    public static async Task Unauthorized(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await UnauthorizedResult(detail).ExecuteAsync(context);
    }

    public static async Task Write(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await TypedResults.Problem(new ProblemDetails { Status = status, Title = title, Detail = detail }).ExecuteAsync(context);
    }
}
