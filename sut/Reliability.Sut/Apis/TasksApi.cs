using Microsoft.AspNetCore.Http.HttpResults;
using Reliability.Sut.Data;
using Reliability.Sut.Security;

namespace Reliability.Sut.Apis;

internal sealed record TaskRequest(string? Title, string? Description, string? Status, string? Priority, DateTimeOffset? DueDate, bool? ClearDueDate);

internal sealed record TaskResponse(
    long Id, long UserId, string Title, string? Description, string Status, string Priority,
    DateTimeOffset? DueDate, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static TaskResponse From(TaskRecord t) =>
        new(t.Id, t.UserId, t.Title, t.Description, t.Status, t.Priority, t.DueDate, t.CreatedAt, t.UpdatedAt);
}

internal sealed record TaskPageResponse(IReadOnlyList<TaskResponse> Items, int Page, int PageSize, long Total);

internal static class TasksApi
{
    public const int MaxPageSize = 100;
    private static readonly string[] Statuses = ["TODO", "IN_PROGRESS", "DONE"];
    private static readonly string[] Priorities = ["LOW", "MEDIUM", "HIGH"];

    public static RouteGroupBuilder MapTasksApi(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks");
        tasks.MapPost("/", Create);
        tasks.MapGet("/", List);
        tasks.MapGet("/{id:long}", Get);
        tasks.MapPut("/{id:long}", Update);
        tasks.MapDelete("/{id:long}", Delete);
        return api;
    }

    // The owner is always the caller; a userId in the body is ignored by design (OWASP API1).
    private static async Task<Results<Created<TaskResponse>, ValidationProblem>> Create(
        TaskRequest request, HttpContext context, TaskStore store, CancellationToken ct)
    {
        var check = new Validation();
        var title = check.Text("title", request.Title, 200, required: true);
        var description = check.Text("description", request.Description, 10_000, required: false, multiline: true);
        var status = check.OneOf("status", request.Status, Statuses) ?? "TODO";
        var priority = check.OneOf("priority", request.Priority, Priorities) ?? "MEDIUM";
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var created = await store.CreateAsync(CurrentUser.Id(context),
            new NewTask(title!, description, status, priority, request.DueDate?.ToUniversalTime()), ct);
        return TypedResults.Created($"/api/tasks/{created.Id}", TaskResponse.From(created));
    }

    private static async Task<Results<Ok<TaskPageResponse>, ValidationProblem>> List(
        HttpContext context, TaskStore store, CancellationToken ct,
        long? userId = null, string? status = null, int? page = null, int? pageSize = null)
    {
        var check = new Validation();
        check.OneOf("status", status, Statuses);
        if (page is < 1)
        {
            check.Fail("page", "The page field must be 1 or more.");
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            check.Fail("pageSize", $"The pageSize field must be between 1 and {MaxPageSize}.");
        }
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var (p, size) = (page ?? 1, pageSize ?? 20);
        var caller = CurrentUser.Id(context);
        if (userId is { } requested && requested != caller)
        {
            // Another user's list is not the caller's to see: answer as if that user had no tasks.
            return TypedResults.Ok(new TaskPageResponse([], p, size, 0));
        }
        var result = await store.ListAsync(caller, status, p, size, ct);
        return TypedResults.Ok(new TaskPageResponse(result.Items.Select(TaskResponse.From).ToList(), p, size, result.Total));
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound>> Get(long id, HttpContext context, TaskStore store, CancellationToken ct)
    {
        var task = await store.GetAsync(CurrentUser.Id(context), id, ct);
        return task is null ? TypedResults.NotFound() : TypedResults.Ok(TaskResponse.From(task));
    }

    private static async Task<Results<Ok<TaskResponse>, NotFound, ValidationProblem>> Update(
        long id, TaskRequest request, HttpContext context, TaskStore store, CancellationToken ct)
    {
        var check = new Validation();
        var title = check.Text("title", request.Title, 200, required: false);
        if (request.Title is not null && string.IsNullOrWhiteSpace(request.Title))
        {
            check.Fail("title", "The title field must not be blank.");
        }
        var description = check.Text("description", request.Description, 10_000, required: false, multiline: true);
        var status = check.OneOf("status", request.Status, Statuses);
        var priority = check.OneOf("priority", request.Priority, Priorities);
        if (!check.IsValid)
        {
            return TypedResults.ValidationProblem(check.Errors);
        }
        var changes = new TaskChanges(title, description, status, priority, request.DueDate?.ToUniversalTime(), request.ClearDueDate == true);
        var updated = await store.UpdateAsync(CurrentUser.Id(context), id, changes, ct);
        return updated is null ? TypedResults.NotFound() : TypedResults.Ok(TaskResponse.From(updated));
    }

    private static async Task<Results<NoContent, NotFound>> Delete(long id, HttpContext context, TaskStore store, CancellationToken ct) =>
        await store.DeleteAsync(CurrentUser.Id(context), id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();
}
