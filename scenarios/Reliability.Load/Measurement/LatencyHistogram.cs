using HdrHistogram;
using HdrHistogram.Utilities;

namespace Reliability.Load.Measurement;

/// <summary>
/// Latencies in microseconds, 1 µs to 60 s, in an HdrHistogram (thread-safe writes). Mergeable with
/// <see cref="Add"/>, and serializable to HdrHistogram's compressed V2 encoding (base64), so results of
/// several engine instances can be combined later.
/// </summary>
public sealed class LatencyHistogram
{
    public const long HighestMicros = 60_000_000;
    private readonly HistogramBase _histogram;

    public LatencyHistogram(int significantDigits = 3)
    {
        _histogram = new LongConcurrentHistogram(1, HighestMicros, significantDigits);
        SignificantDigits = significantDigits;
    }

    /// <summary>The precision the histogram was made with: histograms are merged only with their like.</summary>
    internal int SignificantDigits { get; }

    public long Count => _histogram.TotalCount;

    public void Record(TimeSpan latency) =>
        _histogram.RecordValue(Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicros));

    public TimeSpan Percentile(double percentile) => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(Stable(() => _histogram.GetValueAtPercentile(percentile)));

    public TimeSpan Min => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(Stable(() => _histogram.LowestEquivalentValue(_histogram.RecordedValues().First().ValueIteratedTo)));
    public TimeSpan Max => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(_histogram.GetMaxValue());
    public TimeSpan Mean => Count == 0 ? TimeSpan.Zero : TimeSpan.FromMicroseconds(Stable(() => _histogram.GetMean()));

    /// <summary>
    /// Merges a copy of <paramref name="other"/>: the copy is taken again if a request still in flight records
    /// into it meanwhile, so the merge itself never sees a histogram change and never counts twice.
    /// </summary>
    public void Add(LatencyHistogram other)
    {
        var copy = Stable(other._histogram.Copy);
        _histogram.Add(copy);
    }

    /// <summary>
    /// HdrHistogram records safely from many threads, but a read that iterates it throws "Source has been
    /// modified during enumeration" when a value lands meanwhile (a slow request of a bucket being judged:
    /// it failed a game day in CI once). Reads have no side effects, so they are simply taken again, at most 20 times.
    /// </summary>
    private static T Stable<T>(Func<T> read)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return read();
            }
            catch (InvalidOperationException) when (attempt < 20)
            {
            }
        }
    }

    public string Encode() => Stable(EncodeOnce);

    private string EncodeOnce()
    {
        var buffer = ByteBuffer.Allocate(_histogram.GetNeededByteBufferCapacity());
        var length = _histogram.EncodeIntoCompressedByteBuffer(buffer);
        var bytes = new byte[length];
        buffer.Position = 0;
        for (var i = 0; i < length; i++)
        {
            bytes[i] = buffer.Get();
        }
        return Convert.ToBase64String(bytes);
    }

    public static LatencyHistogram Decode(string base64, int significantDigits = 3)
    {
        var buffer = ByteBuffer.Allocate(Convert.FromBase64String(base64));
        var decoded = HistogramEncoding.DecodeFromCompressedByteBuffer(buffer, 0);
        // Re-home into a concurrent histogram so the decoded copy can keep recording and merging.
        var histogram = new LatencyHistogram(significantDigits);
        histogram._histogram.Add(decoded);
        return histogram;
    }
}
