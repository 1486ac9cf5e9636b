using System.Net;
using Reliability.Sut.Tests.Infrastructure;

namespace Reliability.Sut.Tests.Security;

/// <summary>OWASP API8: nothing about the server leaks, and oversized requests are cut off by Kestrel.</summary>
[Collection(SutCollection.Name)]
public sealed class HardeningTests(SutFixture fixture)
{
    [Theory]
    [InlineData("/health")]
    [InlineData("/api/tasks")]
    [InlineData("/no/such/path")]
    public async Task Responses_carry_no_server_header_and_nosniff(string path)
    {
        using var client = fixture.Client();
        using var response = await client.GetAsync(path);
        response.Headers.Server.Should().BeEmpty();
        response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff).Should().BeTrue();
        nosniff.Should().Equal("nosniff");
    }

    [Fact]
    public async Task Oversized_headers_are_refused_before_the_application()
    {
        using var client = fixture.Client();
        client.DefaultRequestHeaders.TryAddWithoutValidation("X-Padding", new string('a', 40 * 1024));
        using var response = await client.GetAsync("/health");
        response.StatusCode.Should().Be(HttpStatusCode.RequestHeaderFieldsTooLarge);
    }

    [Fact]
    public async Task A_page_far_past_the_end_is_an_empty_page_not_an_error()
    {
        using var user = await ApiUser.CreateAsync(fixture);
        using var response = await user.Client.GetAsync($"/api/tasks?page={int.MaxValue}&pageSize=100");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"items\":[]");
    }
}
