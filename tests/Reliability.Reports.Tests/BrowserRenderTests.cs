using Reliability.Reports.Writers;

namespace Reliability.Reports.Tests;

/// <summary>
/// The HTML report as a reader sees it: rendered by headless Chromium (Debian's `chromium`), offline,
/// from a file. The result rendered is a real zone-failure run of the embedded environment (a fixture).
/// With RELIABILITY_SCREENSHOTS set to a folder, the screenshot is kept there: the README's image comes from here.
/// </summary>
public sealed class BrowserRenderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("report-render-").FullName;

    [Fact]
    public async Task Chromium_renders_the_timeline_the_alerts_and_the_verdicts_on_a_laptop_screen()
    {
        var model = ResultJson.Read(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "zone-failure.result.json")));
        var page = Path.Combine(_dir, "report.html");
        File.WriteAllText(page, HtmlWriter.Write(model));

        var dom = await Chromium.RunAsync("--dump-dom", $"file://{page}");
        var screenshot = Path.Combine(Environment.GetEnvironmentVariable("RELIABILITY_SCREENSHOTS") is { Length: > 0 } keep ? keep : _dir, "report-zone-failure.png");
        await Chromium.RunAsync("--hide-scrollbars", "--window-size=1280,1900", $"--screenshot={screenshot}", $"file://{page}");

        dom.Should().Contain("<svg class=\"chart\"").And.Contain("class=\"fault-window\"").And.Contain("RTO 34.0 s");
        dom.Should().Contain("TaskManagerAvailabilityBudgetBurn").And.Contain("<table class=\"verdicts\">");
        var png = File.ReadAllBytes(screenshot);
        png[..8].Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        // Width and height from the IHDR chunk: a laptop-sized page.
        var width = (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19];
        width.Should().Be(1280);
        png.Length.Should().BeGreaterThan(50_000, "a blank page compresses to almost nothing");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
