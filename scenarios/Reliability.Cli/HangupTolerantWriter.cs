using System.Text;

namespace Reliability.Cli;

/// <summary>
/// The console, as seen once its terminal may be gone: after a hang-up, writes to the terminal fail with
/// EIO, and the run must still roll back and stop what it started. Such failures are swallowed.
/// </summary>
internal sealed class HangupTolerantWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Guard(() => inner.Write(value));

    public override void Write(string? value) => Guard(() => inner.Write(value));

    public override void WriteLine(string? value) => Guard(() => inner.WriteLine(value));

    public override void Flush() => Guard(inner.Flush);

    private static void Guard(Action write)
    {
        try
        {
            write();
        }
        catch (IOException)
        {
        }
    }
}
