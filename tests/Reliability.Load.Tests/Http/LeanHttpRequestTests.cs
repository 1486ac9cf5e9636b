using System.Buffers;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using Reliability.Load.Http;

namespace Reliability.Load.Tests.Http;

/// <summary>The lean client's requests with headers and JSON bodies, and the response bodies it keeps when asked.</summary>
public sealed class LeanHttpRequestTests
{
    [Fact]
    public async Task Kestrel_reads_the_method_path_authorization_and_JSON_body_as_sent_and_the_chunked_answer_is_kept()
    {
        await using var server = await TestServer.StartAsync();
        var target = Target(server.Address);
        using var connection = new LeanHttpConnection(target, CancellationToken.None);

        var posted = await SendAsync(connection, target, HttpMethod.Post, "echo?page=1", "Bearer a.b.c", """{"title":"task 1","priority":"MEDIUM"}""");
        var put = await SendAsync(connection, target, HttpMethod.Put, "echo", "Bearer a.b.c", """{"status":"DONE"}""");
        var deleted = await SendAsync(connection, target, HttpMethod.Delete, "echo", "Bearer d.e.f", null);

        posted.Should().Equal(new Dictionary<string, string?>
        {
            ["method"] = "POST", ["path"] = "/echo?page=1", ["authorization"] = "Bearer a.b.c",
            ["contentType"] = "application/json", ["body"] = """{"title":"task 1","priority":"MEDIUM"}""",
        });
        put["method"].Should().Be("PUT");
        put["body"].Should().Be("""{"status":"DONE"}""");
        deleted["method"].Should().Be("DELETE");
        deleted["authorization"].Should().Be("Bearer d.e.f");
        deleted["body"].Should().BeEmpty();
        connection.Opened.Should().Be(1, "bodies are framed exactly, so the connection stays usable");
    }

    [Fact]
    public async Task A_body_is_kept_across_many_reads_whether_sized_or_chunked_and_only_when_asked()
    {
        var sized = Enumerable.Range(0, 100_000).Select(i => (byte)('a' + i % 26)).ToArray();
        var chunks = Enumerable.Range(0, 50).Select(i => new string((char)('A' + i % 26), 1024)).ToList();
        await using var server = new ScriptedServer()
            .Reply([.. Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"), .. sized])
            .Reply("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n" + string.Concat(chunks.Select(c => "400\r\n" + c + "\r\n")) + "0\r\n\r\n")
            .Reply("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        var target = Target(server.Address);
        using var connection = new LeanHttpConnection(target, CancellationToken.None);
        var request = target.Get("x");

        (await connection.SendAsync(request, keepBody: true)).Should().Be(200);
        connection.Body.ToArray().Should().Equal(sized);
        (await connection.SendAsync(request, keepBody: true)).Should().Be(201);
        Encoding.ASCII.GetString(connection.Body.Span).Should().Be(string.Concat(chunks));
        (await connection.SendAsync(request)).Should().Be(200);
        connection.Body.IsEmpty.Should().BeTrue("a body not asked for is read past, not kept");
    }

    [Fact]
    public void Plain_paths_join_the_base_path_and_a_path_that_leaves_the_target_or_a_header_with_a_line_break_is_refused()
    {
        var target = Target(new Uri("http://127.0.0.1:8080/prefix/"));
        var buffer = new ArrayBufferWriter<byte>();

        target.Write(buffer, HttpMethod.Put, "api/tasks/42?x=1", "Bearer t", """{"a":1}"""u8);
        var text = Encoding.ASCII.GetString(buffer.WrittenSpan);
        text.Should().Be("PUT /prefix/api/tasks/42?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: reliability-load\r\nAccept: */*\r\n"
            + "Authorization: Bearer t\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
        target.Write(buffer, HttpMethod.Post, "api/../health", null, default);
        Encoding.ASCII.GetString(buffer.WrittenSpan).Should().StartWith("POST /prefix/health HTTP/1.1\r\n").And.Contain("Content-Length: 0\r\n",
            "a POST without a body says so, or the server waits for one");

        target.Invoking(t => t.Write(buffer, HttpMethod.Get, "http://example.com/x", null, default)).Should().Throw<ArgumentException>().WithMessage("*leaves the run's target*");
        target.Invoking(t => t.Write(buffer, HttpMethod.Get, "x", "Bearer t\r\nX-Injected: 1", default)).Should().Throw<ArgumentException>().WithMessage("*line break*");
    }

    private static LeanHttpTarget Target(Uri address)
    {
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        return LeanHttpTarget.For(http)!;
    }

    private static async Task<Dictionary<string, string?>> SendAsync(LeanHttpConnection connection, LeanHttpTarget target, HttpMethod method, string path, string? authorization, string? json)
    {
        target.Write(connection.Request, method, path, authorization, json is null ? default : Encoding.UTF8.GetBytes(json));
        (await connection.SendAsync(connection.Request.WrittenMemory, keepBody: true)).Should().Be(200);
        return JsonSerializer.Deserialize<Dictionary<string, string?>>(connection.Body.Span)!;
    }
}
