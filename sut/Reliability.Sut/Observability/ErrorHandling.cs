using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Reliability.Sut.Data;

namespace Reliability.Sut.Observability;

/// <summary>
/// Turns failures into problem responses: a database that cannot serve is a fast 503 with Retry-After,
/// a malformed request keeps its 4xx, anything else is a 500 without internals. Stack traces appear
/// only in Development.
/// </summary>
internal sealed class ErrorHandling(IProblemDetailsService problems, IHostEnvironment environment, ILogger<ErrorHandling> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = Classify(context, exception);
        if (status >= 500)
        {
            logger.LogWarning("Request failed with {Status}: {ExceptionType}: {Message}", status, exception.GetType().Name, exception.Message);
        }
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "1";
        }
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail };
        if (environment.IsDevelopment())
        {
            problem.Extensions["exception"] = exception.ToString();
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    private static (int Status, string Title, string Detail) Classify(HttpContext context, Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, "Bad Request", "The request could not be read."),
        _ when DatabaseFailure.IsUnavailable(exception) => (503, "Service Unavailable", "The database is unavailable; retry shortly."),
        OperationCanceledException when !context.RequestAborted.IsCancellationRequested =>
            (503, "Service Unavailable", "The request did not complete in time."),
        _ => (500, "Internal Server Error", "An unexpected error occurred."),
    };
}
