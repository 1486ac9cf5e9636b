using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Reliability.Sut.Tests.Infrastructure;

public static class Problem
{
    /// <summary>Asserts a 400 ValidationProblem that names <paramref name="field"/>; returns all its errors.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> ShouldBeValidation(HttpResponseMessage response, string field)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = body.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        errors.Should().ContainKey(field);
        return errors;
    }
}
