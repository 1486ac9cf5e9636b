using System.Security.Cryptography;
using System.Text;
using Reliability.Slo.CloudWatch;
using Reliability.Observe.CloudWatch;

namespace Reliability.Slo.Tests.CloudWatch;

/// <summary>AWS's published Signature Version 4 test suite (credentials AKIDEXAMPLE, 2015-08-30 12:36:00 UTC, us-east-1, "service").</summary>
public sealed class SigV4SignerTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    [Theory]
    [InlineData("https://example.amazonaws.com/", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")]
    [InlineData("https://example.amazonaws.com/?Param2=value2&Param1=value1", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")]
    public void The_published_vectors_give_the_published_signatures(string url, string signature)
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

        SigV4Signer.Signature("GET", new Uri(url), headers, ["host", "x-amz-date"], SigV4Signer.EmptyPayloadHash, "20150830T123600Z", Secret, "us-east-1", "service")
            .Should().Be(signature);
    }

    [Fact]
    public void The_get_vanilla_canonical_request_hashes_as_published()
    {
        var headers = new Dictionary<string, string> { ["host"] = "example.amazonaws.com", ["x-amz-date"] = "20150830T123600Z" };

        var canonical = SigV4Signer.CanonicalRequest("GET", new Uri("https://example.amazonaws.com/"), headers, ["host", "x-amz-date"], SigV4Signer.EmptyPayloadHash);

        SigV4Signer.Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))).Should().Be("bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
    }

    [Fact]
    public void Signing_a_request_adds_the_date_the_token_and_an_authorization_naming_every_signed_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://example.amazonaws.com/");

        SigV4Signer.Sign(request, [], new AwsCredentials("AKIDEXAMPLE", Secret, null), "us-east-1", "service", new DateTimeOffset(2015, 8, 30, 12, 36, 0, TimeSpan.Zero));

        request.Headers.GetValues("Authorization").Single().Should().Be(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
        new AwsCredentials("AKIDEXAMPLE", Secret, "token").ToString().Should().NotContain(Secret).And.NotContain("token");
    }
}
