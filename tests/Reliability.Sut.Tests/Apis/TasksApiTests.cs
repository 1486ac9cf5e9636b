using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Apis;

[Collection(SutCollection.Name)]
public sealed class TasksApiTests(SutFixture fixture)
{
    [Fact]
    public async Task Create_get_update_list_and_delete_a_task()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var due = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.FromHours(9));

        var created = await user.Client.PostAsJsonAsync("/api/tasks", new { title = "write runbook", description = "line 1\nline 2", priority = "HIGH", dueDate = due });
        created.StatusCode.Should().Be(HttpStatusCode.Created);
        var task = await created.Content.ReadFromJsonAsync<JsonElement>();
        var id = task.GetProperty("id").GetInt64();
        created.Headers.Location!.ToString().Should().Be($"/api/tasks/{id}");
        task.GetProperty("userId").GetInt64().Should().Be(user.Id);
        task.GetProperty("status").GetString().Should().Be("TODO");
        task.GetProperty("priority").GetString().Should().Be("HIGH");
        task.GetProperty("dueDate").GetDateTimeOffset().Should().Be(due);

        var fetched = await user.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
        fetched.GetProperty("description").GetString().Should().Be("line 1\nline 2");

        var updated = await user.Client.PutAsJsonAsync($"/api/tasks/{id}", new { status = "IN_PROGRESS" });
        updated.StatusCode.Should().Be(HttpStatusCode.OK);
        var after = await updated.Content.ReadFromJsonAsync<JsonElement>();
        after.GetProperty("status").GetString().Should().Be("IN_PROGRESS");
        after.GetProperty("title").GetString().Should().Be("write runbook", "a PUT keeps fields it does not name");

        var list = await user.Client.GetFromJsonAsync<JsonElement>("/api/tasks?status=IN_PROGRESS");
        list.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().Equal(id);
        list.GetProperty("total").GetInt64().Should().Be(1);

        (await user.Client.DeleteAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await user.Client.GetAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await user.Client.DeleteAsync($"/api/tasks/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task List_pages_through_the_callers_tasks()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        for (var i = 0; i < 5; i++)
        {
            await user.CreateTaskAsync($"task {i}");
        }
        var page2 = await user.Client.GetFromJsonAsync<JsonElement>("/api/tasks?page=2&pageSize=2");
        page2.GetProperty("items").GetArrayLength().Should().Be(2);
        page2.GetProperty("items")[0].GetProperty("title").GetString().Should().Be("task 2");
        page2.GetProperty("total").GetInt64().Should().Be(5);
        var beyond = await user.Client.GetFromJsonAsync<JsonElement>("/api/tasks?page=9&pageSize=2");
        beyond.GetProperty("items").GetArrayLength().Should().Be(0);
        beyond.GetProperty("total").GetInt64().Should().Be(5);
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("status=DOING", "status")]
    [InlineData("status=%27%20OR%201%3D1--", "status")]
    public async Task List_rejects_bad_query_parameters_naming_the_field(string query, string field)
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var response = await user.Client.GetAsync($"/api/tasks?{query}");
        await Problem.ShouldBeValidation(response, field);
    }

    [Fact]
    public async Task Create_names_every_bad_field()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var response = await user.Client.PostAsJsonAsync("/api/tasks", new { title = new string('x', 201), status = "LATER", priority = "URGENT" });
        var errors = await Problem.ShouldBeValidation(response, "title");
        errors.Should().ContainKeys("status", "priority");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("nul\u0000inside")]
    [InlineData("bell\u0007")]
    [InlineData("line\nbreak")]
    public async Task Titles_that_are_blank_or_hold_control_characters_are_400(string title)
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var response = await user.Client.PostAsJsonAsync("/api/tasks", new { title });
        await Problem.ShouldBeValidation(response, "title");
    }

    [Fact]
    public async Task A_ten_thousand_character_title_is_400()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var response = await user.Client.PostAsJsonAsync("/api/tasks", new { title = new string('t', 10_000) });
        await Problem.ShouldBeValidation(response, "title");
    }

    [Fact]
    public async Task A_lone_surrogate_is_400_not_a_database_error()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var content = new StringContent("{\"title\":\"bad \\ud800 text\"}", Encoding.UTF8, "application/json");
        var response = await user.Client.PostAsync("/api/tasks", content);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task Sql_injection_text_is_stored_verbatim_because_all_sql_is_parameterized()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        const string hostile = "x'); DROP TABLE tasks; --";
        var id = await user.CreateTaskAsync(hostile);
        var fetched = await user.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}");
        fetched.GetProperty("title").GetString().Should().Be(hostile);
        (await user.Client.GetAsync("/api/tasks")).StatusCode.Should().Be(HttpStatusCode.OK, "the table is still there");
    }

    [Theory]
    [InlineData("{\"title\": ")]
    [InlineData("{\"title\": 42}")]
    [InlineData("not json at all")]
    [InlineData("{\"title\":\"x\",\"dueDate\":\"yesterday\"}")]
    public async Task Malformed_json_is_400(string body)
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await user.Client.PostAsync("/api/tasks", content);
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_413()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var content = new StringContent($"{{\"title\":\"t\",\"description\":\"{new string('d', 70 * 1024)}\"}}", Encoding.UTF8, "application/json");
        var response = await user.Client.PostAsync("/api/tasks", content);
        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [InlineData("/api/tasks/abc")]
    [InlineData("/api/tasks/99999999999999999999999")]
    [InlineData("/api/tasks/1;DROP%20TABLE%20tasks")]
    public async Task Non_numeric_ids_are_404(string path)
    {
        using var user = await ApiUser.CreateAsync(fixture);
        (await user.Client.GetAsync(path)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_task_id_is_404_problem()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        var response = await user.Client.GetAsync("/api/tasks/987654321");
        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }
}
