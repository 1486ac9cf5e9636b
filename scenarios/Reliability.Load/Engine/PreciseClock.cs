using System.Runtime.InteropServices;

namespace Reliability.Load.Engine;

/// <summary>
/// Waits until a timestamp without burning a core: sleeps until shortly before it, then spins the rest.
/// On Linux the sleep is a microsecond <c>usleep</c> for all but the last <see cref="SpinWindow"/>;
/// <c>Thread.Sleep(1)</c> alone woke a median 0.4 ms late here (its millisecond overshoots a gap of less
/// than one), which went straight into the open model's scheduling lag at 1,000 arrivals a second.
/// Elsewhere it falls back to 1 ms sleeps while more than 1.5 ms remain. Used by the open-model scheduler thread.
/// </summary>
internal static class PreciseClock
{
    private static readonly TimeSpan SpinWindow = TimeSpan.FromMicroseconds(150);
    // Longer waits sleep in slices, so a stop request or a test's fake clock is noticed soon.
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(5);
    private static readonly bool Microsleep = OperatingSystem.IsLinux() && CanMicrosleep();

    public static void WaitUntil(TimeProvider time, long due, CancellationToken ct)
    {
        var spinner = new SpinWait();
        while (!ct.IsCancellationRequested)
        {
            var remaining = time.GetElapsedTime(time.GetTimestamp(), due);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }
            if (Microsleep && remaining > SpinWindow)
            {
                _ = usleep((uint)Math.Min((remaining - SpinWindow).TotalMicroseconds, Slice.TotalMicroseconds));
            }
            else if (!Microsleep && remaining > TimeSpan.FromMilliseconds(1.5))
            {
                Thread.Sleep(1);
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }

    // A libc that cannot be loaded (a musl or odd layout) must not end the scheduler thread with an exception.
    private static bool CanMicrosleep()
    {
        try
        {
            return usleep(0) == 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    // DllImport, not LibraryImport: the signature is blittable, and LibraryImport would need unsafe code.
    [DllImport("libc")]
    private static extern int usleep(uint microseconds);
}
