using System.Diagnostics;

namespace Reliability.Reports.Tests;

/// <summary>Debian's headless Chromium, offline, on a file: what a reader of a report sees (the DOM, or a screenshot).</summary>
internal static class Chromium
{
    public static async Task<string> RunAsync(params string[] args)
    {
        var binary = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("headless Chromium is missing: apt-get install -y chromium (scripts/test.sh installs it as root)");
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        process.ExitCode.Should().Be(0, await error);
        return await output;
    }
}
