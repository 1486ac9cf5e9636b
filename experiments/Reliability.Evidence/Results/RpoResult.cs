namespace Reliability.Evidence.Results;

/// <summary>
/// What reconciliation found: acknowledged writes missing or stale in the database (lost), entities
/// whose last write had no acknowledgement (ambiguous: they may legitimately differ), and the span
/// of the lost writes' acknowledgement times (the data-loss window).
/// </summary>
internal sealed record RpoResult(long Checked, long Lost, long Missing, long Stale, long Ambiguous, DateTimeOffset? FirstLostAck, DateTimeOffset? LastLostAck, IReadOnlyList<long> LostIds)
{
    public TimeSpan LossWindow => FirstLostAck is { } a && LastLostAck is { } b ? b - a : TimeSpan.Zero;
}
