using System.Text;
using FluentAssertions;
using Reliability.Load.Http;

namespace Reliability.Load.Tests.Http;

public sealed class ChunkedBodyTests
{
    private const string Body = "5;ext=1\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n";

    [Fact]
    public void Consumes_a_whole_body_at_once()
    {
        var body = new ChunkedBody();
        body.Consume(Encoding.ASCII.GetBytes(Body)).Should().Be(Body.Length);
        body.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void Consumes_a_body_that_arrives_a_byte_at_a_time_keeping_partial_lines()
    {
        var bytes = Encoding.ASCII.GetBytes(Body);
        var body = new ChunkedBody();
        var pending = new List<byte>();
        foreach (var b in bytes)
        {
            body.IsComplete.Should().BeFalse();
            pending.Add(b);
            var consumed = body.Consume(pending.ToArray());
            pending.RemoveRange(0, consumed);
        }
        body.IsComplete.Should().BeTrue();
        pending.Should().BeEmpty();
    }

    [Fact]
    public void Stops_at_the_end_of_the_body()
    {
        var body = new ChunkedBody();
        body.Consume(Encoding.ASCII.GetBytes("0\r\n\r\nHTTP/1.1")).Should().Be(5);
        body.IsComplete.Should().BeTrue();
    }

    [Theory]
    [InlineData("zz\r\n")]
    [InlineData("2\r\nokXX")]
    public void Malformed_chunks_are_protocol_errors(string input) =>
        FluentActions.Invoking(() => new ChunkedBody().Consume(Encoding.ASCII.GetBytes(input))).Should().Throw<MalformedResponseException>();
}
