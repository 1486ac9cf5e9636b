using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Reliability.Bench.Load;

/// <summary>
/// A stand-in for the task-manager API the CRUD scenario calls, in memory, for the bench that measures the
/// scenario's client CPU: same routes, statuses and JSON shapes as sut/Reliability.Sut (answered, as there,
/// as chunked JSON), none of its database or password KDF, so the figure is the generator's own cost.
/// It checks that a bearer token is present, not that it is valid.
/// </summary>
internal static class TaskApiStandIn
{
    internal sealed record TaskBody(string? Title, string? Description, string? Status, string? Priority);

    internal sealed record TaskJson(long Id, long UserId, string Title, string? Description, string Status, string Priority,
        DateTimeOffset? DueDate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

    public static void MapTaskApi(this IEndpointRouteBuilder app)
    {
        var tasks = new ConcurrentDictionary<long, TaskJson>();
        long ids = 0;
        app.MapPost("/api/users", () => Results.Json(new { id = Interlocked.Increment(ref ids) }, statusCode: 201));
        app.MapPost("/api/auth/login", () => Results.Json(new { accessToken = "bench.token.value", tokenType = "Bearer", expiresIn = 3600 }));
        var api = app.MapGroup("/api/tasks").AddEndpointFilter(async (context, next) =>
            context.HttpContext.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal) ? await next(context) : Results.Unauthorized());
        api.MapPost("/", (TaskBody body) =>
        {
            var now = DateTimeOffset.UtcNow;
            var task = new TaskJson(Interlocked.Increment(ref ids), 1, body.Title ?? "", body.Description, body.Status ?? "TODO", body.Priority ?? "MEDIUM", null, now, now);
            tasks[task.Id] = task;
            return Results.Created($"/api/tasks/{task.Id}", task);
        });
        api.MapGet("/{id:long}", (long id) => tasks.TryGetValue(id, out var task) ? Results.Ok(task) : Results.NotFound());
        api.MapPut("/{id:long}", (long id, TaskBody body) =>
        {
            if (!tasks.TryGetValue(id, out var task))
            {
                return Results.NotFound();
            }
            task = task with { Status = body.Status ?? task.Status, Description = body.Description ?? task.Description, UpdatedAt = DateTimeOffset.UtcNow };
            tasks[id] = task;
            return Results.Ok(task);
        });
        api.MapDelete("/{id:long}", (long id) => tasks.TryRemove(id, out _) ? Results.NoContent() : Results.NotFound());
    }
}
