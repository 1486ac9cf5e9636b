using System.Text;
using FluentAssertions;
using Reliability.Load.Http;

namespace Reliability.Load.Tests.Http;

public sealed class ResponseHeadTests
{
    private static ResponseHead Parse(string head) => ResponseHead.Parse(Encoding.ASCII.GetBytes(head));

    [Fact]
    public void Reads_the_status_and_a_content_length()
    {
        var head = Parse("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\ncontent-length:  12 ");
        head.Should().Be(new ResponseHead(503, 12, Chunked: false, KeepAlive: true));
        head.HasBody.Should().BeTrue();
    }

    [Fact]
    public void Chunked_framing_wins_over_a_content_length()
    {
        // RFC 9112 6.3: with both, Transfer-Encoding decides (and the length must be ignored).
        Parse("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: gzip, Chunked")
            .Should().Be(new ResponseHead(200, null, Chunked: true, KeepAlive: true));
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close", false)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: Upgrade, Close", false)]
    [InlineData("HTTP/1.0 200 OK", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive", true)]
    [InlineData("HTTP/1.1 200 OK", true)]
    public void Keep_alive_follows_the_version_and_the_connection_header(string head, bool keepAlive) =>
        Parse(head).KeepAlive.Should().Be(keepAlive);

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    [InlineData(101)]
    public void Some_statuses_never_have_a_body(int status) =>
        Parse($"HTTP/1.1 {status} X\r\nContent-Length: 10").HasBody.Should().BeFalse();

    [Theory]
    [InlineData("HTTP/2 200 OK")]
    [InlineData("HTTP/1.1 2x0 OK")]
    [InlineData("garbage")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 1 2")]
    public void Malformed_heads_are_protocol_errors(string head) =>
        FluentActions.Invoking(() => Parse(head)).Should().Throw<MalformedResponseException>();
}
