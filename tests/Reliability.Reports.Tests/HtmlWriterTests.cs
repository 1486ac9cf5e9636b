using System.Text.RegularExpressions;
using Reliability.Reports.Writers;

namespace Reliability.Reports.Tests;

public sealed class HtmlWriterTests
{
    [Fact]
    public void The_report_has_the_timeline_with_the_fault_window_the_RTO_and_the_alerts_and_fetches_nothing()
    {
        var html = HtmlWriter.Write(ResultSchemaTests.Sample());

        html.Should().StartWith("<!DOCTYPE html>");
        Regex.Matches(html, "<svg class=\"chart").Count.Should().Be(3, "throughput, latency and alert activity");
        html.Should().Contain("class=\"fault-window\"").And.Contain("RTO 21.0 s").And.Contain(">injected<");
        html.Should().Contain("<text class=\"alert-name\"").And.Contain("HighErrorRate firing from 07:00:30");
        html.Should().Contain("data-series=\"p95\"").And.Contain("data-series=\"failed/s\"");
        html.Should().Contain("<table class=\"verdicts\">").And.Contain("<span class=\"badge failed\">failed</span>");
        html.Should().Contain("<th>p99</th>").And.Contain("<th>max</th>");
        html.Should().NotContain("<script").And.NotContain("<link").And.NotContain("src=").And.NotContain("@import");
        Regex.Matches(html, "https?://").Cast<Match>().Select(m => html.Substring(m.Index, 26)).Should().OnlyContain(u => u.StartsWith("http://www.w3.org/2000/svg", StringComparison.Ordinal),
            "the only URL is the SVG namespace, which is never fetched");
    }

    [Fact]
    public void Text_from_the_evidence_is_escaped()
    {
        var sample = ResultSchemaTests.Sample();
        var hostile = sample with { Verdicts = [sample.Verdicts[0] with { Evidence = "<img src=x onerror=alert(1)>" }] };

        HtmlWriter.Write(hostile).Should().NotContain("<img").And.Contain("&lt;img src=x onerror=alert(1)&gt;");
    }
}
