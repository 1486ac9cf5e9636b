using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Security;

/// <summary>OWASP API1: user B can neither see nor touch user A's objects, and ids leak nothing.</summary>
[Collection(SutCollection.Name)]
public sealed class ObjectLevelAuthorizationTests(SutFixture fixture)
{
    [Fact]
    public async Task Another_users_task_is_404_on_get_update_and_delete_and_stays_intact()
    {
        using var alice = await ApiUser.CreateAsync(fixture, "alice");
        using var bob = await ApiUser.CreateAsync(fixture, "bob");
        var aliceTask = await alice.CreateTaskAsync("alice's secret");

        (await bob.Client.GetAsync($"/api/tasks/{aliceTask}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bob.Client.PutAsJsonAsync($"/api/tasks/{aliceTask}", new { title = "pwned" })).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await bob.Client.DeleteAsync($"/api/tasks/{aliceTask}")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        var still = await alice.Client.GetFromJsonAsync<JsonElement>($"/api/tasks/{aliceTask}");
        still.GetProperty("title").GetString().Should().Be("alice's secret");
    }

    [Fact]
    public async Task Another_users_id_looks_exactly_like_a_missing_one()
    {
        using var alice = await ApiUser.CreateAsync(fixture, "alice");
        using var bob = await ApiUser.CreateAsync(fixture, "bob");
        var aliceTask = await alice.CreateTaskAsync();
        var foreign = await bob.Client.GetAsync($"/api/tasks/{aliceTask}");
        var missing = await bob.Client.GetAsync("/api/tasks/999999999");
        foreign.StatusCode.Should().Be(missing.StatusCode);
        (await WithoutTraceId(foreign)).Should().Be(await WithoutTraceId(missing));
    }

    [Fact]
    public async Task Lists_show_only_the_callers_tasks_even_when_asking_for_another_user()
    {
        using var alice = await ApiUser.CreateAsync(fixture, "alice");
        using var bob = await ApiUser.CreateAsync(fixture, "bob");
        var aliceTask = await alice.CreateTaskAsync();
        var bobTask = await bob.CreateTaskAsync();

        var own = await bob.Client.GetFromJsonAsync<JsonElement>("/api/tasks?pageSize=100");
        own.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().Equal(bobTask);

        var snooping = await bob.Client.GetFromJsonAsync<JsonElement>($"/api/tasks?userId={alice.Id}");
        snooping.GetProperty("items").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()).Should().NotContain(aliceTask).And.BeEmpty();
    }

    [Fact]
    public async Task The_owner_comes_from_the_token_never_from_the_body()
    {
        using var alice = await ApiUser.CreateAsync(fixture, "alice");
        using var bob = await ApiUser.CreateAsync(fixture, "bob");
        var response = await bob.Client.PostAsJsonAsync("/api/tasks", new { title = "planted", userId = alice.Id });
        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("userId").GetInt64().Should().Be(bob.Id);
        var aliceList = await alice.Client.GetFromJsonAsync<JsonElement>("/api/tasks");
        aliceList.GetProperty("total").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task A_user_profile_is_visible_only_to_its_owner()
    {
        using var alice = await ApiUser.CreateAsync(fixture, "alice");
        using var bob = await ApiUser.CreateAsync(fixture, "bob");
        (await alice.Client.GetAsync($"/api/users/{alice.Id}")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await bob.Client.GetAsync($"/api/users/{alice.Id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<string> WithoutTraceId(HttpResponseMessage response)
    {
        var body = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        body.Remove("traceId");
        return body.ToJsonString();
    }
}
