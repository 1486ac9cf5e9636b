using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Load.Ledger;
using Reliability.Load.Scenarios;

namespace Reliability.Targets.TaskManager;

/// <summary>
/// The load scenarios for the bundled SUT, on its real API: browse (list and get), a CRUD mix and a
/// write-heavy mix. Every acknowledged write goes into the write ledger.
/// </summary>
internal static class TaskManagerScenarios
{
    public static readonly IReadOnlyList<string> Names = ["browse", "crud", "write-heavy"];

    public static Scenario Create(string name, WriteLedger ledger, TimeProvider time)
    {
        time ??= TimeProvider.System;
        var runId = Guid.NewGuid().ToString("N")[..8];
        return name switch
        {
            "browse" => new Scenario { Name = name, Run = ctx => BrowseAsync(ctx), InitUser = (u, http, ct) => InitWithTasksAsync(u, http, runId, time, ledger, 5, ct) },
            "crud" => new Scenario { Name = name, Run = ctx => CrudAsync(ctx, ledger), InitUser = (u, http, ct) => TaskManagerSession.InitAsync(u, http, runId, time, ct) },
            "write-heavy" => new Scenario { Name = name, Run = ctx => WriteHeavyAsync(ctx, ledger), InitUser = (u, http, ct) => TaskManagerSession.InitAsync(u, http, runId, time, ct) },
            _ => throw new ArgumentException($"unknown scenario '{name}' (one of {string.Join(", ", Names)})"),
        };
    }

    private static async Task BrowseAsync(ScenarioContext ctx)
    {
        var session = TaskManagerSession.Of(ctx.User);
        await ctx.Step("list-tasks", () => Call(session.SendAsync(ctx, HttpMethod.Get, "api/tasks?page=1&pageSize=20")));
        if (session.TaskIds.Count > 0)
        {
            // The user's own seeded numbers: the same run seed reads the same tasks in the same order, shard by shard.
            var id = session.TaskIds[ctx.Random.Next(session.TaskIds.Count)];
            await ctx.Step("get-task", () => Call(session.SendAsync(ctx, HttpMethod.Get, $"api/tasks/{id}")));
        }
    }

    private static async Task CrudAsync(ScenarioContext ctx, WriteLedger ledger)
    {
        var session = TaskManagerSession.Of(ctx.User);
        long id = 0;
        var created = await ctx.Step("create-task", async () =>
        {
            (var result, id) = await WriteAsync(session.SendAsync(ctx, HttpMethod.Post, "api/tasks", new { title = $"task {ctx.Iteration}", priority = "MEDIUM" }, readBody: true), ledger, "create", ctx.User.Id);
            return result;
        });
        if (!created.IsOk)
        {
            return;
        }
        var updated = await ctx.Step("update-task", () =>
            UpdateAsync(session.SendAsync(ctx, HttpMethod.Put, $"api/tasks/{id}", new { status = "IN_PROGRESS" }, readBody: true), ledger, id, ctx.User.Id));
        await ctx.Step("get-task", () => Call(session.SendAsync(ctx, HttpMethod.Get, $"api/tasks/{id}")));
        if (updated.IsOk)
        {
            await ctx.Step("delete-task", async () =>
            {
                try
                {
                    var result = (await session.SendAsync(ctx, HttpMethod.Delete, $"api/tasks/{id}")).Result;
                    if (result.IsOk)
                    {
                        ledger.Acknowledged("task", id, "delete", null, ctx.User.Id);
                    }
                    else
                    {
                        ledger.Indeterminate("task", id, "delete", ctx.User.Id);
                    }
                    return result;
                }
                catch
                {
                    ledger.Indeterminate("task", id, "delete", ctx.User.Id);
                    throw;
                }
            });
        }
    }

    private static async Task WriteHeavyAsync(ScenarioContext ctx, WriteLedger ledger)
    {
        var session = TaskManagerSession.Of(ctx.User);
        long id = 0;
        var created = await ctx.Step("create-task", async () =>
        {
            (var result, id) = await WriteAsync(session.SendAsync(ctx, HttpMethod.Post, "api/tasks", new { title = $"write {ctx.Iteration}", description = "write-heavy load", priority = "HIGH" }, readBody: true), ledger, "create", ctx.User.Id);
            return result;
        });
        if (created.IsOk)
        {
            await ctx.Step("update-task", () =>
                UpdateAsync(session.SendAsync(ctx, HttpMethod.Put, $"api/tasks/{id}", new { status = "DONE", description = $"done in iteration {ctx.Iteration}" }, readBody: true), ledger, id, ctx.User.Id));
        }
    }

    private static async Task InitWithTasksAsync(VirtualUser user, HttpClient http, string runId, TimeProvider time, WriteLedger ledger, int tasks, CancellationToken ct)
    {
        await TaskManagerSession.InitAsync(user, http, runId, time, ct);
        var session = TaskManagerSession.Of(user);
        for (var i = 0; i < tasks; i++)
        {
            using var response = await session.SendAsync(http, HttpMethod.Post, "api/tasks", new { title = $"browse seed {i}" }, ct);
            response.EnsureSuccessStatusCode();
            var task = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            session.TaskIds.Add(task.GetProperty("id").GetInt64());
            ledger.Acknowledged("task", task.GetProperty("id").GetInt64(), "create", Hash(task), user.Id);
        }
    }

    private static async Task<StepResult> Call(ValueTask<HttpReply> call) => (await call).Result;

    /// <summary>An acknowledged write goes into the ledger with the id and content the server answered with.</summary>
    private static async Task<(StepResult Result, long Id)> WriteAsync(ValueTask<HttpReply> call, WriteLedger ledger, string op, int user)
    {
        var reply = await call;
        if (!reply.Result.IsOk)
        {
            return (reply.Result, 0);
        }
        // The body is the connection's buffer: read before the user's next request.
        using var document = JsonDocument.Parse(reply.Body);
        var id = document.RootElement.GetProperty("id").GetInt64();
        ledger.Acknowledged("task", id, op, Hash(document.RootElement), user);
        return (reply.Result, id);
    }

    /// <summary>An update of a known task: acknowledged with its new content, or recorded as indeterminate.</summary>
    private static async Task<StepResult> UpdateAsync(ValueTask<HttpReply> call, WriteLedger ledger, long id, int user)
    {
        try
        {
            var (result, _) = await WriteAsync(call, ledger, "update", user);
            if (!result.IsOk)
            {
                ledger.Indeterminate("task", id, "update", user);
            }
            return result;
        }
        catch
        {
            ledger.Indeterminate("task", id, "update", user);
            throw;
        }
    }

    internal static string Hash(JsonElement task) => TaskContentHash.Of(
        task.GetProperty("title").GetString()!,
        task.GetProperty("description").ValueKind == JsonValueKind.Null ? null : task.GetProperty("description").GetString(),
        task.GetProperty("status").GetString()!,
        task.GetProperty("priority").GetString()!,
        task.GetProperty("dueDate").ValueKind == JsonValueKind.Null ? null : task.GetProperty("dueDate").GetDateTimeOffset());
}
